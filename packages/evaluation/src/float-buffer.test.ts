import { describe, expect, it } from '@jest/globals';
import { FloatBuffer } from './float-buffer.js';

describe('FloatBuffer', () => {
  it('keeps every value pushed, in order, past its first capacity (65,536), rounded to float32', () => {
    const b = new FloatBuffer();
    const n = 200_003;
    for (let i = 0; i < n; i++) b.push(i + 0.1);
    const out = b.finish();
    expect(out).toBeInstanceOf(Float32Array);
    expect(out.length).toBe(n);
    for (const i of [0, 65_535, 65_536, 131_072, n - 1]) expect(out[i]).toBe(Math.fround(i + 0.1));
  });

  it('finish() is an exact-length copy: pushing on does not change what it returned', () => {
    const b = new FloatBuffer();
    expect(b.finish()).toEqual(new Float32Array(0));
    b.push(NaN);
    b.push(-0);
    const first = b.finish();
    b.push(3);
    expect(Array.from(first)).toEqual([NaN, -0]);
    expect(Array.from(b.finish())).toEqual([NaN, -0, 3]);
  });
});
