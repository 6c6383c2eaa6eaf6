/**
 * Our drift statistics against SciPy itself (Debian's python3-scipy 1.10, run as
 * /usr/bin/python3): two-sample KS (exact and asymptotic regimes), the Kolmogorov
 * distribution across its algorithm branches, chi-squared contingency (with Yates at one
 * degree of freedom), the Z-test of proportions, (normalised) Wasserstein, Jensen–Shannon and
 * PSI, on generated data with ties, missing values and categories seen on one side only;
 * compared to 1e-9.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  chiSquaredContingency,
  jensenShannon,
  kolmogorovSf,
  ks2Samp,
  normalizedWasserstein,
  populationStabilityIndex,
  proportionsZTest,
  SeededRandom,
  wasserstein,
} from '@mlops-gha/drift';

const here = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';

type Case = Record<string, unknown> & { kind: string };

/** Normal draws rounded to `step` (ties), a share of them missing (null), shifted by `shift`. */
function sample(
  rng: SeededRandom,
  n: number,
  options: { shift?: number; step?: number; missing?: number } = {},
): (number | null)[] {
  const step = options.step ?? 0;
  return Array.from({ length: n }, () => {
    if (options.missing && rng.next() < options.missing) return null;
    const v = rng.normal() + (options.shift ?? 0);
    return step ? Math.round(v / step) * step : v;
  });
}

const present = (xs: (number | null)[]) => xs.filter((x): x is number => x !== null);

function counts(rng: SeededRandom, k: number, n: number, weights: number[]): number[] {
  const out = new Array<number>(k).fill(0);
  const total = weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < n; i++) {
    let u = rng.next() * total;
    let c = 0;
    while (u >= weights[c]! && c < k - 1) u -= weights[c++]!;
    out[c]!++;
  }
  return out;
}

const rng = new SeededRandom(20260501);
const cases: Record<string, Case> = {};
// KS: exact (equal and unequal sizes, ties, missing values), asymptotic (> 10,000 values).
cases.ks_equal = { kind: 'ks', a: sample(rng, 300), b: sample(rng, 300, { shift: 0.2 }) };
cases.ks_unequal_ties = {
  kind: 'ks',
  a: sample(rng, 400, { step: 0.5 }),
  b: sample(rng, 250, { step: 0.5, shift: 0.1 }),
};
cases.ks_missing = {
  kind: 'ks',
  a: sample(rng, 700, { missing: 0.2, step: 0.1 }),
  b: sample(rng, 900, { missing: 0.05, step: 0.1 }),
};
cases.ks_tiny = { kind: 'ks', a: [1, 2, 2, 3], b: [2, 2, 5] };
cases.ks_identical = { kind: 'ks', a: [1, 2, 3, 4, 5], b: [1, 2, 3, 4, 5] };
cases.ks_same_pop = { kind: 'ks', a: sample(rng, 5000), b: sample(rng, 5000) };
cases.ks_large_unequal = {
  kind: 'ks',
  a: sample(rng, 5000, { step: 0.01 }),
  b: sample(rng, 12000, { step: 0.01, shift: 0.03 }),
};
cases.ks_large_shift = { kind: 'ks', a: sample(rng, 2000), b: sample(rng, 15000, { shift: 0.2 }) };
cases.ks_large_small_ref = { kind: 'ks', a: sample(rng, 90), b: sample(rng, 20000, { shift: 0.3 }) };
// The Kolmogorov distribution over its branches (n <= 140 and above; each x regime).
for (const [n, x] of [
  [10, 0.08],
  [10, 0.3],
  [50, 0.1],
  [50, 0.2],
  [100, 0.25],
  [120, 0.6],
  [200, 0.005],
  [200, 0.05],
  [200, 0.15],
  [3000, 0.01],
  [3000, 0.03],
  [5000, 0.002],
  [5000, 0.02],
  [150000, 0.003],
  [400, 0.99],
] as const) {
  cases[`kstwo_${n}_${x}`] = { kind: 'kstwo', n, x };
}
// Chi-squared: several categories, one seen only in the current data, one only in the reference; 2 categories (Yates).
cases.chi2_shift = { kind: 'chi2', a: counts(rng, 5, 800, [5, 3, 2, 1, 0]), b: counts(rng, 5, 600, [4, 3, 2, 1, 1]) };
cases.chi2_ref_only = { kind: 'chi2', a: [40, 30, 20, 10], b: [35, 33, 25, 0] };
cases.chi2_two = { kind: 'chi2', a: [120, 80], b: [95, 105] };
cases.chi2_two_close = { kind: 'chi2', a: [50, 50], b: [50, 51] };
cases.chi2_one = { kind: 'chi2', a: [10, 0], b: [7, 0] };
cases.chi2_same = {
  kind: 'chi2',
  a: counts(rng, 6, 3000, [1, 1, 1, 1, 1, 1]),
  b: counts(rng, 6, 3000, [1, 1, 1, 1, 1, 1]),
};
// Z-test of proportions.
cases.z_shift = { kind: 'z', h1: 300, n1: 1000, h2: 340, n2: 900 };
cases.z_same = { kind: 'z', h1: 51, n1: 100, h2: 49, n2: 100 };
// Wasserstein (with ties and missing values), Jensen-Shannon and PSI (with one-sided categories).
cases.w_ties = {
  kind: 'wasserstein',
  a: sample(rng, 500, { step: 0.25, missing: 0.1 }),
  b: sample(rng, 800, { step: 0.25, shift: 0.2 }),
};
cases.w_big = { kind: 'wasserstein', a: sample(rng, 5000), b: sample(rng, 20000, { shift: -0.1 }) };
cases.w_constant_ref = { kind: 'wasserstein', a: [3, 3, 3, 3], b: [3, 4, 3] };
cases.js_one_sided = { kind: 'js', a: [40, 30, 20, 10, 0], b: [35, 33, 25, 0, 7] };
cases.js_counts = {
  kind: 'js',
  a: counts(rng, 8, 5000, [8, 7, 6, 5, 4, 3, 2, 1]),
  b: counts(rng, 8, 4000, [1, 2, 3, 4, 5, 6, 7, 8]),
};
cases.psi_one_sided = { kind: 'psi', a: [40, 30, 20, 10, 0], b: [35, 33, 25, 0, 7] };
cases.psi_counts = {
  kind: 'psi',
  a: counts(rng, 10, 5000, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
  b: counts(rng, 10, 5000, [2, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
};

function oracle(): Record<string, Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'drift-scipy-'));
  const input = join(dir, 'cases.json');
  const output = join(dir, 'scipy.json');
  // Python reads missing values as NaN and drops them, as the profile does.
  const forPython = Object.fromEntries(
    Object.entries(cases).map(([k, c]) => [
      k,
      c.kind === 'ks' || c.kind === 'wasserstein'
        ? { ...c, a: present(c.a as (number | null)[]), b: present(c.b as (number | null)[]) }
        : c,
    ]),
  );
  writeFileSync(input, JSON.stringify(forPython));
  const run = spawnSync(PYTHON, [join(here, 'scipy_drift.py'), input, output], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`scipy_drift.py failed: ${run.stderr}`);
  return JSON.parse(readFileSync(output, 'utf8'));
}

