/**
 * Metrics with scikit-learn's definitions and names (checked against scikit-learn 1.2 by
 * test/crosscheck). Classes are indices into a class list shared by truth and predictions;
 * in the binary case the positive class is index 1 (scikit-learn's `pos_label=1` for 0/1
 * labels). Where scikit-learn divides by zero and warns, it returns 0 (`zero_division="warn"`);
 * so do we. Where a metric is undefined (ROC AUC with one class in the truth), the value is
 * null and `notes` says why.
 */

export type Task = 'binary' | 'multiclass' | 'regression';

export interface MetricSet {
  /** Metric name -> value; null when undefined for this data (see notes). */
  values: Record<string, number | null>;
  /** Metric name -> why it is undefined or how it was computed when that matters. */
  notes: Record<string, string>;
  /** Row = true class, column = predicted class (scikit-learn's orientation). */
  confusionMatrix?: number[][];
}

/** The metrics computed for each task, in the order reports list them. */
export const METRIC_NAMES: Record<Task, readonly string[]> = {
  binary: ['accuracy', 'precision', 'recall', 'f1', 'log_loss', 'roc_auc'],
  multiclass: [
    'accuracy',
    'precision_macro',
    'recall_macro',
    'f1_macro',
    'precision_micro',
    'recall_micro',
    'f1_micro',
    'precision_weighted',
    'recall_weighted',
    'f1_weighted',
    'log_loss',
    'roc_auc_ovr',
  ],
  regression: ['mse', 'rmse', 'mae', 'r2'],
};

/** Whether a larger value of the metric is better (for deltas and report arrows). */
export function higherIsBetter(metric: string): boolean {
  return !/^(log_loss|mse|rmse|mae)$/.test(metric);
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

/** Accuracy from a flat confusion matrix. */
export function accuracyFromConfusion(confusion: ArrayLike<number>, k: number): number {
  let correct = 0;
  let total = 0;
  for (let t = 0; t < k; t++) {
    for (let p = 0; p < k; p++) {
      const c = confusion[t * k + p]!;
      total += c;
      if (t === p) correct += c;
    }
  }
  return total === 0 ? 0 : correct / total;
}

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

/**
 * Binary ROC AUC (the area under scikit-learn's trapezoidal ROC curve, which equals the
 * Mann-Whitney statistic with ties counted half). Null when one class is absent.
 */
export function rocAuc(positive: Uint8Array, scores: ArrayLike<number>): number | null {
  const n = positive.length;
  const order = sortedOrder(scores);
  let nPos = 0;
  for (let i = 0; i < n; i++) nPos += positive[i]!;
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  let area = 0;
  let negBelow = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    let posInGroup = 0;
    let negInGroup = 0;
    const s = scores[order[i]!]!;
    while (j < n && scores[order[j]!]! === s) {
      if (positive[order[j]!]) posInGroup++;
      else negInGroup++;
      j++;
    }
    area += posInGroup * (negBelow + negInGroup / 2);
    negBelow += negInGroup;
    i = j;
  }
  return area / (nPos * nNeg);
}

const RADIX_MIN = 4096;

/** Rows ordered by ascending 32-bit image, ties by row: LSD radix sort, two 16-bit digits. */
function radixOrder(images: Uint32Array): Int32Array {
  const n = images.length;
  const count = new Uint32Array(65537);
  // pass 1 (low digit), rows in index order
  for (let i = 0; i < n; i++) count[(images[i]! & 0xffff) + 1]!++;
  for (let d = 1; d <= 65536; d++) count[d]! += count[d - 1]!;
  const low = new Int32Array(n);
  for (let i = 0; i < n; i++) low[count[images[i]! & 0xffff]!++] = i;
  // pass 2 (high digit), stable over pass 1
  count.fill(0);
  for (let i = 0; i < n; i++) count[(images[i]! >>> 16) + 1]!++;
  for (let d = 1; d <= 65536; d++) count[d]! += count[d - 1]!;
  const order = new Int32Array(n);
  for (let t = 0; t < n; t++) {
    const row = low[t]!;
    order[count[images[row]! >>> 16]!++] = row;
  }
  return order;
}

/**
 * The order-preserving 32-bit images of float32-representable scores (what ONNX models
 * output), or undefined when a score is not one: negative floats have all bits flipped,
 * positive ones the sign bit; -0 and +0 tie.
 */
function float32Images(scores: ArrayLike<number>): Uint32Array | undefined {
  const images = new Uint32Array(scores.length);
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    f32[0] = s;
    if (f32[0] !== s && !(Number.isNaN(s) && Number.isNaN(f32[0]!))) return undefined;
    const bits = u32[0]!;
    images[i] = s === 0 ? 0x80000000 : bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
  }
  return images;
}

