/**
 * The draws of one bootstrap resample: a seeded xoshiro128** stream per resample (so results
 * do not depend on evaluation order or on the number of threads) counted into row weights.
 * Shared by the serial path and the worker threads (bootstrap-worker.ts).
 */
import { xoshiroState } from '@mlops-gha/common';
import { streamSeed } from './math.js';
/** The xoshiro128** state of resample `b`'s stream (the same state `new Rng(seed, b)` starts from). */
export function streamState(seed: number, b: number): Int32Array {
  return xoshiroState(streamSeed(seed, b));
}

/**
 * One resample: n uniform draws of a row (xoshiro128**, inlined), counted into `weights`
 * and, for confusion metrics, into the joint (true, candidate, baseline) cell counts, in the
 * same loop so the draws are never stored.
 */
export function drawResample(
  state: Int32Array,
  n: number,
  weights: Uint16Array | Uint32Array,
  joint: Uint8Array | Int32Array | undefined,
  jointCounts: Int32Array,
): void {
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  const scale = n / 4294967296;
  weights.fill(0);
  jointCounts.fill(0);
  for (let j = 0; j < n; j++) {
    // x * 5 and y * 9 as shifts and adds (exact mod 2^32; Math.imul is not inlined everywhere, e.g. in Jest's VM contexts).
    const x = ((b << 2) + b) | 0;
    const y = (x << 7) | (x >>> 25);
    const r = ((y << 3) + y) | 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = (d << 11) | (d >>> 21);
    const row = ((r >>> 0) * scale) | 0;
    weights[row]!++;
    if (joint) jointCounts[joint[row]!]!++;
  }
}
