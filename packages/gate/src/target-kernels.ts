/**
 * Bootstrap kernels of tasks with several label columns. Multilabel: subset accuracy, Hamming
 * loss and the samples averages are means of per-row terms; precision/recall/F1 (micro, macro,
 * weighted, one label) read per-label weighted counts. Multi-output regression: each target's
 * mse/rmse/mae/mape/r2 (`r2[price]`), and the combined values as scikit-learn combines them.
 */
import type { Interpretation, PrfKind, ZeroDivision } from '@mlops-gha/evaluation';
import type { Kernel, KernelOptions } from './kernels.js';
import { meanKernel, r2Kernel } from './row-kernels.js';
import { labelCountMetric, labelCounts, specValue, type LabelCountSpec } from './spec-value.js';

const PRF = /^(precision|recall|f1)(?:_(micro|macro|weighted)|\[(.+)\])$/;
const REGRESSION = /^(mse|rmse|mae|mape|r2)(?:\[(.+)\])?$/;

function multi(interp: Interpretation): number {
  return interp.targets?.length ?? 1;
}

export function hasTargetKernel(metric: string, interp: Interpretation): boolean {
  if (interp.task === 'multilabel') {
    if (['accuracy', 'hamming_loss', 'precision_samples', 'recall_samples', 'f1_samples'].includes(metric)) return true;
    const m = PRF.exec(metric);
    return !!m && (m[3] === undefined || interp.targets!.includes(m[3]));
  }
  if (interp.task === 'regression' && multi(interp) > 1) {
    const m = REGRESSION.exec(metric);
    return !!m && (m[2] === undefined || interp.targets!.includes(m[2]));
  }
  return false;
}

export function targetKernel(
  metric: string,
  interp: Interpretation,
  model: number,
  options: KernelOptions = {},
): Kernel | undefined {
  if (!hasTargetKernel(metric, interp)) return undefined;
  return interp.task === 'multilabel'
    ? multilabelKernel(metric, interp, model, options.zeroDivision ?? 0)
    : regressionKernel(metric, interp, model, options);
}

function multilabelKernel(metric: string, interp: Interpretation, model: number, zd: ZeroDivision): Kernel | undefined {
  const k = interp.targets!.length;
  const truth = interp.truthMatrix!;
  const predicted = interp.models[model]!.predictedMatrix!;
  const n = truth.length / k;
  const rowTerm = (term: (tp: number, pred: number, actual: number, wrong: number) => number) => {
    const rows = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let tp = 0;
      let pred = 0;
      let actual = 0;
      let wrong = 0;
      for (let c = i * k; c < i * k + k; c++) {
        tp += truth[c]! & predicted[c]!;
        pred += predicted[c]!;
        actual += truth[c]!;
        wrong += truth[c]! ^ predicted[c]!;
      }
      rows[i] = term(tp, pred, actual, wrong);
    }
    return meanKernel(metric, rows);
  };
  const zdValue = zd === 'nan' ? NaN : zd;
  switch (metric) {
    case 'accuracy':
      return rowTerm((_tp, _p, _a, wrong) => (wrong === 0 ? 1 : 0));
    case 'hamming_loss':
      return rowTerm((_tp, _p, _a, wrong) => wrong / k);
    case 'precision_samples':
    case 'recall_samples':
    case 'f1_samples':
      // zero_division=nan leaves rows out of the mean: not a weighted mean of fixed terms.
      if (zd === 'nan') return undefined;
      return rowTerm((tp, pred, actual) => {
        const p = pred ? tp / pred : zdValue;
        const r = actual ? tp / actual : zdValue;
        if (metric === 'precision_samples') return p;
        if (metric === 'recall_samples') return r;
        return p + r === 0 ? 0 : (2 * p * r) / (p + r);
      });
  }
  const m = PRF.exec(metric)!;
  // Rows grouped by their pattern of (truth, predicted) over the labels.
  const ids = new Map<string, number>();
  const rowPattern = new Int32Array(n);
  const codes: number[] = [];
  for (let i = 0; i < n; i++) {
    let key = '';
    for (let c = i * k; c < i * k + k; c++) key += truth[c]! * 2 + predicted[c]!;
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
      for (let c = i * k; c < i * k + k; c++) codes.push(truth[c]! * 2 + predicted[c]!);
    }
    rowPattern[i] = id;
  }
  const spec: LabelCountSpec = {
    kind: 'labels',
    rowPattern,
    patternCodes: Uint8Array.from(codes),
    k,
    prf: (m[1] === 'f1' ? 'f' : m[1]) as PrfKind,
    average: (m[2] as LabelCountSpec['average'] | undefined) ?? 'label',
    label: m[3] === undefined ? 0 : interp.targets!.indexOf(m[3]),
    zeroDivision: zd,
  };
  return {
    metric,
    usesConfusion: false,
    spec,
    value: (w) => specValue(spec, w),
    leaveOneOut: () => labelCountsJackknife(spec),
  };
}

