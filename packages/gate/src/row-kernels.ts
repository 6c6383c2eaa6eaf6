/**
 * Kernels of metrics that are a mean, a sum or an R² of per-row terms: the value on a resample
 * is one weighted pass, and leaving row i out is exact in O(1) per row (the BCa jackknife).
 */
import { r2FromSums } from '@mlops-gha/evaluation';
import type { Kernel } from './kernels.js';
import { specValue } from './spec-value.js';

export function meanKernel(metric: string, rows: Float64Array): Kernel {
  const n = rows.length;
  return {
    metric,
    usesConfusion: false,
    spec: { kind: 'mean', rows, sqrt: false },
    value: (w) => specValue({ kind: 'mean', rows, sqrt: false }, w),
    leaveOneOut() {
      let s = 0;
      for (let i = 0; i < n; i++) s += rows[i]!;
      return rows.map((v) => (n > 1 ? (s - v) / (n - 1) : NaN));
    },
  };
}

/** A sum over rows (normalize=False), scikit-learn's Σ w·v under sample weights. */
export function sumKernel(metric: string, rows: Float64Array): Kernel {
  let total = 0;
  for (let i = 0; i < rows.length; i++) total += rows[i]!;
  return {
    metric,
    usesConfusion: false,
    spec: { kind: 'sum', rows },
    value: (w) => specValue({ kind: 'sum', rows }, w),
    leaveOneOut: () => rows.map((v) => total - v),
  };
}

export function r2Kernel(y: Float64Array, yhat: Float64Array, forceFinite: boolean): Kernel {
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i]!;
  mean /= n;
  const yc = y.map((v) => v - mean); // R² is shift-invariant; centring keeps the sums exact
  const se = new Float64Array(n);
  for (let i = 0; i < n; i++) se[i] = (y[i]! - yhat[i]!) ** 2;
  const fromSums = (sse: number, sy: number, syy: number, total: number) => {
    const ss = Math.max(0, syy - (sy * sy) / total);
    if (!(total > 0)) return NaN;
    if (!forceFinite && ss === 0) return NaN;
    return r2FromSums(sse, ss, total) ?? NaN;
  };
  return {
    metric: 'r2',
    usesConfusion: false,
    spec: { kind: 'r2', se, yc, forceFinite },
    value: (w) => specValue({ kind: 'r2', se, yc, forceFinite }, w),
    leaveOneOut() {
      let sse = 0;
      let sy = 0;
      let syy = 0;
      for (let i = 0; i < n; i++) {
        sse += se[i]!;
        sy += yc[i]!;
        syy += yc[i]! * yc[i]!;
      }
      return Float64Array.from({ length: n }, (_, i) => fromSums(sse - se[i]!, sy - yc[i]!, syy - yc[i]! ** 2, n - 1));
    },
  };
}
