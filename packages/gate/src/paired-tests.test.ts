/**
 * McNemar's exact test and DeLong's test of two correlated ROC AUCs: against hand counts,
 * scipy 1.10's `binomtest`, and the textbook O(n²) DeLong computation.
 */
import { describe, expect, it } from '@jest/globals';
import type { Interpretation } from '@mlops-gha/evaluation';
import { aucCase } from '../../../test/fixtures/gate-holdouts.js';
import { normalCdf } from './math.js';
import { delong, mcnemar } from './paired-tests.js';

/** Rows where only the candidate is right, then rows where only the baseline is, then rows both get right. */
function discordant(candidateOnly: number, baselineOnly: number, both: number): Interpretation {
  const n = candidateOnly + baselineOnly + both;
  const truth = new Int32Array(n).fill(1);
  return {
    task: 'binary',
    reason: 'test',
    classes: ['0', '1'],
    truthClasses: truth,
    models: [
      { predicted: Int32Array.from(truth, (_, i) => (i >= candidateOnly && i < candidateOnly + baselineOnly ? 0 : 1)) },
      { predicted: Int32Array.from(truth, (_, i) => (i < candidateOnly ? 0 : 1)) },
    ],
  };
}

describe('classical paired tests', () => {
  it('McNemar: exact two-sided binomial p and the continuity-corrected chi-square', () => {
    // 10 rows only the candidate gets right, 2 only the baseline: p = 2 * P(X <= 2 | 12, 1/2) = 2 * 79 / 4096.
    const truth = Int32Array.from({ length: 20 }, () => 1);
    const c = Int32Array.from({ length: 20 }, (_, i) => (i < 10 ? 1 : i < 12 ? 0 : 1));
    const b = Int32Array.from({ length: 20 }, (_, i) => (i < 10 ? 0 : i < 12 ? 1 : 1));
    const interp: Interpretation = {
      task: 'binary',
      reason: '',
      classes: ['0', '1'],
      truthClasses: truth,
      models: [{ predicted: c }, { predicted: b }],
    };
    const result = mcnemar(interp, 0, 1);
    expect(result.candidateOnly).toBe(10);
    expect(result.baselineOnly).toBe(2);
    expect(result.pValue).toBeCloseTo((2 * 79) / 4096, 14);
    expect(result.chiSquare).toBeCloseTo(49 / 12, 14);
  });

  it('DeLong equals the textbook O(n²) computation', () => {
    const interp = aucCase(60, 1, 0.4, 5);
    // Ties on purpose: round the scores.
    for (const m of interp.models) m.probabilities = m.probabilities!.map((p) => Math.round(p * 10) / 10);
    const result = delong(interp, 0, 1, 0.95)!;
    const truth = interp.truthClasses!;
    const pos = [...truth.keys()].filter((i) => truth[i] === 1);
    const neg = [...truth.keys()].filter((i) => truth[i] === 0);
    const psi = (x: number, y: number) => (x > y ? 1 : x === y ? 0.5 : 0);
    const comps = interp.models.map((m) => {
      const s = (i: number) => m.probabilities![2 * i + 1]!;
      const v10 = pos.map((i) => neg.reduce((a, j) => a + psi(s(i), s(j)), 0) / neg.length);
      const v01 = neg.map((j) => pos.reduce((a, i) => a + psi(s(i), s(j)), 0) / pos.length);
      return { v10, v01, auc: v10.reduce((a, v) => a + v, 0) / pos.length };
    });
    const cov = (a: number[], b: number[]) => {
      const ma = a.reduce((x, y) => x + y, 0) / a.length;
      const mb = b.reduce((x, y) => x + y, 0) / b.length;
      return a.reduce((s, v, i) => s + (v - ma) * (b[i]! - mb), 0) / (a.length - 1);
    };
    const [c, b] = comps as [(typeof comps)[0], (typeof comps)[0]];
    const variance =
      (cov(c.v10, c.v10) + cov(b.v10, b.v10) - 2 * cov(c.v10, b.v10)) / pos.length +
      (cov(c.v01, c.v01) + cov(b.v01, b.v01) - 2 * cov(c.v01, b.v01)) / neg.length;
    expect(result.candidateAuc).toBeCloseTo(c.auc, 12);
    expect(result.baselineAuc).toBeCloseTo(b.auc, 12);
    expect(result.standardError).toBeCloseTo(Math.sqrt(variance), 12);
    expect(result.pValue).toBeCloseTo(2 * normalCdf(-Math.abs((c.auc - b.auc) / Math.sqrt(variance))), 12);
  });
});

