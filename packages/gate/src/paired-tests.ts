import { column, type Interpretation } from '@mlops-gha/evaluation';
import { placements } from './kernels.js';
import { binomialHalfCdf, normalCdf, normalQuantile } from './math.js';

export interface McNemarResult {
  test: 'mcnemar';
  /** Rows the candidate gets right and the baseline wrong. */
  candidateOnly: number;
  /** Rows the baseline gets right and the candidate wrong. */
  baselineOnly: number;
  /** Chi-square statistic with continuity correction, (|b - c| - 1)² / (b + c). */
  chiSquare: number;
  /** Exact two-sided binomial p-value (the test statsmodels runs with exact=True). */
  pValue: number;
}

/** McNemar's test of equal accuracy on paired predictions. */
export function mcnemar(interp: Interpretation, candidate: number, baseline: number): McNemarResult {
  const truth = interp.truthClasses!;
  const c = interp.models[candidate]!.predicted!;
  const b = interp.models[baseline]!.predicted!;
  let candOnly = 0;
  let baseOnly = 0;
  for (let i = 0; i < truth.length; i++) {
    const cr = c[i] === truth[i];
    const br = b[i] === truth[i];
    if (cr && !br) candOnly++;
    else if (br && !cr) baseOnly++;
  }
  const discordant = candOnly + baseOnly;
  const chiSquare = discordant ? Math.max(0, Math.abs(candOnly - baseOnly) - 1) ** 2 / discordant : 0;
  const pValue = discordant ? Math.min(1, 2 * binomialHalfCdf(Math.min(candOnly, baseOnly), discordant)) : 1;
  return { test: 'mcnemar', candidateOnly: candOnly, baselineOnly: baseOnly, chiSquare, pValue };
}

export interface DeLongResult {
  test: 'delong';
  candidateAuc: number;
  baselineAuc: number;
  difference: number;
  standardError: number;
  z: number;
  pValue: number;
  /** Normal-theory interval of the difference at the requested confidence. */
  low: number;
  high: number;
  positives: number;
  negatives: number;
}

/**
 * DeLong, DeLong & Clarke-Pearson (1988): the variance of the difference of two correlated
 * ROC AUCs on the same rows, from each row's placement values. Binary tasks only; undefined
 * (undefined return) when the holdout has a single class.
 */
export function delong(
  interp: Interpretation,
  candidate: number,
  baseline: number,
  confidence: number,
): DeLongResult | undefined {
  if (interp.task !== 'binary') return undefined;
  const k = interp.classes!.length;
  const pc = interp.models[candidate]!.probabilities;
  const pb = interp.models[baseline]!.probabilities;
  if (!pc || !pb) return undefined;
  const truth = interp.truthClasses!;
  const positive = Uint8Array.from(truth, (t) => (t === 1 ? 1 : 0));
  const a = placements(positive, column(pc, k, 1));
  const b = placements(positive, column(pb, k, 1));
  const m = a.nPos;
  const n = a.nNeg;
  if (m < 2 || n < 2) return undefined;
  // Means and covariances of placements over positives (V10) and negatives (V01).
  let sa10 = 0, sb10 = 0, sa01 = 0, sb01 = 0; // prettier-ignore
  for (let i = 0; i < truth.length; i++) {
    if (positive[i]) {
      sa10 += a.values[i]!;
      sb10 += b.values[i]!;
    } else {
      sa01 += a.values[i]!;
      sb01 += b.values[i]!;
    }
  }
  const aucA = sa10 / m;
  const aucB = sb10 / m;
  const ma01 = sa01 / n;
  const mb01 = sb01 / n;
  let s10aa = 0, s10bb = 0, s10ab = 0, s01aa = 0, s01bb = 0, s01ab = 0; // prettier-ignore
  for (let i = 0; i < truth.length; i++) {
    if (positive[i]) {
      const da = a.values[i]! - aucA;
      const db = b.values[i]! - aucB;
      s10aa += da * da;
      s10bb += db * db;
      s10ab += da * db;
    } else {
      const da = a.values[i]! - ma01;
      const db = b.values[i]! - mb01;
      s01aa += da * da;
      s01bb += db * db;
      s01ab += da * db;
    }
  }
  const variance = (s10aa + s10bb - 2 * s10ab) / (m - 1) / m + (s01aa + s01bb - 2 * s01ab) / (n - 1) / n;
  const se = Math.sqrt(Math.max(0, variance));
  const diff = aucA - aucB;
  const z = se > 0 ? diff / se : diff === 0 ? 0 : Math.sign(diff) * Infinity;
  const pValue = se > 0 ? 2 * normalCdf(-Math.abs(z)) : diff === 0 ? 1 : 0;
  const zc = normalQuantile(1 - (1 - confidence) / 2);
  return {
    test: 'delong',
    candidateAuc: aucA,
    baselineAuc: aucB,
    difference: diff,
    standardError: se,
    z,
    pValue,
    low: diff - zc * se,
    high: diff + zc * se,
    positives: m,
    negatives: n,
  };
}
