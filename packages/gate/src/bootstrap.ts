import type { Interpretation } from '@mlops-gha/evaluation';
import { makeKernel, confusionCodes, type Kernel } from './kernels.js';
import { normalCdf, normalQuantile, quantileSorted, Rng } from './math.js';

export type IntervalMethod = 'percentile' | 'bca';

export interface BootstrapOptions {
  /** Number of resamples (the `bootstrap-samples` input). */
  samples: number;
  seed: number;
  /** Shown with results; each call to `pairedBootstrap` uses these rows. */
  onProgress?: (done: number, total: number) => void;
}

/** Per-resample values of one metric for the candidate and (when paired) the baseline. */
export interface MetricDraws {
  metric: string;
  candidate: Float64Array;
  baseline?: Float64Array;
  /** Jackknife values, computed on demand for BCa. */
  candidateKernel: Kernel;
  baselineKernel?: Kernel;
}

export interface BootstrapResult {
  samples: number;
  seed: number;
  rows: number;
  draws: Map<string, MetricDraws>;
  seconds: number;
}

/** Seeds of resample `b`'s stream: splitmix32 of (seed, b), as `Rng` does. */
function streamState(seed: number, b: number): Int32Array {
  const rng = new Rng(seed, b);
  return Int32Array.of(rng.nextUint32() | 0, rng.nextUint32() | 0, rng.nextUint32() | 0, rng.nextUint32() | 1);
}

/** Fills `out` with n uniform row indices in [0, n) (xoshiro128**, inlined for speed). */
function drawIndices(state: Int32Array, out: Int32Array, n: number): void {
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  const scale = n / 4294967296;
  for (let j = 0; j < n; j++) {
    // x * 5 and y * 9 as shifts and adds (exact mod 2^32; Math.imul is not inlined everywhere, e.g. in Jest's VM contexts).
    const x = ((b << 2) + b) | 0;
    const y = (x << 7) | (x >>> 25);
    const r = ((y << 3) + y) | 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = (d << 11) | (d >>> 21);
    out[j] = ((r >>> 0) * scale) | 0;
  }
}

/**
 * The paired bootstrap: each resample draws the holdout's rows with replacement (a seeded
 * PRNG, one stream per resample, so the result does not depend on evaluation order) and
 * recomputes every metric for the candidate and the baseline on the same drawn rows, so
 * their difference keeps the pairing. A resample is one pass of draws feeding counters
 * (confusion cells, score groups) and sums; metrics are computed from those.
 */
export function pairedBootstrap(
  interp: Interpretation,
  metrics: string[],
  models: { candidate: number; baseline?: number },
  options: BootstrapOptions,
): BootstrapResult {
  const started = performance.now();
  const n = interp.task === 'regression' ? interp.truthValues!.length : interp.truthClasses!.length;
  const k = interp.classes?.length ?? 0;
  const entries: MetricDraws[] = [];
  for (const metric of metrics) {
    const candidateKernel = makeKernel(metric, interp, models.candidate);
    if (!candidateKernel) continue;
    const baselineKernel = models.baseline === undefined ? undefined : makeKernel(metric, interp, models.baseline);
    if (models.baseline !== undefined && !baselineKernel) continue;
    entries.push({
      metric,
      candidate: new Float64Array(options.samples),
      baseline: baselineKernel ? new Float64Array(options.samples) : undefined,
      candidateKernel,
      baselineKernel,
    });
  }
  const kernels = entries.flatMap((e) => [e.candidateKernel, e.baselineKernel].filter((x): x is Kernel => !!x));
  const needConfusion = kernels.some((kn) => kn.usesConfusion);
  const paired = models.baseline !== undefined;

  // Joint confusion code per row: (true, candidate predicted[, baseline predicted]).
  let joint: Int32Array | undefined;
  let jointCounts = new Int32Array(0);
  if (needConfusion) {
    const cand = confusionCodes(interp, models.candidate);
    if (paired) {
      const base = interp.models[models.baseline!]!.predicted!;
      joint = new Int32Array(n);
      for (let i = 0; i < n; i++) joint[i] = cand[i]! * k + base[i]!;
      jointCounts = new Int32Array(k * k * k);
    } else {
      joint = cand;
      jointCounts = new Int32Array(k * k);
    }
  }
  const confCandidate = new Float64Array(k * k);
  const confBaseline = new Float64Array(k * k);
  const idx = new Int32Array(n);
  // Row multiplicities: a row drawn more than 65,535 times out of n is beyond astronomically unlikely,
  // and Uint16 keeps the array in cache.
  const weights = n < 65536 ? new Uint16Array(n) : new Uint32Array(n);

  for (let b = 0; b < options.samples; b++) {
    drawIndices(streamState(options.seed, b), idx, n);
    weights.fill(0);
    for (let j = 0; j < n; j++) weights[idx[j]!]!++;
    if (joint) {
      jointCounts.fill(0);
      for (let i = 0; i < n; i++) jointCounts[joint[i]!]! += weights[i]!;
      confCandidate.fill(0);
      if (paired) {
        confBaseline.fill(0);
        for (let cc = 0; cc < k * k; cc++) {
          const t = Math.floor(cc / k);
          for (let pb = 0; pb < k; pb++) {
            const v = jointCounts[cc * k + pb]!;
            confCandidate[cc]! += v;
            confBaseline[t * k + pb]! += v;
          }
        }
      } else {
        for (let cc = 0; cc < k * k; cc++) confCandidate[cc] = jointCounts[cc]!;
      }
    }
    for (const e of entries) {
      e.candidate[b] = e.candidateKernel.value(weights, confCandidate);
      if (e.baseline) e.baseline[b] = e.baselineKernel!.value(weights, confBaseline);
    }
    options.onProgress?.(b + 1, options.samples);
  }
  return {
    samples: options.samples,
    seed: options.seed,
    rows: n,
    draws: new Map(entries.map((e) => [e.metric, e])),
    seconds: (performance.now() - started) / 1000,
  };
}

