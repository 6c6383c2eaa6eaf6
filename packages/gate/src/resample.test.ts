/**
 * One bootstrap resample: xoshiro128** inlined, its draws counted into row weights and joint
 * confusion counts. The generator is checked against the published reference outputs of
 * xoshiro128** (Blackman & Vigna's C code from state {1, 2, 3, 4}: 11520, 0, 5927040,
 * 70819200, 2031721883, 1637235492, …) and against the project's Rng.
 */
import { describe, expect, it } from '@jest/globals';
import { Rng } from './math.js';
import { drawResample, streamState } from './resample.js';

describe('drawResample', () => {
  it('draws row floor(x * n / 2^32) for each xoshiro128** output x (reference state 1, 2, 3, 4)', () => {
    // The first ten outputs map to rows 0, 0, 0, 0, 4, 3, 2, 8, 8, 9 of ten.
    const weights = new Uint16Array(10);
    drawResample(Int32Array.from([1, 2, 3, 4]), 10, weights, undefined, new Int32Array(0));
    expect(Array.from(weights)).toEqual([4, 0, 1, 1, 1, 0, 0, 0, 2, 1]);
  });

  it('resample b draws what new Rng(seed, b) draws, so the serial, worker and test paths agree', () => {
    for (const [seed, b] of [
      [0, 0],
      [42, 7],
      [0xffffffff, 999],
    ] as const) {
      const n = 37;
      const weights = new Uint32Array(n);
      drawResample(streamState(seed, b), n, weights, undefined, new Int32Array(0));
      const rng = new Rng(seed, b);
      const expected = new Uint32Array(n);
      for (let j = 0; j < n; j++) expected[Math.floor((rng.nextUint32() * n) / 4294967296)]!++;
      expect(Array.from(weights)).toEqual(Array.from(expected));
    }
  });

  it('weights sum to n and are reset on each call; the state passed in is not advanced', () => {
    const state = streamState(3, 1);
    const before = Array.from(state);
    const weights = new Uint16Array(500).fill(9);
    drawResample(state, 500, weights, undefined, new Int32Array(0));
    expect(weights.reduce((a, w) => a + w, 0)).toBe(500);
    expect(Array.from(state)).toEqual(before);
    const again = new Uint16Array(500);
    drawResample(state, 500, again, undefined, new Int32Array(0));
    expect(Array.from(again)).toEqual(Array.from(weights));
    const other = new Uint16Array(500);
    drawResample(streamState(3, 2), 500, other, undefined, new Int32Array(0));
    expect(Array.from(other)).not.toEqual(Array.from(weights));
  });

  it('counts each drawn row under its joint confusion code, in the same pass', () => {
    const n = 200;
    const joint = Uint8Array.from({ length: n }, (_, i) => i % 5);
    const weights = new Uint16Array(n);
    const counts = new Int32Array(5).fill(-1);
    drawResample(streamState(11, 4), n, weights, joint, counts);
    const expected = new Int32Array(5);
    weights.forEach((w, i) => (expected[joint[i]!]! += w));
    expect(Array.from(counts)).toEqual(Array.from(expected));
    // without codes the counts are only cleared
    drawResample(streamState(11, 4), n, weights, undefined, counts);
    expect(Array.from(counts)).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('streamState', () => {
  it('differs per resample and per seed, and is never all zero', () => {
    const states = [streamState(1, 0), streamState(1, 1), streamState(2, 0)].map((s) => Array.from(s).join());
    expect(new Set(states).size).toBe(3);
    for (let b = 0; b < 100; b++) expect(Array.from(streamState(0, b)).some((v) => v !== 0)).toBe(true);
  });
});
