/**
 * Metrics with scikit-learn's definitions and names (checked against scikit-learn 1.2 by
 * test/crosscheck). Classes are indices into a class list shared by truth and predictions;
 * in the binary case the positive class is index 1 (the interpretation puts `pos_label`
 * there). Where scikit-learn divides by zero, the value is `zero_division` (0 by default, 1,
 * or NaN = undefined). Where a metric is undefined for the data (ROC AUC with one class in
 * the truth), the value is null and `notes` says why. Empty inputs and non-finite scores are
 * errors, never numbers that look like results.
 */
import type { CalibrationCurve, Curve } from './curves.js';
import { accuracy } from './confusion-metrics.js';

export type Task = 'binary' | 'multiclass' | 'regression' | 'multilabel';

/** The curves of one class against the rest (binary: the positive class). */
export interface ClassCurves {
  /** The class the curves are drawn for. */
  label: string;
  roc?: Curve;
  pr?: Curve;
  calibration?: CalibrationCurve;
  rocAuc: number | null;
  averagePrecision: number | null;
}

export interface PerClass {
  classes: string[];
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
}

export interface MetricSet {
  /** Metric name -> value; null when undefined for this data (see notes). */
  values: Record<string, number | null>;
  /** Metric name -> why it is undefined or how it was computed when that matters. */
  notes: Record<string, string>;
  /** Row = true class, column = predicted class (scikit-learn's orientation). */
  confusionMatrix?: number[][];
  /** precision/recall/f1/support per class (`average=None`). */
  perClass?: PerClass;
  /** ROC, precision-recall and reliability curves, down-sampled for charts. */
  curves?: ClassCurves[];
}

/** The metrics computed for each task, in the order reports list them. */
export const METRIC_NAMES: Record<Task, readonly string[]> = {
  binary: [
    'accuracy',
    'balanced_accuracy',
    'precision',
    'recall',
    'f1',
    'matthews_corrcoef',
    'cohen_kappa',
    'log_loss',
    'brier_score',
    'roc_auc',
    'average_precision',
  ],
  multiclass: [
    'accuracy',
    'balanced_accuracy',
    'precision_macro',
    'recall_macro',
    'f1_macro',
    'precision_micro',
    'recall_micro',
    'f1_micro',
    'precision_weighted',
    'recall_weighted',
    'f1_weighted',
    'matthews_corrcoef',
    'cohen_kappa',
    'log_loss',
    'roc_auc_ovr',
    'roc_auc_ovr_weighted',
    'roc_auc_ovr_micro',
    'roc_auc_ovo',
    'roc_auc_ovo_weighted',
  ],
  multilabel: [
    'accuracy',
    'hamming_loss',
    'precision_micro',
    'recall_micro',
    'f1_micro',
    'precision_macro',
    'recall_macro',
    'f1_macro',
    'precision_weighted',
    'recall_weighted',
    'f1_weighted',
    'precision_samples',
    'recall_samples',
    'f1_samples',
    'roc_auc_macro',
    'roc_auc_weighted',
    'roc_auc_micro',
    'average_precision_macro',
    'average_precision_weighted',
    'average_precision_micro',
  ],
  regression: ['mse', 'rmse', 'mae', 'r2', 'explained_variance', 'max_error', 'mape', 'median_absolute_error'],
};

/** Whether a larger value of the metric is better (for deltas and report arrows). */
export function higherIsBetter(metric: string): boolean {
  return !/^(log_loss|log_loss_sum|brier_score|hamming_loss|mse|rmse|mae|max_error|mape|median_absolute_error)(\[.*\])?$/.test(
    metric,
  );
}

/** K x K confusion matrix (weighted by `weights` when given) as a flat row-major array. */
export function confusionCounts(truth: Int32Array, predicted: Int32Array, k: number): Float64Array {
  const counts = new Float64Array(k * k);
  for (let i = 0; i < truth.length; i++) counts[truth[i]! * k + predicted[i]!]! += 1;
  return counts;
}

