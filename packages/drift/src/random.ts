import { Xoshiro128 } from '@mlops-gha/common';

/**
 * The profile's generator: the project's xoshiro128** (@mlops-gha/common). The reservoir
 * samples of a profile depend only on the data and the seed, so the same data gives the same
 * profile bytes.
 */
export class SeededRandom extends Xoshiro128 {
  private spare: number | undefined;

  constructor(seed = 1) {
    super(seed);
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    return ((this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6)) / 9007199254740992;
  }

  /** A uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A standard normal draw (Marsaglia's polar method). */
  normal(): number {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    for (;;) {
      const u = this.next() * 2 - 1;
      const v = this.next() * 2 - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        this.spare = v * f;
        return u * f;
      }
    }
  }
}
