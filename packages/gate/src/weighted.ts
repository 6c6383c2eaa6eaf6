/**
 * The weighted statistics a resample computes (weights: how often it drew each row). Self-contained
 * on purpose: the bootstrap worker carries them into its thread.
 */
/** Σ w·v / Σ w. */
export function weightedMean(w: ArrayLike<number>, rows: Float64Array): number {
  let s = 0;
  let total = 0;
  for (let i = 0; i < rows.length; i++) {
    s += w[i]! * rows[i]!;
    total += w[i]!;
  }
  return total ? s / total : NaN;
}

/** Σ w·v. */
export function weightedSum(w: ArrayLike<number>, rows: Float64Array): number {
  let s = 0;
  for (let i = 0; i < rows.length; i++) s += w[i]! * rows[i]!;
  return s;
}

/** R² with weights from squared errors and centred targets (scikit-learn's force_finite rules; off: a constant target is NaN). */
export function weightedR2(w: ArrayLike<number>, se: Float64Array, yc: Float64Array, forceFinite = true): number {
  let sse = 0;
  let sy = 0;
  let syy = 0;
  let total = 0;
  for (let i = 0; i < se.length; i++) {
    const wi = w[i]!;
    sse += wi * se[i]!;
    sy += wi * yc[i]!;
    syy += wi * yc[i]! * yc[i]!;
    total += wi;
  }
  if (!(total >= 2)) return NaN;
  const ss = Math.max(0, syy - (sy * sy) / total);
  if (ss === 0) return forceFinite ? (sse === 0 ? 1 : 0) : NaN;
  return 1 - sse / ss;
}

/**
 * ROC AUC under weights, averaged over parts (one-vs-rest; by each part's positive weight when
 * `bySupport`, scikit-learn's average="weighted"): one pass in ascending score order, ties
 * counted half. `code[t]` = (positive ? 2 : 0) + (last of its tie group ? 1 : 0).
 */
export function weightedAuc(
  w: ArrayLike<number>,
  parts: { order: Int32Array; code: Uint8Array }[],
  bySupport = false,
): number {
  let sum = 0;
  let supportSum = 0;
  for (let p = 0; p < parts.length; p++) {
    const order = parts[p]!.order;
    const code = parts[p]!.code;
    const n = order.length;
    let area = 0;
    let negBelow = 0;
    let totalPos = 0;
    let wp = 0;
    let wn = 0;
    for (let t = 0; t < n; t++) {
      const wi = w[order[t]!]!;
      const c = code[t]!;
      // Branch-free class split: positives and negatives alternate unpredictably.
      const wpi = wi * (c >> 1);
      wp += wpi;
      wn += wi - wpi;
      if (c & 1) {
        area += wp * (negBelow + wn * 0.5);
        negBelow += wn;
        totalPos += wp;
        wp = 0;
        wn = 0;
      }
    }
    if (!totalPos || !negBelow) return NaN;
    sum += bySupport ? area / negBelow : area / (totalPos * negBelow);
    supportSum += totalPos;
  }
  return sum / (bySupport ? supportSum : parts.length);
}
