/** The two-sample KS test: the statistic by hand, the exact and asymptotic p-values against scipy.stats.ks_2samp. */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { ks2Samp, ks2SampSorted, ksStatistic, roundHalfEven } from './ks.js';
import { SeededRandom } from './random.js';
import { scipy } from '../../../test/fixtures/drift-support.js';

const rng = new SeededRandom(99);
const normals = (n: number, shift = 0, step = 0) =>
  Array.from({ length: n }, () => {
    const v = rng.normal() + shift;
    return step ? Math.round(v / step) * step : v;
  });
// exact path (both <= 10,000: equal sizes, unequal sizes with ties) and the asymptotic one (> 10,000)
const CASES: [number[], number[]][] = [
  [normals(200), normals(200, 0.3)],
  [normals(300, 0, 0.5), normals(170, 0.1, 0.5)],
  [normals(3000), normals(4000)],
  [normals(1500), normals(12_000, 0.05)],
  [normals(80), normals(20_000, 0.4)],
];
let want: { statistic: number; pvalue: number }[] = [];
beforeAll(() => {
  want = scipy(
    '(lambda r: {"statistic": float(r.statistic), "pvalue": float(r.pvalue)})(stats.ks_2samp(x[0], x[1]))',
    CASES,
  );
});

describe('ksStatistic', () => {
  it('is the largest gap between the empirical CDFs, ties stepped together', () => {
    const f = (a: number[], b: number[]) => ksStatistic(Float64Array.from(a), Float64Array.from(b));
    expect(f([1, 2, 3], [4, 5, 6])).toBe(1);
    expect(f([1, 2, 3], [1, 2, 3])).toBe(0);
    // at x = 2: 3/4 of a against 2/3 of b; at x = 3: 1 against 2/3
    expect(f([1, 2, 2, 3], [2, 2, 5])).toBeCloseTo(1 / 3, 15);
  });
});

describe('ks2Samp', () => {
  it('gives the exact p-values of small samples (lattice-path counts: 2 / C(6, 3) and 2 / C(5, 2))', () => {
    expect(ks2Samp([1, 2, 3], [4, 5, 6])).toEqual({ statistic: 1, pValue: expect.closeTo(2 / 20, 14) });
    expect(ks2Samp([1, 2], [3, 4, 5])).toEqual({ statistic: 1, pValue: expect.closeTo(2 / 10, 14) });
    expect(ks2Samp([5, 1, 4], [2, 3, 6]).statistic).toBeCloseTo(1 / 3, 15); // unsorted input is sorted
    expect(ks2Samp([1, 2, 3], [1, 2, 3])).toEqual({ statistic: 0, pValue: 1 });
  });
  it('matches scipy.stats.ks_2samp (method auto) on the exact and the asymptotic paths, to 1e-9', () => {
    CASES.forEach(([a, b], i) => {
      const r = ks2Samp(a, b);
      expect(Math.abs(r.statistic - want[i]!.statistic)).toBeLessThan(1e-12);
      expect(Math.abs(r.pValue - want[i]!.pvalue)).toBeLessThan(1e-9);
    });
    expect(want[4]!.pvalue).toBeLessThan(0.01); // the cases include a shift the test finds
  });
  it('ks2SampSorted gives the same on sorted arrays', () => {
    const [a, b] = CASES[1]!;
    const sorted = (x: number[]) => Float64Array.from(x).sort();
    expect(ks2SampSorted(sorted(a), sorted(b))).toEqual(ks2Samp(a, b));
  });
  it('refuses an empty sample, and NaN or infinities (which would otherwise hang the merge loop)', () => {
    expect(() => ks2Samp([], [1])).toThrow('ks2Samp: the first sample is empty');
    expect(() => ks2Samp([1], [])).toThrow('ks2Samp: the second sample is empty');
    expect(() => ks2Samp([1, NaN], [2])).toThrow(/ks2Samp: the first sample holds NaN/);
    expect(() => ks2Samp([1], [2, -Infinity])).toThrow(/ks2Samp: the second sample holds -Infinity/);
  });
});

describe('roundHalfEven', () => {
  it('rounds halves to the even neighbour, as numpy.round', () => {
    expect([0.5, 1.5, 2.5, 3.5, -1.5, -2.5, 2.4, 2.6, 7].map(roundHalfEven)).toEqual([0, 2, 2, 4, -2, -2, 2, 3, 7]);
  });
});
