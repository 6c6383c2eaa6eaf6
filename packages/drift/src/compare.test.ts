/**
 * compareProfiles and comparePredictions: Evidently's method choice, the refusals (each names
 * the column, both sides and the fix), thresholds, the dataset verdict and the multiple-testing
 * corrections; the statistics themselves are checked against SciPy in their own test files.
 */
import { describe, expect, it } from '@jest/globals';
import { buildProfile } from './build.js';
import { compareProfiles, comparePredictions, METHOD_INFO, SMALL_REFERENCE_ROWS } from './compare.js';
import { PROFILE_BOUNDS, type ColumnProfile, type Profile } from './profile.js';
import { renderReport } from './report.js';
import { SeededRandom } from './random.js';
import { profileOf, syntheticCsv, tempFile } from '../../../test/fixtures/drift-support.js';

describe('compareProfiles: bad input', () => {
  it('refuses a fresh file missing a reference column, and names it', async () => {
    const ref = await buildProfile(await tempFile('ref.csv', syntheticCsv(500, 4)));
    const cur = await buildProfile(await tempFile('cur.csv', 'age,city,label\n40,Oslo,1\n41,Lima,0\n'), {
      reference: ref,
    });
    expect(() => compareProfiles(ref, cur)).toThrow(/lacks the reference column\(s\) "income"/);
  });
  it('ignores an extra column and says so', async () => {
    const ref = await buildProfile(await tempFile('ref.csv', syntheticCsv(500, 5)));
    const text = syntheticCsv(500, 6)
      .replace('age,income,city,label', 'age,income,city,label,extra')
      .split('\n')
      .map((l, i) => (i === 0 || l === '' ? l : `${l},9`))
      .join('\n');
    const cur = await buildProfile(await tempFile('cur.csv', text), { reference: ref });
    const result = compareProfiles(ref, cur);
    expect(result.columns.map((c) => c.column)).toEqual(['age', 'income', 'city']);
    expect(result.notes.join(' ')).toMatch(/Ignored column\(s\) not in the reference: extra/);
  });
  it('refuses an all-missing column', async () => {
    const ref = await buildProfile(await tempFile('ref.csv', syntheticCsv(500, 8)));
    const cur = await buildProfile(await tempFile('cur.csv', 'age,income,city,label\n40,,Oslo,1\n41,NA,Lima,0\n'), {
      reference: ref,
    });
    expect(() => compareProfiles(ref, cur)).toThrow(
      /Column "income" of the current data has no values: all 2 cells are missing/,
    );
  });
  it('refuses `columns` naming a column the reference lacks, listing the ones it has', () => {
    const ref = profileOf({ a: [1, 2, 3, 4, 5, 6], b: [1, 2, 1, 2, 1, 2] });
    expect(() =>
      compareProfiles(ref, ref, { columns: ['a', 'zz'], sources: { current: 'c.csv', reference: 'r.json' } }),
    ).toThrow(
      expect.objectContaining({
        message: '`columns` names "zz", which the reference (r.json) does not have (it has a, b)',
        fix: 'List only reference columns under `columns`, or leave it empty to check them all.',
      }),
    );
  });
  it('refuses `methods` naming a column that is not checked, and a method that does not fit the column', () => {
    const ref = profileOf({ a: [1, 2, 3, 4, 5, 6], k: [0, 1, 2, 0, 1, 2] });
    expect(() => compareProfiles(ref, ref, { columns: ['a'], methods: { k: 'psi' } })).toThrow(
      '`methods` names the column "k", which is not checked (checked: a; reference: the reference profile of generated)',
    );
    expect(() => compareProfiles(ref, ref, { methods: { a: 'chisquare' } })).toThrow(
      expect.objectContaining({
        message:
          '`methods`: chisquare cannot test "a", which is numerical in the reference (the reference profile of generated)',
        fix: 'Choose one of ks, wasserstein, jensenshannon, psi for "a" in `methods` (e.g. `a: ks`).',
      }),
    );
    expect(() => compareProfiles(ref, ref, { methods: { k: 'z' } })).toThrow(
      /the Z-test needs a binary column, but "k" has 3 categories in the reference/,
    );
  });
  it('refuses when no column can be tested, saying why each was left out', () => {
    const textColumn: ColumnProfile = { name: 't', type: 'text', count: 5, missing: 0, unique: null };
    const empty: ColumnProfile = { name: 'e', type: 'empty', count: 0, missing: 5, unique: 0 };
    const ref: Profile = { ...profileOf({ x: [1] }), columns: [textColumn, empty] };
    expect(() => compareProfiles(ref, ref, { sources: { current: 'c.csv', reference: 'r' } })).toThrow(
      `No column could be tested for drift between c.csv and the reference (r): "t" not tested: free text (more than ${PROFILE_BOUNDS.distinct} distinct values). "e" not tested: no values in the reference.`,
    );
  });
});