describe('McNemar', () => {
  it('p equals scipy binomtest(min, discordant, 0.5) and does not depend on which side wins', () => {
    const a = mcnemar(discordant(30, 15, 50), 0, 1);
    expect([a.candidateOnly, a.baselineOnly]).toEqual([30, 15]);
    expect(a.pValue).toBeCloseTo(0.035697803555194696, 14);
    expect(a.chiSquare).toBeCloseTo(14 ** 2 / 45, 14);
    const b = mcnemar(discordant(15, 30, 50), 0, 1);
    expect([b.pValue, b.chiSquare]).toEqual([a.pValue, a.chiSquare]);
    expect(mcnemar(discordant(7, 0, 3), 0, 1).pValue).toBeCloseTo(0.015625, 15);
  });

  it('without discordant rows the test has nothing to say: p = 1, chi-square 0', () => {
    expect(mcnemar(discordant(0, 0, 12), 0, 1)).toEqual({
      test: 'mcnemar',
      candidateOnly: 0,
      baselineOnly: 0,
      chiSquare: 0,
      pValue: 1,
    });
    // one discordant row: the continuity correction keeps chi-square at 0, p stays 1
    expect(mcnemar(discordant(1, 0, 5), 0, 1)).toMatchObject({ chiSquare: 0, pValue: 1 });
  });
});

describe('DeLong', () => {
  it('the interval is the difference ± z·SE at the requested confidence, and the counts are the classes', () => {
    const interp = aucCase(80, 1.2, 0.6, 3);
    const at95 = delong(interp, 0, 1, 0.95)!;
    const at80 = delong(interp, 0, 1, 0.8)!;
    expect([at95.positives, at95.negatives]).toEqual([40, 40]);
    expect(at95.difference).toBeCloseTo(at95.candidateAuc - at95.baselineAuc, 15);
    expect(at95.low).toBeCloseTo(at95.difference - 1.959963984540054 * at95.standardError, 12);
    expect(at95.high).toBeCloseTo(at95.difference + 1.959963984540054 * at95.standardError, 12);
    expect(at80.high - at80.difference).toBeCloseTo(1.2815515655446004 * at95.standardError, 12);
    expect(at95.z).toBeCloseTo(at95.difference / at95.standardError, 12);
  });

  it('one model against itself: difference 0, standard error 0, z 0, p 1', () => {
    const result = delong(aucCase(40, 1, 1, 4), 0, 0, 0.95)!;
    expect(result).toMatchObject({ difference: 0, standardError: 0, z: 0, pValue: 1, low: 0, high: 0 });
  });

  it('is undefined where it does not apply: not binary, no probabilities, fewer than two rows of a class', () => {
    const interp = aucCase(20, 1, 0.5, 6);
    expect(delong({ ...interp, task: 'multiclass' }, 0, 1, 0.95)).toBeUndefined();
    expect(
      delong({ ...interp, models: [interp.models[0]!, { predicted: interp.models[1]!.predicted }] }, 0, 1, 0.95),
    ).toBeUndefined();
    const onePositive = Int32Array.from({ length: 20 }, (_, i) => (i === 3 ? 1 : 0));
    expect(delong({ ...interp, truthClasses: onePositive }, 0, 1, 0.95)).toBeUndefined();
    const allPositive = new Int32Array(20).fill(1);
    expect(delong({ ...interp, truthClasses: allPositive }, 0, 1, 0.95)).toBeUndefined();
  });
});
