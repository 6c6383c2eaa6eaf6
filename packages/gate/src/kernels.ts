import {
  column,
  confusionMetric,
  rowLogLoss,
  sortedOrder,
  type ConfusionFn,
  type Interpretation,
  type MultiOutput,
  type ZeroDivision,
} from '@mlops-gha/evaluation';
import { rankPart } from './rank-part.js';
import { hasRankingKernel, rankingKernel } from './ranking-kernels.js';
import { meanKernel, r2Kernel, sumKernel } from './row-kernels.js';
import { specValue, type KernelSpec } from './spec-value.js';
import { hasTargetKernel, targetKernel } from './target-kernels.js';

/** Per-row weights: how often a resample drew each row. */
export type Weights = Uint16Array | Uint32Array | Float64Array;

/**
 * A metric of one model that can be recomputed on a resample (rows with multiplicities) and
 * with one row left out (the jackknife, for BCa). On weights it equals scikit-learn's metric
 * with `sample_weight` (test/crosscheck checks this). Every `value` is a sequential pass over
 * the rows (or none, for confusion metrics), so a resample stays cache-friendly.
 */
export interface Kernel {
  metric: string;
  /** Confusion kernels read the weighted confusion matrix (true * k + predicted) the engine accumulates. */
  usesConfusion: boolean;
  value(weights: Weights, confusion: ArrayLike<number>): number;
  /**
   * The metric with row i left out, for every row (NaN where undefined), for BCa's
   * acceleration; absent where no exact jackknife is cheap (the interval is then percentile).
   */
  leaveOneOut?(): Float64Array;
  /** The data `value` reads, so a worker thread can compute it with the same pure functions. */
  spec: KernelSpec;
}

export type { KernelSpec };

import { weightedAuc, weightedMean, weightedR2, weightedSum } from './weighted.js';
export { weightedAuc, weightedMean, weightedR2, weightedSum };

/** Kernel options that must match the point estimate's (zero_division, for the ratio metrics). */
export interface KernelOptions {
  zeroDivision?: ZeroDivision;
  /** scikit-learn's force_finite for r2 (default true): off, a constant resampled target gives an undefined draw. */
  forceFinite?: boolean;
  /** Several regression targets: how the combined r2 weighs them (as the point estimate). */
  multioutput?: MultiOutput;
}

function confusionFn(metric: string, interp: Interpretation, options: KernelOptions): ConfusionFn | undefined {
  if (interp.task === 'regression' || !interp.classes) return undefined;
  // Multiclass reports average precision/recall/F; a bare name means the positive class of a binary task.
  if (interp.task === 'multiclass' && /^(precision|recall|f\d+(\.\d+)?)$/.test(metric)) return undefined;
  return confusionMetric(metric, interp.classes, options);
}

const ROW_KERNELS = [
  'log_loss',
  'log_loss_sum',
  'brier_score',
  'roc_auc',
  'roc_auc_ovr',
  'roc_auc_ovr_weighted',
  'mse',
  'rmse',
  'mae',
  'mape',
  'r2',
];

/** Metrics a kernel exists for (with the interpretation at hand, when given). */
export function hasKernel(metric: string, interp?: Interpretation): boolean {
  if (interp && (hasRankingKernel(metric, interp) || hasTargetKernel(metric, interp))) return true;
  if (interp?.targets && interp.targets.length > 1) return false;
  if (ROW_KERNELS.includes(metric)) return true;
  if (interp) return confusionFn(metric, interp, {}) !== undefined;
  return (
    confusionMetric(metric, [], {}) !== undefined || /^(precision|recall|f\d+(\.\d+)?|support)\[.+\]$/.test(metric)
  );
}

/** Confusion cell (true * k + predicted) of each row, for a model. */
export function confusionCodes(interp: Interpretation, model: number): Int32Array {
  const k = interp.classes!.length;
  const truth = interp.truthClasses!;
  const predicted = interp.models[model]!.predicted!;
  const codes = new Int32Array(truth.length);
  for (let i = 0; i < truth.length; i++) codes[i] = truth[i]! * k + predicted[i]!;
  return codes;
}

