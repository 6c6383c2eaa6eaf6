/** Confidence intervals from bootstrap draws: percentile, or BCa with its jackknife acceleration. */
import type { IntervalMethod, MetricDraws } from './bootstrap.js';
import { normalCdf, normalQuantile, quantileSorted } from './math.js';

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
  if (!Number.isFinite(z0))
    return percentile(
      'BCa bias correction is infinite (every resample on one side of the estimate); percentile interval used',
    );
  const candJack = draws.candidateKernel.leaveOneOut;
  const baseJack = factor && draws.baselineKernel ? draws.baselineKernel.leaveOneOut : undefined;
  if (!candJack || (factor && draws.baselineKernel && !baseJack))
    return percentile(`no exact jackknife for ${draws.metric} (BCa's acceleration); percentile interval used`);
  const candLoo = candJack.call(draws.candidateKernel);
  const baseLoo = baseJack?.call(draws.baselineKernel);
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
  if (!Number.isFinite(lowP) || !Number.isFinite(highP))
    return percentile('BCa levels undefined; percentile interval used');
  return {
    low: quantileSorted(sorted, lowP),
    high: quantileSorted(sorted, highP),
    method: 'bca',
    confidence,
    used: sorted.length,
  };
}
