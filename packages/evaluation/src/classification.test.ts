import { describe, expect, it } from '@jest/globals';
import { classificationMetrics, oneHot, ovoPairs } from './classification.js';

describe('classificationMetrics', () => {
  it('a class never predicted: precision 0 for it (scikit-learn zero_division), no crash', () => {
    const m = classificationMetrics('multiclass', {
      truth: Int32Array.of(0, 1, 2, 2),
      predicted: Int32Array.of(0, 1, 1, 1),
      k: 3,
      classes: ['0', '1', '2'],
    });
    expect(m.values.precision_macro).toBeCloseTo((1 + 1 / 3 + 0) / 3, 15);
    expect(m.values.recall_macro).toBeCloseTo((1 + 1 + 0) / 3, 15);
    expect(m.values.accuracy).toBe(0.5);
    expect(m.confusionMatrix).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 2, 0],
    ]);
  });

  // scikit-learn 1.2.1 on y = [0,1,1,0,1,0,1,1,0,0], p1 = [0.1,0.8,0.6,0.7,0.35,0.2,0.9,0.55,0.6,0.05], pred = p1 >= 0.5
  const p1 = [0.1, 0.8, 0.6, 0.7, 0.35, 0.2, 0.9, 0.55, 0.6, 0.05];
  const binary = {
    truth: Int32Array.of(0, 1, 1, 0, 1, 0, 1, 1, 0, 0),
    predicted: Int32Array.from(p1, (p) => (p >= 0.5 ? 1 : 0)),
    probabilities: Float64Array.from(p1.flatMap((p) => [1 - p, p])),
    k: 2,
    classes: ['no', 'yes'],
  };

  it('binary: every metric of the report, as scikit-learn computes it', () => {
    const m = classificationMetrics('binary', binary, { extra: ['f3', 'recall[no]', 'nonsense'] });
    const expected: Record<string, number> = {
      accuracy: 0.7,
      accuracy_count: 7,
      balanced_accuracy: 0.7,
      precision: 0.6666666666666666,
      recall: 0.8,
      f1: 0.7272727272727272,
      'f0.5': 0.689655172413793,
      f2: 0.7692307692307692,
      f3: 0.7843137254901961,
      matthews_corrcoef: 0.408248290463863,
      cohen_kappa: 0.4,
      log_loss: 0.4987049713552002,
      log_loss_sum: 4.987049713552002,
      brier_score: 0.17375,
      roc_auc: 0.78,
      average_precision: 0.7961904761904761,
      'recall[no]': 0.6,
      'support[yes]': 5,
    };
    for (const [name, value] of Object.entries(expected))
      expect([name, m.values[name]]).toEqual([name, expect.closeTo(value, 13)]);
    expect(m.values.nonsense).toBeUndefined();
    expect(m.confusionMatrix).toEqual([
      [3, 2],
      [1, 4],
    ]);
    expect(m.perClass).toEqual({
      classes: ['no', 'yes'],
      precision: [0.75, expect.closeTo(2 / 3, 15)],
      recall: [0.6, 0.8],
      f1: [expect.closeTo(2 / 3, 15), expect.closeTo(0.7272727272727272, 15)],
      support: [5, 5],
    });
    expect(m.curves!.map((c) => [c.label, c.rocAuc, c.roc!.x.length, c.calibration!.bins])).toEqual([
      ['yes', m.values.roc_auc, 21, 10],
    ]);
    expect(classificationMetrics('binary', binary, { curveClasses: 0 }).curves).toBeUndefined();
  });

  it('multiclass: averages and one-vs-rest / one-vs-one ROC AUC as scikit-learn computes them', () => {
    const probabilities = [
      [0.7, 0.2, 0.1],
      [0.2, 0.5, 0.3],
      [0.1, 0.3, 0.6],
      [0.3, 0.4, 0.3],
      [0.1, 0.8, 0.1],
      [0.4, 0.4, 0.2],
      [0.2, 0.2, 0.6],
      [0.5, 0.3, 0.2],
      [0.6, 0.3, 0.1],
      [0.2, 0.2, 0.6],
    ];
    const m = classificationMetrics('multiclass', {
      truth: Int32Array.of(0, 1, 2, 2, 1, 0, 2, 1, 0, 2),
      predicted: Int32Array.of(0, 1, 2, 1, 1, 0, 2, 0, 0, 2),
      probabilities: Float64Array.from(probabilities.flat()),
      k: 3,
      classes: ['a', 'b', 'c'],
    });
    const expected: Record<string, number> = {
      accuracy: 0.8,
      balanced_accuracy: 0.8055555555555555,
      precision_macro: 0.8055555555555555,
      recall_macro: 0.8055555555555555,
      f1_macro: 0.7936507936507936,
      f2_macro: 0.7978801169590642,
      f1_micro: 0.8,
      precision_weighted: 0.825,
      f1_weighted: 0.8,
      matthews_corrcoef: 0.7121212121212122,
      cohen_kappa: 0.7014925373134329,
      log_loss: 0.6640504511402877,
      roc_auc_ovr: 0.9295634920634921,
      roc_auc_ovr_weighted: 0.9345238095238095,
      roc_auc_ovr_micro: 0.9375,
      roc_auc_ovo: 0.9259259259259259,
      roc_auc_ovo_weighted: 0.9291666666666668,
    };
    for (const [name, value] of Object.entries(expected))
      expect([name, m.values[name]]).toEqual([name, expect.closeTo(value, 13)]);
    expect(m.curves!.map((c) => c.label)).toEqual(['a', 'b', 'c']);
  });

  it('multiclass AUC is undefined, with the reason, when a class never occurs in the labels', () => {
    const m = classificationMetrics('multiclass', {
      truth: Int32Array.of(0, 1, 0, 1),
      predicted: Int32Array.of(0, 1, 2, 1),
      probabilities: Float64Array.of(0.6, 0.2, 0.2, 0.1, 0.8, 0.1, 0.3, 0.3, 0.4, 0.2, 0.7, 0.1),
      k: 3,
      classes: ['a', 'b', 'c'],
    });
    expect([m.values.roc_auc_ovr, m.values.roc_auc_ovo_weighted]).toEqual([null, null]);
    expect(m.notes.roc_auc_ovr).toBe(
      'undefined: class(es) c never occur in the holdout labels, so their one-vs-rest AUC has no positives',
    );
  });

  it('zero_division NaN: undefined values are null with a note; no probabilities: the notes say so', () => {
    const m = classificationMetrics(
      'multiclass',
      { truth: Int32Array.of(0, 1, 2, 2), predicted: Int32Array.of(0, 1, 1, 1), k: 3, classes: ['0', '1', '2'] },
      { zeroDivision: 'nan' },
    );
    expect(m.values['precision[2]']).toBeNull();
    expect(m.notes['precision[2]']).toBe(
      'undefined: a denominator is zero (no predictions or no true rows of a class) and zero_division is NaN',
    );
    expect(m.values.precision_macro).toBeCloseTo((1 + 1 / 3) / 2, 15);
    expect(m.notes.zero_division).toBe(
      'precision, recall and F-scores use zero_division=NaN (undefined, left out of averages)',
    );
    expect([m.values.log_loss, m.notes.log_loss, m.notes.roc_auc_ovr]).toEqual([
      undefined,
      'not computed: the model gives no class probabilities',
      'not computed: the model gives no class scores',
    ]);
  });

  it('refuses zero rows with the fix', () => {
    expect(() =>
      classificationMetrics('binary', {
        truth: new Int32Array(0),
        predicted: new Int32Array(0),
        k: 2,
        classes: ['0', '1'],
      }),
    ).toThrow('Classification metrics of zero rows: an empty holdout has no accuracy, precision or recall');
  });
});

describe('oneHot and ovoPairs', () => {
  it('oneHot marks each row’s class; ovoPairs yields every pair a < b with the rows of either class', () => {
    expect(Array.from(oneHot([2, 0], 3))).toEqual([0, 0, 1, 1, 0, 0]);
    const pairs = [...ovoPairs([0, 2, 1, 2], [0.5, 0.3, 0.2, 0.1, 0.1, 0.8, 0.3, 0.6, 0.1, 0.2, 0.2, 0.6], 3)];
    expect(
      pairs.map((p) => [p.rows, Array.from(p.isA), Array.from(p.isB), Array.from(p.scoreA), Array.from(p.scoreB)]),
    ).toEqual([
      [
        [0, 2],
        [1, 0],
        [0, 1],
        [0.5, 0.3],
        [0.3, 0.6],
      ],
      [
        [0, 1, 3],
        [1, 0, 0],
        [0, 1, 1],
        [0.5, 0.1, 0.2],
        [0.2, 0.8, 0.6],
      ],
      [
        [1, 2, 3],
        [0, 1, 0],
        [1, 0, 1],
        [0.1, 0.6, 0.2],
        [0.8, 0.1, 0.6],
      ],
    ]);
  });
});
