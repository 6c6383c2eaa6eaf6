/**
 * The binary case of the other metric tests: y = [0,1,1,0,1,0,1,1,0,0] and scores
 * [0.1,0.8,0.6,0.7,0.35,0.2,0.9,0.55,0.6,0.05]. scikit-learn's roc_curve(drop_intermediate=False)
 * gives fpr [0,0,0,.2,.4,.4,.4,.6,.8,1], tpr [0,.2,.4,.4,.6,.8,1,1,1,1]; the grid values below
 * are read off those points by hand.
 */
import { describe, expect, it } from '@jest/globals';
import { calibrationCurve, CURVE_POINTS, prCurveOnGrid, rocCurveOnGrid } from './curves.js';
import { thresholdCounts } from './ranking.js';

const y = Uint8Array.of(0, 1, 1, 0, 1, 0, 1, 1, 0, 0);
const scores = [0.1, 0.8, 0.6, 0.7, 0.35, 0.2, 0.9, 0.55, 0.6, 0.05];
const counts = thresholdCounts(y, scores);

describe('rocCurveOnGrid', () => {
  it('takes the highest TPR at a grid FPR that is a ROC point, and interpolates between points', () => {
    // x = 0: (0, 0.4) is the last point at fpr 0; x = 0.25: between (0.2, 0.4) and (0.4, 0.6)
    expect(rocCurveOnGrid(counts, 5)).toEqual({ x: [0, 0.25, 0.5, 0.75, 1], y: [0.4, 0.45, 1, 1, 1] });
    const full = rocCurveOnGrid(counts)!;
    expect(full.x.length).toBe(CURVE_POINTS);
    expect(full.x[1]).toBe(0.05);
  });

  it('is undefined without positives or without negatives', () => {
    expect(rocCurveOnGrid(thresholdCounts(Uint8Array.of(1, 1), [0.2, 0.3]))).toBeUndefined();
    expect(rocCurveOnGrid(thresholdCounts(Uint8Array.of(0, 0), [0.2, 0.3]))).toBeUndefined();
  });
});

describe('prCurveOnGrid', () => {
  it('gives the interpolated precision: the best precision at any recall at or above the grid value', () => {
    // (recall, precision) per threshold: (.2,1) (.4,1) (.4,2/3) (.6,.6) (.8,2/3) (1,5/7) (1,5/8) (1,5/9) (1,.5)
    expect(prCurveOnGrid(counts, 5)).toEqual({ x: [0, 0.25, 0.5, 0.75, 1], y: [1, 1, 5 / 7, 5 / 7, 5 / 7] });
  });

  it('is undefined without positives; without negatives precision is 1 everywhere', () => {
    expect(prCurveOnGrid(thresholdCounts(Uint8Array.of(0, 0), [0.2, 0.3]))).toBeUndefined();
    expect(prCurveOnGrid(thresholdCounts(Uint8Array.of(1, 1), [0.2, 0.3]), 3)!.y).toEqual([1, 1, 1]);
  });
});

describe('calibrationCurve', () => {
  it('matches scikit-learn’s calibration_curve(n_bins=10, strategy="uniform"), an edge value in the lower bin', () => {
    const c = calibrationCurve(y, scores);
    expect(c.bins).toBe(10);
    expect(c.bin).toEqual([0, 1, 3, 5, 6, 7, 8]);
    expect(c.count).toEqual([2, 1, 1, 3, 1, 1, 1]);
    expect(c.observed).toEqual([0, 0, 1, 2 / 3, 0, 1, 1]);
    const predicted = [0.07500000000000001, 0.2, 0.35, 0.5833333333333334, 0.7, 0.8, 0.9];
    c.predicted.forEach((p, i) => expect(p).toBeCloseTo(predicted[i]!, 15));
  });

  it('puts 0 in the first bin and 1 in the last, whatever the number of bins; an empty input has no points', () => {
    expect(calibrationCurve(Uint8Array.of(0, 1, 1), [0, 1, 0.5], 4)).toEqual({
      predicted: [0, 0.5, 1],
      observed: [0, 1, 1],
      bin: [0, 1, 3],
      count: [1, 1, 1],
      bins: 4,
    });
    expect(calibrationCurve(new Uint8Array(0), []).bin).toEqual([]);
  });
});