export function makeKernel(
  metric: string,
  interp: Interpretation,
  model: number,
  options: KernelOptions = {},
): Kernel | undefined {
  const special = rankingKernel(metric, interp, model) ?? targetKernel(metric, interp, model, options);
  if (special) return special;
  const fn = confusionFn(metric, interp, options);
  const m = interp.models[model]!;
  if (fn) {
    const k = interp.classes!.length;
    return {
      metric,
      usesConfusion: true,
      spec: { kind: 'confusion' },
      value: (_w, confusion) => fn(confusion, k),
      leaveOneOut() {
        const codes = confusionCodes(interp, model);
        const full = new Float64Array(k * k);
        for (let i = 0; i < codes.length; i++) full[codes[i]!]! += 1;
        const byCode = new Float64Array(k * k);
        for (let c = 0; c < k * k; c++) {
          if (!full[c]) continue;
          full[c]! -= 1;
          byCode[c] = fn(full, k);
          full[c]! += 1;
        }
        return Float64Array.from(codes, (c) => byCode[c]!);
      },
    };
  }
  if (metric === 'log_loss' && m.probabilities) {
    return meanKernel(metric, rowLogLoss(interp.truthClasses!, m.probabilities, interp.classes!.length));
  }
  if (metric === 'log_loss_sum' && m.probabilities) {
    // normalize=False: a sum, not a mean.
    const rows = rowLogLoss(interp.truthClasses!, m.probabilities, interp.classes!.length);
    return sumKernel(metric, rows);
  }
  if (metric === 'brier_score' && interp.task === 'binary' && m.probabilities) {
    const k = interp.classes!.length;
    const truth = interp.truthClasses!;
    return meanKernel(
      metric,
      Float64Array.from(truth, (t, i) => ((t === 1 ? 1 : 0) - m.probabilities![i * k + 1]!) ** 2),
    );
  }
  if (metric === 'roc_auc' && interp.task === 'binary' && m.probabilities) {
    const k = interp.classes!.length;
    return aucKernel(metric, [
      { positive: positivesOf(interp.truthClasses!, 1), scores: column(m.probabilities, k, 1) },
    ]);
  }
  if (
    (metric === 'roc_auc_ovr' || metric === 'roc_auc_ovr_weighted') &&
    interp.task === 'multiclass' &&
    m.probabilities
  ) {
    const k = interp.classes!.length;
    const parts = Array.from({ length: k }, (_, c) => ({
      positive: positivesOf(interp.truthClasses!, c),
      scores: column(m.probabilities!, k, c),
    }));
    return aucKernel(metric, parts, metric === 'roc_auc_ovr_weighted');
  }
  if (interp.task === 'regression' && m.values && (interp.targets?.length ?? 1) === 1) {
    const y = interp.truthValues!;
    const yhat = m.values;
    const n = y.length;
    if (metric === 'mape') {
      // scikit-learn: |y - ŷ| / max(|y|, float64 eps), averaged.
      return meanKernel(
        metric,
        Float64Array.from(y, (v, i) => Math.abs(v - yhat[i]!) / Math.max(Math.abs(v), 2.220446049250313e-16)),
      );
    }
    if (metric === 'mse' || metric === 'rmse' || metric === 'mae') {
      const rows = new Float64Array(n);
      for (let i = 0; i < n; i++) rows[i] = metric === 'mae' ? Math.abs(y[i]! - yhat[i]!) : (y[i]! - yhat[i]!) ** 2;
      const kernel = meanKernel(metric, rows);
      if (metric !== 'rmse') return kernel;
      return {
        ...kernel,
        spec: { kind: 'mean', rows, sqrt: true },
        value: (w) => specValue({ kind: 'mean', rows, sqrt: true }, w),
        leaveOneOut: () => kernel.leaveOneOut!().map(Math.sqrt),
      };
    }
    if (metric === 'r2') return r2Kernel(y, yhat, options.forceFinite ?? true);
  }
  return undefined;
}

function positivesOf(truth: Int32Array, c: number): Uint8Array {
  return Uint8Array.from(truth, (t) => (t === c ? 1 : 0));
}

/** DeLong's placements of each row: for a positive, the share of negatives it outranks (ties half); for a negative, the share of positives that outrank it. */
export function placements(
  positive: Uint8Array,
  scores: ArrayLike<number>,
): { values: Float64Array; nPos: number; nNeg: number } {
  const n = positive.length;
  const order = sortedOrder(scores);
  let nPos = 0;
  for (let i = 0; i < n; i++) nPos += positive[i]!;
  const nNeg = n - nPos;
  const values = new Float64Array(n);
  let negBelow = 0;
  let posBelow = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    let pos = 0;
    let neg = 0;
    const s = scores[order[i]!]!;
    while (j < n && scores[order[j]!]! === s) {
      if (positive[order[j]!]) pos++;
      else neg++;
      j++;
    }
    for (let t = i; t < j; t++) {
      const row = order[t]!;
      values[row] = positive[row]
        ? nNeg
          ? (negBelow + neg / 2) / nNeg
          : NaN
        : nPos
          ? (nPos - posBelow - pos + pos / 2) / nPos
          : NaN;
    }
    negBelow += neg;
    posBelow += pos;
    i = j;
  }
  return { values, nPos, nNeg };
}

/**
 * ROC AUC (averaged over parts for one-vs-rest) under weights: one pass in ascending score
 * order, tie groups counted half, reading each row's weight through the sorted order.
 */
function aucKernel(metric: string, parts: { positive: Uint8Array; scores: Float64Array }[], bySupport = false): Kernel {
  const prepared = parts.map(({ positive, scores }) => rankPart(positive, scores));
  return {
    metric,
    usesConfusion: false,
    spec: { kind: 'auc', parts: prepared, bySupport },
    value: (w) => specValue({ kind: 'auc', parts: prepared, bySupport }, w),
    leaveOneOut() {
      const n = parts[0]!.positive.length;
      const out = new Float64Array(n);
      for (const { positive, scores } of parts) {
        const { values, nPos, nNeg } = placements(positive, scores);
        let area = 0;
        for (let i = 0; i < n; i++) if (positive[i]) area += values[i]!;
        const auc = area / nPos;
        for (let i = 0; i < n; i++) {
          const loo = positive[i]
            ? nPos > 1
              ? (nPos * auc - values[i]!) / (nPos - 1)
              : NaN
            : nNeg > 1
              ? (nNeg * auc - values[i]!) / (nNeg - 1)
              : NaN;
          // Weighted by support: this part's weight is its positives left after row i goes.
          out[i]! += bySupport ? (loo * (nPos - positive[i]!)) / (n - 1) : loo / parts.length;
        }
      }
      return out;
    },
  };
}
