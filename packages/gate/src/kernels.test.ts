/**
 * makeKernel: the single-output metrics a resample recomputes (confusion metrics, log loss,
 * Brier score, ROC AUC, regression errors) equal scikit-learn 1.2.1 with sample_weight
 * (/usr/bin/python3); which names get a kernel; DeLong placements against their definition.
 * The multi-label, multi-output and ranking kernels have their own files.
 */
import { describe, expect, it } from '@jest/globals';
import type { Interpretation } from '@mlops-gha/evaluation';
import { multiclassHoldout, WEIGHTS_8 } from '../../../test/fixtures/gate-holdouts.js';
import { confusionCodes, hasKernel, makeKernel, placements } from './kernels.js';

const truth = [0, 1, 1, 0, 1, 0, 1, 1, 0, 0];
const scores = [0.1, 0.4, 0.35, 0.8, 0.7, 0.2, 0.9, 0.35, 0.35, 0.6];
const binary: Interpretation = {
  task: 'binary',
  reason: 'test',
  classes: ['no', 'yes'],
  truthClasses: Int32Array.from(truth),
  models: [
    {
      predicted: Int32Array.from(scores, (s) => (s > 0.5 ? 1 : 0)),
      probabilities: Float64Array.from(scores.flatMap((s) => [1 - s, s])),
    },
  ],
};
const w = Uint16Array.from([1, 2, 0, 1, 3, 1, 1, 2, 1, 1]);
const unit = new Uint16Array(10).fill(1);

/** The weighted confusion matrix (true * k + predicted) the bootstrap engine hands a confusion kernel. */
function confusion(interp: Interpretation, weights: ArrayLike<number>): Float64Array {
  if (!interp.classes) return new Float64Array(0);
  const k = interp.classes.length;
  const out = new Float64Array(k * k);
  interp.truthClasses!.forEach((t, i) => (out[t * k + interp.models[0]!.predicted![i]!]! += weights[i]!));
  return out;
}

const value = (metric: string, interp: Interpretation, weights: Uint16Array | Float64Array) =>
  makeKernel(metric, interp, 0)!.value(weights, confusion(interp, weights));

describe('binary kernels equal scikit-learn, unweighted and with sample_weight', () => {
  it.each([
    ['accuracy', 0.5, 0.5384615384615384],
    ['f1', 0.4444444444444445, 0.5714285714285715],
    ['matthews_corrcoef', 0, 0.09759000729485333],
    ['log_loss', 0.6762986067840815, 0.6455866682763411],
    ['brier_score', 0.24775, 0.2321153846153846],
    ['roc_auc', 0.68, 0.7],
  ])('%s', (metric, onUnit, onWeights) => {
    expect(value(metric, binary, unit)).toBeCloseTo(onUnit, 12);
    expect(value(metric, binary, w)).toBeCloseTo(onWeights, 12);
  });

  it('log_loss_sum is the weighted sum (normalize=False)', () => {
    expect(value('log_loss_sum', binary, w)).toBeCloseTo(8.392626687592434, 12);
  });

  it('confusion kernels read the confusion matrix, row kernels the weights', () => {
    expect(makeKernel('accuracy', binary, 0)).toMatchObject({ usesConfusion: true, spec: { kind: 'confusion' } });
    expect(makeKernel('roc_auc', binary, 0)).toMatchObject({ usesConfusion: false, spec: { kind: 'auc' } });
  });

  it.each(['accuracy', 'f1', 'log_loss', 'brier_score', 'roc_auc'])(
    '%s: leaving row i out equals weight 0 on it',
    (metric) => {
      const kernel = makeKernel(metric, binary, 0)!;
      const loo = kernel.leaveOneOut!();
      for (let i = 0; i < truth.length; i++) {
        const dropped = unit.map((v, j) => (j === i ? 0 : v));
        expect([i, loo[i]]).toEqual([i, expect.closeTo(kernel.value(dropped, confusion(binary, dropped)), 12)]);
      }
    },
  );
});

