import { UserError } from '@mlops-gha/common';
import { betaOf, classCounts, confusionMetric, perClassPrf, type ZeroDivision } from './confusion-metrics.js';
import { calibrationCurve, prCurveOnGrid, rocCurveOnGrid } from './curves.js';
import { column, columnIsClass, confusionCounts, rowLogLoss, type ClassCurves, type MetricSet } from './metrics.js';
import { binaryRanking, rocAuc } from './ranking.js';
import type { MultiOutput } from './regression.js';

export interface ClassificationInput {
  /** True class indices. */
  truth: Int32Array;
  /** Predicted class indices. */
  predicted: Int32Array;
  /** N x K class probabilities aligned with the class list, when the model gives them. */
  probabilities?: Float64Array;
  /** Number of classes. */
  k: number;
  /** Class names, for notes and per-class metrics. */
  classes: string[];
}

export interface MetricOptions {
  /** scikit-learn's `zero_division` (default 0). */
  zeroDivision?: ZeroDivision;
  /** Extra metrics asked for by name, e.g. `f3`, `f0.25_macro` (any beta). */
  extra?: string[];
  /** Curves for up to this many classes one-vs-rest (binary: the positive class). Default 4; 0 = none. */
  curveClasses?: number;
  /** Regression: scikit-learn's `force_finite` for r2 and explained_variance (default true). */
  forceFinite?: boolean;
  /** Multi-output regression: how the targets' values combine into `r2`, `mse`, … (default uniform_average). */
  multioutput?: MultiOutput;
}

/** F-beta names every classification report has besides f1 (any other beta is asked for by name). */
const DEFAULT_BETAS = ['f0.5', 'f2'];

function mean(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}

function sum(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s;
}

/** Undefined values (NaN) become null with a note, so nothing that is not a result looks like one. */
function put(
  values: Record<string, number | null>,
  notes: Record<string, string>,
  name: string,
  value: number,
  why: string,
): void {
  if (Number.isNaN(value)) {
    values[name] = null;
    notes[name] ??= why;
  } else values[name] = value;
}

const ZD_NOTE = 'undefined: a denominator is zero (no predictions or no true rows of a class) and zero_division is NaN';

