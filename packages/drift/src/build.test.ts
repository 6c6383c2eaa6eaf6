/**
 * buildProfile: one streaming pass over a CSV or JSON Lines file into a bounded profile, the
 * label column, the reference's column types for fresh data (with the line of a changed type),
 * and the model's outputs profiled beside the data.
 */
import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import type { Logger } from '@mlops-gha/common';
import { expected, logisticClassifierModel, writeModel } from '../../../test/harness/onnx-models.js';
import { buildProfile } from './build.js';
import { PROFILE_BOUNDS, validateProfile } from './profile.js';
import { syntheticCsv, tempFile } from '../../../test/fixtures/drift-support.js';

describe('buildProfile: the file', () => {
  it('refuses an empty file', async () => {
    const path = await tempFile('empty.csv', '');
    await expect(buildProfile(path, { input: 'current' })).rejects.toThrow(/current: .*empty\.csv is empty/);
    const headerOnly = await tempFile('header.csv', 'a,b\n');
    await expect(buildProfile(headerOnly, { input: 'current' })).rejects.toThrow(/has a header but no data rows/);
  });
  it('reads JSON Lines with nulls and strings', async () => {
    const path = await tempFile('t.jsonl', '{"a": 1, "b": "x", "c": null}\n{"a": 2.5, "b": "y"}\n');
    const profile = await buildProfile(path);
    expect(profile.rows).toBe(2);
    expect(profile.columns.map((c) => [c.name, c.type, c.count, c.missing])).toEqual([
      ['a', 'categorical', 2, 0],
      ['b', 'categorical', 2, 0],
      ['c', 'empty', 0, 2],
    ]);
  });
  it('names the profiled file by its base name and counts every data row', async () => {
    const path = await tempFile('sub dir.csv', 'x,y\n1,a\n2,b\n3,a\n');
    const p = await buildProfile(path);
    expect(p.source).toBe('sub dir.csv');
    expect(p.rows).toBe(3);
    expect(p.columns.map((c) => c.name)).toEqual(['x', 'y']);
  });
});

describe('buildProfile: the label column', () => {
  it('is `label` when the data has one, none with `label: null`, and the named one when given', async () => {
    const path = await tempFile('l.csv', 'a,label,y\n1,0,5\n2,1,6\n');
    expect((await buildProfile(path)).label).toBe('label');
    expect((await buildProfile(path, { label: null })).label).toBeNull();
    expect((await buildProfile(path, { label: 'y' })).label).toBe('y');
    expect((await buildProfile(await tempFile('n.csv', 'a,b\n1,2\n'))).label).toBeNull();
  });
  it('refuses a named label the data lacks, listing the columns, at line 1', async () => {
    const path = await tempFile('l.csv', 'a,b\n1,2\n');
    await expect(buildProfile(path, { label: 'target', input: 'profile-data' })).rejects.toMatchObject({
      message: `profile-data: ${path} has no label column "target" (columns: a, b)`,
      fix: 'Set `label-column` to a column of the data, or leave it empty.',
      location: { file: path, line: 1 },
    });
  });
});

describe('buildProfile: bounds', () => {
  it('stay within their stated bound whatever the rows, with exact counts and moments', async () => {
    const path = await tempFile('big.csv', syntheticCsv(20_000, 1));
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
    const bigger = await buildProfile(await tempFile('bigger.csv', syntheticCsv(60_000, 2)));
    expect(JSON.stringify(bigger).length).toBeLessThan(bytes * 1.1);
    expect(validateProfile(JSON.parse(JSON.stringify(p)), 'p.json').rows).toBe(20_000);
  });
  it('are the same bytes for the same data (seeded reservoir)', async () => {
    const text = syntheticCsv(12_000, 3);
    const a = await buildProfile(await tempFile('a.csv', text));
    const b = await buildProfile(await tempFile('b.csv', text));
    expect(JSON.stringify(a.columns)).toBe(JSON.stringify(b.columns));
  });
});

