import { describe, expect, it } from '@jest/globals';
import { binaryRanking, rocAuc, sortedOrder, thresholdCounts } from './ranking.js';

describe('rocAuc, sortedOrder and binaryRanking', () => {
  it('ROC AUC counts ties as half (scikit-learn documentation example and a full tie)', () => {
    expect(rocAuc(Uint8Array.of(0, 0, 1, 1), [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    expect(rocAuc(Uint8Array.of(0, 1, 0, 1), [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
    expect(rocAuc(Uint8Array.of(0, 1, 1), [0.2, 0.2, 0.9])).toBe(0.75);
    expect(rocAuc(Uint8Array.of(1, 1), [0.2, 0.3])).toBeNull();
  });

  it('sorts scores stably, with -0 and +0 tied, on both paths', () => {
    expect(Array.from(sortedOrder([0.5, -0, 0, -1, 0.5]))).toEqual([3, 1, 2, 0, 4]);
    expect(Array.from(sortedOrder([0.1 + 0.2, 0.3, -0, 0]))).toEqual([2, 3, 1, 0]);
  });

  it('sorts large float32 columns (the radix path) exactly as a stable comparator sort does', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (const n of [4095, 4096, 50_000]) {
      // few distinct values (many ties), both signs, zeros of both signs, tiny and huge magnitudes
      const pool = Float32Array.from([-0, 0, 1e-30, -1e-30, 0.5, -0.5, 3.4e38, -3.4e38, 0.25, 1, -1, 7e-8]);
      const scores = Float32Array.from({ length: n }, (_, i) =>
        i % 3 === 0 ? pool[Math.floor(next() * pool.length)]! : Math.fround(next() * 2 - 1),
      );
      const expected = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]! || a - b);
      expect(Array.from(sortedOrder(scores))).toEqual(expected);
    }
  });

  it('ROC AUC and average precision as scikit-learn computes them, from one sort', () => {
    // roc_auc_score = 0.78, average_precision_score = 0.7961904761904761 (scikit-learn 1.2.1)
    const y = Uint8Array.of(0, 1, 1, 0, 1, 0, 1, 1, 0, 0);
    const scores = [0.1, 0.8, 0.6, 0.7, 0.35, 0.2, 0.9, 0.55, 0.6, 0.05];
    const r = binaryRanking(y, scores);
    expect(r.rocAuc).toBeCloseTo(0.78, 15);
    expect(r.averagePrecision).toBeCloseTo(0.7961904761904761, 15);
    // the shared sort gives the same
    expect(binaryRanking(y, scores, sortedOrder(scores))).toEqual(r);
  });
});

describe('thresholdCounts', () => {
  it('one point per distinct score, highest first, with cumulative true and false positives', () => {
    const c = thresholdCounts(Uint8Array.of(0, 1, 1, 0, 1), [0.5, 0.9, 0.5, 0.1, 0.9]);
    expect([Array.from(c.thresholds), Array.from(c.tps), Array.from(c.fps), c.positives, c.negatives]).toEqual([
      [0.9, 0.5, 0.1],
      [2, 3, 3],
      [0, 1, 2],
      3,
      2,
    ]);
  });

  it('no rows: no points, and AUC and average precision are undefined (null)', () => {
    const r = binaryRanking(new Uint8Array(0), []);
    expect([r.counts.tps.length, r.rocAuc, r.averagePrecision]).toEqual([0, null, null]);
    expect(binaryRanking(Uint8Array.of(0, 0), [0.1, 0.2]).averagePrecision).toBeNull();
  });

  it('refuses an infinite score (never sorts or loops on one)', () => {
    expect(() => thresholdCounts(Uint8Array.of(0, 1), [0.1, -Infinity])).toThrow(
      'ranking metric: score -Infinity at row 2 is not a finite number',
    );
  });
});
