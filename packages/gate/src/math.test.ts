/**
 * The numerical helpers the intervals and the classical tests stand on. Expected values are
 * scipy 1.10's (`norm.cdf`, `norm.sf`, `norm.ppf`, `special.gammaln`, `binom.cdf`), numpy's
 * default quantile, and FNV-1a's published test vectors.
 */
import { describe, expect, it } from '@jest/globals';
import { Xoshiro128 } from '@mlops-gha/common';
import {
  binomialHalfCdf,
  logGamma,
  normalCdf,
  normalQuantile,
  quantileSorted,
  Rng,
  seedToInt,
  streamSeed,
} from './math.js';

describe('numerics', () => {
  it('normal distribution, log-gamma and binomial tails', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 12);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalCdf(-6)).toBeCloseTo(9.865876450376946e-10, 20);
    expect(normalCdf(-12) / 1.776482112077679e-33).toBeCloseTo(1, 10);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(binomialHalfCdf(2, 12)).toBeCloseTo(79 / 4096, 15);
  });
});

describe('normalCdf', () => {
  it.each([
    [0, 0.5],
    [-1, 0.15865525393145707],
    [2.5, 0.9937903346742238],
    [-7, 1.279812543885835e-12],
    [7, 0.9999999999987201],
  ])('Φ(%p) = %p (scipy)', (x, p) => {
    expect(normalCdf(x) / p).toBeCloseTo(1, 12);
  });

  it('saturates to exactly 0 and 1 beyond ±38 and stays accurate in the far tail', () => {
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(-37.5) / 4.605353009581954e-308).toBeCloseTo(1, 6);
    // symmetric: Φ(-x) = 1 - Φ(x) where 1 - Φ(x) does not cancel
    expect(normalCdf(-1.3) + normalCdf(1.3)).toBeCloseTo(1, 15);
  });
});

describe('normalQuantile', () => {
  it.each([
    [0.5, 0],
    [0.025, -1.9599639845400545],
    [0.9, 1.2815515655446004],
    [0.99, 2.3263478740408408],
    [1e-10, -6.361340902404056],
    [1 - 1e-10, 6.361340889697422],
  ])('Φ⁻¹(%p) = %p (scipy)', (p, x) => {
    // 1e-8: near p = 1 the refinement step reads 1 - Φ(x), which rounding limits to ~3e-9 there.
    expect(normalQuantile(p)).toBeCloseTo(x, 8);
  });

  it('is infinite at and beyond 0 and 1 (BCa checks this before using a level)', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(-0.1)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(1.5)).toBe(Infinity);
  });

  it('inverts normalCdf across the range', () => {
    for (const x of [-5, -2.2, -0.3, 0.7, 3.1, 5]) expect(normalQuantile(normalCdf(x))).toBeCloseTo(x, 8);
  });
});

describe('logGamma', () => {
  it.each([
    [0.5, 0.5723649429247],
    [1, 0],
    [2, 0],
    [0.1, 2.252712651734206],
    [100.5, 361.43554046777757],
    [1e5, 1051287.7089736569],
  ])('ln Γ(%p) = %p (scipy gammaln)', (x, v) => {
    expect(logGamma(x)).toBeCloseTo(v, 9);
  });
});

describe('binomialHalfCdf', () => {
  it.each([
    [0, 1, 0.5],
    [3, 10, 0.171875],
    [50, 101, 0.5000000000000002],
    [0, 30, 9.313225746154785e-10],
    [10, 1000, 2.4833387914896352e-278],
  ])('P(X <= %p | n = %p, 1/2) = %p (scipy binom.cdf)', (k, n, p) => {
    expect(binomialHalfCdf(k, n) / p).toBeCloseTo(1, 10);
  });

  it('is 0 below the support and 1 at or above n', () => {
    expect(binomialHalfCdf(-1, 5)).toBe(0);
    expect(binomialHalfCdf(5, 5)).toBe(1);
    expect(binomialHalfCdf(9, 5)).toBe(1);
  });
});

describe('quantileSorted', () => {
  const sorted = Float64Array.from([1, 1, 2, 3, 4, 5, 6, 9]);
  it.each([
    [0, 1],
    [0.1, 1],
    [0.25, 1.75],
    [0.5, 3.5],
    [0.975, 8.475000000000001],
    [1, 9],
  ])('p = %p gives numpy quantile %p', (p, q) => {
    expect(quantileSorted(sorted, p)).toBeCloseTo(q, 12);
  });

  it('clamps p to [0, 1], returns the only value of one, and NaN (never a number) for none', () => {
    expect(quantileSorted(sorted, -0.5)).toBe(1);
    expect(quantileSorted(sorted, 2)).toBe(9);
    expect(quantileSorted([7], 0.3)).toBe(7);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });
});

describe('seeds and the generator', () => {
  it('a whole-number seed is used as a 32-bit unsigned integer', () => {
    expect(seedToInt(5)).toBe(5);
    expect(seedToInt(-1)).toBe(4294967295);
    expect(seedToInt(2 ** 32 + 7)).toBe(7);
  });

  it('text and fractional seeds hash with FNV-1a (published vectors)', () => {
    expect(seedToInt('')).toBe(0x811c9dc5);
    expect(seedToInt('a')).toBe(0xe40c292c);
    expect(seedToInt('foobar')).toBe(0xbf9cf968);
    expect(seedToInt(1.5)).toBe(seedToInt('1.5'));
  });

  it('stream b of seed s starts xoshiro128** from s XOR (b + 1) * golden ratio', () => {
    expect(streamSeed(0, 0)).toBe(0x9e3779b1);
    expect(streamSeed(5, 1)).toBe(1013904231);
    const rng = new Rng(5, 1);
    const plain = new Xoshiro128(1013904231);
    for (let i = 0; i < 4; i++) expect(rng.nextUint32()).toBe(plain.nextUint32());
  });

  it('next() is uniform in [0, 1), reproducible from (seed, stream), different across streams', () => {
    const draw = (seed: number, stream: number) => {
      const rng = new Rng(seed, stream);
      return Array.from({ length: 2000 }, () => rng.next());
    };
    const a = draw(7, 0);
    expect(a.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(draw(7, 0)).toEqual(a);
    expect(draw(7, 1)).not.toEqual(a);
    // mean of 2000 uniforms: standard error 0.0065; toBeCloseTo(…, 1) allows ±0.05, over 7 SE
    expect(a.reduce((s, v) => s + v, 0) / a.length).toBeCloseTo(0.5, 1);
  });
});