/** A confidence interval of `candidate - factor * baseline` (factor 0: of the candidate alone). */
export interface Interval {
  low: number;
  high: number;
  method: IntervalMethod;
  confidence: number;
  /** Resamples where the statistic was defined. */
  used: number;
  /** Why BCa fell back to percentile, when it did. */
  note?: string;
}

export function bootstrapInterval(
  draws: MetricDraws,
  point: number,
  factor: number,
  confidence: number,
  method: IntervalMethod,
): Interval | undefined {
  const values: number[] = [];
  for (let b = 0; b < draws.candidate.length; b++) {
    const v = draws.candidate[b]! - (factor && draws.baseline ? factor * draws.baseline[b]! : 0);
    if (Number.isFinite(v)) values.push(v);
  }
  if (values.length < 2) return undefined;
  const sorted = Float64Array.from(values).sort();
  const alpha = 1 - confidence;
  const percentile = (note?: string): Interval => ({
    low: quantileSorted(sorted, alpha / 2),
    high: quantileSorted(sorted, 1 - alpha / 2),
    method: 'percentile',
    confidence,
    used: sorted.length,
    note,
  });
  if (method === 'percentile') return percentile();
  // BCa (Efron 1987): bias correction from the share of resamples below the estimate,
  // acceleration from the jackknife.
  let below = 0;
  let equal = 0;
  for (const v of sorted) {
    if (v < point) below++;
    else if (v === point) equal++;
  }
  const z0 = normalQuantile((below + equal / 2) / sorted.length);
  if (!Number.isFinite(z0)) return percentile('BCa bias correction is infinite (every resample on one side of the estimate); percentile interval used');
  const candLoo = draws.candidateKernel.leaveOneOut();
  const baseLoo = factor && draws.baselineKernel ? draws.baselineKernel.leaveOneOut() : undefined;
  let sum = 0;
  let count = 0;
  const loo = new Float64Array(candLoo.length);
  for (let i = 0; i < candLoo.length; i++) {
    loo[i] = candLoo[i]! - (baseLoo ? factor * baseLoo[i]! : 0);
    if (Number.isFinite(loo[i]!)) {
      sum += loo[i]!;
      count++;
    }
  }
  const mean = sum / count;
  let num = 0;
  let den = 0;
  for (let i = 0; i < loo.length; i++) {
    if (!Number.isFinite(loo[i]!)) continue;
    const d = mean - loo[i]!;
    num += d * d * d;
    den += d * d;
  }
  const accel = den > 0 ? num / (6 * den ** 1.5) : 0;
  const adjust = (z: number) => normalCdf(z0 + (z0 + z) / (1 - accel * (z0 + z)));
  const lowP = adjust(normalQuantile(alpha / 2));
  const highP = adjust(normalQuantile(1 - alpha / 2));
  if (!Number.isFinite(lowP) || !Number.isFinite(highP)) return percentile('BCa levels undefined; percentile interval used');
  return {
    low: quantileSorted(sorted, lowP),
    high: quantileSorted(sorted, highP),
    method: 'bca',
    confidence,
    used: sorted.length,
  };
}
