import { describe, expect, it } from '@jest/globals';
import type { TableBatch } from './batch.js';
import { CsvSource, JsonLinesSource, type SourceOptions, type TableSource } from './sinks.js';

const options = (o: Partial<SourceOptions> = {}): SourceOptions => ({
  file: 'd.csv',
  input: 'dataset',
  batchRows: 100,
  missing: 'allow',
  numeric: undefined,
  ...o,
});

/** Scans the whole text in one go and returns the batch's cells by row. */
function read(source: TableSource, text: string): { header: string[]; lines: number[]; rows: unknown[][] } {
  const buf = Buffer.from(text);
  source.scan(buf, 0, buf.length, true, Infinity);
  const batch: TableBatch = source.builder!.take();
  const rows = Array.from({ length: batch.rows }, (_, r) =>
    batch.header.map((_, c) => {
      const v = batch.numbers[c]![r]!;
      return v === v ? v : (batch.texts[c]![r] ?? null);
    }),
  );
  return { header: batch.header, lines: Array.from(batch.lines), rows };
}

describe('CsvSource', () => {
  it('takes the first record as the (trimmed) header and the rest as rows', () => {
    expect(read(new CsvSource(options()), '\n x ,"y z" \n1,"2"\n\n3,"a,b"\n')).toEqual({
      header: ['x', 'y z'],
      lines: [3, 5],
      rows: [
        [1, 2],
        [3, 'a,b'],
      ],
    });
  });

  it('does not count the header against maxRows', () => {
    const source = new CsvSource(options());
    const buf = Buffer.from('a\n1\n2\n3\n');
    const pos = source.scan(buf, 0, buf.length, true, 2);
    expect([source.builder!.batch.rows, buf.toString('utf8', pos)]).toEqual([2, '3\n']);
  });

  it.each([
    ['a,,c\n', 'dataset: d.csv, line 1: header column 2 has no name'],
    ['a,b,a\n', 'dataset: d.csv, line 1: the column "a" appears twice in the header'],
    ['a,b\n1,2\n1\n', 'dataset: d.csv, line 3: 1 fields, but the header has 2 (a, b)'],
    [
      'c1,c2,c3,c4,c5,c6,c7,c8,c9\n1\n',
      'dataset: d.csv, line 2: 1 fields, but the header has 9 (c1, c2, c3, c4, c5, c6, c7, c8, …)',
    ],
  ])('refuses %j', (text, message) => {
    expect(() => read(new CsvSource(options()), text)).toThrow(message);
  });

  it('applies numeric columns by name (unknown names ignored) and points at the character column', () => {
    const source = new CsvSource(options({ numeric: ['b', 'nope'] }));
    expect(() => read(source, 'a,b\nx,1\n"q",  two\n')).toThrow(
      expect.objectContaining({
        message: expect.stringContaining('line 3: column "b" (column 2) holds the text "two"'),
        location: { file: 'd.csv', line: 3, column: 5 },
      }),
    );
  });
});

describe('JsonLinesSource', () => {
  it('takes the first object’s keys as columns; null or absent is missing; strings are classified; other values are their JSON', () => {
    const text =
      '{"a": 1, " b ": "x"}\n\n  \n{"a": "2.5", " b ": null}\r\n{" b ": true}\n{"a": [1], " b ": {"k": "NA"}, "c": 3}';
    expect(read(new JsonLinesSource(options({ file: 'd.jsonl' })), text)).toEqual({
      header: ['a', 'b'],
      lines: [1, 4, 5, 6],
      rows: [
        [1, 'x'],
        [2.5, null],
        [null, 'true'],
        ['[1]', '{"k":"NA"}'],
      ],
    });
  });

  it.each([
    ['{"a": 1}\n{"a": \n', 'dataset: d.jsonl, line 2: not valid JSON ('],
    ['"text"\n', 'dataset: d.jsonl, line 1: expected a JSON object with named fields'],
    ['null\n', 'line 1: expected a JSON object'],
    ['{"a": 1, " a": 2}\n', 'line 1: the column "a" appears twice in the header'],
    [
      '{"a": 1}\n{"a": null}\n',
      'line 2: column "a" (column 1) is empty or missing (NA, NaN, null), but it must be a number',
    ],
  ])('refuses %j', (text, message) => {
    expect(() => read(new JsonLinesSource(options({ file: 'd.jsonl', missing: 'refuse' })), text)).toThrow(message);
  });

  it('waits for the end of an unfinished line unless it is the last', () => {
    const source = new JsonLinesSource(options({ file: 'd.jsonl' }));
    const buf = Buffer.from('{"a": 1}\n{"a": 2}');
    expect(source.scan(buf, 0, buf.length, false, Infinity)).toBe(9);
    expect(source.builder!.batch.rows).toBe(1); // the first object names the columns and is a row
    expect(source.scan(buf, 9, buf.length, true, Infinity)).toBe(buf.length);
    expect(source.builder!.batch.rows).toBe(2);
  });
});