describe('multiclass kernels', () => {
  const multiclass = multiclassHoldout();
  const wm = Uint16Array.from(WEIGHTS_8);

  it('one-vs-rest ROC AUC (macro and weighted) and f1_macro equal scikit-learn with sample_weight', () => {
    expect(value('roc_auc_ovr', multiclass, wm)).toBeCloseTo(0.7467592592592593, 12);
    expect(value('roc_auc_ovr_weighted', multiclass, wm)).toBeCloseTo(0.7781565656565658, 12);
    expect(value('f1_macro', multiclass, wm)).toBeCloseTo(0.26515151515151514, 12);
  });

  it("a bare 'precision' is not a multiclass metric (the rules resolve it to an average first)", () => {
    expect(hasKernel('precision', multiclass)).toBe(false);
    expect(makeKernel('precision', multiclass, 0)).toBeUndefined();
    expect(hasKernel('precision_macro', multiclass)).toBe(true);
  });
});

describe('regression kernels', () => {
  const regression: Interpretation = {
    task: 'regression',
    reason: 'test',
    truthValues: Float64Array.from([3, -0.5, 2, 7, 4.2, 1, 0]),
    models: [{ values: Float64Array.from([2.5, 0, 2, 8, 4, 1.5, -1]) }],
  };
  const wr = Uint16Array.from([1, 2, 1, 1, 3, 1, 2]);

  it.each([
    ['mse', 0.37454545454545457],
    ['rmse', 0.6120011883529758],
    ['mae', 0.5090909090909091],
  ])('%s equals scikit-learn with sample_weight', (metric, expected) => {
    expect(value(metric, regression, wr)).toBeCloseTo(expected, 12);
  });

  it('mape divides by max(|y|, machine epsilon) (the zero-target row weighs 0 here)', () => {
    expect(value('mape', regression, Uint16Array.from([1, 2, 1, 1, 3, 1, 0]))).toBeCloseTo(0.328042328042328, 12);
  });

  it('rmse leaves a row out as the root of the mse without it', () => {
    const mse = makeKernel('mse', regression, 0)!.leaveOneOut!();
    const rmse = makeKernel('rmse', regression, 0)!.leaveOneOut!();
    expect(Array.from(rmse)).toEqual(Array.from(mse, (v) => expect.closeTo(Math.sqrt(v), 14)));
  });

  it('classification metrics have no regression kernel, and a model without values none at all', () => {
    expect(makeKernel('accuracy', regression, 0)).toBeUndefined();
    expect(makeKernel('mse', { ...regression, models: [{}] }, 0)).toBeUndefined();
  });
});

describe('which names have a kernel', () => {
  it('without a holdout: the row metrics, confusion metrics and per-class names', () => {
    for (const m of ['log_loss', 'roc_auc', 'r2', 'accuracy', 'f1_macro', 'f0.5', 'recall[yes]'])
      expect([m, hasKernel(m)]).toEqual([m, true]);
    for (const m of ['explained_variance', 'max_error', 'median_absolute_error', 'nonsense', 'recall[]'])
      expect([m, hasKernel(m)]).toEqual([m, false]);
  });

  it('a model without probabilities gets no probability kernel', () => {
    const noProbs: Interpretation = { ...binary, models: [{ predicted: binary.models[0]!.predicted }] };
    for (const m of ['log_loss', 'brier_score', 'roc_auc'])
      expect([m, makeKernel(m, noProbs, 0)]).toEqual([m, undefined]);
    expect(makeKernel('accuracy', noProbs, 0)).toBeDefined();
  });
});

describe('confusionCodes and placements', () => {
  it('confusionCodes gives each row its cell true * k + predicted', () => {
    expect(Array.from(confusionCodes(binary, 0))).toEqual([0, 2, 2, 1, 3, 0, 3, 2, 0, 1]);
  });

  it("placements: a positive's share of negatives below it, a negative's share of positives above it, ties half", () => {
    const positive = Uint8Array.from(truth);
    const { values, nPos, nNeg } = placements(positive, scores);
    expect([nPos, nNeg]).toEqual([5, 5]);
    const psi = (a: number, b: number) => (a > b ? 1 : a === b ? 0.5 : 0);
    truth.forEach((t, i) => {
      const others = truth.flatMap((u, j) => (u !== t ? [scores[j]!] : []));
      const expected = others.reduce((s, o) => s + (t ? psi(scores[i]!, o) : psi(o, scores[i]!)), 0) / others.length;
      expect([i, values[i]]).toEqual([i, expect.closeTo(expected, 15)]);
    });
  });

  it('placements are NaN where the other class is absent', () => {
    const { values } = placements(Uint8Array.from([1, 1]), [0.2, 0.4]);
    expect(Array.from(values).every(Number.isNaN)).toBe(true);
  });
});
