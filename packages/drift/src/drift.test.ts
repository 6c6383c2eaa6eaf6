import { describe, expect, it } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildProfile,
  compareProfiles,
  PROFILE_BOUNDS,
  readTable,
  renderReport,
  SeededRandom,
  validateProfile,
} from './index.js';

async function file(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'drift-'));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

function csv(rows: number, seed: number, options: { shift?: number; city?: (r: SeededRandom) => string } = {}): string {
  const rng = new SeededRandom(seed);
  const lines = ['age,income,city,label'];
  for (let i = 0; i < rows; i++) {
    const city = options.city ? options.city(rng) : ['Oslo', 'Lima', 'Pune'][rng.below(3)]!;
    lines.push(
      `${(40 + 10 * rng.normal() + (options.shift ?? 0)).toFixed(3)},${(3000 + 800 * rng.normal()).toFixed(2)},${city},${rng.below(2)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

describe('readTable', () => {
  it('reads quoted fields, missing tokens, numbers and text column-major, with line numbers', async () => {
    const path = await file('t.csv', 'a,b,c\r\n1.5,"x, ""y""",NA\n\n-2e3,plain,\n"3",z,7\n');
    const batches = [];
    for await (const b of readTable(path)) batches.push(b);
    const b = batches[0]!;
    expect(b.header).toEqual(['a', 'b', 'c']);
    expect(b.rows).toBe(3);
    expect([...b.lines]).toEqual([2, 4, 5]);
    expect([...b.numbers[0]!]).toEqual([1.5, -2000, 3]);
    expect(b.texts[1]!.slice(0, 3)).toEqual(['x, "y"', 'plain', 'z']);
    expect(Number.isNaN(b.numbers[2]![0])).toBe(true);
    expect(b.texts[2]![0]).toBeUndefined(); // NA is missing, not text
    expect(b.numbers[2]![2]).toBe(7);
  });
  it('parses numbers exactly as Number() does', async () => {
    const values = [
      '0.1',
      '123456789012345',
      '1234567890123456789',
      '-0.000001234',
      '1e-30',
      '4.35',
      '9007199254740993',
      '.5',
      '5.',
    ];
    const path = await file('n.csv', `v\n${values.join('\n')}\n`);
    for await (const b of readTable(path)) expect([...b.numbers[0]!]).toEqual(values.map(Number));
  });
  it('names the line of a row with the wrong number of fields', async () => {
    const path = await file('bad.csv', 'a,b\n1,2\n3,4,5\n');
    await expect(async () => {
      for await (const _ of readTable(path, { input: 'current' })) void _;
    }).rejects.toThrow(/current: .*bad\.csv, line 3: 3 fields, but the header has 2/);
  });
  it('refuses an empty file', async () => {
    const path = await file('empty.csv', '');
    await expect(buildProfile(path, { input: 'current' })).rejects.toThrow(/current: .*empty\.csv is empty/);
    const headerOnly = await file('header.csv', 'a,b\n');
    await expect(buildProfile(headerOnly, { input: 'current' })).rejects.toThrow(/has a header but no data rows/);
  });
  it('reads JSON Lines with nulls and strings', async () => {
    const path = await file('t.jsonl', '{"a": 1, "b": "x", "c": null}\n{"a": 2.5, "b": "y"}\n');
    const profile = await buildProfile(path);
    expect(profile.rows).toBe(2);
    expect(profile.columns.map((c) => [c.name, c.type, c.count, c.missing])).toEqual([
      ['a', 'categorical', 2, 0],
      ['b', 'categorical', 2, 0],
      ['c', 'empty', 0, 2],
    ]);
  });
});

describe('profiles', () => {
  it('stay within their stated bound whatever the rows, with exact counts and moments', async () => {
    const path = await file('big.csv', csv(20_000, 1));
    const p = await buildProfile(path);
    expect(p.rows).toBe(20_000);
    expect(p.label).toBe('label');
    const age = p.columns.find((c) => c.name === 'age')!;
    expect(age.type).toBe('numerical');
    expect(age.numeric!.sample).toHaveLength(PROFILE_BOUNDS.sample);
    expect(age.numeric!.sample_exact).toBe(false);
    expect(age.numeric!.histogram.edges).toHaveLength(PROFILE_BOUNDS.bins + 1);
    expect(age.numeric!.mean).toBeGreaterThan(39.5);
    expect(age.numeric!.mean).toBeLessThan(40.5);
    const city = p.columns.find((c) => c.name === 'city')!;
    expect(city.type).toBe('categorical');
    expect(city.categories!.values.reduce((s, [, n]) => s + n, 0)).toBe(20_000);
    expect(p.columns.find((c) => c.name === 'label')!.type).toBe('categorical'); // 2 distinct numbers
    const bytes = JSON.stringify(p).length;
    const bigger = await buildProfile(await file('bigger.csv', csv(60_000, 2)));
    expect(JSON.stringify(bigger).length).toBeLessThan(bytes * 1.1);
    expect(validateProfile(JSON.parse(JSON.stringify(p)), 'p.json').rows).toBe(20_000);
  });
  it('are the same bytes for the same data (seeded reservoir)', async () => {
    const text = csv(12_000, 3);
    const a = await buildProfile(await file('a.csv', text));
    const b = await buildProfile(await file('b.csv', text));
    expect(JSON.stringify(a.columns)).toBe(JSON.stringify(b.columns));
  });
});

describe('compareProfiles: bad input', () => {
  it('refuses a fresh file missing a reference column, and names it', async () => {
    const ref = await buildProfile(await file('ref.csv', csv(500, 4)));
    const cur = await buildProfile(await file('cur.csv', 'age,city,label\n40,Oslo,1\n41,Lima,0\n'), { reference: ref });
    expect(() => compareProfiles(ref, cur)).toThrow(/lacks the reference column\(s\) "income"/);
  });
  it('ignores an extra column and says so', async () => {
    const ref = await buildProfile(await file('ref.csv', csv(500, 5)));
    const text = csv(500, 6)
      .replace('age,income,city,label', 'age,income,city,label,extra')
      .split('\n')
      .map((l, i) => (i === 0 || l === '' ? l : `${l},9`))
      .join('\n');
    const cur = await buildProfile(await file('cur.csv', text), { reference: ref });
    const result = compareProfiles(ref, cur);
    expect(result.columns.map((c) => c.column)).toEqual(['age', 'income', 'city']);
    expect(result.notes.join(' ')).toMatch(/Ignored column\(s\) not in the reference: extra/);
  });
  it('refuses a column whose type changed from numerical to text, with its line', async () => {
    const ref = await buildProfile(await file('ref.csv', csv(500, 7)));
    const cur = await file('cur.csv', 'age,income,city,label\n40,3000,Oslo,1\n41,"3,100 USD",Lima,0\n');
    await expect(buildProfile(cur, { reference: ref, input: 'current' })).rejects.toMatchObject({
      message: expect.stringMatching(
        /line 3: column "income" holds the text "3,100 USD", but it was numerical in the reference/,
      ),
      location: { file: cur, line: 3 },
    });
  });
  it('refuses an all-missing column', async () => {
    const ref = await buildProfile(await file('ref.csv', csv(500, 8)));
    const cur = await buildProfile(await file('cur.csv', 'age,income,city,label\n40,,Oslo,1\n41,NA,Lima,0\n'), {
      reference: ref,
    });
    expect(() => compareProfiles(ref, cur)).toThrow(
      /Column "income" of the current data has no values: all 2 cells are missing/,
    );
  });
});

describe('compareProfiles: methods and verdict', () => {
  it('uses KS / chi-squared / Z for small references and Wasserstein / Jensen-Shannon for large ones', async () => {
    const small = await buildProfile(await file('s.csv', csv(800, 9)));
    const cur = await buildProfile(await file('c.csv', csv(800, 10)), { reference: small });
    const r = compareProfiles(small, cur, { columns: ['age', 'city', 'label'] });
    expect(r.columns.map((c) => c.method)).toEqual(['ks', 'chisquare', 'z']);
    const large = await buildProfile(await file('l.csv', csv(3000, 11)));
    const cur2 = await buildProfile(await file('c2.csv', csv(800, 12)), { reference: large });
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
    const ref = await buildProfile(await file('r.csv', csv(800, 13)));
    const shifted = csv(800, 14, { shift: 8, city: (r) => ['Oslo', 'Lima', 'Pune', 'Kyiv'][r.below(4)]! });
    const cur = await buildProfile(await file('c.csv', shifted), { reference: ref });
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
    const ref = await buildProfile(await file('r.csv', csv(800, 15)));
    const cur = await buildProfile(await file('c.csv', csv(800, 16, { shift: 1.2 })), { reference: ref });
    const plain = compareProfiles(ref, cur);
    const bonf = compareProfiles(ref, cur, { correction: 'bonferroni' });
    const tested = plain.columns.filter((c) => c.pValue !== null).length;
    expect(bonf.columns[0]!.threshold).toBeCloseTo(0.05 / tested, 15);
    const bh = compareProfiles(ref, cur, { correction: 'benjamini-hochberg' });
    for (const c of bh.columns) expect(c.drifted).toBe(c.pValue! <= c.threshold);
  });
});

describe('report', () => {
  it('escapes hostile column names and category values', async () => {
    const hostile = '@octocat <img src=x> | `rm` [x](http://e)';
    const ref = await buildProfile(await file('r.csv', `"${hostile}",v\na,1\nb,2\n`));
    const cur = await buildProfile(await file('c.csv', `"${hostile}",v\n"c""|<b>@x",1\nb,2\n`), { reference: ref });
    const result = compareProfiles(ref, cur);
    const report = renderReport({ result, referenceLabel: 'r', referenceRows: 2, currentLabel: 'c', currentRows: 2 });
    expect(report).not.toContain('@octocat');
    expect(report).not.toContain('<img');
    expect(report).not.toContain('<b>');
    expect(report).toContain('&#64;octocat &lt;img src=x&gt; &#124;');
  });
});
