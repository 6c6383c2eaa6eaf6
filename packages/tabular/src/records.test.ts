import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { parseCsvRecords } from './index.js';

/** Python's csv module (the oracle): every non-empty record of `text` as lists of fields. */
function pythonCsv(texts: string[]): string[][][] {
  const script = [
    'import csv, io, json, sys',
    'out = []',
    'for text in json.load(sys.stdin):',
    '    out.append([row for row in csv.reader(io.StringIO(text, newline="")) if row])',
    'print(json.dumps(out))',
  ].join('\n');
  const py = spawnSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify(texts), encoding: 'utf8' });
  if (py.status !== 0) throw new Error(py.stderr);
  return JSON.parse(py.stdout) as string[][][];
}

/** A deterministic generator of hostile CSV: commas, quotes, CR, LF, CRLF, unicode, empty fields. */
function randomCsv(seed: number): string {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pieces = ['a', 'b', '1.5', ',', '"', '\n', '\r\n', '\r', ' ', 'é', '€', '', 'x y'];
  const lines: string[] = [];
  const rows = 1 + Math.floor(next() * 6);
  for (let r = 0; r < rows; r++) {
    const fields: string[] = [];
    const width = 1 + Math.floor(next() * 4);
    for (let f = 0; f < width; f++) {
      let v = '';
      const len = Math.floor(next() * 5);
      for (let k = 0; k < len; k++) v += pieces[Math.floor(next() * pieces.length)]!;
      const needsQuotes = /[",\r\n]/.test(v) || (v === '' && width === 1);
      fields.push(needsQuotes ? `"${v.replace(/"/g, '""')}"` : v);
    }
    lines.push(fields.join(','));
  }
  return lines.join(next() < 0.5 ? '\n' : '\r\n') + (next() < 0.5 ? '\n' : '');
}

describe('parseCsvRecords (the shared CSV tokenizer)', () => {
  it('agrees with Python’s csv module on 300 generated texts with quotes, commas and line breaks in fields', () => {
    const texts = Array.from({ length: 300 }, (_, i) => randomCsv(i + 1));
    const expected = pythonCsv(texts);
    texts.forEach((text, i) => {
      expect([text, parseCsvRecords(text).map((r) => r.cells)]).toEqual([text, expected[i]]);
    });
  });

  it('gives each record the line it starts on, counting line breaks inside quoted fields', () => {
    const rows = parseCsvRecords('a,b\r\n"x\ny",2\n\n3,"4"\r5,6');
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x\ny', '2'] },
      { line: 5, cells: ['3', '4'] },
      { line: 6, cells: ['5', '6'] },
    ]);
  });

  it('drops a byte order mark and reads text after a closing quote as Python’s csv module does (non-strict)', () => {
    expect(parseCsvRecords('\ufeffname,value\n"ab"c,1\n').map((r) => r.cells)).toEqual([
      ['name', 'value'],
      ['abc', '1'],
    ]);
    expect(pythonCsv(['"ab"c,1\n'])[0]).toEqual([['abc', '1']]);
  });

  it('refuses a quote that is never closed, naming the file and the line it opened on', () => {
    expect(() => parseCsvRecords('a,b\n1,"open\n2,3\n', 'metrics.csv')).toThrow(
      'metrics.csv, line 2: a quoted field is never closed',
    );
  });
});
