/**
 * Size and power of the drift decision on synthetic data, seeded: with no shift, columns are
 * flagged at most at the nominal 5% rate (plus three standard errors of 200 draws); a 0.2-sigma
 * mean shift in one column of 5,000 rows is found in at least 95% of draws.
 */
import { describe, expect, it } from '@jest/globals';
import { compareProfiles } from './compare.js';
import { SeededRandom } from './random.js';
import { profileOf } from '../../../test/fixtures/drift-support.js';

const DRAWS = 200;
const SLACK = 3 * Math.sqrt((0.05 * 0.95) / DRAWS);

function draw(rng: SeededRandom, rows: number, shift: Record<string, number> = {}): Record<string, number[]> {
  const normal = (s: number) => Array.from({ length: rows }, () => rng.normal() + s);
  return {
    x0: normal(shift.x0 ?? 0),
    x1: normal(0),
    x2: Array.from({ length: rows }, () => Math.round(rng.normal() * 4) / 4), // ties
    grade: Array.from({ length: rows }, () => rng.below(4)), // categorical (4 values)
    flag: Array.from({ length: rows }, () => (rng.next() < 0.3 ? 1 : 0)), // binary
  };
}

describe('drift decision, seeded simulation', () => {
  it(`no shift: each column is flagged in at most 5% + ${SLACK.toFixed(3)} of ${DRAWS} draws (KS, chi-squared, Z at 800 rows)`, () => {
    const rng = new SeededRandom(404);
    const flagged: Record<string, number> = {};
    let datasetDrift = 0;
    for (let d = 0; d < DRAWS; d++) {
      const ref = profileOf(draw(rng, 800));
      const cur = profileOf(draw(rng, 800), ref);
      const r = compareProfiles(ref, cur);
      if (d === 0) expect(r.columns.map((c) => c.method)).toEqual(['ks', 'ks', 'ks', 'chisquare', 'z']);
      for (const c of r.drifted) flagged[c] = (flagged[c] ?? 0) + 1;
      if (r.drift) datasetDrift++;
    }
    for (const name of ['x0', 'x1', 'x2', 'grade', 'flag'])
      expect((flagged[name] ?? 0) / DRAWS).toBeLessThanOrEqual(0.05 + SLACK);
    expect(datasetDrift / DRAWS).toBeLessThanOrEqual(0.05 + SLACK);
  }, 600_000);

  it(`no shift at 5,000 rows (normalised Wasserstein, Jensen-Shannon): at most 5% + ${SLACK.toFixed(3)} false drift per column`, () => {
    const rng = new SeededRandom(405);
    const flagged: Record<string, number> = {};
    for (let d = 0; d < DRAWS; d++) {
      const ref = profileOf(draw(rng, 5000));
      const r = compareProfiles(ref, profileOf(draw(rng, 5000), ref));
      for (const c of r.drifted) flagged[c] = (flagged[c] ?? 0) + 1;
    }
    for (const name of ['x0', 'x1', 'x2', 'grade', 'flag'])
      expect((flagged[name] ?? 0) / DRAWS).toBeLessThanOrEqual(0.05 + SLACK);
  }, 600_000);

  it('a 0.2-sigma mean shift in one column of 5,000 rows is found in at least 95% of draws, by the default method and by KS', () => {
    const rng = new SeededRandom(406);
    let byDefault = 0;
    let byKs = 0;
    for (let d = 0; d < DRAWS; d++) {
      const ref = profileOf(draw(rng, 5000));
      const cur = profileOf(draw(rng, 5000, { x0: 0.2 }), ref);
      const r = compareProfiles(ref, cur);
      expect(r.columns[0]!.method).toBe('wasserstein');
      if (r.drifted.includes('x0')) byDefault++;
      if (compareProfiles(ref, cur, { methods: { x0: 'ks' }, columns: ['x0'] }).drifted.includes('x0')) byKs++;
    }
    expect(byDefault / DRAWS).toBeGreaterThanOrEqual(0.95);
    expect(byKs / DRAWS).toBeGreaterThanOrEqual(0.95);
  }, 600_000);
});
