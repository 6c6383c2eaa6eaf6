/**
 * The curves a report draws, down-sampled to a fixed grid so a chart stays small whatever
 * the holdout's size: ROC (true positive rate at evenly spaced false positive rates, linear
 * between scikit-learn's `roc_curve` points, so its area is the trapezoidal AUC),
 * precision-recall (interpolated precision: the best precision at recall >= r), and the
 * reliability curve of scikit-learn's `calibration_curve(strategy="uniform")`.
 */
import type { ThresholdCounts } from './ranking.js';

export interface Curve {
  /** Evenly spaced x values, 0 to 1. */
  x: number[];
  y: number[];
}

export interface CalibrationCurve {
  /** Mean predicted probability per non-empty bin (scikit-learn's `prob_pred`). */
  predicted: number[];
  /** Share of positives per non-empty bin (`prob_true`). */
  observed: number[];
  /** Bin index (0..bins-1) of each point, and the number of rows in it. */
  bin: number[];
  count: number[];
  bins: number;
}

export const CURVE_POINTS = 21;

function grid(points: number): number[] {
  return Array.from({ length: points }, (_, i) => i / (points - 1));
}

/** ROC curve on an even false-positive-rate grid; undefined when a class is absent. */
export function rocCurveOnGrid(counts: ThresholdCounts, points = CURVE_POINTS): Curve | undefined {
  const { tps, fps, positives, negatives } = counts;
  if (!positives || !negatives) return undefined;
  const xs = grid(points);
  const ys: number[] = [];
  // Walk the ROC points (fpr non-decreasing) once; (0,0) is the first point.
  let g = -1;
  let prevF = 0;
  let prevT = 0;
  for (const x of xs) {
    while (g + 1 < tps.length && fps[g + 1]! / negatives <= x) {
      g++;
      prevF = fps[g]! / negatives;
      prevT = tps[g]! / positives;
    }
    if (g + 1 >= tps.length || prevF === x) {
      ys.push(prevT);
      continue;
    }
    const nextF = fps[g + 1]! / negatives;
    const nextT = tps[g + 1]! / positives;
    ys.push(prevT + ((nextT - prevT) * (x - prevF)) / (nextF - prevF));
  }
  return { x: xs, y: ys };
}

/** Interpolated precision on an even recall grid; undefined without positives. */
export function prCurveOnGrid(counts: ThresholdCounts, points = CURVE_POINTS): Curve | undefined {
  const { tps, fps, positives } = counts;
  if (!positives) return undefined;
  const xs = grid(points);
  // Best precision at recall >= x: walk the grid and the thresholds from the high-recall end
  // together, keeping a running maximum (no per-threshold array).
  const ys = new Array<number>(points).fill(0);
  let run = 0;
  let g = tps.length - 1;
  for (let p = points - 1; p >= 0; p--) {
    const x = xs[p]!;
    while (g >= 0 && tps[g]! / positives >= x - 1e-12) {
      const predicted = tps[g]! + fps[g]!;
      if (predicted > 0) run = Math.max(run, tps[g]! / predicted);
      g--;
    }
    ys[p] = run;
  }
  return { x: xs, y: ys };
}

/** scikit-learn's `calibration_curve(y, p, n_bins=bins, strategy="uniform")`, with bin counts. */
export function calibrationCurve(positive: Uint8Array, probability: ArrayLike<number>, bins = 10): CalibrationCurve {
  const sums = new Float64Array(bins);
  const trues = new Float64Array(bins);
  const totals = new Float64Array(bins);
  // The inner edges as numpy's linspace computes them (j * step, e.g. 0.30000000000000004).
  const step = 1 / bins;
  const edges = Array.from({ length: bins - 1 }, (_, j) => (j + 1) * step);
  for (let i = 0; i < positive.length; i++) {
    const p = probability[i]!;
    // np.searchsorted(linspace(0, 1, bins + 1)[1:-1], p) with side='left': an edge value
    // belongs to the lower bin.
    let b = Math.ceil(p * bins) - 1;
    if (b < 0) b = 0;
    if (b > bins - 1) b = bins - 1;
    while (b > 0 && p <= edges[b - 1]!) b--;
    while (b < bins - 1 && p > edges[b]!) b++;
    sums[b]! += p;
    trues[b]! += positive[i]!;
    totals[b]!++;
  }
  const out: CalibrationCurve = { predicted: [], observed: [], bin: [], count: [], bins };
  for (let b = 0; b < bins; b++) {
    if (!totals[b]) continue;
    out.predicted.push(sums[b]! / totals[b]!);
    out.observed.push(trues[b]! / totals[b]!);
    out.bin.push(b);
    out.count.push(totals[b]!);
  }
  return out;
}
