/**
 * Expected values from scikit-learn 1.2.1 (/usr/bin/python3) on
 * T = [[1,0,1],[0,1,0],[1,1,0],[0,0,1],[1,0,0]], P = [[1,0,0],[0,1,1],[1,1,0],[0,0,0],[0,0,0]],
 * S = [[.9,.1,.4],[.2,.8,.6],[.7,.6,.3],[.3,.2,.45],[.4,.3,.1]], zero_division=0 unless named.
 */
import { describe, expect, it } from '@jest/globals';
import { multilabelMetrics } from './multilabel.js';

const input = {
  truth: Uint8Array.of(1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0),
  predicted: Uint8Array.of(1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0),
  scores: Float64Array.of(0.9, 0.1, 0.4, 0.2, 0.8, 0.6, 0.7, 0.6, 0.3, 0.3, 0.2, 0.45, 0.4, 0.3, 0.1),
  labels: ['a', 'b', 'c'],
};

describe('multilabelMetrics', () => {
  it('every average and ranking metric as scikit-learn computes them', () => {
    const m = multilabelMetrics(input);
    const expected: Record<string, number> = {
      accuracy: 0.2,
      hamming_loss: 0.26666666666666666,
      precision_micro: 0.8,
      recall_micro: 0.5714285714285714,
      f1_micro: 0.6666666666666666,
      precision_macro: 0.6666666666666666,
      recall_macro: 0.5555555555555555,
      f1_macro: 0.6,
      precision_weighted: 0.7142857142857143,
      recall_weighted: 0.5714285714285714,
      f1_weighted: 0.6285714285714287,
      precision_samples: 0.5,
      recall_samples: 0.5,
      f1_samples: 0.4666666666666666,
      roc_auc_macro: 0.888888888888889,
      roc_auc_weighted: 0.9047619047619049,
      roc_auc_micro: 0.9375,
      average_precision_macro: 0.861111111111111,
      average_precision_weighted: 0.8809523809523808,
      average_precision_micro: 0.911904761904762,
      'support[a]': 3,
      'recall[a]': 2 / 3,
    };
    for (const [name, value] of Object.entries(expected))
      expect([name, m.values[name]]).toEqual([name, expect.closeTo(value, 14)]);
    expect(m.notes.accuracy).toBe('subset accuracy: a row counts only when every label is right');
    expect(m.perClass!.classes).toEqual(['a', 'b', 'c']);
  });

  it('zero_division 1 and NaN for rows with no predicted label (average="samples")', () => {
    // rows 4 and 5 predict nothing: precision 1 there (scikit-learn: 0.9), or left out (by hand: (1 + 0.5 + 1) / 3)
    expect(multilabelMetrics(input, { zeroDivision: 1 }).values.precision_samples).toBeCloseTo(0.9, 15);
    expect(multilabelMetrics(input, { zeroDivision: 'nan' }).values.precision_samples).toBeCloseTo(2.5 / 3, 15);
  });

  it('a label with one class in the holdout: its AUC is undefined, so the macro and weighted ones are null with a note', () => {
    const m = multilabelMetrics({
      truth: Uint8Array.of(1, 0, 1, 1),
      predicted: Uint8Array.of(1, 0, 0, 1),
      scores: Float64Array.of(0.9, 0.2, 0.4, 0.7),
      labels: ['x', 'y'],
    });
    expect([m.values.roc_auc_macro, m.notes.roc_auc_macro]).toEqual([
      null,
      'undefined: a label has only one class in the holdout',
    ]);
    expect(m.values.roc_auc_micro).toBe(1);
  });

  it('without scores there are no ranking metrics; zero rows are refused', () => {
    const m = multilabelMetrics({ ...input, scores: undefined });
    expect(m.values.roc_auc_macro).toBeUndefined();
    expect(() => multilabelMetrics({ truth: new Uint8Array(0), predicted: new Uint8Array(0), labels: ['a'] })).toThrow(
      'Multilabel metrics of zero rows: an empty holdout has no score',
    );
  });
});
