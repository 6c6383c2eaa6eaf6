import { sortedOrder } from '@mlops-gha/evaluation';
import type { RankPart } from './weighted.js';

/**
 * Rows in ascending score order with their class and tie-group ends, the form every weighted
 * ranking metric reads: code = (positive ? 2 : 0) + (last of its tie group ? 1 : 0). `rowOf`
 * maps an index of `scores` to the row whose weight it takes (micro averages rank N x K cells
 * of N rows).
 */
export function rankPart(
  positive: ArrayLike<number>,
  scores: ArrayLike<number>,
  rowOf?: (index: number) => number,
): RankPart {
  const n = positive.length;
  const order = sortedOrder(scores);
  const code = new Uint8Array(n);
  for (let t = 0; t < n; t++) {
    const end = t === n - 1 || scores[order[t]!] !== scores[order[t + 1]!];
    code[t] = (positive[order[t]!] ? 2 : 0) + (end ? 1 : 0);
  }
  if (rowOf) for (let t = 0; t < n; t++) order[t] = rowOf(order[t]!);
  return { order, code };
}
