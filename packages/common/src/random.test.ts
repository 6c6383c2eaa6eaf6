import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { Xoshiro128, xoshiroState } from './random.js';

// An independent reference: the authors' C code of xoshiro128** (prng.di.unimi.it) and the
// splitmix32 seeding, transcribed to Python with explicit 32-bit masks.
const REFERENCE = `
import json, sys
M = 0xffffffff
def splitmix32(seed):
    s = seed & M
    while True:
        s = (s + 0x9e3779b9) & M
        z = s
        z = ((z ^ (z >> 16)) * 0x85ebca6b) & M
        z = ((z ^ (z >> 13)) * 0xc2b2ae35) & M
        yield (z ^ (z >> 16)) & M
def rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M
out = {}
for seed in json.loads(sys.argv[1]):
    sm = splitmix32(seed)
    s = [next(sm), next(sm), next(sm), next(sm) | 1]
    state = list(s)
    draws = []
    for _ in range(1000):
        result = (rotl((s[1] * 5) & M, 7) * 9) & M
        t = (s[1] << 9) & M
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t
        s[3] = rotl(s[3], 11)
        draws.append(result)
    out[str(seed)] = {"state": state, "draws": draws}
print(json.dumps(out))
`;

const SEEDS = [0, 1, 42, 123456789, 0xffffffff];

describe('xoshiro128** seeded by splitmix32', () => {
  const reference = JSON.parse(
    execFileSync('/usr/bin/python3', ['-c', REFERENCE, JSON.stringify(SEEDS)], { encoding: 'utf8' }),
  ) as Record<string, { state: number[]; draws: number[] }>;

  it.each(SEEDS)('seed %d: the state and 1000 draws equal the reference C code', (seed) => {
    const expected = reference[String(seed)]!;
    expect([...xoshiroState(seed)].map((word) => word >>> 0)).toEqual(expected.state);
    const rng = new Xoshiro128(seed);
    expect(Array.from({ length: 1000 }, () => rng.nextUint32())).toEqual(expected.draws);
  });
});
