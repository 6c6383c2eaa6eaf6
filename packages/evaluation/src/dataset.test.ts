import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHoldout } from './dataset.js';

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dataset-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function csv(name: string, text: string): Promise<string> {
  await writeFile(file(name), text);
  return file(name);
}

describe('loadHoldout', () => {
  it('reads CSV with quotes, CRLF, a BOM and blank lines; feature-columns pick and order the features', async () => {
    const path = await csv('q.csv', '\ufeffa,"b, quoted",label\r\n1,2,"1.0"\r\n\r\n"3","4",0\r\n');
    const all = await loadHoldout(path);
    expect([all.rows, all.featureNames, Array.from(all.features), all.labels]).toEqual([
      2,
      ['a', 'b, quoted'],
      [1, 2, 3, 4],
      ['1', '0'],
    ]);
    const picked = await loadHoldout(path, { featureColumns: ['b, quoted', 'a'] });
    expect(Array.from(picked.features)).toEqual([2, 1, 4, 3]);
  });

  it('reads a multi-chunk file on the fast path, and a bad cell deep in it names its line', async () => {
    const rows = Array.from({ length: 60_000 }, (_, i) => `${i},${(i % 7) / 4},${i % 2}`);
    const path = await csv('big.csv', `a,b,label\r\n${rows.join('\r\n')}\r\n`);
    const h = await loadHoldout(path);
    expect(h.rows).toBe(60_000);
    expect([h.features[2 * 59_999], h.features[2 * 59_999 + 1], h.labels[59_999]]).toEqual([
      59_999,
      (59_999 % 7) / 4,
      '1',
    ]);
    rows[45_000] = '1,oops,0';
    const bad = await csv('big-bad.csv', `a,b,label\n${rows.join('\n')}\n`);
    await expect(loadHoldout(bad)).rejects.toMatchObject({ location: { file: bad, line: 45_002, column: 2 } });
  });

  it('reads JSON Lines', async () => {
    const path = await csv('h.jsonl', '{"x": 1, "y": 2, "target": "cat"}\n{"x": 3, "y": 4, "target": "dog"}\n');
    const h = await loadHoldout(path, { labelColumn: 'target' });
    expect([h.featureNames, Array.from(h.features), h.labels]).toEqual([
      ['x', 'y'],
      [1, 2, 3, 4],
      ['cat', 'dog'],
    ]);
  });

  it.each([
    [
      'nonnum.csv',
      'a,b,label\n1,2,0\n3,abc,1\n',
      {},
      'Dataset %s, line 3, column "b": "abc" is not a number; ONNX models take numeric features',
    ],
    ['emptycell.csv', 'a,b,label\n1,,0\n', {}, 'Dataset %s, line 2, column "b": empty cell'],
    ['nolabel.csv', 'a,b,y\n1,2,0\n', {}, 'Dataset %s has no label column "label" (columns: a, b, y)'],
    ['empty.csv', '', {}, 'Dataset %s is empty'],
    ['header.csv', 'a,b,label\n', {}, 'Dataset %s has no data rows'],
    ['fields.csv', 'a,b,label\n1,2\n', {}, 'Dataset %s, line 2: 2 fields, but the header has 3'],
    [
      'cols.csv',
      'a,b,label\n1,2,0\n',
      { featureColumns: ['a', 'c'] },
      'Dataset %s lacks the feature column(s) c named in `feature-columns` (columns: a, b, label)',
    ],
    [
      'bad.jsonl',
      '{"a": 1, "label": 0}\n{"a": "x", "label": 1}\n',
      {},
      'Dataset %s, line 2, column "a": ""x"" is not a number',
    ],
  ])('%s is refused with a message naming the place', async (name, text, options, message) => {
    const path = await csv(name, text);
    await expect(loadHoldout(path, options)).rejects.toThrow(message.replace('%s', path));
  });

  it('puts the file, line and column of a bad cell on the error for an annotation', async () => {
    const path = await csv('loc.csv', 'a,b,label\n1,2,0\n3,x,1\n');
    await expect(loadHoldout(path)).rejects.toMatchObject({ location: { file: path, line: 3, column: 2 } });
  });

  it('missing-values nan: empty, nan, NA and null cells reach the model as NaN and are counted per column', async () => {
    const data = await csv('gaps.csv', 'a,b,label\n1,,0\nnan,2,1\nNA,null,1\n4,5,0\n');
    await expect(loadHoldout(data)).rejects.toThrow(`Dataset ${data}, line 2, column "b": empty cell`);
    const holdout = await loadHoldout(data, { missingValues: 'nan' });
    expect(holdout.missing).toEqual({ a: 2, b: 2 });
    expect(Array.from(holdout.features).map((v) => (Number.isNaN(v) ? 'NaN' : v))).toEqual([
      1,
      'NaN',
      'NaN',
      2,
      'NaN',
      'NaN',
      4,
      5,
    ]);
    // Text that is not a missing marker is still refused.
    const bad = await csv('gaps-bad.csv', 'a,b,label\n1,two,0\n');
    await expect(loadHoldout(bad, { missingValues: 'nan' })).rejects.toThrow('"two" is not a number');
    const lines = join(dir, 'gaps.jsonl');
    await writeFile(lines, '{"a": null, "b": 1, "label": 0}\n{"a": 2, "b": "nan", "label": 1}\n');
    expect((await loadHoldout(lines, { missingValues: 'nan' })).missing).toEqual({ a: 1, b: 1 });
  });

  it('refuses a path that is not a file, and an extension it does not read, with the fix', async () => {
    const gone = file('gone.csv');
    await expect(loadHoldout(gone)).rejects.toMatchObject({
      message: `Dataset ${gone} does not exist`,
      fix: expect.stringContaining('Set `dataset:` to the path of a CSV or JSON Lines file'),
    });
    await expect(loadHoldout(dir)).rejects.toThrow(`Dataset ${dir} does not exist`);
    const parquet = await csv('h.parquet', 'PAR1');
    await expect(loadHoldout(parquet)).rejects.toMatchObject({
      message: `Dataset ${parquet}: unknown format ".parquet"`,
      location: { file: parquet },
    });
    const bare = await csv('holdout', 'a,label\n1,0\n');
    await expect(loadHoldout(bare)).rejects.toThrow(`Dataset ${bare}: unknown format "(no extension)"`);
    // .txt is CSV, .ndjson is JSON Lines, the extension in any case
    const txt = await csv('h.TXT', 'a,label\n1,0\n');
    expect((await loadHoldout(txt)).rows).toBe(1);
    const nd = await csv('h.ndjson', '{"a": 1, "label": 0}\n');
    expect((await loadHoldout(nd)).rows).toBe(1);
  });

  it('canonicalises number labels (1.0 reads as 1) and trims text labels; features may have blanks around them', async () => {
    const path = await csv('labels.csv', 'a,label\n 1.5 ,1.0\n-2e-1, cat \n.5,"2.50"\n');
    const h = await loadHoldout(path);
    expect([Array.from(h.features), h.labels]).toEqual([
      [1.5, Math.fround(-0.2), 0.5],
      ['1', 'cat', '2.5'],
    ]);
  });

  it('an empty label is refused with its line and column; an infinite feature is not a number', async () => {
    const nolabel = await csv('nolabel-row.csv', 'a,label\n1,0\n2,\n');
    await expect(loadHoldout(nolabel)).rejects.toMatchObject({
      message: `Dataset ${nolabel}, line 3: the label "label" is empty`,
      fix: 'Drop rows without a label from the holdout set.',
      location: { file: nolabel, line: 3, column: 2 },
    });
    for (const cell of ['1e999', 'Infinity', '-inf']) {
      const path = await csv(`inf${cell}.csv`, `a,label\n${cell},0\n`);
      await expect(loadHoldout(path, { missingValues: 'nan' })).rejects.toThrow(
        `Dataset ${path}, line 2, column "a": "${cell}" is not a number`,
      );
    }
  });

  it('missing-value tokens: refused by default with what they are; #N/A is not one of them', async () => {
    const na = await csv('na.csv', 'a,b,label\n1,NA,0\n');
    await expect(loadHoldout(na)).rejects.toMatchObject({
      message: `Dataset ${na}, line 2, column "b": "NA" is a missing value; ONNX models take numeric features`,
      fix: expect.stringContaining('set `missing-values: nan`'),
      location: { file: na, line: 2, column: 2 },
    });
    const hashNa = await csv('hash-na.csv', 'a,b,label\n1,#N/A,0\n');
    await expect(loadHoldout(hashNa, { missingValues: 'nan' })).rejects.toThrow(
      `Dataset ${hashNa}, line 2, column "b": "#N/A" is not a number`,
    );
    const tokens = await csv('tokens.csv', 'a,label\nNone,0\nn/a,1\nNULL,0\n"",1\n');
    expect((await loadHoldout(tokens, { missingValues: 'nan' })).missing).toEqual({ a: 4 });
  });

  it('counts lines inside quoted fields, so a later bad row names the line an editor shows', async () => {
    const path = await csv('multi-line.csv', 'a,note,label\n1,"two\nlines",0\n2,"three\r\nmore\nlines",1\n3,4,x,0\n');
    await expect(loadHoldout(path, { featureColumns: ['a'] })).rejects.toMatchObject({
      message: `Dataset ${path}, line 7: 4 fields, but the header has 3`,
      location: { file: path, line: 7 },
    });
  });

  it('refuses a quoted field that is never closed, naming the line it opened on', async () => {
    const path = await csv('open.csv', 'a,label\n1,0\n2,"1\n3,0\n');
    await expect(loadHoldout(path)).rejects.toMatchObject({
      message: `Dataset ${path}, line 3: a quoted field is never closed`,
      location: { file: path, line: 3 },
    });
  });

  it('reads quoted numbers, quoted labels with "" escapes and CRLF on every row of a longer file', async () => {
    const rows = Array.from({ length: 5_000 }, (_, i) => `"${i}",${i % 5}.25,"class ""${i % 3}"""`);
    const path = await csv('quoted-big.csv', `a,b,label\r\n${rows.join('\r\n')}`);
    const h = await loadHoldout(path);
    expect(h.rows).toBe(5_000);
    for (const i of [0, 1, 1234, 4000, 4999]) {
      expect([h.features[2 * i], h.features[2 * i + 1], h.labels[i]]).toEqual([i, (i % 5) + 0.25, `class "${i % 3}"`]);
    }
  });

  it('refuses a header that names a column twice (the second would silently read the first)', async () => {
    const path = await csv('dup.csv', 'a,a,label\n1,2,0\n');
    await expect(loadHoldout(path)).rejects.toMatchObject({
      message: `Dataset ${path}, line 1: the column "a" appears twice in the header`,
      location: { file: path, line: 1 },
    });
  });

  it('JSON Lines: a byte order mark is dropped and blank lines skipped; a feature must be a JSON number and present in every row', async () => {
    const ok = await csv('ok.jsonl', '\ufeff{"x": 1.5, "label": 1.0}\n\n   \n{"label": "b", "x": -2}\n');
    const h = await loadHoldout(ok);
    expect([h.rows, Array.from(h.features), h.labels]).toEqual([2, [1.5, -2], ['1', 'b']]);
    const cases: [string, string, string][] = [
      ['absent.jsonl', '{"x": 1, "label": 0}\n{"label": 1}\n', 'line 2: feature "x" is missing'],
      ['string.jsonl', '{"x": "2.5", "label": 0}\n', 'line 1, column "x": ""2.5"" is not a number'],
      ['null.jsonl', '{"x": null, "label": 0}\n', 'line 1, column "x": "null" is a missing value'],
      ['nojson.jsonl', '{"x": 1, "label": 0}\n{"x": 1,\n', 'line 2: not valid JSON ('],
      ['array.jsonl', '[1, 0]\n', 'line 1: expected a JSON object with named fields'],
      ['nolabel.jsonl', '{"x": 1, "label": null}\n', 'line 1: the label "label" is missing'],
      ['blank.jsonl', '\n\n', 'is empty'],
    ];
    for (const [name, text, message] of cases) {
      const path = await csv(name, text);
      await expect(loadHoldout(path)).rejects.toThrow(
        message.startsWith('is') ? `Dataset ${path} ${message}` : `Dataset ${path}, ${message}`,
      );
    }
  });
});