/** Every classification metric of the task, with scikit-learn's names. */
export function classificationMetrics(
  task: 'binary' | 'multiclass',
  input: ClassificationInput,
  options: MetricOptions = {},
): MetricSet {
  const { truth, predicted, probabilities, k, classes } = input;
  if (truth.length === 0) {
    throw new UserError('Classification metrics of zero rows: an empty holdout has no accuracy, precision or recall', {
      fix: 'Evaluate on a holdout set with at least one row.',
    });
  }
  const zd = options.zeroDivision ?? 0;
  const values: Record<string, number | null> = {};
  const notes: Record<string, string> = {};
  const confusion = confusionCounts(truth, predicted, k);
  const counts = classCounts(confusion, k);
  const names = ['accuracy', 'accuracy_count', 'balanced_accuracy', 'matthews_corrcoef', 'cohen_kappa'];
  const fNames = ['precision', 'recall', 'f1', ...DEFAULT_BETAS];
  for (const extra of options.extra ?? []) {
    const base = extra.replace(/_(macro|micro|weighted)$/, '');
    if (betaOf(base) !== undefined && !fNames.includes(base)) fNames.push(base);
  }
  if (task === 'binary') names.push(...fNames);
  else for (const avg of ['macro', 'micro', 'weighted']) for (const f of fNames) names.push(`${f}_${avg}`);
  for (const name of names) {
    const fn = confusionMetric(name, classes, { zeroDivision: zd })!;
    put(
      values,
      notes,
      name,
      fn(confusion, k),
      name === 'cohen_kappa' ? 'undefined: chance agreement is total (one class in truth and predictions)' : ZD_NOTE,
    );
  }
  if (zd !== 0)
    notes.zero_division = `precision, recall and F-scores use zero_division=${zd === 'nan' ? 'NaN (undefined, left out of averages)' : zd}`;
  // Per class (average=None): the report's table and rules such as recall[churn].
  const perClass = {
    classes,
    precision: Array.from(perClassPrf(counts, 'precision', 1, zd)),
    recall: Array.from(perClassPrf(counts, 'recall', 1, zd)),
    f1: Array.from(perClassPrf(counts, 'f', 1, zd)),
    support: Array.from(counts.support),
  };
  classes.forEach((c, i) => {
    put(values, notes, `precision[${c}]`, perClass.precision[i]!, ZD_NOTE);
    put(values, notes, `recall[${c}]`, perClass.recall[i]!, ZD_NOTE);
    put(values, notes, `f1[${c}]`, perClass.f1[i]!, ZD_NOTE);
    values[`support[${c}]`] = perClass.support[i]!;
  });
  for (const extra of options.extra ?? []) {
    if (extra in values) continue;
    const fn = confusionMetric(extra, classes, { zeroDivision: zd });
    if (fn) put(values, notes, extra, fn(confusion, k), ZD_NOTE);
  }

  const present = new Uint8Array(k);
  for (let i = 0; i < truth.length; i++) present[truth[i]!] = 1;
  const presentCount = present.reduce((a, b) => a + b, 0);
  let curves: ClassCurves[] | undefined;
  if (probabilities) {
    const losses = rowLogLoss(truth, probabilities, k);
    values.log_loss = mean(losses);
    values.log_loss_sum = sum(losses);
    notes.log_loss =
      'probabilities clipped to [eps, 1 − eps] (eps = 2.22e-16, float64 machine epsilon) and each row renormalised, as scikit-learn 1.2 does';
    if (task === 'binary') {
      const positive = columnIsClass(truth, 1);
      const score = column(probabilities, k, 1);
      let brier = 0;
      for (let i = 0; i < score.length; i++) {
        const d = positive[i]! - score[i]!;
        brier += d * d;
      }
      values.brier_score = brier / score.length;
      const ranking = binaryRanking(positive, score);
      values.roc_auc = ranking.rocAuc;
      values.average_precision = ranking.averagePrecision;
      if (ranking.rocAuc === null) notes.roc_auc = oneClassNote(classes, present, presentCount);
      if (ranking.averagePrecision === null)
        notes.average_precision = `undefined: no row of the positive class ${classes[1]} in the holdout`;
      if ((options.curveClasses ?? 4) > 0) {
        curves = [
          {
            label: classes[1]!,
            roc: rocCurveOnGrid(ranking.counts),
            pr: prCurveOnGrid(ranking.counts),
            calibration: calibrationCurve(positive, score),
            rocAuc: ranking.rocAuc,
            averagePrecision: ranking.averagePrecision,
          },
        ];
      }
    } else {
      Object.assign(values, multiclassAuc(truth, probabilities, k, classes, present, presentCount, notes));
      if (k <= (options.curveClasses ?? 4)) {
        curves = classes.map((label, c) => {
          const ranking = binaryRanking(columnIsClass(truth, c), column(probabilities, k, c));
          return {
            label,
            roc: rocCurveOnGrid(ranking.counts),
            pr: prCurveOnGrid(ranking.counts),
            rocAuc: ranking.rocAuc,
            averagePrecision: ranking.averagePrecision,
          };
        });
      }
    }
  } else {
    notes.log_loss = 'not computed: the model gives no class probabilities';
    notes[task === 'binary' ? 'roc_auc' : 'roc_auc_ovr'] = 'not computed: the model gives no class scores';
  }
  const matrix: number[][] = [];
  for (let t = 0; t < k; t++) matrix.push(Array.from(confusion.subarray(t * k, t * k + k)));
  return { values, notes, confusionMatrix: matrix, perClass, curves };
}

function oneClassNote(classes: string[], present: Uint8Array, presentCount: number): string {
  return (
    `undefined: the holdout's labels hold only one class (${presentCount ? classes[present.indexOf(1)] : 'none'}), ` +
    'so there are no negatives to rank against'
  );
}