function ours(c: Case): Record<string, number> {
  const a = c.a as (number | null)[];
  const b = c.b as (number | null)[];
  switch (c.kind) {
    case 'ks': {
      const r = ks2Samp(present(a), present(b));
      return { statistic: r.statistic, pvalue: r.pValue };
    }
    case 'kstwo':
      return { sf: kolmogorovSf(c.n as number, c.x as number) };
    case 'chi2': {
      const r = chiSquaredContingency(a as number[], b as number[]);
      return { statistic: r.statistic, pvalue: r.pValue };
    }
    case 'z': {
      const r = proportionsZTest(c.h1 as number, c.n1 as number, c.h2 as number, c.n2 as number);
      return { statistic: r.statistic, pvalue: r.pValue };
    }
    case 'wasserstein': {
      const ref = Float64Array.from(present(a)).sort();
      const cur = Float64Array.from(present(b)).sort();
      return { distance: wasserstein(present(a), present(b)), normalized: normalizedWasserstein(ref, cur) };
    }
    case 'js':
      return { distance: jensenShannon(a as number[], b as number[]) };
    case 'psi':
      return { psi: populationStabilityIndex(a as number[], b as number[]) };
  }
  throw new Error(c.kind);
}

describe('drift statistics against SciPy 1.10', () => {
  const expected = oracle();
  it.each(Object.keys(cases))('%s', (name) => {
    const got = ours(cases[name]!);
    const want = expected[name]!;
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    for (const [k, v] of Object.entries(want)) {
      if (Math.abs(got[k]! - v) > 1e-9)
        throw new Error(`${name}.${k}: ours ${got[k]}, SciPy ${v} (difference ${got[k]! - v})`);
    }
  });
  it('the cases exercise what they claim: a significant KS shift, one-sided categories, ties', () => {
    expect(expected.ks_large_shift!.pvalue).toBeLessThan(1e-6);
    expect(expected.ks_same_pop!.pvalue).toBeGreaterThan(0.01);
    expect(new Set(present(cases.ks_unequal_ties!.a as (number | null)[])).size).toBeLessThan(40);
    expect(expected.chi2_ref_only!.pvalue).toBeLessThan(0.05);
  });
});