describe('buildProfile: fresh data read with the reference types', () => {
  it('refuses a column whose type changed from numerical to text, with its line', async () => {
    const ref = await buildProfile(await tempFile('ref.csv', syntheticCsv(500, 7)));
    const cur = await tempFile('cur.csv', 'age,income,city,label\n40,3000,Oslo,1\n41,"3,100 USD",Lima,0\n');
    await expect(buildProfile(cur, { reference: ref, input: 'current' })).rejects.toMatchObject({
      message: expect.stringMatching(
        /line 3: column "income" holds the text "3,100 USD", but it was numerical in the reference/,
      ),
      location: { file: cur, line: 3 },
    });
  });
  it('reads a column that was categorical in the reference as categories, even with many distinct numbers', async () => {
    const ref = await buildProfile(await tempFile('r.csv', 'zip,v\n10115,1\n20095,2\n10115,3\n'));
    expect(ref.columns[0]!.type).toBe('categorical');
    const rows = Array.from({ length: 30 }, (_, i) => `${10000 + i},${i}`);
    const cur = await buildProfile(await tempFile('c.csv', `zip,v\n${rows.join('\n')}\n`), { reference: ref });
    expect(cur.columns[0]).toMatchObject({ type: 'categorical', unique: 30 });
  });
});

describe('buildProfile: with a model', () => {
  const weights = [1.5, -2];
  const rows = Array.from({ length: 40 }, (_, i) => [Math.sin(i), Math.cos(1.3 * i)]);
  const csv = `f1,f2,label\n${rows.map(([a, b], i) => `${a!.toFixed(6)},${b!.toFixed(6)},${i % 2}`).join('\n')}\n`;

  it("profiles the model's outputs on the same rows: the label's counts and the positive class's score", async () => {
    const data = await tempFile('d.csv', csv);
    const model = await writeModel(join(data, '..', 'm.onnx'), logisticClassifierModel({ weights, bias: 0.1 }));
    const p = await buildProfile(data, { model });
    expect(p.features).toEqual(['f1', 'f2']); // every column but the label
    expect(p.predictions!.map((c) => [c.name, c.type])).toEqual([
      ['label', 'categorical'],
      ['probabilities[1]', 'numerical'],
    ]);
    // by hand, from the rows as written to the file
    const scores = rows.map(([a, b]) =>
      expected.sigmoid(Number(a!.toFixed(6)) * 1.5 - 2 * Number(b!.toFixed(6)) + 0.1),
    );
    const positives = scores.filter((s) => s > 0.5).length;
    expect(new Map(p.predictions![0]!.categories!.values)).toEqual(
      new Map([
        ['1', positives],
        ['0', 40 - positives],
      ]),
    );
    expect(p.predictions![1]!.numeric!.mean).toBeCloseTo(scores.reduce((s, v) => s + v, 0) / 40, 6);
    expect(validateProfile(JSON.parse(JSON.stringify(p)), 'p.json').predictions).toHaveLength(2);
  });

  it('leaves predictions out, with the reason logged, when the data lacks an input of the model', async () => {
    const data = await tempFile('d.csv', csv.replace('f2', 'other'));
    const model = await writeModel(join(data, '..', 'm.onnx'), logisticClassifierModel({ weights, bias: 0 }));
    const warnings: string[] = [];
    const logger: Logger = { info() {}, debug() {}, warning: (m) => void warnings.push(m) };
    const p = await buildProfile(data, { model, features: ['f1', 'f2'], input: 'current', logger });
    expect(p.predictions).toBeNull();
    expect(p.columns).toHaveLength(3); // the data profile is still made
    expect(warnings).toEqual([`Predictions not profiled: current (${data}) lacks the model's input column(s) f2`]);
    expect(p.predictionsSkipped).toBe(`current (${data}) lacks the model's input column(s) f2`);
    expect(Object.keys(p)).not.toContain('predictionsSkipped'); // not written into the profile
  });
});
