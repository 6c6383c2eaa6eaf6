/**
 * Expected values from scikit-learn 1.2.1 (/usr/bin/python3) on two small cases:
 * binary y = [0,1,1,0,1,0,1,1,0,0], pred = [0,1,1,1,0,0,1,1,1,0] (confusion [[3,2],[1,4]]) and
 * multiclass y = [0,1,2,2,1,0,2,1,0,2], pred = [0,1,2,1,1,0,2,0,0,2] (confusion [[3,0,0],[1,2,0],[0,1,3]]).
 * zero_division=NaN is scikit-learn 1.3's meaning, derived by hand from the counts.
 */
import { describe, expect, it } from '@jest/globals';
import {
  accuracy,
  averagedPrf,
  balancedAccuracy,
  betaOf,
  classCounts,
  cohenKappa,
  confusionMetric,
  matthewsCorrcoef,
  normalizeConfusion,
  perClassPrf,
} from './confusion-metrics.js';

const binary = [3, 2, 1, 4];
const multi = [3, 0, 0, 1, 2, 0, 0, 1, 3];
const metric = (name: string, classes: string[], cm: number[], k: number, zeroDivision?: 0 | 1 | 'nan') =>
  confusionMetric(name, classes, { zeroDivision })!(cm, k);

describe('confusionMetric by name', () => {
  it('binary: every metric of the positive class (index 1)', () => {
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
      'support[yes]': 5,
      'precision[no]': 0.75,
      'recall[no]': 0.6,
    };
    for (const [name, value] of Object.entries(expected)) {
      expect([name, metric(name, ['no', 'yes'], binary, 2)]).toEqual([name, expect.closeTo(value, 14)]);
    }
  });

  it('multiclass: macro, micro and weighted averages, F-beta and per-class', () => {
    const expected: Record<string, number> = {
      accuracy: 0.8,
      balanced_accuracy: 0.8055555555555555,
      precision_macro: 0.8055555555555555,
      f1_macro: 0.7936507936507936,
      f2_macro: 0.7978801169590642,
      precision_micro: 0.8,
      f2_micro: 0.8,
      precision_weighted: 0.825,
      recall_weighted: 0.8,
      f2_weighted: 0.7970394736842106,
      matthews_corrcoef: 0.7121212121212122,
      cohen_kappa: 0.7014925373134329,
      'precision[a]': 0.75,
      'recall[c]': 0.75,
      'f1[b]': 0.6666666666666666,
    };
    for (const [name, value] of Object.entries(expected)) {
      expect([name, metric(name, ['a', 'b', 'c'], multi, 3)]).toEqual([name, expect.closeTo(value, 14)]);
    }
  });

  it('names it does not know are undefined, not a guess', () => {
    for (const name of ['bogus', 'precision[d]', 'support[d]', 'f1_macro[a]', 'fx', 'precision_average', 'f-1'])
      expect([name, confusionMetric(name, ['a', 'b', 'c'])]).toEqual([name, undefined]);
  });
});

describe('zero_division', () => {
  // y as above, predictions that never say class 2: confusion [[3,0,0],[0,3,0],[1,3,0]]
  const never2 = [3, 0, 0, 0, 3, 0, 1, 3, 0];
  it('0 and 1 as scikit-learn; NaN leaves the class out of the average', () => {
    expect(metric('precision_macro', [], never2, 3, 0)).toBeCloseTo(0.4166666666666667, 15);
    expect(metric('precision_macro', [], never2, 3, 1)).toBeCloseTo(0.75, 15);
    expect(metric('precision_macro', [], never2, 3, 'nan')).toBeCloseTo((0.75 + 0.5) / 2, 15);
    expect(metric('precision[c]', ['a', 'b', 'c'], never2, 3, 'nan')).toBeNaN();
    expect(metric('f1[c]', ['a', 'b', 'c'], never2, 3, 'nan')).toBeNaN();
    // every class undefined: the average is undefined too
    expect(averagedPrf(classCounts([0, 0, 0, 0], 2), 'precision', 1, 'macro', 'nan')).toBeNaN();
    expect(averagedPrf(classCounts([0, 0, 0, 0], 2), 'recall', 1, 'micro', 1)).toBe(1);
  });

  it('perClassPrf gives F-beta only where precision and recall are both defined', () => {
    const counts = classCounts(never2, 3);
    // class 0: p 3/4, r 1; class 1: p 3/6, r 1; class 2: never predicted, never right
    expect(Array.from(perClassPrf(counts, 'f', 1, 0))).toEqual([1.5 / 1.75, 1 / 1.5, 0]);
    expect(Array.from(perClassPrf(counts, 'f', 1, 'nan'))).toEqual([1.5 / 1.75, 1 / 1.5, NaN]);
    expect(Array.from(perClassPrf(counts, 'precision', 1, 1))).toEqual([0.75, 0.5, 1]);
  });
});

describe('the matrix-wide metrics at their edges', () => {
  it('undefined or degenerate cases: NaN accuracy of nothing, MCC 0 on a constant marginal, kappa NaN on total chance agreement', () => {
    expect(accuracy([0, 0, 0, 0], 2)).toBeNaN();
    expect(matthewsCorrcoef([5, 0, 0, 0], 2)).toBe(0);
    expect(matthewsCorrcoef([3, 2, 0, 0], 2)).toBe(0); // one class in the truth
    expect(cohenKappa([5, 0, 0, 0], 2)).toBeNaN();
    // balanced accuracy averages recall over the classes present in the truth only
    expect(balancedAccuracy([2, 1, 0, 0], 2)).toBeCloseTo(2 / 3, 15);
  });
});

describe('betaOf and normalizeConfusion', () => {
  it('reads the beta of an F-score name', () => {
    expect(['f1', 'f0.5', 'f2_macro', 'f3[churn]', 'f10_weighted'].map(betaOf)).toEqual([1, 0.5, 2, 3, 10]);
    expect(['precision', 'f', 'f-1', 'fx', 'f1_samples'].map(betaOf)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('normalises by true class, predicted class or everything, as confusion_matrix(normalize=…); an empty row is 0', () => {
    const m = [
      [3, 0, 0],
      [1, 2, 0],
      [0, 1, 3],
    ];
    expect(normalizeConfusion(m, 'true')).toEqual([
      [1, 0, 0],
      [1 / 3, 2 / 3, 0],
      [0, 0.25, 0.75],
    ]);
    expect(normalizeConfusion(m, 'pred')).toEqual([
      [0.75, 0, 0],
      [0.25, 2 / 3, 0],
      [0, 1 / 3, 1],
    ]);
    expect(normalizeConfusion(m, 'all')[1]).toEqual([0.1, 0.2, 0]);
    expect(
      normalizeConfusion(
        [
          [0, 0],
          [1, 1],
        ],
        'true',
      ),
    ).toEqual([
      [0, 0],
      [0.5, 0.5],
    ]);
  });
});
