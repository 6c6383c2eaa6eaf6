/**
 * specValue, the one function the serial path and the worker threads both compute a resample's
 * value with, and the multilabel label-count specs. Label-count values are checked against
 * scikit-learn 1.2.1's precision_score / recall_score / f1_score with `sample_weight` and
 * `zero_division` (/usr/bin/python3).
 */
import { describe, expect, it } from '@jest/globals';
import type { PrfKind, ZeroDivision } from '@mlops-gha/evaluation';
import { LABELS_3, WEIGHTS_8 } from '../../../test/fixtures/gate-holdouts.js';
import { rankPart } from './rank-part.js';
import { labelCountMetric, labelCounts, specValue, type KernelSpec, type LabelCountSpec } from './spec-value.js';

const truth = LABELS_3.truth;
const predicted = LABELS_3.predicted;
const w = Uint16Array.from(WEIGHTS_8);

/** One pattern per row (patterns need not be distinct), codes truth * 2 + predicted. */
function spec(
  prf: PrfKind,
  average: LabelCountSpec['average'],
  options: { label?: number; zeroDivision?: ZeroDivision; pred?: number[][] } = {},
): LabelCountSpec {
  const pred = options.pred ?? predicted;
  return {
    kind: 'labels',
    rowPattern: Int32Array.from(truth.keys()),
    patternCodes: Uint8Array.from(truth.flatMap((row, i) => row.map((t, c) => t * 2 + pred[i]![c]!))),
    k: 3,
    prf,
    average,
    label: options.label ?? 0,
    zeroDivision: options.zeroDivision ?? 0,
  };
}

describe('label-count specs equal scikit-learn with sample_weight', () => {
  it.each<[PrfKind, LabelCountSpec['average'], number]>([
    ['precision', 'micro', 0.7333333333333333],
    ['precision', 'macro', 0.7277777777777779],
    ['precision', 'weighted', 0.7369047619047618],
    ['recall', 'micro', 0.7857142857142857],
    ['recall', 'macro', 0.7833333333333333],
    ['recall', 'weighted', 0.7857142857142857],
    ['f', 'micro', 0.7586206896551724],
    ['f', 'macro', 0.7474747474747474],
    ['f', 'weighted', 0.753246753246753],
  ])('%s %s', (prf, average, expected) => {
    expect(specValue(spec(prf, average), w)).toBeCloseTo(expected, 12);
  });

  it.each<[PrfKind, number[]]>([
    ['precision', [0.8333333333333334, 0.6, 0.75]],
    ['recall', [1, 0.75, 0.6]],
    ['f', [0.9090909090909091, 0.6666666666666665, 0.6666666666666665]],
  ])('one label at a time: %s', (prf, perLabel) => {
    perLabel.forEach((v, label) => expect(specValue(spec(prf, 'label', { label }), w)).toBeCloseTo(v, 12));
  });

  it('a label never predicted takes zero_division as its precision', () => {
    const pred = predicted.map((row) => [row[0]!, row[1]!, 0]);
    expect(specValue(spec('precision', 'macro', { pred, zeroDivision: 0 }), w)).toBeCloseTo(0.4777777777777778, 12);
    expect(specValue(spec('precision', 'macro', { pred, zeroDivision: 1 }), w)).toBeCloseTo(0.8111111111111112, 12);
    expect(specValue(spec('precision', 'label', { pred, label: 2, zeroDivision: 1 }), w)).toBe(1);
  });
});

describe('labelCounts', () => {
  it('sums pattern weights into per-label true positives, predicted and actual positives', () => {
    const s = spec('f', 'micro');
    // pattern weights are the row weights here (one pattern per row)
    const counts = labelCounts(s, w);
    // label 0: true positives rows 0, 2, 4, 6 (weights 1 + 0 + 3 + 1), predicted also on row 3, actual as the tp
    // label 1: tp rows 1, 2, 6 (2 + 0 + 1), predicted also row 7 (2), actual also row 5 (1)
    // label 2: tp rows 0, 3, 6 (1 + 1 + 1), predicted also row 5 (1), actual also row 1 (2)
    expect(Array.from(counts.tp)).toEqual([5, 3, 3]);
    expect(Array.from(counts.predicted)).toEqual([6, 5, 4]);
    expect(Array.from(counts.support)).toEqual([5, 4, 5]);
    expect(counts.total).toBe(11);
  });

  it('rows grouped under one pattern count as their summed weight', () => {
    // one label: four rows of pattern 0 (truth 1, predicted 1), one of pattern 1 (truth 1, predicted 0)
    const grouped: LabelCountSpec = { ...spec('precision', 'micro'), k: 1, patternCodes: Uint8Array.from([3, 2]) };
    const counts = labelCounts(grouped, [4, 1]);
    expect([counts.tp[0], counts.predicted[0], counts.support[0], counts.total]).toEqual([4, 4, 5, 5]);
    expect(labelCountMetric({ ...grouped, prf: 'recall' }, counts)).toBeCloseTo(0.8, 15);
  });
});

describe('specValue: the other kinds', () => {
  const rows = Float64Array.from([1, 4, 9, 16]);
  const w4 = Uint16Array.from([2, 0, 1, 1]);
  const unit = Uint16Array.from([1, 1, 1, 1]);
  // positives at 0.2 and 0.4, negatives at 0.1 and 0.3
  const ranked = [rankPart([0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4])];
  it.each<[string, KernelSpec, Uint16Array, number]>([
    // by hand: weights 2, 0, 1, 1 on 1, 4, 9, 16
    ['mean', { kind: 'mean', rows, sqrt: false }, w4, (2 + 9 + 16) / 4],
    ['root of the mean (rmse)', { kind: 'mean', rows, sqrt: true }, w4, Math.sqrt(27 / 4)],
    ['sum (log_loss_sum)', { kind: 'sum', rows }, w4, 27],
    [
      'roots over parts',
      { kind: 'roots', parts: [rows, Float64Array.from([4, 4, 4, 4])] },
      w4,
      (Math.sqrt(27 / 4) + 2) / 2,
    ],
    // 3 of the 4 (positive, negative) pairs ordered right
    ['auc', { kind: 'auc', parts: ranked }, unit, 3 / 4],
    // precision 1 at recall 1/2, 2/3 at recall 1
    ['ap', { kind: 'ap', parts: ranked, bySupport: false }, unit, 0.5 * 1 + 0.5 * (2 / 3)],
    // weights 2, 0, 1, 1: the only drawn positive (0.4) outranks every drawn negative
    ['auc on a resample', { kind: 'auc', parts: ranked }, w4, 1],
  ])('%s', (_name, s, weights, expected) => {
    expect(specValue(s, weights)).toBeCloseTo(expected, 14);
  });

  it('a confusion spec has no row value (the engine reads the joint counts instead): NaN', () => {
    expect(specValue({ kind: 'confusion' }, w4)).toBeNaN();
  });
});