/**
 * scikit-learn's multiclass `roc_auc_score`: one-vs-rest (macro, weighted by support, micro
 * over the binarised labels) and one-vs-one (Hand & Till, macro and weighted by pair prevalence).
 */
function multiclassAuc(
  truth: Int32Array,
  probabilities: Float64Array,
  k: number,
  classes: string[],
  present: Uint8Array,
  presentCount: number,
  notes: Record<string, string>,
): Record<string, number | null> {
  const names = ['roc_auc_ovr', 'roc_auc_ovr_weighted', 'roc_auc_ovr_micro', 'roc_auc_ovo', 'roc_auc_ovo_weighted'];
  const out: Record<string, number | null> = Object.fromEntries(names.map((n) => [n, null]));
  if (presentCount < 2) {
    for (const n of names) notes[n] = oneClassNote(classes, present, presentCount);
    return out;
  }
  if (presentCount < k) {
    const missing = classes.filter((_, c) => !present[c]);
    for (const n of names) {
      notes[n] =
        `undefined: class(es) ${missing.join(', ')} never occur in the holdout labels, so their one-vs-rest AUC has no positives`;
    }
    return out;
  }
  const n = truth.length;
  const support = new Float64Array(k);
  for (let i = 0; i < n; i++) support[truth[i]!]!++;
  let macro = 0;
  let weighted = 0;
  for (let c = 0; c < k; c++) {
    const auc = rocAuc(columnIsClass(truth, c), column(probabilities, k, c))!;
    macro += auc;
    weighted += auc * support[c]!;
  }
  out.roc_auc_ovr = macro / k;
  out.roc_auc_ovr_weighted = weighted / n;
  // micro: every (row, class) cell is one binary decision.
  out.roc_auc_ovr_micro = rocAuc(oneHot(truth, k), probabilities);
  let pairMacro = 0;
  let pairWeighted = 0;
  let pairs = 0;
  let prevalence = 0;
  for (const { rows, isA, isB, scoreA, scoreB } of ovoPairs(truth, probabilities, k)) {
    const pair = (rocAuc(isA, scoreA)! + rocAuc(isB, scoreB)!) / 2;
    const share = rows.length / n;
    pairMacro += pair;
    pairWeighted += pair * share;
    prevalence += share;
    pairs++;
  }
  out.roc_auc_ovo = pairMacro / pairs;
  out.roc_auc_ovo_weighted = pairWeighted / prevalence;
  return out;
}

/** The labels as an [N,K] 0/1 matrix: every (row, class) cell one binary decision (micro averages). */
export function oneHot(truth: ArrayLike<number>, k: number): Uint8Array {
  const flat = new Uint8Array(truth.length * k);
  for (let i = 0; i < truth.length; i++) flat[i * k + truth[i]!] = 1;
  return flat;
}

/** One class pair of one-vs-one ROC AUC: the rows of either class, each class's indicator and scores. */
export interface OvoPair {
  rows: number[];
  isA: Uint8Array;
  isB: Uint8Array;
  scoreA: Float64Array;
  scoreB: Float64Array;
}

/** Every class pair a < b, as scikit-learn's one-vs-one ROC AUC takes them. */
export function* ovoPairs(truth: ArrayLike<number>, probabilities: ArrayLike<number>, k: number): Generator<OvoPair> {
  const n = truth.length;
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const rows: number[] = [];
      for (let i = 0; i < n; i++) if (truth[i] === a || truth[i] === b) rows.push(i);
      yield {
        rows,
        isA: Uint8Array.from(rows, (i) => (truth[i] === a ? 1 : 0)),
        isB: Uint8Array.from(rows, (i) => (truth[i] === b ? 1 : 0)),
        scoreA: Float64Array.from(rows, (i) => probabilities[i * k + a]!),
        scoreB: Float64Array.from(rows, (i) => probabilities[i * k + b]!),
      };
    }
  }
}
