/**
 * Regression metrics by scikit-learn's definitions (1.2), for one target or several
 * (multi-output: targets and predictions N x K, row-major, combined as `multioutput` says).
 */
import { UserError } from '@mlops-gha/common';
import type { MetricSet } from './metrics.js';

export type MultiOutput = 'uniform_average' | 'raw_values' | 'variance_weighted';

export interface RegressionOptions {
  /** Targets per row (K); truth and predicted are N x K row-major. Default 1. */
  outputs?: number;
  /** Names of the K targets, for `raw_values` keys such as `r2[price]`. */
  outputNames?: string[];
  /** How K per-target values are combined (scikit-learn's `multioutput`). Default uniform_average. */
  multioutput?: MultiOutput;
  /**
   * scikit-learn's `force_finite` for r2 and explained_variance (default true): a constant
   * target scores 1 (perfect fit) or 0 instead of NaN / −∞, which are reported as undefined.
   */
  forceFinite?: boolean;
}

/** np.finfo(np.float64).eps, the floor of |y| in scikit-learn's MAPE. */
const EPS64 = 2.220446049250313e-16;

interface PerOutput {
  mse: number;
  mae: number;
  maxError: number;
  mape: number;
  median: number;
  /** r2's and explained variance's numerators and the shared denominator (sums of squares / n). */
  r2Num: number;
  evNum: number;
  den: number;
}

function medianOf(values: Float64Array): number {
  const sorted = values.slice().sort();
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

function perOutput(truth: Float64Array, predicted: Float64Array, k: number, j: number): PerOutput {
  const n = truth.length / k;
  let se = 0;
  let ae = 0;
  let maxError = 0;
  let ape = 0;
  let sumY = 0;
  let sumD = 0;
  const abs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const y = truth[i * k + j]!;
    const d = y - predicted[i * k + j]!;
    se += d * d;
    abs[i] = Math.abs(d);
    ae += abs[i]!;
    if (abs[i]! > maxError) maxError = abs[i]!;
    ape += abs[i]! / Math.max(Math.abs(y), EPS64);
    sumY += y;
    sumD += d;
  }
  const meanY = sumY / n;
  const meanD = sumD / n;
  let den = 0;
  let evNum = 0;
  for (let i = 0; i < n; i++) {
    const y = truth[i * k + j]!;
    den += (y - meanY) ** 2;
    evNum += (y - predicted[i * k + j]! - meanD) ** 2;
  }
  return {
    mse: se / n,
    mae: ae / n,
    maxError,
    mape: ape / n,
    median: medianOf(abs),
    r2Num: se / n,
    evNum: evNum / n,
    den: den / n,
  };
}

/** scikit-learn's `_assemble_r2_explained_variance` for one output. */
function assembled(num: number, den: number, forceFinite: boolean): number {
  if (!forceFinite) return 1 - num / den; // NaN for 0/0, −∞ for x/0: reported as undefined
  if (den === 0) return num === 0 ? 1 : 0;
  return 1 - num / den;
}

/**
 * mse, rmse, mae, r2, explained_variance, max_error, mape, median_absolute_error. With several
 * outputs, `raw_values` gives one value per target (`mse[y2]`) and the others one combined value.
 */
export function regressionMetrics(
  truth: Float64Array,
  predicted: Float64Array,
  options: RegressionOptions = {},
): MetricSet {
  const k = options.outputs ?? 1;
  const n = truth.length / k;
  if (n === 0) {
    throw new UserError('Regression metrics of zero rows: an empty holdout has no error to measure', {
      fix: 'Evaluate on a holdout set with at least one row.',
    });
  }
  const multioutput = options.multioutput ?? 'uniform_average';
  const forceFinite = options.forceFinite ?? true;
  const values: Record<string, number | null> = {};
  const notes: Record<string, string> = {};
  const per = Array.from({ length: k }, (_, j) => perOutput(truth, predicted, k, j));
  const names = options.outputNames ?? Array.from({ length: k }, (_, j) => String(j));
  const r2s = per.map((p) => assembled(p.r2Num, p.den, forceFinite));
  const evs = per.map((p) => assembled(p.evNum, p.den, forceFinite));
  const set = (name: string, value: number, why: string) => {
    if (Number.isFinite(value)) values[name] = value;
    else {
      values[name] = null;
      notes[name] = why;
    }
  };
  const constantNote = 'undefined: the holdout target is constant (zero variance) and force_finite is off';
  if (multioutput === 'raw_values' && k > 1) {
    per.forEach((p, j) => {
      const t = names[j]!;
      values[`mse[${t}]`] = p.mse;
      values[`rmse[${t}]`] = Math.sqrt(p.mse);
      values[`mae[${t}]`] = p.mae;
      values[`mape[${t}]`] = p.mape;
      values[`median_absolute_error[${t}]`] = p.median;
      values[`max_error[${t}]`] = p.maxError;
      set(`r2[${t}]`, n < 2 ? NaN : r2s[j]!, n < 2 ? 'undefined: R² needs at least two rows' : constantNote);
      set(`explained_variance[${t}]`, evs[j]!, constantNote);
    });
    return { values, notes };
  }
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  values.mse = avg(per.map((p) => p.mse));
  // scikit-learn 1.2: rmse of several outputs is the mean of the per-output roots.
  values.rmse = avg(per.map((p) => Math.sqrt(p.mse)));
  values.mae = avg(per.map((p) => p.mae));
  values.mape = avg(per.map((p) => p.mape));
  values.median_absolute_error = avg(per.map((p) => p.median));
  if (k === 1) values.max_error = per[0]!.maxError;
  else notes.max_error = 'not defined for several outputs (scikit-learn: max_error does not support multioutput)';
  const combine = (scores: number[]) => {
    if (multioutput !== 'variance_weighted') return avg(scores);
    // Weights = each target's variance; all zero (every target constant): uniform, as scikit-learn.
    const dens = per.map((p) => p.den);
    const total = dens.reduce((a, b) => a + b, 0);
    if (total === 0) return avg(scores);
    return scores.reduce((a, s, j) => a + s * dens[j]!, 0) / total;
  };
  if (n < 2) {
    values.r2 = null;
    notes.r2 = 'undefined: R² needs at least two rows';
  } else {
    set('r2', combine(r2s), constantNote);
    if (per.some((p) => p.den === 0) && forceFinite) {
      notes.r2 = 'the holdout target is constant: scikit-learn reports 1.0 for a perfect fit, else 0.0';
    }
  }
  set('explained_variance', combine(evs), constantNote);
  if (k > 1) notes.multioutput = `${k} outputs combined as ${multioutput}`;
  return { values, notes };
}
