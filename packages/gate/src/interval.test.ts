/**
 * Percentile and BCa intervals from given draws. The expected values come from Efron's BCa
 * written out in numpy/scipy (/usr/bin/python3: `norm.ppf`, `norm.cdf`, `np.quantile`): the
 * bias correction from the share of draws below the estimate, the acceleration from the
 * jackknife values, the levels mapped back through Φ.
 */
import { describe, expect, it } from '@jest/globals';
import type { MetricDraws } from './bootstrap.js';
import { bootstrapInterval } from './interval.js';
import type { Kernel } from './kernels.js';

const B = 40;
const N = 30;
const candidate = Float64Array.from({ length: B }, (_, b) => 0.8 + 0.05 * Math.sin(b * 1.7) + (0.01 * (b % 7)) / 7);
const baseline = Float64Array.from({ length: B }, (_, b) => 0.75 + 0.04 * Math.cos(b * 0.9));
const candidateLoo = Float64Array.from({ length: N }, (_, i) => 0.8 + 0.002 * Math.sin(i) + (i === 3 ? 0.02 : 0));
const baselineLoo = Float64Array.from({ length: N }, (_, i) => 0.75 + 0.001 * Math.cos(2 * i));

/** A kernel that only supplies jackknife values (bootstrapInterval reads nothing else of it). */
function kernel(loo?: Float64Array): Kernel {
  return {
    metric: 'accuracy',
    usesConfusion: false,
    spec: { kind: 'confusion' },
    value: () => NaN,
    ...(loo ? { leaveOneOut: () => loo } : {}),
  };
}

function draws(options: { cand?: Float64Array; base?: Float64Array | null; jackknife?: boolean } = {}): MetricDraws {
  const jackknife = options.jackknife ?? true;
  const base = options.base === null ? undefined : (options.base ?? baseline);
  return {
    metric: 'accuracy',
    candidate: options.cand ?? candidate,
    baseline: base,
    candidateKernel: kernel(jackknife ? candidateLoo : undefined),
    baselineKernel: base ? kernel(jackknife ? baselineLoo : undefined) : undefined,
  };
}

describe('percentile intervals', () => {
  it.each([
    // factor, confidence, low, high (numpy quantiles of candidate - factor * baseline)
    [1, 0.9, -0.021627763627899695, 0.11667559608898788],
    [1.05, 0.95, -0.07500831488246158, 0.08877795408845028],
    [0, 0.9, 0.7543669201195045, 0.8556153139631282],
  ])('candidate - %p * baseline at %p', (factor, confidence, low, high) => {
    const interval = bootstrapInterval(draws(), 0, factor, confidence, 'percentile')!;
    expect(interval.low).toBeCloseTo(low, 12);
    expect(interval.high).toBeCloseTo(high, 12);
    expect([interval.method, interval.confidence, interval.used, interval.note]).toEqual([
      'percentile',
      confidence,
      B,
      undefined,
    ]);
  });

  it('leaves out undefined draws and counts the ones used', () => {
    const withHoles = Float64Array.from(candidate);
    withHoles[0] = NaN;
    withHoles[5] = Infinity;
    const interval = bootstrapInterval(draws({ cand: withHoles, base: null }), 0, 0, 0.9, 'percentile')!;
    expect(interval.used).toBe(B - 2);
    const kept = Array.from(withHoles)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    // 5% of the way through 38 values: position 1.85 between order statistics 1 and 2
    expect(interval.low).toBeCloseTo(kept[1]! + 0.85 * (kept[2]! - kept[1]!), 12);
  });

  it('gives no interval (undefined, never a number) from fewer than two defined draws', () => {
    expect(
      bootstrapInterval(draws({ cand: Float64Array.from([0.5]), base: null }), 0.5, 0, 0.95, 'bca'),
    ).toBeUndefined();
    expect(
      bootstrapInterval(draws({ cand: Float64Array.from([NaN, 0.5, NaN]), base: null }), 0.5, 0, 0.95, 'percentile'),
    ).toBeUndefined();
    expect(
      bootstrapInterval(draws({ cand: new Float64Array(0), base: null }), 0.5, 0, 0.95, 'percentile'),
    ).toBeUndefined();
  });
});

describe('BCa intervals', () => {
  it.each([
    // factor, confidence, estimate, low, high (Efron's BCa in numpy/scipy)
    [1, 0.9, 0.05, -0.037451078003355495, 0.1085953532980971],
    [1.05, 0.95, 0.01, -0.0779919674711584, 0.07192830725997604],
    [0, 0.9, 0.8, 0.7514538419522336, 0.8516049411214244],
  ])('candidate - %p * baseline at %p around %p', (factor, confidence, point, low, high) => {
    const interval = bootstrapInterval(draws(), point, factor, confidence, 'bca')!;
    expect(interval.method).toBe('bca');
    expect(interval.low).toBeCloseTo(low, 10);
    expect(interval.high).toBeCloseTo(high, 10);
    expect(interval.used).toBe(B);
    expect(interval.note).toBeUndefined();
  });

  it('falls back to percentile, saying why, when every draw lies on one side of the estimate', () => {
    const interval = bootstrapInterval(draws({ base: null }), 2, 0, 0.9, 'bca')!;
    expect(interval.method).toBe('percentile');
    expect(interval.note).toBe(
      'BCa bias correction is infinite (every resample on one side of the estimate); percentile interval used',
    );
    expect(interval.low).toBeCloseTo(0.7543669201195045, 12);
  });

  it('falls back to percentile, naming the metric, when a kernel has no exact jackknife', () => {
    const none = bootstrapInterval(draws({ jackknife: false }), 0.05, 1, 0.9, 'bca')!;
    expect([none.method, none.note]).toEqual([
      'percentile',
      "no exact jackknife for accuracy (BCa's acceleration); percentile interval used",
    ]);
    // only the baseline lacks one: the difference still has no jackknife
    const half = { ...draws(), baselineKernel: kernel() };
    expect(bootstrapInterval(half, 0.05, 1, 0.9, 'bca')!.method).toBe('percentile');
    // a rule on the candidate alone (factor 0) does not need the baseline's
    expect(bootstrapInterval(half, 0.8, 0, 0.9, 'bca')!.method).toBe('bca');
  });
});
