import { describe, expect, it } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@mlops-gha/common';
import { classifyText, parseCsvRecords, readTable, type ReadTableOptions, type TableBatch } from './index.js';

async function file(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tabular-'));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function readAll(path: string, options: ReadTableOptions = {}): Promise<TableBatch[]> {
  const out: TableBatch[] = [];
  for await (const b of readTable(path, options)) out.push(b);
  return out;
}

/** Cells of every row, as the reader's batches hold them: a number, null (missing) or text. */
function cellsOf(batches: TableBatch[]): { line: number; cells: (number | string | null)[] }[] {
  const rows: { line: number; cells: (number | string | null)[] }[] = [];
  for (const b of batches) {
    for (let r = 0; r < b.rows; r++) {
      const cells = b.header.map((_, c) => {
        const v = b.numbers[c]![r]!;
        return v === v ? v : (b.texts[c]![r] ?? null);
      });
      rows.push({ line: b.lines[r]!, cells });
    }
  }
  return rows;
}

async function failure(run: () => Promise<unknown>): Promise<UserError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

function numberLiteral(next: () => number): string {
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(next() * 10)).join('');
  const sign = ['', '-', '+'][Math.floor(next() * 3)]!;
  const int = digits(Math.floor(next() * 20));
  const frac = next() < 0.7 ? `.${digits(Math.floor(next() * 20))}` : '';
  const body = int === '' && (frac === '' || frac === '.') ? `0${frac}` : `${int}${frac}`;
  const exp =
    next() < 0.3
      ? `${next() < 0.5 ? 'e' : 'E'}${['', '-', '+'][Math.floor(next() * 3)]}${digits(1 + Math.floor(next() * 3))}`
      : '';
  return `${sign}${body}${exp}`;
}

describe('readTable', () => {
  it('reads 20,000 generated decimal literals exactly as Number() does (fast path and general path)', async () => {
    let s = 7;
    const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
    const literals = Array.from({ length: 20_000 }, () => numberLiteral(next));
    const path = await file('n.csv', `v\n${literals.join('\n')}\n`);
    const got = cellsOf(await readAll(path)).map((r) => r.cells[0]);
    const expected = literals.map((t) => (Number.isFinite(Number(t)) ? Number(t) : t));
    expect(got.length).toBe(expected.length);
    const wrong = got.flatMap((v, i) => (Object.is(v, expected[i]) ? [] : [[literals[i], v, expected[i]]]));
    expect(wrong).toEqual([]);
  });

  it('gives the same rows whatever the read size and batch size, quoted line breaks across reads included', async () => {
    const lines = ['id,"na me",score,city'];
    for (let i = 0; i < 300; i++) {
      const name = i % 7 === 0 ? `"multi\nline, ""${i}"""` : i % 5 === 0 ? 'NA' : `n${i}`;
      lines.push(`${i},${name},${i % 11 === 0 ? '' : (i * 0.37).toFixed(3)},${['Oslo', 'Lima', ' Pune '][i % 3]}`);
    }
    const text = `\ufeff${lines.join('\r\n')}`; // a BOM, CRLF, no final line break
    const path = await file('t.csv', text);
    // The oracle: the record tokenizer over the whole text, each cell classified by its text.
    const records = parseCsvRecords(text);
    const expected = records.slice(1).map((r) => ({ line: r.line, cells: r.cells.map((c) => classifyText(c)) }));
    for (const [readBytes, batchRows] of [
      [16, 7],
      [33, 1],
      [4096, 64],
      [undefined, undefined],
    ] as const) {
      const batches = await readAll(path, { readBytes, batchRows });
      expect(batches[0]!.header).toEqual(['id', 'na me', 'score', 'city']);
      expect(cellsOf(batches)).toEqual(expected);
    }
    expect(expected[7]!.cells[1]).toBe('multi\nline, "7"');
    expect(expected[5]!.cells[1]).toBeNull();
  });

  it('stops after maxRows, and yields the header of a file without data rows', async () => {
    const path = await file('m.csv', 'a\n1\n2\n3\n4\n');
    expect(cellsOf(await readAll(path, { maxRows: 2, batchRows: 1 })).map((r) => r.cells[0])).toEqual([1, 2]);
    const header = await readAll(await file('h.csv', 'a,b\n'));
    expect(header.map((b) => [b.header, b.rows])).toEqual([[['a', 'b'], 0]]);
  });

  it('refuses, when asked, a missing cell and text in a numeric column, naming line, column and name', async () => {
    const path = await file('s.csv', 'x,y\n1,2\n3,NA\n4,inf\n');
    const missing = await failure(() => readAll(path, { missing: 'refuse', input: 'dataset' }));
    expect(missing.message).toBe(
      `dataset: ${path}, line 3: column "y" (column 2) is empty or missing (NA, NaN, null), but it must be a number`,
    );
    expect(missing.location).toEqual({ file: path, line: 3, column: 3 });
    const text = await failure(() => readAll(path, { numeric: ['y'] }));
    expect(text.message).toContain('line 4: column "y" (column 2) holds the text "inf", but it must be a number');
    expect(text.location).toEqual({ file: path, line: 4, column: 3 });
    // By default both are let through: NA is missing, inf is text.
    expect(cellsOf(await readAll(path)).map((r) => r.cells[1])).toEqual([2, null, 'inf']);
  });

  it('reads JSON Lines: the first object names the columns, null is missing, numeric strings are numbers', async () => {
    const path = await file('t.jsonl', '\ufeff{"a": 1, "b": "x"}\n\n{"a": "2.5", "b": null}\r\n{"b": {"k": 1}}\n');
    const batches = await readAll(path);
    expect(batches[0]!.header).toEqual(['a', 'b']);
    expect(cellsOf(batches)).toEqual([
      { line: 1, cells: [1, 'x'] },
      { line: 3, cells: [2.5, null] },
      { line: 4, cells: [null, '{"k":1}'] },
    ]);
    const strict = await failure(() => readAll(path, { missing: 'refuse', input: 'dataset' }));
    expect(strict.message).toContain('line 3: column "b" (column 2) is empty or missing');
    const bad = await failure(() => readAll(path.replace('t.jsonl', 'x.jsonl')));
    expect(bad.message).toMatch(/the data file: .*x\.jsonl does not exist/);
  });

  it('names the file and line of malformed input', async () => {
    const cases: [string, string, RegExp][] = [
      ['ragged.csv', 'a,b\n1,2\n3,4,5\n', /line 3: 3 fields, but the header has 2 \(a, b\)/],
      ['dup.csv', 'a,b,a\n1,2,3\n', /line 1: the column "a" appears twice in the header/],
      ['noname.csv', 'a,,c\n', /line 1: header column 2 has no name/],
      ['open.csv', 'a,b\n1,"2\n3,4\n', /line 2: a quoted field is never closed/],
      ['empty.csv', '', /empty\.csv is empty/],
      ['bad.jsonl', '{"a": 1}\n{"a": \n', /line 2: not valid JSON/],
      ['list.jsonl', '[1, 2]\n', /line 1: expected a JSON object with named fields/],
      ['data.parquet', 'PAR1', /has the unknown format "\.parquet"/],
    ];
    for (const [name, text, message] of cases) {
      const path = await file(name, text);
      const error = await failure(() => readAll(path, { input: 'current' }));
      expect(error.message).toMatch(message);
      expect(error.message.startsWith(`current: ${path}`)).toBe(true);
      expect(error.fix).toBeTruthy();
    }
  });
});
