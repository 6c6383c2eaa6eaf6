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

/**
 * The paired bootstrap: each resample draws the holdout's rows with replacement (a seeded
 * PRNG, one stream per resample) and recomputes every metric for the candidate and the
 * baseline on the same drawn rows, so their difference keeps the pairing.
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
  const needRows = kernels.some((kn) => kn.kind === 'rows');
  const needConfusion = kernels.some((kn) => kn.kind === 'confusion');
  const paired = models.baseline !== undefined;

  // Joint confusion code per row: (true, candidate predicted[, baseline predicted]).
  let joint: Int32Array | undefined;
  let jointCounts = new Float64Array(0);
  if (needConfusion) {
    const cand = confusionCodes(interp, models.candidate);
    if (paired) {
      const base = interp.models[models.baseline!]!.predicted!;
      joint = new Int32Array(n);
      for (let i = 0; i < n; i++) joint[i] = cand[i]! * k + base[i]!;
      jointCounts = new Float64Array(k * k * k);
    } else {
      joint = cand;
      jointCounts = new Float64Array(k * k);
    }
  }
  const confCandidate = new Float64Array(k * k);
  const confBaseline = new Float64Array(k * k);
  const weights = new Uint32Array(n);
  const scale = n / 4294967296;

  for (let b = 0; b < options.samples; b++) {
    const rng = new Rng(options.seed, b);
    if (needRows) weights.fill(0);
    if (joint) jointCounts.fill(0);
    if (joint && needRows) {
      for (let j = 0; j < n; j++) {
        const idx = (rng.nextUint32() * scale) | 0;
        weights[idx]!++;
        jointCounts[joint[idx]!]!++;
      }
    } else if (joint) {
      for (let j = 0; j < n; j++) jointCounts[joint[(rng.nextUint32() * scale) | 0]!]!++;
    } else {
      for (let j = 0; j < n; j++) weights[(rng.nextUint32() * scale) | 0]!++;
    }
    if (joint) {
      if (paired) {
        confCandidate.fill(0);
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
        confCandidate.set(jointCounts);
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
