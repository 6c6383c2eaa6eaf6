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
});
