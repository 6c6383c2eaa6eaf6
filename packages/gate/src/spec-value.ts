/**
 * What a kernel reads to recompute its metric on a resample (`KernelSpec`: plain typed arrays,
 * so worker threads receive it as it is), and the one function that computes the value from
 * it. The serial path and the bootstrap worker both call `specValue`, so they cannot disagree.
 */
import { averagedPrf, perClassPrf, type ClassCounts, type PrfKind, type ZeroDivision } from '@mlops-gha/evaluation';
import {
  weightedAp,
  weightedAuc,
  weightedMean,
  weightedOvo,
  weightedR2,
  weightedR2Multi,
  weightedRoots,
  weightedSum,
  type RankPart,
} from './weighted.js';

export type KernelSpec =
  | { kind: 'confusion' }
  | { kind: 'mean'; rows: Float64Array; sqrt: boolean }
  | { kind: 'sum'; rows: Float64Array }
  | { kind: 'r2'; se: Float64Array; yc: Float64Array; forceFinite: boolean }
  | { kind: 'auc'; parts: RankPart[]; bySupport?: boolean }
  | { kind: 'ap'; parts: RankPart[]; bySupport: boolean }
  | { kind: 'ovo'; pairs: { ab: RankPart; ba: RankPart }[]; byPrevalence: boolean }
  | { kind: 'roots'; parts: Float64Array[] }
  | { kind: 'r2multi'; se: Float64Array[]; yc: Float64Array[]; forceFinite: boolean; varianceWeighted: boolean }
  | LabelCountSpec;

/**
 * A multilabel precision/recall/F1 from per-label weighted counts. Rows are grouped by their
 * pattern (each label's truth * 2 + predicted): a resample sums weights per pattern in one pass
 * over the rows, then the counts come from the few distinct patterns.
 */
export interface LabelCountSpec {
  kind: 'labels';
  /** Pattern index of each row. */
  rowPattern: Int32Array;
  /** patterns x k codes, truth * 2 + predicted. */
  patternCodes: Uint8Array;
  k: number;
  prf: PrfKind;
  /** An average, or one label (its index in `label`). */
  average: 'micro' | 'macro' | 'weighted' | 'label';
  label: number;
  zeroDivision: ZeroDivision;
}

/** Per-label counts from (weighted) pattern totals. */
export function labelCounts(spec: LabelCountSpec, perPattern: ArrayLike<number>): ClassCounts {
  const { patternCodes, k } = spec;
  const tp = new Float64Array(k);
  const predicted = new Float64Array(k);
  const support = new Float64Array(k);
  let total = 0;
  for (let p = 0; p < perPattern.length; p++) {
    const wp = perPattern[p]!;
    if (!wp) continue;
    total += wp;
    for (let c = 0; c < k; c++) {
      const code = patternCodes[p * k + c]!;
      if (code === 3) tp[c]! += wp;
      if (code & 1) predicted[c]! += wp;
      if (code & 2) support[c]! += wp;
    }
  }
  return { tp, predicted, support, total };
}

/** The spec's metric from counts. */
export function labelCountMetric(spec: LabelCountSpec, counts: ClassCounts): number {
  if (spec.average === 'label') return perClassPrf(counts, spec.prf, 1, spec.zeroDivision)[spec.label]!;
  return averagedPrf(counts, spec.prf, 1, spec.average, spec.zeroDivision);
}

function labelCountValue(w: ArrayLike<number>, s: LabelCountSpec): number {
  const perPattern = new Float64Array(s.patternCodes.length / s.k);
  const rows = s.rowPattern;
  for (let i = 0; i < rows.length; i++) perPattern[rows[i]!]! += w[i]!;
  return labelCountMetric(s, labelCounts(s, perPattern));
}

/** The metric a spec describes, on rows drawn `w[i]` times. Confusion specs are read from the joint counts instead. */
export function specValue(spec: KernelSpec, w: ArrayLike<number>): number {
  switch (spec.kind) {
    case 'mean': {
      const v = weightedMean(w, spec.rows);
      return spec.sqrt ? Math.sqrt(v) : v;
    }
    case 'sum':
      return weightedSum(w, spec.rows);
    case 'r2':
      return weightedR2(w, spec.se, spec.yc, spec.forceFinite);
    case 'auc':
      return weightedAuc(w, spec.parts, spec.bySupport);
    case 'ap':
      return weightedAp(w, spec.parts, spec.bySupport);
    case 'ovo':
      return weightedOvo(w, spec.pairs, spec.byPrevalence);
    case 'roots':
      return weightedRoots(w, spec.parts);
    case 'r2multi':
      return weightedR2Multi(w, spec.se, spec.yc, spec.forceFinite, spec.varianceWeighted);
    case 'labels':
      return labelCountValue(w, spec);
    case 'confusion':
      return NaN;
  }
}