export interface PrfAverages {
  binary: { precision: number; recall: number; f1: number };
  macro: { precision: number; recall: number; f1: number };
  micro: { precision: number; recall: number; f1: number };
  weighted: { precision: number; recall: number; f1: number };
}

/** scikit-learn's precision/recall/F1 from a confusion matrix (flat, K x K), every averaging mode. */
export function prfFromConfusion(confusion: ArrayLike<number>, k: number, positive = 1): PrfAverages {
  const tp = new Float64Array(k);
  const predictedCount = new Float64Array(k);
  const support = new Float64Array(k);
  for (let t = 0; t < k; t++) {
    for (let p = 0; p < k; p++) {
      const c = confusion[t * k + p]!;
      support[t]! += c;
      predictedCount[p]! += c;
      if (t === p) tp[t] = c;
    }
  }
  const div = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
  const precision = new Float64Array(k);
  const recall = new Float64Array(k);
  const f = new Float64Array(k);
  let macroP = 0;
  let macroR = 0;
  let macroF = 0;
  let wP = 0;
  let wR = 0;
  let wF = 0;
  let totalSupport = 0;
  let tpSum = 0;
  let predSum = 0;
  for (let c = 0; c < k; c++) {
    precision[c] = div(tp[c]!, predictedCount[c]!);
    recall[c] = div(tp[c]!, support[c]!);
    f[c] = f1(precision[c]!, recall[c]!);
    macroP += precision[c]!;
    macroR += recall[c]!;
    macroF += f[c]!;
    wP += precision[c]! * support[c]!;
    wR += recall[c]! * support[c]!;
    wF += f[c]! * support[c]!;
    totalSupport += support[c]!;
    tpSum += tp[c]!;
    predSum += predictedCount[c]!;
  }
  const microP = div(tpSum, predSum);
  const microR = div(tpSum, totalSupport);
  const pos = Math.min(positive, k - 1);
  return {
    binary: { precision: precision[pos] ?? 0, recall: recall[pos] ?? 0, f1: f[pos] ?? 0 },
    macro: { precision: macroP / k, recall: macroR / k, f1: macroF / k },
    micro: { precision: microP, recall: microR, f1: f1(microP, microR) },
    weighted: {
      precision: div(wP, totalSupport),
      recall: div(wR, totalSupport),
      f1: div(wF, totalSupport),
    },
  };
}

/** Accuracy from a flat confusion matrix (NaN for an empty one: never a number that looks like a result). */
export const accuracyFromConfusion: (confusion: ArrayLike<number>, k: number) => number = accuracy;

const EPS64 = 2.220446049250313e-16;

/**
 * Per-row log loss as scikit-learn 1.2 computes it (`eps="auto"` for float64: clip to
 * [eps, 1 - eps], then renormalise each row to sum to 1), so the mean of these is `log_loss`.
 */
export function rowLogLoss(truth: Int32Array, probabilities: Float64Array, k: number): Float64Array {
  const n = truth.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let c = 0; c < k; c++) sum += clip(probabilities[i * k + c]!);
    out[i] = -Math.log(clip(probabilities[i * k + truth[i]!]!) / sum);
  }
  return out;
}

function clip(p: number): number {
  return p < EPS64 ? EPS64 : p > 1 - EPS64 ? 1 - EPS64 : p;
}

export function columnIsClass(truth: Int32Array, c: number): Uint8Array {
  const out = new Uint8Array(truth.length);
  for (let i = 0; i < truth.length; i++) out[i] = truth[i] === c ? 1 : 0;
  return out;
}

export function column(matrix: Float64Array, k: number, c: number): Float64Array {
  const n = matrix.length / k;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = matrix[i * k + c]!;
  return out;
}

/** R² from the residual and total sums of squares, scikit-learn's `force_finite=True` rules. */
export function r2FromSums(residual: number, total: number, n: number): number | null {
  if (n < 2) return null;
  if (total === 0) return residual === 0 ? 1 : 0;
  return 1 - residual / total;
}
