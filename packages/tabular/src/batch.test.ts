import { describe, expect, it } from '@jest/globals';
import { BatchBuilder, type CellRules, type TableBatch } from './batch.js';

const rules = (missing: CellRules['missing'], numeric: number[] = []): CellRules => ({
  missing,
  numeric: Uint8Array.from(numeric),
});

function builder(size: number, r: CellRules): BatchBuilder {
  return new BatchBuilder(['x', 'city'], size, r, 'd.csv', 'dataset', (c) => ({ line: 7, column: c * 4 + 1 }));
}

/** Adds one row of texts as a reader does (the bytes path for unquoted CSV cells). */
function addRow(b: BatchBuilder, cells: string[], line: number): void {
  const r = b.batch.rows;
  cells.forEach((cell, c) => {
    const buf = Buffer.from(` ${cell}`);
    b.cellBytes(c, r, 1, buf.length, buf);
  });
  b.batch.lines[r] = line;
  b.batch.rows = r + 1;
}

const cells = (batch: TableBatch) =>
  Array.from({ length: batch.rows }, (_, r) =>
    batch.header.map((_, c) => {
      const v = batch.numbers[c]![r]!;
      return v === v ? v : (batch.texts[c]![r] ?? null);
    }),
  );

describe('BatchBuilder', () => {
  it('sorts cells into numbers, texts and missing, and hands out full batches that later ones do not touch', () => {
    const b = builder(2, rules('allow'));
    addRow(b, ['1.5', 'Oslo'], 2);
    expect(b.full).toBe(false);
    addRow(b, [' 2e3 ', 'NA'], 3);
    expect(b.full).toBe(true);
    const first = b.take();
    addRow(b, ['', 'Oslo'], 4);
    addRow(b, ['inf', 'Bergen'], 5);
    const second = b.take();
    expect([cells(first), Array.from(first.lines)]).toEqual([
      [
        [1.5, 'Oslo'],
        [2000, null],
      ],
      [2, 3],
    ]);
    expect(cells(second)).toEqual([
      [null, 'Oslo'],
      ['inf', 'Bergen'],
    ]);
  });

  it('trims a part batch to its rows; a column without text has an empty texts array', () => {
    const b = builder(8, rules('allow'));
    addRow(b, ['1', '2'], 1);
    const part = b.take();
    expect([part.rows, part.lines.length, part.numbers[0]!.length, part.texts[0]!.length]).toEqual([1, 1, 1, 0]);
    expect(b.take().rows).toBe(0);
  });

  it('interns repeated category texts (one string per distinct value) and stays right past the interning limit', () => {
    const b = builder(10_000, rules('allow'));
    for (let i = 0; i < 6000; i++) addRow(b, [String(i), `c${i < 3000 ? i % 3 : i}`], i + 1);
    const batch = b.take();
    const city = batch.texts[1]!;
    expect([city[0], city[3], city[2999], city[5999]]).toEqual(['c0', 'c0', 'c2', 'c5999']);
    expect(city.slice(0, 3000).every((t, r) => t === `c${r % 3}`)).toBe(true);
    expect(city.slice(3000, 6000).every((t, r) => t === `c${r + 3000}`)).toBe(true);
  });

  it('refuses a missing cell when asked, naming the file, line, column and fix', () => {
    const b = builder(4, rules('refuse'));
    expect(() => addRow(b, ['1', 'null'], 7)).toThrow(
      expect.objectContaining({
        message:
          'dataset: d.csv, line 7: column "city" (column 2) is empty or missing (NA, NaN, null), but it must be a number',
        fix: 'Fill in or drop the rows where "city" is missing (or let missing values through, where the step offers that).',
        location: { file: 'd.csv', line: 7, column: 5 },
        title: 'Missing value',
      }),
    );
  });

  it('refuses text in a numeric column, showing at most 40 characters of it', () => {
    const b = builder(4, rules('allow', [1, 0]));
    b.cell(1, 0, 'any text is fine here');
    expect(() => b.cell(0, 0, ` ${'y'.repeat(100)} `)).toThrow(
      expect.objectContaining({
        message: `dataset: d.csv, line 7: column "x" (column 1) holds the text "${'y'.repeat(40)}", but it must be a number`,
        title: 'Not a number',
      }),
    );
    expect(() => b.text(0, 0, 'inf')).toThrow('holds the text "inf"');
  });
});
