/** The profile's generator: 53-bit uniforms from xoshiro128**, integers below n, and polar-method normals. */
import { describe, expect, it } from '@jest/globals';
import { Xoshiro128 } from '@mlops-gha/common';
import { SeededRandom } from './random.js';

describe('SeededRandom', () => {
  it('next() joins two xoshiro128** words as 27 + 26 bits over 2^53 (the draw a seed gives is fixed)', () => {
    const ours = new SeededRandom(7);
    const words = new Xoshiro128(7);
    const got: number[] = [];
    const want: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const hi = words.nextUint32() >>> 5;
      const lo = words.nextUint32() >>> 6;
      want.push((hi * 2 ** 26 + lo) / 2 ** 53);
      got.push(ours.next());
    }
    expect(got).toEqual(want);
  });

  it('the same seed gives the same draws, another seed others; the default seed is 1', () => {
    const draws = (r: SeededRandom) => Array.from({ length: 20 }, () => [r.next(), r.below(10), r.normal()]);
    expect(draws(new SeededRandom(42))).toEqual(draws(new SeededRandom(42)));
    expect(draws(new SeededRandom(42))).not.toEqual(draws(new SeededRandom(43)));
    expect(draws(new SeededRandom())).toEqual(draws(new SeededRandom(1)));
  });

  it('below(n) gives every integer in [0, n) and nothing else, near-uniformly (chi-squared below its 0.1% critical value)', () => {
    const r = new SeededRandom(2024);
    const counts = new Array<number>(7).fill(0);
    const outside: number[] = [];
    for (let i = 0; i < 70_000; i++) {
      const v = r.below(7);
      if (Number.isInteger(v) && v >= 0 && v < 7) counts[v]!++;
      else outside.push(v);
    }
    expect(outside).toEqual([]);
    // Pearson's statistic against 22.458, the 0.1% critical value of chi-squared with 6 degrees of freedom (published tables)
    const statistic = counts.reduce((s, c) => s + (c - 10_000) ** 2 / 10_000, 0);
    expect(statistic).toBeLessThan(22.458);
  });

  it('next() stays in [0, 1)', () => {
    const r = new SeededRandom(3);
    const outside: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      const u = r.next();
      if (!(u >= 0 && u < 1)) outside.push(u);
    }
    expect(outside).toEqual([]);
  });

  it('normal() draws have the standard normal mean, variance and 95% interval, and come in pairs (the spare is used once)', () => {
    const r = new SeededRandom(11);
    const xs = Array.from({ length: 20_000 }, () => r.normal());
    // mean 0, variance 1, and 95% within ±1.959964, each within four standard errors of 20,000 draws
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    const inside = xs.filter((x) => Math.abs(x) < 1.959964).length / xs.length;
    expect(Math.abs(mean)).toBeLessThan(4 * Math.sqrt(1 / 20_000));
    expect(Math.abs(variance - 1)).toBeLessThan(4 * Math.sqrt(2 / 20_000));
    expect(Math.abs(inside - 0.95)).toBeLessThan(4 * Math.sqrt((0.95 * 0.05) / 20_000));
    // a pair of normals costs the uniforms of one accepted point: the second (the spare) costs none
    const a = new SeededRandom(5);
    const b = new SeededRandom(5);
    a.normal();
    a.normal();
    b.normal();
    expect(a.next()).toBe(b.next());
  });
});
