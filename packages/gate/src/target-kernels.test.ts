/**
 * Kernels of tasks with several label columns: which metric names they accept (a hostile or
 * unknown label name gets none), and their values under weights against scikit-learn 1.2.1
 * (/usr/bin/python3: accuracy_score, hamming_loss, precision/recall/f1_score(average="samples"),
 * mean_squared_error, mean_absolute_error, mean_absolute_percentage_error, r2_score, all with
 * sample_weight).
 */
import { describe, expect, it } from '@jest/globals';
import type { Interpretation } from '@mlops-gha/evaluation';
import { multilabelHoldout, WEIGHTS_8 } from '../../../test/fixtures/gate-holdouts.js';
import { hasTargetKernel, targetKernel } from './target-kernels.js';

const multilabel = multilabelHoldout(['spam', 'ads', 'news']);
const w = Uint16Array.from(WEIGHTS_8);

const regression: Interpretation = {
  task: 'regression',
  reason: 'test',
  targets: ['price', 'rent'],
  truthValues: Float64Array.from([3, 10, -0.5, 20, 2, 15, 7, 30, 4.2, 25, 1, 5, 0, 12]),
  models: [{ values: Float64Array.from([2.5, 12, 0, 18, 2, 15, 8, 33, 4, 20, 1.5, 9, -1, 12]) }],
};
const wr = Float64Array.from([1, 2, 1, 0.5, 3, 1, 2]);

describe('hasTargetKernel', () => {
  it('multilabel: subset accuracy, Hamming loss, samples averages, P/R/F1 averages and known labels', () => {
    const accepted = [
      'accuracy',
      'hamming_loss',
      'precision_samples',
      'recall_samples',
      'f1_samples',
      'precision_micro',
      'recall_macro',
      'f1_weighted',
      'f1[news]',
      'precision[spam]',
    ];
    for (const m of accepted) expect([m, hasTargetKernel(m, multilabel)]).toEqual([m, true]);
    const refused = ['f1', 'f1[nope]', 'f1[spam', 'f1[spam]]', 'f2_micro', 'mse', 'roc_auc_macro', 'f1[<script>]'];
    for (const m of refused) expect([m, hasTargetKernel(m, multilabel)]).toEqual([m, false]);
  });

  it('regression: only with several targets, and per-target names only for targets that exist', () => {
    for (const m of ['mse', 'rmse', 'mae', 'mape', 'r2', 'r2[price]', 'rmse[rent]'])
      expect([m, hasTargetKernel(m, regression)]).toEqual([m, true]);
    for (const m of ['r2[sales]', 'max_error', 'explained_variance'])
      expect([m, hasTargetKernel(m, regression)]).toEqual([m, false]);
    const single: Interpretation = { ...regression, targets: undefined };
    expect(hasTargetKernel('mse', single)).toBe(false);
    expect(targetKernel('mse', single, 0)).toBeUndefined();
  });

  it('binary and multiclass tasks have none', () => {
    const binary: Interpretation = { task: 'binary', reason: 'test', classes: ['0', '1'], models: [] };
    expect(hasTargetKernel('accuracy', binary)).toBe(false);
  });
});

describe('multilabel values under weights equal scikit-learn', () => {
  it.each([
    ['accuracy', 0.45454545454545453],
    ['hamming_loss', 0.21212121212121213],
    ['precision_samples', 0.6818181818181818],
    ['recall_samples', 0.6363636363636364],
    ['f1_samples', 0.6363636363636364],
    ['precision_micro', 0.7333333333333333],
    ['f1_macro', 0.7474747474747474],
    ['recall[news]', 0.6],
  ])('%s', (metric, expected) => {
    expect(targetKernel(metric, multilabel, 0)!.value(w, [])).toBeCloseTo(expected, 12);
  });

  it('zero_division=1 counts a row with nothing predicted or nothing true as 1', () => {
    const kernel = targetKernel('recall_samples', multilabel, 0, { zeroDivision: 1 })!;
    expect(kernel.value(w, [])).toBeCloseTo(0.8181818181818182, 12);
  });

  it("zero_division='nan' leaves rows out of the samples averages: no kernel (point values decide)", () => {
    expect(targetKernel('f1_samples', multilabel, 0, { zeroDivision: 'nan' })).toBeUndefined();
  });

  it('each row-term kernel leaves a row out exactly', () => {
    for (const metric of ['accuracy', 'hamming_loss', 'f1_samples', 'f1[ads]']) {
      const kernel = targetKernel(metric, multilabel, 0)!;
      const loo = kernel.leaveOneOut!();
      const unit = new Uint16Array(8).fill(1);
      for (const i of [0, 5, 7]) {
        const dropped = unit.map((v, j) => (j === i ? 0 : v));
        expect([metric, i, loo[i]]).toEqual([metric, i, expect.closeTo(kernel.value(dropped, []), 12)]);
      }
    }
  });
});

describe('multi-output regression values under weights equal scikit-learn', () => {
  it.each<[string, object, number]>([
    ['mse', {}, 5.291428571428571],
    ['mae', {}, 1.5047619047619047],
    ['rmse', {}, 1.8934333291135248],
    ['r2', { multioutput: 'uniform_average' }, 0.8636561708560468],
    ['r2', { multioutput: 'variance_weighted' }, 0.81106478070424],
    ['mse[price]', {}, 0.34476190476190477],
    ['r2[rent]', {}, 0.8004155247104588],
    ['rmse[rent]', {}, 3.199702367110922],
  ])('%s %j', (metric, options, expected) => {
    expect(targetKernel(metric, regression, 0, options)!.value(wr, [])).toBeCloseTo(expected, 12);
  });

  it('mape divides by max(|y|, machine epsilon), so a zero target gives a huge but finite value', () => {
    // y = 0 on the last row: scikit-learn's values are about 4.3e14 and 8.6e14
    expect(targetKernel('mape', regression, 0)!.value(wr, []) / 428914250225761.7).toBeCloseTo(1, 12);
    expect(targetKernel('mape[price]', regression, 0)!.value(wr, []) / 857828500451523.2).toBeCloseTo(1, 12);
  });

  it("combined r2 under multioutput='raw_values' is not one number: no kernel", () => {
    expect(targetKernel('r2', regression, 0, { multioutput: 'raw_values' })).toBeUndefined();
    expect(targetKernel('r2[price]', regression, 0, { multioutput: 'raw_values' })).toBeDefined();
  });
});
