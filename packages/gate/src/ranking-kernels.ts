/**
 * Bootstrap kernels of the ranking metrics beyond binary and one-vs-rest ROC AUC: average
 * precision (binary; multilabel macro, weighted, micro), micro-averaged ROC AUC (multiclass
 * one-vs-rest over the binarised labels; multilabel), one-vs-one ROC AUC (macro and weighted
 * by pair prevalence) and multilabel ROC AUC averages. Each is one pass per part in sorted
 * order over a resample's row weights; on integer weights it equals scikit-learn's metric on
 * the rows repeated that often (test/crosscheck/bootstrap-kernels-sklearn.test.ts).
 */
import { METRIC_NAMES, column, oneHot, ovoPairs, type Interpretation } from '@mlops-gha/evaluation';
import type { Kernel } from './kernels.js';
import { rankPart } from './rank-part.js';
import { specValue, type KernelSpec } from './spec-value.js';
import type { RankPart } from './weighted.js';

/** Binary and one-vs-rest multiclass ROC AUC are row kernels (kernels.ts); these are the rest. */
const MULTICLASS = ['roc_auc_ovr_micro', 'roc_auc_ovo', 'roc_auc_ovo_weighted'];
/**
 * The averages `rankingKernel` computes over labels. The multilabel list is the evaluation's
 * own (METRIC_NAMES), filtered by this pattern: a name added there with another average is not
 * silently computed as a macro average here (ranking-kernels.test.ts requires every evaluation
 * multilabel metric to have a kernel, so it fails instead).
 */
const MULTILABEL_RANKING = /^(roc_auc|average_precision)_(macro|weighted|micro)$/;
const MULTILABEL = METRIC_NAMES.multilabel.filter((m) => MULTILABEL_RANKING.test(m));

export function hasRankingKernel(metric: string, interp: Interpretation): boolean {
  if (interp.task === 'binary') return metric === 'average_precision';
  if (interp.task === 'multiclass') return MULTICLASS.includes(metric);
  if (interp.task === 'multilabel') return MULTILABEL.includes(metric);
  return false;
}

function kernel(metric: string, spec: KernelSpec): Kernel {
  return { metric, usesConfusion: false, spec, value: (w) => specValue(spec, w) };
}

/** Cells (row, class) of an N x K matrix ranked together, each weighted by its row's weight. */
function cellPart(positive: ArrayLike<number>, scores: Float64Array, k: number): RankPart {
  return rankPart(positive, scores, (cell) => (cell / k) | 0);
}

export function rankingKernel(metric: string, interp: Interpretation, model: number): Kernel | undefined {
  if (!hasRankingKernel(metric, interp)) return undefined;
  const m = interp.models[model]!;
  if (interp.task === 'binary') {
    if (!m.probabilities) return undefined;
    const k = interp.classes!.length;
    const truth = interp.truthClasses!;
    const positive = Uint8Array.from(truth, (t) => (t === 1 ? 1 : 0));
    return kernel(metric, { kind: 'ap', parts: [rankPart(positive, column(m.probabilities, k, 1))], bySupport: false });
  }
  if (interp.task === 'multiclass') {
    if (!m.probabilities) return undefined;
    const k = interp.classes!.length;
    const truth = interp.truthClasses!;
    if (metric === 'roc_auc_ovr_micro') {
      return kernel(metric, { kind: 'auc', parts: [cellPart(oneHot(truth, k), m.probabilities, k)] });
    }
    const pairs: { ab: RankPart; ba: RankPart }[] = [];
    for (const { rows, isA, isB, scoreA, scoreB } of ovoPairs(truth, m.probabilities, k)) {
      pairs.push({ ab: rankPart(isA, scoreA, (j) => rows[j]!), ba: rankPart(isB, scoreB, (j) => rows[j]!) });
    }
    return kernel(metric, { kind: 'ovo', pairs, byPrevalence: metric === 'roc_auc_ovo_weighted' });
  }
  // Multilabel: one part per label, or every (row, label) cell for micro.
  if (!m.scores) return undefined;
  const k = interp.targets!.length;
  const truth = interp.truthMatrix!;
  const scores = m.scores;
  const n = truth.length / k;
  const kind = metric.startsWith('roc_auc') ? 'auc' : 'ap';
  if (metric.endsWith('_micro')) {
    const parts = [cellPart(truth, scores, k)];
    return kernel(metric, kind === 'auc' ? { kind, parts } : { kind, parts, bySupport: false });
  }
  const parts = Array.from({ length: k }, (_, c) => {
    const positive = new Uint8Array(n);
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      positive[i] = truth[i * k + c]!;
      s[i] = scores[i * k + c]!;
    }
    return rankPart(positive, s);
  });
  const bySupport = metric.endsWith('_weighted');
  return kernel(metric, { kind, parts, bySupport });
}