/** Leave-one-out values of a label-count metric: rows of one pattern share one value. */
function labelCountsJackknife(spec: LabelCountSpec): Float64Array {
  const patterns = spec.patternCodes.length / spec.k;
  const perPattern = new Float64Array(patterns);
  for (const p of spec.rowPattern) perPattern[p]!++;
  const byPattern = Float64Array.from({ length: patterns }, (_, p) => {
    perPattern[p]!--;
    const v = labelCountMetric(spec, labelCounts(spec, perPattern));
    perPattern[p]!++;
    return v;
  });
  return Float64Array.from(spec.rowPattern, (p) => byPattern[p]!);
}

function regressionKernel(
  metric: string,
  interp: Interpretation,
  model: number,
  options: KernelOptions,
): Kernel | undefined {
  const k = multi(interp);
  const y = interp.truthValues!;
  const yhat = interp.models[model]!.values!;
  const n = y.length / k;
  const [, name, target] = REGRESSION.exec(metric)!;
  const col = (values: Float64Array, j: number) => Float64Array.from({ length: n }, (_, i) => values[i * k + j]!);
  const term = (j: number, i: number): number => {
    const t = y[i * k + j]!;
    const d = t - yhat[i * k + j]!;
    if (name === 'mae') return Math.abs(d);
    if (name === 'mape') return Math.abs(d) / Math.max(Math.abs(t), 2.220446049250313e-16);
    return d * d;
  };
  const forceFinite = options.forceFinite ?? true;
  if (target !== undefined) {
    const j = interp.targets!.indexOf(target);
    if (name === 'r2') return r2Kernel(col(y, j), col(yhat, j), forceFinite);
    const rows = Float64Array.from({ length: n }, (_, i) => term(j, i));
    const kernel = meanKernel(metric, rows);
    if (name !== 'rmse') return kernel;
    const spec = { kind: 'mean' as const, rows, sqrt: true };
    return {
      ...kernel,
      spec,
      value: (w) => specValue(spec, w),
      leaveOneOut: () => kernel.leaveOneOut!().map(Math.sqrt),
    };
  }
  if (name === 'mse' || name === 'mae' || name === 'mape') {
    // The uniform average over targets of a mean over rows is the mean over rows of each row's average.
    const rows = Float64Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let j = 0; j < k; j++) s += term(j, i);
      return s / k;
    });
    return meanKernel(metric, rows);
  }
  if (name === 'rmse') {
    const parts = Array.from({ length: k }, (_, j) => Float64Array.from({ length: n }, (_, i) => term(j, i)));
    const spec = { kind: 'roots' as const, parts };
    return { metric, usesConfusion: false, spec, value: (w) => specValue(spec, w) };
  }
  if (options.multioutput === 'raw_values') return undefined;
  const se: Float64Array[] = [];
  const yc: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const t = col(y, j);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += t[i]!;
    mean /= n;
    se.push(Float64Array.from({ length: n }, (_, i) => (t[i]! - yhat[i * k + j]!) ** 2));
    yc.push(t.map((v) => v - mean));
  }
  const spec = {
    kind: 'r2multi' as const,
    se,
    yc,
    forceFinite,
    varianceWeighted: options.multioutput === 'variance_weighted',
  };
  return { metric, usesConfusion: false, spec, value: (w) => specValue(spec, w) };
}
