/**
 * The ranking kernels (average precision, micro and one-vs-one ROC AUC, multilabel averages):
 * which metrics they cover, and their values on small hand-made holdouts against scikit-learn
 * 1.2.1 (/usr/bin/python3: `average_precision_score` / `roc_auc_score` on the rows repeated as
 * often as the weights say, which is what a resample's weights mean).
 */
import { describe, expect, it } from '@jest/globals';
import { METRIC_NAMES, type Interpretation } from '@mlops-gha/evaluation';
import { multiclassHoldout, multilabelHoldout, WEIGHTS_8 } from '../../../test/fixtures/gate-holdouts.js';
import { hasKernel, makeKernel } from './kernels.js';
import { hasRankingKernel, rankingKernel } from './ranking-kernels.js';

const weights = Uint16Array.from(WEIGHTS_8);
const unit = new Uint16Array(8).fill(1);

/** Positive-class scores with a tie (0.35) between a positive row and another positive row. */
const binary: Interpretation = {
  task: 'binary',
  reason: 'test',
  classes: ['0', '1'],
  truthClasses: Int32Array.from([0, 1, 1, 0, 1, 0, 1, 1]),
  models: [
    {
      predicted: Int32Array.from([0, 0, 0, 1, 1, 0, 1, 0]),
      probabilities: Float64Array.from([0.1, 0.4, 0.35, 0.8, 0.7, 0.2, 0.9, 0.35].flatMap((p) => [1 - p, p])),
    },
  ],
};

const multiclass = multiclassHoldout();
const multilabel = multilabelHoldout(['x', 'y', 'z']);

const value = (metric: string, interp: Interpretation, w: Uint16Array) =>
  rankingKernel(metric, interp, 0)!.value(w, []);

describe('which metrics have a ranking kernel', () => {
  it("the gate resamples exactly the evaluation's multilabel metrics, and its ranking kernels are their ranking ones", () => {
    const supported = METRIC_NAMES.multilabel.filter((m) => hasKernel(m, multilabel) && makeKernel(m, multilabel, 0));
    expect(supported).toEqual([...METRIC_NAMES.multilabel]);
    expect(METRIC_NAMES.multilabel.filter((m) => hasRankingKernel(m, multilabel))).toEqual([
      'roc_auc_macro',
      'roc_auc_weighted',
      'roc_auc_micro',
      'average_precision_macro',
      'average_precision_weighted',
      'average_precision_micro',
    ]);
    // Names the evaluation does not compute for multilabel tasks get no ranking kernel.
    for (const m of ['roc_auc', 'average_precision', 'roc_auc_samples', 'roc_auc_ovo', 'roc_auc_macro_x'])
      expect([m, hasRankingKernel(m, multilabel)]).toEqual([m, false]);
  });

  it('binary: average precision only; multiclass: micro and one-vs-one ROC AUC; regression: none', () => {
    expect(METRIC_NAMES.binary.filter((m) => hasRankingKernel(m, binary))).toEqual(['average_precision']);
    expect(METRIC_NAMES.multiclass.filter((m) => hasRankingKernel(m, multiclass))).toEqual([
      'roc_auc_ovr_micro',
      'roc_auc_ovo',
      'roc_auc_ovo_weighted',
    ]);
    const regression: Interpretation = {
      task: 'regression',
      reason: 'test',
      truthValues: Float64Array.from([1, 2]),
      models: [{ values: Float64Array.from([1, 2]) }],
    };
    expect(METRIC_NAMES.regression.some((m) => hasRankingKernel(m, regression))).toBe(false);
    expect(rankingKernel('roc_auc_macro', regression, 0)).toBeUndefined();
  });

  it('a model without scores or probabilities gets no kernel (the rule falls back to point values)', () => {
    const noProbs = (i: Interpretation): Interpretation => ({
      ...i,
      models: [{ predicted: i.models[0]!.predicted, predictedMatrix: i.models[0]!.predictedMatrix }],
    });
    expect(rankingKernel('average_precision', noProbs(binary), 0)).toBeUndefined();
    expect(rankingKernel('roc_auc_ovo', noProbs(multiclass), 0)).toBeUndefined();
    expect(rankingKernel('roc_auc_micro', noProbs(multilabel), 0)).toBeUndefined();
  });
});

describe('values equal scikit-learn on the rows repeated as the weights say', () => {
  it.each<[string, string, Interpretation, number, number]>([
    // task, metric, holdout, unit weights, weights [1, 2, 0, 1, 3, 1, 1, 2]
    ['binary', 'average_precision', binary, 0.8166666666666667, 0.8615079365079366],
    ['multiclass', 'roc_auc_ovo', multiclass, 0.8055555555555557, 0.7222222222222222],
    ['multiclass', 'roc_auc_ovo_weighted', multiclass, 0.8125, 0.7424242424242424],
    ['multiclass', 'roc_auc_ovr_micro', multiclass, 0.78515625, 0.743801652892562],
    ['multilabel', 'roc_auc_macro', multilabel, 0.8541666666666666, 0.811904761904762],
    ['multilabel', 'roc_auc_weighted', multilabel, 0.8541666666666666, 0.8137755102040816],
    ['multilabel', 'roc_auc_micro', multilabel, 0.8506944444444445, 0.8327067669172932],
    ['multilabel', 'average_precision_macro', multilabel, 0.8573412698412698, 0.8143097643097642],
    ['multilabel', 'average_precision_weighted', multilabel, 0.8573412698412698, 0.818109668109668],
    ['multilabel', 'average_precision_micro', multilabel, 0.8420634920634921, 0.8156931738212525],
  ])('%s %s', (_task, metric, interp, onUnit, onWeights) => {
    expect(value(metric, interp, unit)).toBeCloseTo(onUnit, 12);
    expect(value(metric, interp, weights)).toBeCloseTo(onWeights, 12);
    const kernel = rankingKernel(metric, interp, 0)!;
    expect([kernel.metric, kernel.usesConfusion]).toEqual([metric, false]);
  });

  it('a resample without a positive row is undefined (NaN), never a number', () => {
    // Only the negative rows of the binary holdout (0, 3, 5) drawn.
    const negativesOnly = Uint16Array.from([1, 0, 0, 2, 0, 1, 0, 0]);
    expect(value('average_precision', binary, negativesOnly)).toBeNaN();
    // Label x's positives are rows 0, 2, 4, 6 (LABELS_3): none drawn, so its AP and AUC and their macro averages are undefined.
    const noX = Uint16Array.from([0, 1, 0, 1, 0, 1, 0, 1]);
    expect(value('average_precision_macro', multilabel, noX)).toBeNaN();
    expect(value('roc_auc_macro', multilabel, noX)).toBeNaN();
  });
});