describe('compareProfiles: methods and verdict', () => {
  it('uses KS / chi-squared / Z for small references and Wasserstein / Jensen-Shannon for large ones', async () => {
    const small = await buildProfile(await tempFile('s.csv', syntheticCsv(800, 9)));
    const cur = await buildProfile(await tempFile('c.csv', syntheticCsv(800, 10)), { reference: small });
    const r = compareProfiles(small, cur, { columns: ['age', 'city', 'label'] });
    expect(r.columns.map((c) => c.method)).toEqual(['ks', 'chisquare', 'z']);
    const large = await buildProfile(await tempFile('l.csv', syntheticCsv(3000, 11)));
    const cur2 = await buildProfile(await tempFile('c2.csv', syntheticCsv(800, 12)), { reference: large });
    expect(compareProfiles(large, cur2, { columns: ['age', 'city'] }).columns.map((c) => c.method)).toEqual([
      'wasserstein',
      'jensenshannon',
    ]);
    expect(
      compareProfiles(large, cur2, { columns: ['age', 'city'], methods: { '*': 'psi' } }).columns.map((c) => c.method),
    ).toEqual(['psi', 'psi']);
    expect(() => compareProfiles(large, cur2, { methods: { city: 'ks' } })).toThrow(
      /`methods`: ks cannot test "city", which is categorical in the reference \(the reference profile of l\.csv\)/,
    );
  });
  it('flags a shifted column and a new category, and the dataset when half the columns drift', async () => {
    const ref = await buildProfile(await tempFile('r.csv', syntheticCsv(800, 13)));
    const shifted = syntheticCsv(800, 14, { shift: 8, city: (r) => ['Oslo', 'Lima', 'Pune', 'Kyiv'][r.below(4)]! });
    const cur = await buildProfile(await tempFile('c.csv', shifted), { reference: ref });
    const result = compareProfiles(ref, cur);
    expect(result.drifted).toEqual(['age', 'city']);
    expect(result.share).toBeCloseTo(2 / 3, 12);
    expect(result.drift).toBe(true);
    const report = renderReport({
      result,
      referenceLabel: 'registry://m@prod',
      referenceRows: 800,
      currentLabel: 'c.csv',
      currentRows: 800,
    });
    expect(report.split('\n')[0]).toMatch(/Drift: 2 of 3 columns drifted/);
    expect(report).toContain('```mermaid\nxychart-beta');
    expect(report).toContain('"Kyiv"');
  });
  it('applies Bonferroni and Benjamini-Hochberg only when asked', async () => {
    const ref = await buildProfile(await tempFile('r.csv', syntheticCsv(800, 15)));
    const cur = await buildProfile(await tempFile('c.csv', syntheticCsv(800, 16, { shift: 1.2 })), { reference: ref });
    const plain = compareProfiles(ref, cur);
    const bonf = compareProfiles(ref, cur, { correction: 'bonferroni' });
    const tested = plain.columns.filter((c) => c.pValue !== null).length;
    expect(bonf.columns[0]!.threshold).toBeCloseTo(0.05 / tested, 15);
    const bh = compareProfiles(ref, cur, { correction: 'benjamini-hochberg' });
    for (const c of bh.columns) expect(c.drifted).toBe(c.pValue! <= c.threshold);
  });
  it('switches from tests to distances above 1,000 reference rows (Evidently), per type and category count', () => {
    const rng = new SeededRandom(8);
    const draw = (n: number) => ({
      x: Array.from({ length: n }, () => rng.normal()),
      k: Array.from({ length: n }, () => rng.below(3)),
      b: Array.from({ length: n }, () => rng.below(2)),
    });
    const small = profileOf(draw(SMALL_REFERENCE_ROWS));
    expect(compareProfiles(small, profileOf(draw(300), small)).columns.map((c) => c.method)).toEqual([
      'ks',
      'chisquare',
      'z',
    ]);
    const large = profileOf(draw(SMALL_REFERENCE_ROWS + 1));
    expect(compareProfiles(large, profileOf(draw(300), large)).columns.map((c) => c.method)).toEqual([
      'wasserstein',
      'jensenshannon',
      'jensenshannon',
    ]);
  });
  it('judges p-values below the threshold and distances at or above it; `threshold` and `driftShare` override', () => {
    const ref = profileOf({ x: Array.from({ length: 2000 }, (_, i) => i % 100) });
    const same = compareProfiles(ref, profileOf({ x: Array.from({ length: 500 }, (_, i) => i % 100) }, ref));
    expect(same.columns[0]).toMatchObject({ method: 'wasserstein', threshold: METHOD_INFO.wasserstein.threshold });
    const shifted = profileOf({ x: Array.from({ length: 500 }, (_, i) => (i % 100) + 10) }, ref);
    const d = compareProfiles(ref, shifted).columns[0]!;
    // the sample is exact: the distance is the 10-unit shift over the reference's std (of 0..99, sqrt(833.25))
    expect(d.statistic).toBeCloseTo(10 / Math.sqrt(833.25), 3);
    expect(d.drifted).toBe(true);
    const loose = compareProfiles(ref, shifted, { threshold: d.statistic + 1e-9 });
    expect(loose.columns[0]!.drifted).toBe(false);
    expect(compareProfiles(ref, shifted, { threshold: d.statistic }).columns[0]!.drifted).toBe(true);
    expect(compareProfiles(ref, shifted, { driftShare: 1 }).drift).toBe(true);
    expect(loose).toMatchObject({ drift: false, share: 0, tested: 1, drifted: [] });
  });
  it('Benjamini-Hochberg rejects the k smallest p-values, k the largest with p(k) <= k/m alpha (derived here from the plain p-values)', () => {
    const rng = new SeededRandom(31);
    const cols = (n: number, shifts: number[]) =>
      Object.fromEntries(shifts.map((s, i) => [`x${i}`, Array.from({ length: n }, () => rng.normal() + s)]));
    const shifts = [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0];
    const ref = profileOf(
      cols(
        600,
        shifts.map(() => 0),
      ),
    );
    const cur = profileOf(cols(600, shifts), ref);
    const plain = compareProfiles(ref, cur);
    const p = plain.columns.map((c) => c.pValue!);
    const m = p.length;
    const order = p.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
    let k = 0;
    order.forEach(([v], i) => {
      if (v <= ((i + 1) / m) * 0.05) k = i + 1;
    });
    const rejected = new Set(order.slice(0, k).map(([, i]) => i));
    expect(k).toBeGreaterThan(0); // the case has something to reject and something to keep
    expect(k).toBeLessThan(m);
    const bh = compareProfiles(ref, cur, { correction: 'benjamini-hochberg' });
    expect(bh.columns.map((c) => c.drifted)).toEqual(p.map((_, i) => rejected.has(i)));
    expect(bh.correction).toBe('benjamini-hochberg');
  });
  it('reports the missing share of each side and charts shares per reference bin', () => {
    const ref = profileOf({ x: [1, 2, 3, 4, 5, 6, 7, 8, NaN, NaN] });
    const cur = profileOf({ x: [1, 2, 3, 4, 5, 6, 7, NaN] }, ref);
    const c = compareProfiles(ref, cur).columns[0]!;
    expect(c.referenceMissingShare).toBeCloseTo(0.2, 15);
    expect(c.currentMissingShare).toBeCloseTo(1 / 8, 15);
    expect(c.chart.labels).toHaveLength(PROFILE_BOUNDS.bins);
    expect(c.chart.labels[0]).toBe('1');
    expect(c.chart.reference.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(c.chart.current.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  });
});

describe('compareProfiles: hostile column names', () => {
  it('columns named constructor, __proto__ or toString take the `*` method, not something inherited', () => {
    const rng = new SeededRandom(12);
    const cols = () =>
      Object.fromEntries(
        ['constructor', '__proto__', 'toString'].map((n) => [n, Array.from({ length: 300 }, () => rng.normal())]),
      );
    const ref = profileOf(cols());
    const cur = profileOf(cols(), ref);
    const r = compareProfiles(ref, cur, { methods: { '*': 'psi' } });
    expect(r.columns.map((c) => [c.column, c.method])).toEqual([
      ['constructor', 'psi'],
      ['__proto__', 'psi'],
      ['toString', 'psi'],
    ]);
  });
  it('refuses a method that does not exist, naming the column and the choices', () => {
    const ref = profileOf({ a: [1, 2, 3, 4, 5, 6] });
    expect(() => compareProfiles(ref, ref, { methods: { a: 'kl' as never } })).toThrow(
      expect.objectContaining({
        message: '`methods`: "kl" (for "a") is not a drift method',
        fix: 'Use one of ks, chisquare, z, wasserstein, jensenshannon, psi.',
      }),
    );
  });
});

describe('comparePredictions', () => {
  const column = (name: string, values: number[], as?: ColumnProfile['type']) =>
    profileOf(
      { [name]: values },
      as ? { ...profileOf({ [name]: [0] }), columns: [{ name, type: as } as ColumnProfile] } : undefined,
    ).columns[0]!;
  it('compares each output column present on both sides, with the method the reference size calls for', () => {
    const ref = [
      column('label', [0, 1, 0, 1, 1, 0], 'categorical'),
      column('probabilities[1]', [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]),
    ];
    const cur = [
      column('label', [1, 1, 1, 1, 1, 0], 'categorical'),
      column('probabilities[1]', [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99]),
    ];
    const small = comparePredictions(ref, cur, 50);
    expect(small.map((c) => [c.column, c.method])).toEqual([
      ['label', 'z'],
      ['probabilities[1]', 'ks'],
    ]);
    expect(comparePredictions(ref, cur, 5000).map((c) => c.method)).toEqual(['jensenshannon', 'wasserstein']);
  });
  it('leaves out outputs the current side lacks or has no values for, and text outputs', () => {
    const ref = [
      column('a', [1, 2, 3, 4, 5, 6]),
      column('b', [1, 2, 3, 4, 5, 6]),
      { name: 't', type: 'text', count: 3, missing: 0, unique: null } as ColumnProfile,
    ];
    const cur = [
      column('a', [1, 2, 3, 4, 5, 7]),
      { name: 'b', type: 'numerical', count: 0, missing: 6, unique: 0 } as ColumnProfile,
      ref[2]!,
    ];
    expect(comparePredictions(ref, cur, 10).map((c) => c.column)).toEqual(['a']);
  });
});
