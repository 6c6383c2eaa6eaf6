/**
 * What a kernel reads to recompute its metric on a resample (`KernelSpec`: plain typed arrays,
 * so worker threads receive it as it is), and the one function that computes the value from
 * it. The serial path and the bootstrap worker both call `specValue`, so they cannot disagree.
 */
import { averagedPrf, perClassPrf, type PrfKind, type ZeroDivision } from '@mlops-gha/evaluation';
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

/** A multilabel precision/recall/F1 from per-label weighted counts; `codes` is N x K of truth * 2 + predicted. */
export interface LabelCountSpec {
  kind: 'labels';
  codes: Uint8Array;
  k: number;
  prf: PrfKind;
  /** An average, or one label (its index in `label`). */
  average: 'micro' | 'macro' | 'weighted' | 'label';
  label: number;
  zeroDivision: ZeroDivision;
}

function labelCountValue(w: ArrayLike<number>, s: LabelCountSpec): number {
  const { codes, k } = s;
  const tp = new Float64Array(k);
  const predicted = new Float64Array(k);
  const support = new Float64Array(k);
  let total = 0;
  for (let i = 0, cell = 0; i < codes.length / k; i++) {
    const wi = w[i]!;
    if (!wi) {
      cell += k;
      continue;
    }
    total += wi;
    for (let c = 0; c < k; c++, cell++) {
      const code = codes[cell]!;
      if (code === 3) tp[c]! += wi;
      if (code & 1) predicted[c]! += wi;
      if (code & 2) support[c]! += wi;
    }
  }
  const counts = { tp, predicted, support, total };
  if (s.average === 'label') return perClassPrf(counts, s.prf, 1, s.zeroDivision)[s.label]!;
  return averagedPrf(counts, s.prf, 1, s.average, s.zeroDivision);
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
