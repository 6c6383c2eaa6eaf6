/**
 * Multilabel classification (scikit-learn's "multilabel-indicator"): each row has K 0/1
 * labels (truth) and K 0/1 predictions, optionally K scores (e.g. [N,K] sigmoid outputs).
 * Averages as scikit-learn 1.2 defines them for that target type.
 */
import { UserError } from '@mlops-gha/common';
import { averagedPrf, perClassPrf, type ZeroDivision } from './confusion-metrics.js';
import type { MetricSet } from './metrics.js';
import { binaryRanking } from './ranking.js';

export interface MultilabelInput {
  /** N x K 0/1 true labels, row-major. */
  truth: Uint8Array;
  /** N x K 0/1 predictions. */
  predicted: Uint8Array;
  /** N x K scores (probabilities of each label), when the model gives them. */
  scores?: Float64Array;
  labels: string[];
}

export function multilabelMetrics(input: MultilabelInput, options: { zeroDivision?: ZeroDivision } = {}): MetricSet {
  const { truth, predicted, scores, labels } = input;
  const k = labels.length;
  const n = truth.length / k;
  if (n === 0)
    throw new UserError('Multilabel metrics of zero rows: an empty holdout has no score', {
      fix: 'Evaluate on a holdout set with at least one row.',
    });
  const zd = options.zeroDivision ?? 0;
  const zdValue = zd === 'nan' ? NaN : zd;
  const tp = new Float64Array(k);
  const pred = new Float64Array(k);
  const support = new Float64Array(k);
  let exact = 0;
  let wrong = 0;
  let sp = 0;
  let sr = 0;
  let sf = 0;
  let spCount = 0;
  let srCount = 0;
  let sfCount = 0;
  for (let i = 0; i < n; i++) {
    let rowTp = 0;
    let rowPred = 0;
    let rowTrue = 0;
    let same = true;
    for (let c = 0; c < k; c++) {
      const t = truth[i * k + c]!;
      const p = predicted[i * k + c]!;
      tp[c]! += t & p;
      pred[c]! += p;
      support[c]! += t;
      rowTp += t & p;
      rowPred += p;
      rowTrue += t;
      if (t !== p) {
        same = false;
        wrong++;
      }
    }
    if (same) exact++;
    // average="samples": each row's precision/recall/F1 over its labels.
    const p = rowPred ? rowTp / rowPred : zdValue;
    const r = rowTrue ? rowTp / rowTrue : zdValue;
    const f = Number.isNaN(p) || Number.isNaN(r) ? NaN : p + r === 0 ? 0 : (2 * p * r) / (p + r);
    if (!Number.isNaN(p)) {
      sp += p;
      spCount++;
    }
    if (!Number.isNaN(r)) {
      sr += r;
      srCount++;
    }
    if (!Number.isNaN(f)) {
      sf += f;
      sfCount++;
    }
  }
  const values: Record<string, number | null> = {};
  const notes: Record<string, string> = {};
  const nanToNull = (name: string, v: number) => {
    values[name] = Number.isNaN(v) ? null : v;
    if (Number.isNaN(v)) notes[name] = 'undefined: a denominator is zero and zero_division is NaN';
  };
  values.accuracy = exact / n;
  notes.accuracy = 'subset accuracy: a row counts only when every label is right';
  values.hamming_loss = wrong / (n * k);
  const counts = { tp, predicted: pred, support, total: n };
  for (const avg of ['micro', 'macro', 'weighted'] as const) {
    nanToNull(`precision_${avg}`, averagedPrf(counts, 'precision', 1, avg, zd));
    nanToNull(`recall_${avg}`, averagedPrf(counts, 'recall', 1, avg, zd));
    nanToNull(`f1_${avg}`, averagedPrf(counts, 'f', 1, avg, zd));
  }
  // With zero_division=NaN, rows where a value is undefined are left out of the mean.
  nanToNull('precision_samples', spCount ? sp / spCount : NaN);
  nanToNull('recall_samples', srCount ? sr / srCount : NaN);
  nanToNull('f1_samples', sfCount ? sf / sfCount : NaN);
  const perClass = {
    classes: labels,
    precision: Array.from(perClassPrf(counts, 'precision', 1, zd)),
    recall: Array.from(perClassPrf(counts, 'recall', 1, zd)),
    f1: Array.from(perClassPrf(counts, 'f', 1, zd)),
    support: Array.from(support),
  };
  labels.forEach((l, c) => {
    nanToNull(`precision[${l}]`, perClass.precision[c]!);
    nanToNull(`recall[${l}]`, perClass.recall[c]!);
    nanToNull(`f1[${l}]`, perClass.f1[c]!);
    values[`support[${l}]`] = support[c]!;
  });
  if (scores) {
    const aucs: (number | null)[] = [];
    const aps: (number | null)[] = [];
    for (let c = 0; c < k; c++) {
      const positive = new Uint8Array(n);
      const s = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        positive[i] = truth[i * k + c]!;
        s[i] = scores[i * k + c]!;
      }
      const r = binaryRanking(positive, s);
      aucs.push(r.rocAuc);
      aps.push(r.averagePrecision);
    }
    const average = (xs: (number | null)[], weights?: Float64Array) => {
      if (xs.some((x) => x === null)) return null;
      let total = 0;
      let w = 0;
      xs.forEach((x, c) => {
        const wc = weights ? weights[c]! : 1;
        total += x! * wc;
        w += wc;
      });
      return total / w;
    };
    values.roc_auc_macro = average(aucs);
    values.roc_auc_weighted = average(aucs, support);
    values.average_precision_macro = average(aps);
    values.average_precision_weighted = average(aps, support);
    const micro = binaryRanking(truth, scores);
    values.roc_auc_micro = micro.rocAuc;
    values.average_precision_micro = micro.averagePrecision;
    for (const name of ['roc_auc_macro', 'roc_auc_weighted', 'average_precision_macro', 'average_precision_weighted']) {
      if (values[name] === null) notes[name] = 'undefined: a label has only one class in the holdout';
    }
  }
  return { values, notes, perClass };
}
