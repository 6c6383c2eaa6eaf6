import { describe, expect, it } from '@jest/globals';
import { columnOf, CsvScanner, decodeField, UnclosedQuote, unclosedQuoteError, type RecordSink } from './csv-scan.js';

interface Seen {
  line: number;
  start: number;
  cells: string[];
  quoted: number[];
  values: number[];
}

/** A sink that keeps what the scanner reports (decoded, since the bytes are only valid during the call). */
function collector(): { sink: RecordSink; seen: Seen[] } {
  const seen: Seen[] = [];
  const sink: RecordSink = {
    record(buf, bounds, quoted, values, fields, line, start) {
      const r: Seen = { line, start, cells: [], quoted: [], values: [] };
      for (let k = 0; k < fields; k++) {
        r.cells.push(decodeField(buf, bounds[2 * k]!, bounds[2 * k + 1]!, quoted[k]!));
        r.quoted.push(quoted[k]!);
        r.values.push(values[k]!);
      }
      seen.push(r);
    },
  };
  return { sink, seen };
}

function scanAll(text: string): Seen[] {
  const { sink, seen } = collector();
  const buf = Buffer.from(text, 'utf8');
  expect(new CsvScanner(sink).scan(buf, 0, buf.length, true, Infinity)).toBe(buf.length);
  return seen;
}

const TRICKY = 'a,"b ""q"", c",d\r\n1.5,"x\ny",-2e-3\r\n\n"",,"tail"end\rlast,"\r\n",9007199254740993';

describe('CsvScanner', () => {
  it('reports fields, quote flags, plain decimals and the line each record starts on', () => {
    const seen = scanAll(TRICKY);
    expect(seen.map((r) => [r.line, r.cells, r.quoted])).toEqual([
      [1, ['a', 'b "q", c', 'd'], [0, 1, 0]],
      [2, ['1.5', 'x\ny', '-2e-3'], [0, 1, 0]],
      [5, ['', '', 'tailend'], [1, 0, 1]],
      [6, ['last', '\r\n', '9007199254740993'], [0, 1, 0]],
    ]);
    // values: the number of a plain decimal, NaN for text, quoted fields and digits past 2^53
    expect(seen[1]!.values[0]).toBe(1.5);
    expect(seen[1]!.values[2]).toBe(-0.002);
    expect(seen[1]!.values[1]).toBeNaN();
    expect(seen[3]!.values[2]).toBeNaN();
    expect(seen[0]!.values.every((v) => Number.isNaN(v))).toBe(true);
  });

  it('every number it reads on the way is exactly what Number() reads from the field', () => {
    let s = 11;
    const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
    const literals = Array.from({ length: 4000 }, () => {
      const digits = String(Math.floor(next() * 10 ** (1 + Math.floor(next() * 17))));
      const dot = Math.floor(next() * (digits.length + 1));
      const sign = next() < 0.3 ? '-' : next() < 0.1 ? '+' : '';
      const exp = next() < 0.3 ? `e${Math.floor(next() * 60) - 30}` : '';
      return `${sign}${digits.slice(0, dot)}.${digits.slice(dot)}${exp}`.replace(/^([-+]?)\.$/, '$10');
    });
    const seen = scanAll(literals.map((l, i) => `${l},${i}`).join('\n'));
    expect(seen.map((r) => r.cells[0])).toEqual(literals);
    const read = seen.filter((r) => !Number.isNaN(r.values[0]!));
    const wrong = read.filter((r) => !Object.is(r.values[0], Number(r.cells[0])));
    expect(wrong.map((r) => [r.cells[0], r.values[0]])).toEqual([]);
    expect(read.length).toBeGreaterThan(3000); // the fast path takes the common case
  });

  it('gives the same records whatever the split between two reads (the reader feeds the unfinished tail again)', () => {
    const whole = scanAll(TRICKY);
    const buf = Buffer.from(TRICKY, 'utf8');
    for (let p = 0; p <= buf.length; p++) {
      const { sink, seen } = collector();
      const scanner = new CsvScanner(sink);
      const pos = scanner.scan(buf, 0, p, false, Infinity);
      expect(pos).toBeLessThanOrEqual(p);
      expect(scanner.scan(buf, pos, buf.length, true, Infinity)).toBe(buf.length);
      expect([p, seen]).toEqual([p, whole]);
    }
  });

  it('stops after maxRecords (empty lines not counted) and goes on from there', () => {
    const { sink, seen } = collector();
    const buf = Buffer.from('a\n\n\nb\nc\n');
    const scanner = new CsvScanner(sink);
    const pos = scanner.scan(buf, 0, buf.length, true, 2);
    expect(seen.map((r) => r.cells[0])).toEqual(['a', 'b']);
    scanner.scan(buf, pos, buf.length, true, Infinity);
    expect(seen.map((r) => [r.line, r.cells[0]])).toEqual([
      [1, 'a'],
      [4, 'b'],
      [5, 'c'],
    ]);
  });

  it('throws UnclosedQuote with the line the quote opened on, only at the end of the file', () => {
    const { sink, seen } = collector();
    const buf = Buffer.from('a,b\n1,"open\n2,3\n');
    const scanner = new CsvScanner(sink);
    expect(scanner.scan(buf, 0, buf.length, false, Infinity)).toBe(4); // waits for more bytes
    expect(() => scanner.scan(buf, 4, buf.length, true, Infinity)).toThrow(new UnclosedQuote(2));
    expect(seen.length).toBe(1);
  });
});

describe('decodeField, columnOf and unclosedQuoteError', () => {
  it('decodes quoted fields ("" is a quote, text after the closing quote kept) and leaves raw ones as UTF-8', () => {
    const buf = Buffer.from('"é ""x"""y,€ raw');
    const comma = buf.indexOf(',');
    expect(decodeField(buf, 0, comma, 1)).toBe('é "x"y');
    expect(decodeField(buf, comma + 1, buf.length, 0)).toBe('€ raw');
    expect(decodeField(Buffer.from('"never closed'), 0, 13, 1)).toBe('never closed');
  });

  it('counts the character column on the field’s own line, after a line break inside the record', () => {
    const buf = Buffer.from('é,"a\r\nbb",x');
    expect(columnOf(buf, 0, 0)).toBe(1);
    expect(columnOf(buf, 0, 3)).toBe(3); // é is two bytes, one character
    expect(columnOf(buf, 0, buf.indexOf('x'))).toBe(5);
  });

  it('words the error with the caller’s subject, the line and the fix', () => {
    expect(unclosedQuoteError('dataset: d.csv', 'd.csv', 7)).toMatchObject({
      message: 'dataset: d.csv, line 7: a quoted field is never closed',
      fix: 'Close the quote, or escape quotes inside quoted fields by doubling them ("").',
      location: { file: 'd.csv', line: 7 },
    });
  });
});
