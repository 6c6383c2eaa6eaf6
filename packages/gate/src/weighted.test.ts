/**
 * The weighted statistics of a resample, against scikit-learn 1.2.1 with `sample_weight`
 * (/usr/bin/python3: roc_auc_score, average_precision_score, r2_score, mean_squared_error),
 * fractional weights included; one-vs-one AUC, which takes no sample_weight there, against
 * the rows repeated as often as the weights say.
 */
import { describe, expect, it } from '@jest/globals';
import { CLASSES_3, WEIGHTS_8 } from '../../../test/fixtures/gate-holdouts.js';
import { rankPart } from './rank-part.js';
import {
  weightedAp,
  weightedAuc,
  weightedMean,
  weightedOvo,
  weightedR2,
  weightedR2Multi,
  weightedRoots,
  weightedSum,
} from './weighted.js';

const truth = [0, 1, 1, 0, 1, 0, 1, 1, 0, 0];
const scores = [0.1, 0.4, 0.35, 0.8, 0.7, 0.2, 0.9, 0.35, 0.35, 0.6];
const truth2 = [1, 1, 0, 0, 1, 0, 0, 1, 1, 0];
const scores2 = [0.3, 0.9, 0.2, 0.4, 0.4, 0.1, 0.5, 0.6, 0.4, 0.2];
const w = Float64Array.from([1, 2, 0, 1, 3, 1, 1, 2, 1, 0.5]);
const ones = new Float64Array(10).fill(1);
const part = rankPart(truth, scores);
const part2 = rankPart(truth2, scores2);

describe('weightedAuc', () => {
  it('equals roc_auc_score, ties counted half, with and without weights', () => {
    expect(weightedAuc(ones, [part])).toBeCloseTo(0.68, 12);
    expect(weightedAuc(w, [part])).toBeCloseTo(0.7222222222222222, 12);
  });

  it('averages parts as macro, or by positive weight (average="weighted")', () => {
    expect(weightedAuc(w, [part, part2])).toBeCloseTo(0.7341269841269842, 12);
    expect(weightedAuc(w, [part, part2], true)).toBeCloseTo(0.734827264239029, 12);
  });

  it('is NaN when a resample drew no positive or no negative row', () => {
    const negativesOnly = Float64Array.from(truth, (t) => 1 - t);
    expect(weightedAuc(negativesOnly, [part])).toBeNaN();
    expect(weightedAuc(Float64Array.from(truth), [part])).toBeNaN();
    expect(weightedAuc(new Float64Array(10), [part])).toBeNaN();
  });
});

describe('weightedAp', () => {
  it('equals average_precision_score, with and without weights', () => {
    expect(weightedAp(ones, [part])).toBeCloseTo(0.7033333333333334, 12);
    expect(weightedAp(w, [part])).toBeCloseTo(0.8154761904761905, 12);
  });

  it('averages parts as macro, or by positive weight', () => {
    expect(weightedAp(w, [part, part2])).toBeCloseTo(0.8531926406926407, 12);
    expect(weightedAp(w, [part, part2], true)).toBeCloseTo(0.8554112554112555, 12);
  });

  it('is NaN without positive weight', () => {
    expect(
      weightedAp(
        Float64Array.from(truth, (t) => 1 - t),
        [part],
      ),
    ).toBeNaN();
  });
});

describe('weightedOvo', () => {
  // CLASSES_3: three classes on eight rows; each pair's parts rank that pair's rows by each class's score.
  const classes = CLASSES_3.truth;
  const p = CLASSES_3.probabilities;
  const pairs = [
    [0, 1],
    [0, 2],
    [1, 2],
  ].map(([a, b]) => {
    const rows = classes.flatMap((c, i) => (c === a || c === b ? [i] : []));
    const side = (cls: number) =>
      rankPart(
        rows.map((i) => (classes[i] === cls ? 1 : 0)),
        rows.map((i) => p[i]![cls]!),
        (j) => rows[j]!,
      );
    return { ab: side(a!), ba: side(b!) };
  });
  const repeat = Uint16Array.from(WEIGHTS_8);

  it('equals roc_auc_score(multi_class="ovo"), macro and weighted, on the rows repeated', () => {
    expect(weightedOvo(new Uint16Array(8).fill(1), pairs, false)).toBeCloseTo(0.8055555555555557, 12);
    expect(weightedOvo(new Uint16Array(8).fill(1), pairs, true)).toBeCloseTo(0.8125, 12);
    expect(weightedOvo(repeat, pairs, false)).toBeCloseTo(0.7222222222222222, 12);
    expect(weightedOvo(repeat, pairs, true)).toBeCloseTo(0.7424242424242424, 12);
  });
});