describe('loadHoldout with several label columns', () => {
  it('CSV: keeps each label column, in the order given; the rest are features', async () => {
    const path = await csv('tags.csv', 'x1,b,x2,a\n0.5,1,2,0\n1.5,0,3,1.0\n');
    const h = await loadHoldout(path, { labelColumns: ['a', 'b'] });
    expect([h.featureNames, Array.from(h.features), h.labelColumns, h.targets, h.labels]).toEqual([
      ['x1', 'x2'],
      [0.5, 2, 1.5, 3],
      ['a', 'b'],
      [
        ['0', '1'],
        ['1', '0'],
      ],
      ['0', '1'],
    ]);
  });

  it('JSON Lines: the same, and a missing label names its field and line', async () => {
    const path = await csv('tags.jsonl', '{"x":1,"a":0,"b":1}\n{"x":2,"a":1}\n');
    await expect(loadHoldout(path, { labelColumns: ['a', 'b'] })).rejects.toThrow(
      /tags\.jsonl, line 2: the label "b" is missing/,
    );
    const ok = await csv('ok.jsonl', '{"x":1,"a":0,"b":1}\n{"x":2,"a":1,"b":1}\n');
    expect((await loadHoldout(ok, { labelColumns: ['a', 'b'] })).targets).toEqual([
      ['0', '1'],
      ['1', '1'],
    ]);
  });

  it('refuses absent and repeated label columns', async () => {
    const path = await csv('t2.csv', 'x,a,b\n1,0,1\n');
    await expect(loadHoldout(path, { labelColumns: ['a', 'z', 'y'] })).rejects.toThrow(
      'has no label columns "z", "y" (columns: x, a, b)',
    );
    await expect(loadHoldout(path, { labelColumns: ['a', 'a'] })).rejects.toThrow('`label-column` names "a" twice');
    await expect(loadHoldout(path, { labelColumns: ['a', 'b'], featureColumns: ['x', 'b'] })).rejects.toThrow(
      '`feature-columns` includes the label column "b"',
    );
  });
});
