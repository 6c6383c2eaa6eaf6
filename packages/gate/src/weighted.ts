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

/** Rows in ascending score order, and per row (positive ? 2 : 0) + (last of its tie group ? 1 : 0). */
export interface RankPart {
  order: Int32Array;
  code: Uint8Array;
}

/**
 * Average precision under weights (scikit-learn's Σ (R_n − R_{n−1}) P_n over descending
 * thresholds), averaged over parts as `weightedAuc` does (macro, or by positive weight).
 * NaN when a part has no positive weight.
 */
export function weightedAp(w: ArrayLike<number>, parts: RankPart[], bySupport = false): number {
  let sum = 0;
  let supportSum = 0;
  for (let p = 0; p < parts.length; p++) {
    const order = parts[p]!.order;
    const code = parts[p]!.code;
    let tp = 0;
    let fp = 0;
    let prevTp = 0;
    let ap = 0;
    // Descending: a tie group closes where the ascending order opened it.
    for (let t = order.length - 1; t >= 0; t--) {
      const wi = w[order[t]!]!;
      const wpi = wi * (code[t]! >> 1);
      tp += wpi;
      fp += wi - wpi;
      if ((t === 0 || code[t - 1]! & 1) && tp > prevTp) {
        ap += (tp - prevTp) * (tp / (tp + fp));
        prevTp = tp;
      }
    }
    if (!tp) return NaN;
    sum += bySupport ? ap : ap / tp;
    supportSum += tp;
  }
  return sum / (bySupport ? supportSum : parts.length);
}

/**
 * One-vs-one ROC AUC under weights (Hand & Till, as scikit-learn): per class pair, the mean of
 * a-vs-b and b-vs-a AUC on the rows of the two classes; macro, or weighted by the pair's share
 * of the rows. `ab.order` lists exactly the pair's rows.
 */
export function weightedOvo(
  w: ArrayLike<number>,
  pairs: { ab: RankPart; ba: RankPart }[],
  byPrevalence: boolean,
): number {
  let total = 0;
  for (let i = 0; i < w.length; i++) total += w[i]!;
  let sum = 0;
  let weights = 0;
  for (let p = 0; p < pairs.length; p++) {
    const { ab, ba } = pairs[p]!;
    const score = (weightedAuc(w, [ab]) + weightedAuc(w, [ba])) / 2;
    let share = 1;
    if (byPrevalence) {
      share = 0;
      for (let t = 0; t < ab.order.length; t++) share += w[ab.order[t]!]!;
      share /= total;
    }
    sum += score * share;
    weights += share;
  }
  return sum / weights;
}

/** The mean over parts of √(weighted mean): scikit-learn 1.2's rmse of several outputs. */
export function weightedRoots(w: ArrayLike<number>, parts: Float64Array[]): number {
  let s = 0;
  for (let j = 0; j < parts.length; j++) s += Math.sqrt(weightedMean(w, parts[j]!));
  return s / parts.length;
}

/** R² of several targets under weights, uniform or variance-weighted (scikit-learn's multioutput). */
export function weightedR2Multi(
  w: ArrayLike<number>,
  se: Float64Array[],
  yc: Float64Array[],
  forceFinite: boolean,
  varianceWeighted: boolean,
): number {
  let sum = 0;
  let weights = 0;
  let uniform = 0;
  for (let j = 0; j < se.length; j++) {
    let sse = 0;
    let sy = 0;
    let syy = 0;
    let total = 0;
    const e = se[j]!;
    const y = yc[j]!;
    for (let i = 0; i < e.length; i++) {
      const wi = w[i]!;
      sse += wi * e[i]!;
      sy += wi * y[i]!;
      syy += wi * y[i]! * y[i]!;
      total += wi;
    }
    if (!(total >= 2)) return NaN;
    const ss = Math.max(0, syy - (sy * sy) / total);
    const r2 = ss === 0 ? (forceFinite ? (sse === 0 ? 1 : 0) : NaN) : 1 - sse / ss;
    uniform += r2;
    sum += r2 * ss;
    weights += ss;
  }
  // All targets constant: no variance to weight by, so uniform (as scikit-learn).
  return varianceWeighted && weights > 0 ? sum / weights : uniform / se.length;
}
