/**
 * Everything that ranks rows by a score: the stable sort every AUC and bootstrap pass uses,
 * and scikit-learn's binary ranking metrics (ROC AUC, average precision) and curves, all
 * from one sort. Scores must be finite: callers check them first (see finite.ts), and these
 * functions refuse a NaN rather than loop on it (NaN === NaN is false, which once made the
 * tie-grouping loop spin forever).
 */
import { UserError } from '@mlops-gha/common';

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

/** Refuses non-finite scores: a programming error past the input checks, never a hang. */
function assertFinite(scores: ArrayLike<number>, what: string): void {
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i]!)) {
      throw new UserError(`${what}: score ${scores[i]} at row ${i + 1} is not a finite number`, {
        fix: 'Scores must be finite numbers; scikit-learn refuses NaN and infinite values too ("Input contains NaN").',
      });
    }
  }
}

/**
 * Binary ROC AUC (the area under scikit-learn's trapezoidal ROC curve, which equals the
 * Mann-Whitney statistic with ties counted half). Null when one class is absent.
 */
export function rocAuc(positive: Uint8Array, scores: ArrayLike<number>): number | null {
  return binaryRanking(positive, scores).rocAuc;
}

/** One point per distinct score (descending), as scikit-learn's `_binary_clf_curve`. */
export interface ThresholdCounts {
  /** Positives and negatives scored at or above each threshold. */
  tps: Float64Array;
  fps: Float64Array;
  thresholds: Float64Array;
  positives: number;
  negatives: number;
}

export interface BinaryRanking {
  rocAuc: number | null;
  /** scikit-learn's `average_precision_score`: Σ (R_n − R_{n−1}) P_n over thresholds. */
  averagePrecision: number | null;
  counts: ThresholdCounts;
}

/** Cumulative counts at each distinct score, highest first (an ascending `order` may be passed in to share a sort). */
export function thresholdCounts(positive: Uint8Array, scores: ArrayLike<number>, order?: Int32Array): ThresholdCounts {
  assertFinite(scores, 'ranking metric');
  const n = positive.length;
  const ascending = order ?? sortedOrder(scores);
  const tps = new Float64Array(n);
  const fps = new Float64Array(n);
  const thresholds = new Float64Array(n);
  let groups = 0;
  let tp = 0;
  let fp = 0;
  // Descending: a new score closes the previous tie group (one read of each score).
  let prev = NaN;
  for (let t = n - 1; t >= 0; t--) {
    const row = ascending[t]!;
    const s = scores[row]!;
    if (s !== prev && t !== n - 1) {
      tps[groups] = tp;
      fps[groups] = fp;
      thresholds[groups++] = prev;
    }
    if (positive[row]) tp++;
    else fp++;
    prev = s;
  }
  if (n > 0) {
    tps[groups] = tp;
    fps[groups] = fp;
    thresholds[groups++] = prev;
  }
  return {
    tps: tps.subarray(0, groups),
    fps: fps.subarray(0, groups),
    thresholds: thresholds.subarray(0, groups),
    positives: tp,
    negatives: fp,
  };
}

/** ROC AUC and average precision from one sort; null where a class is absent. */
export function binaryRanking(positive: Uint8Array, scores: ArrayLike<number>, order?: Int32Array): BinaryRanking {
  const counts = thresholdCounts(positive, scores, order);
  const { tps, fps, positives, negatives } = counts;
  let area = 0;
  let ap = 0;
  let prevTp = 0;
  let prevFp = 0;
  for (let g = 0; g < tps.length; g++) {
    const tp = tps[g]!;
    const fp = fps[g]!;
    // Trapezoid between consecutive ROC points (in counts; normalised below).
    area += (fp - prevFp) * (tp + prevTp) * 0.5;
    if (tp > prevTp) ap += (tp - prevTp) * (tp / (tp + fp));
    prevTp = tp;
    prevFp = fp;
  }
  return {
    rocAuc: positives === 0 || negatives === 0 ? null : area / (positives * negatives),
    averagePrecision: positives === 0 ? null : ap / positives,
    counts,
  };
}
