/**
 * The project's one seeded generator: xoshiro128** (Blackman and Vigna) with its state seeded
 * through splitmix32, as the authors recommend. The bootstrap's resamples and the drift
 * profile's reservoir samples both draw from it, so the same seed gives the same draws
 * everywhere, on every Node version and thread count.
 */

/** The four 32-bit state words (as signed int32, the form the generator steps on) for `seed`. */
export function xoshiroState(seed: number): Int32Array {
  const out = new Int32Array(4);
  let s = seed >>> 0;
  for (let i = 0; i < 4; i++) {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    out[i] = (z ^ (z >>> 16)) | 0;
  }
  // An all-zero state would stay zero forever; the low bit of the last word rules it out.
  out[3] = out[3]! | 1;
  return out;
}

/** xoshiro128**: uniform 32-bit draws from a seeded state. */
export class Xoshiro128 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    const state = xoshiroState(seed);
    this.a = state[0]!;
    this.b = state[1]!;
    this.c = state[2]!;
    this.d = state[3]!;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const x = ((this.b << 2) + this.b) | 0;
    const y = (x << 7) | (x >>> 25);
    const result = (((y << 3) + y) | 0) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = (this.d << 11) | (this.d >>> 21);
    return result;
  }
}
