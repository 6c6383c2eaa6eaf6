/**
 * The two record sources behind `readTable`: CSV records (from `CsvScanner`) and JSON Lines
 * (one object per line), each turning its first record into the header and the rest into
 * rows of a `BatchBuilder`. Both expose the scanner's shape (`scan`, `line`) so one loop
 * reads the file for either format.
 */
import { UserError } from '@mlops-gha/common';
import { BatchBuilder, type CellPlace, type CellRules } from './batch.js';
import { columnOf, CsvScanner, decodeField, type RecordSink } from './csv-scan.js';
import { parseJsonObjectLine } from './json-lines.js';

export interface TableSource {
  /** Scans buf[pos, end) for at most `maxRows` rows (the header is not one); returns the offset reached. */
  scan(buf: Buffer, pos: number, end: number, final: boolean, maxRows: number): number;
  builder: BatchBuilder | undefined;
  /** The line of the next unread byte. */
  readonly line: number;
}

export interface SourceOptions {
  file: string;
  input: string;
  batchRows: number;
  missing: CellRules['missing'];
  numeric: readonly string[] | 'all' | undefined;
}

function checkHeader(header: string[], o: SourceOptions, line: number): void {
  const seen = new Set<string>();
  header.forEach((h, i) => {
    if (h === '')
      throw new UserError(`${o.input}: ${o.file}, line ${line}: header column ${i + 1} has no name`, {
        fix: 'Name every column in the header row.',
        location: { file: o.file, line },
      });
    if (seen.has(h))
      throw new UserError(`${o.input}: ${o.file}, line ${line}: the column "${h}" appears twice in the header`, {
        fix: 'Give every column a unique name.',
        location: { file: o.file, line },
      });
    seen.add(h);
  });
}

function rulesFor(header: string[], o: SourceOptions): CellRules {
  const numeric = new Uint8Array(header.length);
  if (o.numeric === 'all') numeric.fill(1);
  else if (o.numeric) for (const name of o.numeric) if (header.includes(name)) numeric[header.indexOf(name)] = 1;
  return { missing: o.missing, numeric };
}

export class CsvSource implements TableSource, RecordSink {
  builder: BatchBuilder | undefined;
  private readonly scanner = new CsvScanner(this);
  // The record being added, for error locations.
  private buf: Buffer = Buffer.alloc(0);
  private recordStart = 0;
  private recordLine = 0;
  private bounds: Int32Array = new Int32Array(0);

  constructor(private readonly o: SourceOptions) {}

  get line(): number {
    return this.scanner.line;
  }

  scan(buf: Buffer, pos: number, end: number, final: boolean, maxRows: number): number {
    // The header is one record more when it has not been read yet.
    return this.scanner.scan(buf, pos, end, final, this.builder ? maxRows : maxRows + 1);
  }

  private readonly locate = (c: number): CellPlace => ({
    line: this.recordLine,
    column: columnOf(this.buf, this.recordStart, this.bounds[c * 2]!),
  });

  record(
    buf: Buffer,
    bounds: Int32Array,
    quoted: Uint8Array,
    values: Float64Array,
    fields: number,
    line: number,
    start: number,
  ): void {
    const b = this.builder;
    if (!b) {
      const header = Array.from({ length: fields }, (_, k) =>
        decodeField(buf, bounds[k * 2]!, bounds[k * 2 + 1]!, quoted[k]!).trim(),
      );
      checkHeader(header, this.o, line);
      this.builder = new BatchBuilder(
        header,
        this.o.batchRows,
        rulesFor(header, this.o),
        this.o.file,
        this.o.input,
        this.locate,
      );
      return;
    }
    const width = b.header.length;
    if (fields !== width) {
      throw new UserError(
        `${this.o.input}: ${this.o.file}, line ${line}: ${fields} fields, but the header has ${width} (${b.header.slice(0, 8).join(', ')}${width > 8 ? ', …' : ''})`,
        {
          fix: 'Give every row one field per header column (quote fields that contain commas).',
          location: { file: this.o.file, line },
          title: 'Malformed row',
        },
      );
    }
    this.buf = buf;
    this.recordStart = start;
    this.recordLine = line;
    this.bounds = bounds;
    const batch = b.batch;
    const r = batch.rows;
    const numbers = batch.numbers;
    for (let c = 0; c < width; c++) {
      const v = values[c]!;
      if (v === v) numbers[c]![r] = v;
      else if (quoted[c] === 0) b.cellBytes(c, r, bounds[c * 2]!, bounds[c * 2 + 1]!, buf);
      else b.cell(c, r, decodeField(buf, bounds[c * 2]!, bounds[c * 2 + 1]!, 1));
    }
    batch.lines[r] = line;
    batch.rows = r + 1;
  }
}

export class JsonLinesSource implements TableSource {
  builder: BatchBuilder | undefined;
  line = 1;
  private keys: string[] = [];
  /** The line being added (errors name it). */
  private current = 0;

  constructor(private readonly o: SourceOptions) {}

  scan(buf: Buffer, pos: number, end: number, final: boolean, maxRows: number): number {
    let i = pos;
    let rows = 0;
    while (i < end && rows < maxRows) {
      let nl = buf.indexOf(10, i);
      if (nl < 0 || nl >= end) {
        if (!final) return i;
        nl = end;
      }
      const line = this.line++;
      const e = nl > i && buf[nl - 1] === 13 ? nl - 1 : nl;
      const text = buf.toString('utf8', i, e);
      i = Math.min(nl + 1, end);
      if (text.trim() === '') continue;
      if (this.add(text, line)) rows++;
    }
    return i;
  }

  /** Adds one line's object; false for the line that gave the header only. */
  private add(text: string, line: number): boolean {
    const o = this.o;
    const obj = parseJsonObjectLine(text, line, `${o.input}: ${o.file}`, o.file);
    if (!this.builder) {
      this.keys = Object.keys(obj);
      const header = this.keys.map((k) => k.trim());
      checkHeader(header, o, line);
      this.builder = new BatchBuilder(header, o.batchRows, rulesFor(header, o), o.file, o.input, () => ({
        line: this.current,
      }));
    }
    const b = this.builder;
    const r = b.batch.rows;
    this.current = line;
    for (let c = 0; c < this.keys.length; c++) {
      const v = obj[this.keys[c]!];
      if (v === undefined || v === null) b.missing(c, r);
      else if (typeof v === 'number' && Number.isFinite(v)) b.batch.numbers[c]![r] = v;
      else if (typeof v === 'string') b.cell(c, r, v);
      else b.text(c, r, typeof v === 'number' ? String(v) : JSON.stringify(v));
    }
    b.batch.lines[r] = line;
    b.batch.rows = r + 1;
    return true;
  }
}