describe('regression statistics', () => {
  const y = Float64Array.from([3, -0.5, 2, 7, 4.2, 1, 0]);
  const yhat = Float64Array.from([2.5, 0, 2, 8, 4, 1.5, -1]);
  const y2 = Float64Array.from([10, 20, 15, 30, 25, 5, 12]);
  const yhat2 = Float64Array.from([12, 18, 15, 33, 20, 9, 12]);
  const wr = Float64Array.from([1, 2, 1, 0.5, 3, 1, 2]);
  const se = (a: Float64Array, b: Float64Array) => a.map((v, i) => (v - b[i]!) ** 2);
  // Centred by any constant: R² is shift-invariant (the kernels centre by the unweighted mean).
  const centred = (a: Float64Array) => a.map((v) => v - 2);

  it('weightedMean and weightedSum: Σ w·v / Σ w and Σ w·v; a mean of no weight is NaN', () => {
    expect(weightedMean(wr, y)).toBeCloseTo(2.0095238095238095, 12);
    expect(weightedSum(wr, y)).toBeCloseTo(21.1, 12);
    expect(weightedMean(new Float64Array(7), y)).toBeNaN();
    expect(weightedSum(new Float64Array(7), y)).toBe(0);
  });

  it('weightedR2 equals r2_score with and without weights', () => {
    expect(weightedR2(new Float64Array(7).fill(1), se(y, yhat), centred(y))).toBeCloseTo(0.932031739402798, 12);
    expect(weightedR2(wr, se(y, yhat), centred(y))).toBeCloseTo(0.9268968170016347, 12);
  });

  it("weightedR2 on a constant target follows force_finite: 1 if perfect, else 0; off, NaN; under two rows' weight, NaN", () => {
    const constant = new Float64Array(3).fill(0);
    const three = new Float64Array(3).fill(1);
    expect(weightedR2(three, new Float64Array(3), constant)).toBe(1);
    expect(weightedR2(three, Float64Array.from([0, 1, 0]), constant)).toBe(0);
    expect(weightedR2(three, Float64Array.from([0, 1, 0]), constant, false)).toBeNaN();
    expect(weightedR2(Float64Array.from([1, 0, 0]), se(y, yhat).slice(0, 3), centred(y).slice(0, 3))).toBeNaN();
  });

  it('weightedR2Multi equals r2_score(multioutput=uniform_average | variance_weighted)', () => {
    const errors = [se(y, yhat), se(y2, yhat2)];
    const targets = [centred(y), centred(y2)];
    expect(weightedR2Multi(wr, errors, targets, true, false)).toBeCloseTo(0.8636561708560468, 12);
    expect(weightedR2Multi(wr, errors, targets, true, true)).toBeCloseTo(0.81106478070424, 12);
  });

  it('weightedR2Multi: all targets constant falls back to the uniform average, as scikit-learn', () => {
    const zero = new Float64Array(3);
    const three = new Float64Array(3).fill(1);
    // target 1 predicted perfectly (1), target 2 not (0): uniform 0.5 whatever the weighting
    expect(weightedR2Multi(three, [zero, Float64Array.from([1, 0, 0])], [zero, zero], true, true)).toBe(0.5);
  });

  it('weightedRoots equals mean_squared_error(squared=False) over two outputs', () => {
    expect(weightedRoots(wr, [se(y, yhat), se(y2, yhat2)])).toBeCloseTo(1.8934333291135248, 12);
  });
});