/** Row indices sorted by ascending score (ties by row index, i.e. stable). */
export function sortedOrder(scores: ArrayLike<number>): Int32Array {
  const n = scores.length;
  const images = float32Images(scores);
  // Large columns (the bootstrap and every AUC sort 10^5 rows): a linear-time radix sort.
  if (images && n >= RADIX_MIN) return radixOrder(images);
  const order = new Int32Array(n);
  if (images) {
    // Small ones: one exact float64 key, image * 2^21 + row, sorted natively without a comparator.
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = images[i]! * 2097152 + i;
    keys.sort();
    for (let t = 0; t < n; t++) order[t] = keys[t]! % 2097152;
    return order;
  }
  const values = Float64Array.from(scores as ArrayLike<number>);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => values[a]! - values[b]! || a - b);
  return order;
}

export interface ClassificationInput {
  /** True class indices. */
  truth: Int32Array;
  /** Predicted class indices. */
  predicted: Int32Array;
  /** N x K class probabilities aligned with the class list, when the model gives them. */
  probabilities?: Float64Array;
  /** Number of classes. */
  k: number;
  /** Class names, for notes. */
  classes: string[];
}

/** Every classification metric of the task, with scikit-learn's names. */
export function classificationMetrics(task: 'binary' | 'multiclass', input: ClassificationInput): MetricSet {
  const { truth, predicted, probabilities, k, classes } = input;
  const values: Record<string, number | null> = {};
  const notes: Record<string, string> = {};
  const confusion = confusionCounts(truth, predicted, k);
  values.accuracy = accuracyFromConfusion(confusion, k);
  const prf = prfFromConfusion(confusion, k, 1);
  if (task === 'binary') {
    values.precision = prf.binary.precision;
    values.recall = prf.binary.recall;
    values.f1 = prf.binary.f1;
  } else {
    for (const avg of ['macro', 'micro', 'weighted'] as const) {
      values[`precision_${avg}`] = prf[avg].precision;
      values[`recall_${avg}`] = prf[avg].recall;
      values[`f1_${avg}`] = prf[avg].f1;
    }
  }
  const present = new Uint8Array(k);
  for (let i = 0; i < truth.length; i++) present[truth[i]!] = 1;
  const presentCount = present.reduce((a, b) => a + b, 0);
  if (probabilities) {
    const losses = rowLogLoss(truth, probabilities, k);
    values.log_loss = truth.length ? mean(losses) : null;
    const aucName = task === 'binary' ? 'roc_auc' : 'roc_auc_ovr';
    if (presentCount < 2) {
      values[aucName] = null;
      notes[aucName] =
        `undefined: the holdout's labels hold only one class (${presentCount ? classes[present.indexOf(1)] : 'none'}), ` +
        'so there are no negatives to rank against';
    } else if (task === 'binary') {
      values.roc_auc = rocAuc(columnIsClass(truth, 1), column(probabilities, k, 1));
    } else if (presentCount < k) {
      const missing = classes.filter((_, c) => !present[c]);
      values.roc_auc_ovr = null;
      notes.roc_auc_ovr = `undefined: class(es) ${missing.join(', ')} never occur in the holdout labels, so their one-vs-rest AUC has no positives`;
    } else {
      let sum = 0;
      for (let c = 0; c < k; c++) sum += rocAuc(columnIsClass(truth, c), column(probabilities, k, c))!;
      values.roc_auc_ovr = sum / k;
    }
  } else {
    notes.log_loss = 'not computed: the model gives no class probabilities';
    notes[task === 'binary' ? 'roc_auc' : 'roc_auc_ovr'] = 'not computed: the model gives no class scores';
  }
  const matrix: number[][] = [];
  for (let t = 0; t < k; t++) matrix.push(Array.from(confusion.subarray(t * k, t * k + k)));
  return { values, notes, confusionMatrix: matrix };
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

function mean(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}

/** mse, rmse, mae and r2 as scikit-learn defines them (r2 with `force_finite=True`). */
export function regressionMetrics(truth: Float64Array, predicted: Float64Array): MetricSet {
  const n = truth.length;
  const values: Record<string, number | null> = {};
  const notes: Record<string, string> = {};
  let se = 0;
  let ae = 0;
  let sumY = 0;
  for (let i = 0; i < n; i++) {
    const d = truth[i]! - predicted[i]!;
    se += d * d;
    ae += Math.abs(d);
    sumY += truth[i]!;
  }
  values.mse = n ? se / n : null;
  values.rmse = n ? Math.sqrt(se / n) : null;
  values.mae = n ? ae / n : null;
  const meanY = sumY / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (truth[i]! - meanY) ** 2;
  values.r2 = r2FromSums(se, ss, n);
  if (values.r2 === null) notes.r2 = 'undefined: R² needs at least two rows';
  else if (ss === 0) notes.r2 = 'the holdout target is constant: scikit-learn reports 1.0 for a perfect fit, else 0.0';
  return { values, notes };
}

/** R² from the residual and total sums of squares, scikit-learn's `force_finite=True` rules. */
export function r2FromSums(residual: number, total: number, n: number): number | null {
  if (n < 2) return null;
  if (total === 0) return residual === 0 ? 1 : 0;
  return 1 - residual / total;
}
