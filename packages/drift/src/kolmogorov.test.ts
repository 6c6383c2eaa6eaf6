/** The Kolmogorov distribution (scipy.stats.kstwo.sf) across its algorithm branches, and the one-sided Smirnov tail. */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { kolmogorovSf, smirnov } from './kolmogorov.js';
import { scipyJobs } from '../../../test/fixtures/drift-support.js';

// [n, x], chosen to land in each branch of kolmogorovSf (see the comments)
const KSTWO: [number, number][] = [
  [10, 0.07], // n x <= 1/2: exactly 1
  [10, 0.08], // n x <= 1: the Ruben-Gambino product
  [300, 0.003], // n x <= 1 for n > 140: Stirling's form
  [10, 0.95], // n x >= n - 1: 2 (1 - x)^n
  [120, 0.6], // x >= 1/2: the exact Smirnov sum
  [50, 0.1], // n <= 140, n x^2 small: the Durbin matrix
  [50, 0.2], // n <= 140, n x^2 <= 4: Pomeranz
  [100, 0.25], // n <= 140, n x^2 > 4: Smirnov
  [200, 0.05], // n > 140: the Durbin matrix
  [200, 0.15], // n > 140, n x^2 >= 2.2: Smirnov
  [5000, 0.002], // n x^1.5 <= 1.4: the Durbin matrix
  [150_000, 0.003], // Pelz-Good
  [3000, 0.4], // n x^2 >= 370: 0
];
const SMIRNOV: [number, number][] = [
  [5, 0.2],
  [20, 0.1],
  [100, 0.05],
  [2000, 0.02], // n >= 1013: the log-gamma form
];
let want: number[][] = [];
beforeAll(() => {
  want = scipyJobs([
    { expression: 'float(stats.kstwo.sf(x[1], x[0]))', inputs: KSTWO },
    { expression: 'float(special.smirnov(x[0], x[1]))', inputs: SMIRNOV },
  ]) as number[][];
});

describe('kolmogorovSf', () => {
  it('matches scipy.stats.kstwo.sf in every branch, to 1e-10', () => {
    const off = KSTWO.map(([n, x], i) => ({ n, x, ours: kolmogorovSf(n, x), scipy: want[0]![i]! })).filter(
      (c) => !(Math.abs(c.ours - c.scipy) <= 1e-10),
    );
    expect(off).toEqual([]);
  });
  it('is 1 at x <= 0, 0 at x >= 1, and NaN (as SciPy) for a sample size that is not a positive integer', () => {
    expect(kolmogorovSf(10, 0)).toBe(1);
    expect(kolmogorovSf(10, -1)).toBe(1);
    expect(kolmogorovSf(10, 1)).toBe(0);
    expect(kolmogorovSf(0, 0.3)).toBeNaN();
    expect(kolmogorovSf(2.5, 0.3)).toBeNaN();
  });
  it('is 2 (1 - x)^n near x = 1 (by hand, n = 3, x = 0.9)', () => {
    expect(kolmogorovSf(3, 0.9)).toBeCloseTo(2 * 0.1 ** 3, 15);
  });
});

describe('smirnov', () => {
  it('matches scipy.special.smirnov (Birnbaum-Tingey), with the log-gamma form for large n', () => {
    SMIRNOV.forEach(([n, e], i) => expect(Math.abs(smirnov(n, e) - want[1]![i]!)).toBeLessThan(1e-12));
  });
  it('is (1 - e)^1 for n = 1, 1 at e = 0, and NaN outside n > 0, 0 <= e <= 1', () => {
    expect(smirnov(1, 0.3)).toBeCloseTo(0.7, 15); // P(D+_1 >= e) = 1 - e
    expect(smirnov(4, 0)).toBe(1);
    expect(smirnov(0, 0.5)).toBeNaN();
    expect(smirnov(4, 1.5)).toBeNaN();
    expect(smirnov(4, NaN)).toBeNaN();
  });
});
