import { describe, expect, it } from '@jest/globals';
import { rocAuc, sortedOrder } from './ranking.js';

describe('hand-worked metrics', () => {
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
});
