/**
 * The drift statistics on plain arrays, each checked against values derived by hand or quoted
 * from SciPy 1.10 (the source given beside each); refusals of empty and non-finite input.
 */
import { describe, expect, it } from '@jest/globals';
import {
  chiSquaredContingency,
  jensenShannon,
  normalizedWasserstein,
  populationStabilityIndex,
  populationStd,
  proportionsZTest,
  wasserstein,
  wassersteinSorted,
} from './statistics.js';

describe('chiSquaredContingency', () => {
  it("applies Yates' correction at one degree of freedom: [10, 20] vs [20, 10] gives 5.4 (expected 15 each, |diff| 5 - 0.5)", () => {
    const r = chiSquaredContingency([10, 20], [20, 10]);
    expect(r.statistic).toBeCloseTo((4 * 4.5 ** 2) / 15, 12);
    expect(r.dof).toBe(1);
    // scipy.stats.chi2_contingency([[10, 20], [20, 10]]).pvalue
    expect(r.pValue).toBeCloseTo(0.02013675155034633, 14);
  });
  it('has no correction above one degree of freedom: [10, 20, 30] vs [30, 20, 10] gives 20 with p = e^-10', () => {
    const r = chiSquaredContingency([10, 20, 30], [30, 20, 10]);
    expect(r.statistic).toBeCloseTo(20, 12);
    expect(r.dof).toBe(2);
    expect(r.pValue).toBeCloseTo(Math.exp(-10), 15); // chi-squared with 2 dof: P(X > x) = exp(-x/2)
  });
  it('drops a category neither side has, and gives statistic 0, p 1 for a single category (as SciPy)', () => {
    expect(chiSquaredContingency([10, 0, 20], [20, 0, 10])).toEqual(chiSquaredContingency([10, 20], [20, 10]));
    expect(chiSquaredContingency([5, 0], [7, 0])).toEqual({ statistic: 0, pValue: 1, dof: 0 });
  });
  it('refuses tables that are empty, of unequal lengths, negative or not finite', () => {
    expect(() => chiSquaredContingency([0, 0], [0, 0])).toThrow(RangeError);
    expect(() => chiSquaredContingency([], [])).toThrow(/chiSquaredContingency: no counts/);
    expect(() => chiSquaredContingency([1, 2], [1])).toThrow(/2 reference counts but 1 current/);
    expect(() => chiSquaredContingency([1, -2], [1, 1])).toThrow(/counts must be finite and non-negative/);
    expect(() => chiSquaredContingency([1, NaN], [1, 1])).toThrow(/counts must be finite and non-negative/);
  });
});

describe('proportionsZTest', () => {
  it('pools the proportions: 30/100 vs 50/100 gives z = -0.2 / sqrt(0.4 * 0.6 * 0.02)', () => {
    const r = proportionsZTest(30, 100, 50, 100);
    expect(r.statistic).toBeCloseTo(-0.2 / Math.sqrt(0.4 * 0.6 * 0.02), 12);
    // 2 * scipy.stats.norm.sf(2.886751345948129)
    expect(r.pValue).toBeCloseTo(0.003892417122778628, 14);
  });
  it('is statistic 0, p 1 when both samples are all hits or all misses (no variance)', () => {
    expect(proportionsZTest(0, 10, 0, 20)).toEqual({ statistic: 0, pValue: 1 });
    expect(proportionsZTest(10, 10, 20, 20)).toEqual({ statistic: 0, pValue: 1 });
  });
  it('refuses an empty sample, and hits outside [0, n]', () => {
    expect(() => proportionsZTest(0, 0, 1, 2)).toThrow(/proportionsZTest: sample sizes must be positive/);
    expect(() => proportionsZTest(3, 2, 1, 2)).toThrow(/hits must lie in \[0, n\]/);
    expect(() => proportionsZTest(NaN, 2, 1, 2)).toThrow(RangeError);
  });
});

