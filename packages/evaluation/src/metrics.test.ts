/**
 * Expected values come from scikit-learn 1.2.1 (/usr/bin/python3), e.g. for the multiclass case
 * y = [0,1,2,2,1,0,2,1,0,2], pred = [0,1,2,1,1,0,2,0,0,2]:
 * precision_score(y, pred, average='macro') = 0.8055555555555555; or by hand where noted.
 */
import { describe, expect, it } from '@jest/globals';
import {
  accuracyFromConfusion,
  column,
  columnIsClass,
  confusionCounts,
  higherIsBetter,
  METRIC_NAMES,
  prfFromConfusion,
  r2FromSums,
  rowLogLoss,
} from './metrics.js';

const y3 = Int32Array.of(0, 1, 2, 2, 1, 0, 2, 1, 0, 2);
const pred3 = Int32Array.of(0, 1, 2, 1, 1, 0, 2, 0, 0, 2);

describe('higherIsBetter', () => {
  it('losses and errors are lower-is-better, with or without a [class] or [target] suffix; everything else higher', () => {
    const lower = [
      'log_loss',
      'log_loss_sum',
      'brier_score',
      'hamming_loss',
      'mse',
      'rmse',
      'mae',
      'max_error',
      'mape',
    ];
    for (const name of [...lower, 'median_absolute_error', 'mse[price]', 'mae[y 2]'])
      expect([name, higherIsBetter(name)]).toEqual([name, false]);
    for (const name of [
      'accuracy',
      'f1[churn]',
      'roc_auc',
      'r2',
      'r2[price]',
      'explained_variance',
      'log_loss_ratio',
      'my_mse',
    ])
      expect([name, higherIsBetter(name)]).toEqual([name, true]);
  });

  it('every reported name has a direction that matches what it measures', () => {
    const lowerReported = Object.values(METRIC_NAMES)
      .flat()
      .filter((n) => !higherIsBetter(n));
    expect(new Set(lowerReported)).toEqual(
      new Set([
        'log_loss',
        'brier_score',
        'hamming_loss',
        'mse',
        'rmse',
        'mae',
        'max_error',
        'mape',
        'median_absolute_error',
      ]),
    );
  });
});

describe('confusionCounts and accuracyFromConfusion', () => {
  it('counts row = true class, column = predicted (scikit-learn confusion_matrix)', () => {
    expect(Array.from(confusionCounts(y3, pred3, 3))).toEqual([3, 0, 0, 1, 2, 0, 0, 1, 3]);
    expect(accuracyFromConfusion(confusionCounts(y3, pred3, 3), 3)).toBe(0.8);
  });

  it('an empty confusion matrix has no accuracy (NaN, never 0 or 1)', () => {
    expect(accuracyFromConfusion(new Float64Array(4), 2)).toBeNaN();
  });
});

describe('prfFromConfusion', () => {
  it('macro, micro and weighted averages as scikit-learn computes them', () => {
    const prf = prfFromConfusion(confusionCounts(y3, pred3, 3), 3);
    expect(prf.macro.precision).toBeCloseTo(0.8055555555555555, 14);
    expect(prf.macro.recall).toBeCloseTo(0.8055555555555555, 14);
    expect(prf.macro.f1).toBeCloseTo(0.7936507936507936, 14);
    expect([prf.micro.precision, prf.micro.recall]).toEqual([0.8, 0.8]);
    expect(prf.micro.f1).toBeCloseTo(0.8, 14);
    expect(prf.weighted.precision).toBeCloseTo(0.825, 14);
    expect(prf.weighted.recall).toBeCloseTo(0.8, 14);
    expect(prf.weighted.f1).toBeCloseTo(0.8, 14);
  });

  it('binary scores are the positive class’s (index 1 by default, or the one given)', () => {
    const cm = [3, 2, 1, 4]; // truth 0: 3 right, 2 called 1; truth 1: 1 missed, 4 right
    const prf = prfFromConfusion(cm, 2);
    expect(prf.binary.precision).toBeCloseTo(2 / 3, 15);
    expect(prf.binary.recall).toBe(0.8);
    expect(prf.binary.f1).toBeCloseTo(0.7272727272727272, 15);
    expect(prfFromConfusion(cm, 2, 0).binary).toEqual({ precision: 0.75, recall: 0.6, f1: (2 * 0.75 * 0.6) / 1.35 });
  });

  it('a class never predicted scores 0 (zero_division=0), and a class never true too', () => {
    // y3 against predictions that never say 2: scikit-learn precision_score(average='macro') = 0.41666…
    const pz = Int32Array.of(0, 1, 1, 1, 1, 0, 1, 1, 0, 0);
    const prf = prfFromConfusion(confusionCounts(y3, pz, 3), 3);
    expect(prf.macro.precision).toBeCloseTo(0.4166666666666667, 15);
    expect(prf.weighted.f1).toBeCloseTo(0.45714285714285713, 15);
    expect(prfFromConfusion(new Float64Array(4), 2).binary).toEqual({ precision: 0, recall: 0, f1: 0 });
  });
});

describe('rowLogLoss', () => {
  it('its mean is scikit-learn 1.2’s log_loss, with 0 and 1 clipped and rows renormalised', () => {
    // log_loss([0, 1, 1], [[1, 0], [0.2, 0.6], [0.5, 0.5]]) = 0.32694308433724223
    const losses = rowLogLoss(Int32Array.of(0, 1, 1), Float64Array.of(1, 0, 0.2, 0.6, 0.5, 0.5), 2);
    expect((losses[0]! + losses[1]! + losses[2]!) / 3).toBeCloseTo(0.32694308433724223, 14);
    expect(losses[1]).toBeCloseTo(-Math.log(0.6 / 0.8), 15); // by hand: renormalised
    expect(Number.isFinite(rowLogLoss(Int32Array.of(1), Float64Array.of(1, 0), 2)[0])).toBe(true); // clipped, not Infinity
  });
});

describe('columnIsClass, column and r2FromSums', () => {
  it('column picks column c of an [N,K] matrix; columnIsClass marks the rows of class c', () => {
    expect(Array.from(column(Float64Array.of(1, 2, 3, 4, 5, 6), 3, 1))).toEqual([2, 5]);
    expect(Array.from(columnIsClass(y3, 2))).toEqual([0, 0, 1, 1, 0, 0, 1, 0, 0, 1]);
  });

  it('R² = 1 − residual/total, scikit-learn’s force_finite rules for a constant target, null under two rows', () => {
    // r2_score([3, -0.5, 2, 7, 4], [2.5, 0, 2, 8, 3]) = 0.9172185430463576: residual 2.5, total 30.2
    expect(r2FromSums(2.5, 30.2, 5)).toBeCloseTo(0.9172185430463576, 15);
    expect([r2FromSums(0, 0, 3), r2FromSums(1, 0, 3), r2FromSums(0, 0, 1)]).toEqual([1, 0, null]);
  });
});
