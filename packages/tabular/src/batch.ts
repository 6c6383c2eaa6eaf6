/**
 * Column-major batches and the rules for one cell: a finite number goes to `numbers`, text to
 * `texts`, a missing cell leaves NaN and no text. Text cells are interned per column (the bytes
 * of a repeated category make one string, not one per row), which is what keeps categorical
 * columns cheap. The caller's strictness (missing cells refused, columns that must be numbers)
 * is applied here, so CSV and JSON Lines follow one rule.
 */
import { UserError } from '@mlops-gha/common';
import { classifyText } from './numbers.js';

export interface TableBatch {
  /** Every column of the file, in file order. */
  header: string[];
  rows: number;
  /** The 1-based file line of each row (for error locations). */
  lines: Int32Array;
  /** Per column: the cell's number, or NaN when the cell is missing or text. */
  numbers: Float64Array[];
  /**
   * Per column: the cell's text when it is text, undefined when it is a number or missing.
   * A column without text in this batch has an empty array (every read gives undefined).
   */
  texts: (string | undefined)[][];
}

/** Where a cell sits, for errors: resolved only when one is thrown. */
export interface CellPlace {
  line: number;
  /** 1-based character column on that line, when known. */
  column?: number;
}

export interface CellRules {
  /** `allow` (default): missing cells are NaN with no text. `refuse`: a missing cell is an error. */
  missing: 'allow' | 'refuse';
  /** Columns (by index) that must hold numbers: a text cell there is an error. */
  numeric: Uint8Array;
}

interface Interned {
  bytes: Uint8Array;
  value: number | string | null;
}

function sameBytes(a: Uint8Array, buf: Buffer, s: number, e: number): boolean {
  if (a.length !== e - s) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== buf[s + i]) return false;
  return true;
}

const NO_TEXT: (string | undefined)[] = Object.freeze([]) as unknown as (string | undefined)[];
const INTERN_LIMIT = 4096;

export class BatchBuilder {
  batch: TableBatch;
  /** Per column: a cell's bytes (by their hash) -> what they hold, while the column has few distinct ones. */
  private interned: (Map<number, Interned> | undefined)[];

  constructor(
    readonly header: string[],
    private readonly size: number,
    private readonly rules: CellRules,
    private readonly file: string,
    private readonly input: string,
    /** Where column c of the row being added sits (called only to build an error). */
    private readonly locate: (c: number) => CellPlace,
  ) {
    this.batch = this.fresh();
    this.interned = header.map(() => new Map());
  }

  private fresh(): TableBatch {
    const n = this.header.length;
    const numbers = new Array<Float64Array>(n);
    const texts = new Array<(string | undefined)[]>(n);
    for (let c = 0; c < n; c++) {
      numbers[c] = new Float64Array(this.size);
      texts[c] = NO_TEXT;
    }
    return { header: this.header, rows: 0, lines: new Int32Array(this.size), numbers, texts };
  }

  get full(): boolean {
    return this.batch.rows === this.size;
  }

  /** Hands out the batch built so far (trimmed to its rows) and starts the next. */
  take(): TableBatch {
    const b = this.batch;
    this.batch = this.fresh();
    if (b.rows === this.size) return b;
    return { ...b, lines: b.lines.subarray(0, b.rows), numbers: b.numbers.map((n) => n.subarray(0, b.rows)) };
  }

  /** A missing cell at (row, column c). */
  missing(c: number, r: number): void {
    this.batch.numbers[c]![r] = NaN;
    if (this.rules.missing === 'refuse')
      throw this.cellError(c, this.locate(c), 'is empty or missing (NA, NaN, null)', true);
  }

  /**
   * A cell the number fast path did not take, as bytes: a long or blank-padded number, a
   * missing token or text. Non-numeric cells are classified once per distinct byte string
   * while the column has few of them (categories), so a repeated category costs one lookup.
   */
  cellBytes(c: number, r: number, s: number, e: number, buf: Buffer): void {
    if (s === e) return this.missing(c, r);
    const b0 = buf[s]!;
    const numeric = (b0 >= 48 && b0 <= 57) || b0 === 45 || b0 === 43 || b0 === 46;
    const cache = numeric || e - s > 64 ? undefined : this.interned[c];
    if (!cache) return this.cell(c, r, buf.toString('utf8', s, e));
    // FNV-1a over the bytes finds the entry without making a string; the bytes are compared,
    // so a hash collision is only a cache miss.
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    const entry = cache.get(h);
    let v: number | string | null;
    if (entry && sameBytes(entry.bytes, buf, s, e)) v = entry.value;
    else {
      v = classifyText(buf.toString('utf8', s, e));
      if (!entry) {
        cache.set(h, { bytes: Uint8Array.prototype.slice.call(buf, s, e), value: v });
        if (cache.size > INTERN_LIMIT) this.interned[c] = undefined;
      }
    }
    if (typeof v === 'number') this.batch.numbers[c]![r] = v;
    else if (v === null) this.missing(c, r);
    else this.text(c, r, v);
  }

  /** A text cell (already trimmed, known not to be a number or missing). */
  text(c: number, r: number, text: string): void {
    const b = this.batch;
    b.numbers[c]![r] = NaN;
    if (this.rules.numeric[c])
      throw this.cellError(c, this.locate(c), `holds the text ${JSON.stringify(text.slice(0, 40))}`);
    let texts = b.texts[c]!;
    if (texts === NO_TEXT) texts = b.texts[c] = new Array<string | undefined>(this.size);
    texts[r] = text;
  }

  /** A cell from its text (a quoted CSV field, a JSON string): number, missing or text. */
  cell(c: number, r: number, raw: string): void {
    const v = classifyText(raw);
    if (typeof v === 'number') this.batch.numbers[c]![r] = v;
    else if (v === null) this.missing(c, r);
    else this.text(c, r, v);
  }

  private cellError(c: number, place: CellPlace, what: string, missing = false): UserError {
    const name = this.header[c]!;
    return new UserError(
      `${this.input}: ${this.file}, line ${place.line}: column "${name}" (column ${c + 1}) ${what}, but it must be a number`,
      {
        fix: missing
          ? `Fill in or drop the rows where "${name}" is missing (or let missing values through, where the step offers that).`
          : `Write "${name}" as plain decimal numbers (e.g. 0.25 or 1e-3; inf and text are refused), or leave the column out.`,
        location: { file: this.file, line: place.line, ...(place.column ? { column: place.column } : {}) },
        title: missing ? 'Missing value' : 'Not a number',
      },
    );
  }
}