describe('wasserstein', () => {
  it('is the area between the two empirical CDFs (scipy.stats.wasserstein_distance examples and by hand)', () => {
    expect(wasserstein([0, 1, 3], [5, 6, 8])).toBeCloseTo(5, 12); // SciPy's documented example
    expect(wasserstein([0, 1], [0, 1])).toBe(0);
    expect(wasserstein([0], [1, 3])).toBeCloseTo(2, 12); // E|X - 0| for X uniform on {1, 3}
    expect(wasserstein([3, 0, 1], [8, 5, 6])).toBeCloseTo(5, 12); // order does not matter
  });
  it('wassersteinSorted gives the same on sorted arrays, with ties', () => {
    const u = Float64Array.from([1, 1, 2, 2]);
    const v = Float64Array.from([1, 2, 2, 2]);
    expect(wassersteinSorted(u, v)).toBeCloseTo(0.25, 12); // the CDFs differ by 1/4 on [1, 2)
  });
  it('refuses an empty sample and NaN or infinite values instead of answering NaN (or never returning)', () => {
    expect(() => wasserstein([], [1])).toThrow(/wasserstein: the reference sample is empty/);
    expect(() => wasserstein([1], [])).toThrow(/wasserstein: the current sample is empty/);
    expect(() => wasserstein([1, NaN], [2])).toThrow(/wasserstein: the reference sample holds NaN/);
    expect(() => wassersteinSorted(Float64Array.from([1]), Float64Array.from([2, Infinity]))).toThrow(
      /the current sample holds Infinity/,
    );
  });
});

describe('populationStd and normalizedWasserstein', () => {
  it('populationStd is numpy.std (ddof 0): 2 for [2, 4, 4, 4, 5, 5, 7, 9]', () => {
    expect(populationStd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2, 14);
    expect(populationStd([3])).toBe(0);
    expect(() => populationStd([])).toThrow(/populationStd: the given sample is empty/);
    expect(() => populationStd([1, NaN])).toThrow(/holds NaN/);
  });
  it('divides by the reference std, given or computed, floored at 0.001 (Evidently)', () => {
    const ref = Float64Array.from([0, 1, 3]);
    const cur = Float64Array.from([5, 6, 8]);
    expect(normalizedWasserstein(ref, cur)).toBeCloseTo(5 / Math.sqrt(14 / 9), 12); // std of [0, 1, 3] = sqrt(14/9)
    expect(normalizedWasserstein(ref, cur, 2)).toBeCloseTo(2.5, 12);
    expect(normalizedWasserstein(Float64Array.from([3, 3]), Float64Array.from([4, 4]))).toBeCloseTo(1000, 9);
  });
});

describe('jensenShannon', () => {
  it('is scipy.spatial.distance.jensenshannon with the natural log, on counts or shares', () => {
    expect(jensenShannon([1, 0, 0], [0, 1, 0])).toBeCloseTo(Math.sqrt(Math.log(2)), 14); // disjoint: sqrt(ln 2)
    expect(jensenShannon([2, 0], [0, 5])).toBeCloseTo(Math.sqrt(Math.log(2)), 14);
    expect(jensenShannon([1, 0], [0.5, 0.5])).toBeCloseTo(0.46450140402245893, 14); // SciPy's documented example
    expect(jensenShannon([1, 2, 3], [2, 4, 6])).toBe(0);
  });
  it('refuses unequal lengths, a side without counts, and negative or non-finite counts', () => {
    expect(() => jensenShannon([1, 2], [1])).toThrow(/jensenShannon: 2 reference counts but 1 current/);
    expect(() => jensenShannon([0, 0], [1, 1])).toThrow(/jensenShannon: the reference counts sum to 0/);
    expect(() => jensenShannon([1, 1], [0, 0])).toThrow(/the current counts sum to 0/);
    expect(() => jensenShannon([1, Infinity], [1, 1])).toThrow(/counts must be finite and non-negative/);
  });
});

describe('populationStabilityIndex', () => {
  it('sums (c - r) ln(c / r) over the shares: [50, 50] vs [25, 75] gives ln(3) / 4', () => {
    expect(populationStabilityIndex([50, 50], [25, 75])).toBeCloseTo(Math.log(3) / 4, 14);
    expect(populationStabilityIndex([1, 2, 3], [10, 20, 30])).toBe(0);
  });
  it('counts an empty bin as a share of 0.0001 (Evidently), so the value stays finite', () => {
    const expected = (0.5 - 1) * Math.log(0.5 / 1) + (0.5 - 0.0001) * Math.log(0.5 / 0.0001);
    expect(populationStabilityIndex([100, 0], [50, 50])).toBeCloseTo(expected, 12);
  });
  it('refuses unequal lengths and sides without counts', () => {
    expect(() => populationStabilityIndex([1, 2, 3], [1, 2])).toThrow(
      /populationStabilityIndex: 3 reference counts but 2 current/,
    );
    expect(() => populationStabilityIndex([0, 0], [0, 1])).toThrow(/the reference counts sum to 0/);
  });
});
