/** The sorted form every weighted ranking metric reads: ascending order, class and tie-group ends. */
import { describe, expect, it } from '@jest/globals';
import { rankPart } from './rank-part.js';

describe('rankPart', () => {
  it('orders rows by ascending score and codes each as (positive ? 2 : 0) + (last of its tie group ? 1 : 0)', () => {
    const part = rankPart([1, 0, 0, 1, 1], [0.3, 0.1, 0.3, 0.2, 0.9]);
    // 0.1 (row 1, negative), 0.2 (row 3, positive), 0.3 twice (rows 0 and 2: one tie group), 0.9 (row 4)
    expect(Array.from(part.order.slice(0, 2))).toEqual([1, 3]);
    expect(new Set(part.order.slice(2, 4))).toEqual(new Set([0, 2]));
    expect(part.order[4]).toBe(4);
    const codeOf = (row: number) => part.code[Array.from(part.order).indexOf(row)];
    expect([codeOf(1), codeOf(3), codeOf(4)]).toEqual([1, 3, 3]);
    // inside the tie group only the last one closes it
    expect(Array.from(part.code.slice(2, 4)).map((c) => c & 1)).toEqual([0, 1]);
    expect([codeOf(0)! >> 1, codeOf(2)! >> 1]).toEqual([1, 0]);
  });

  it('maps each ranked index to the row whose weight it takes (N x K cells of N rows)', () => {
    // two rows, two labels: cell c belongs to row c / 2
    const part = rankPart([1, 0, 0, 1], [0.8, 0.2, 0.1, 0.6], (cell) => cell >> 1);
    expect(Array.from(part.order)).toEqual([1, 0, 1, 0]);
    expect(Array.from(part.code)).toEqual([1, 1, 3, 3]);
  });

  it('an empty input gives an empty part', () => {
    const part = rankPart([], []);
    expect([part.order.length, part.code.length]).toEqual([0, 0]);
  });
});
