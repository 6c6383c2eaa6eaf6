/**
 * Streams a CSV (header row, RFC 4180 quoting) or JSON Lines file as column-major batches,
 * without holding the file: numbers are parsed straight from the bytes (Clinger's fast path,
 * exact; anything else goes through Number()), text cells become strings only when they are
 * not numbers. Missing cells (empty, NA, NaN, null, None, N/A, JSON null) are kept apart from
 * text. Errors name the file, the line and the fix.
 */
import { open } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { UserError } from '@mlops-gha/common';

export interface TableBatch {
  header: string[];
  rows: number;
  /** The 1-based file line of each row (for error locations). */
  lines: Int32Array;
  /** Per column: the cell's number, or NaN when the cell is missing or text. */
  numbers: Float64Array[];
  /** Per column: the cell's text when it is not a number (undefined: a number or missing). */
  texts: (string | undefined)[][];
}

export interface ReadTableOptions {
  batchRows?: number;
  /** Stop after this many data rows. */
  maxRows?: number;
  /** How the file is named in messages (the input that gave it). */
  input?: string;
}

const MISSING = new Set(['', 'na', 'nan', 'n/a', 'null', 'none', '#n/a', '-nan']);
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

export function tableFormat(path: string): 'csv' | 'jsonl' | undefined {
  const ext = extname(path).toLowerCase();
  return ext === '.jsonl' || ext === '.ndjson' ? 'jsonl' : ext === '.csv' || ext === '.txt' ? 'csv' : undefined;
}

/** Classifies one cell's text: a finite number, missing, or text (returned as a string). */
function classify(raw: string): number | string | null {
  const t = raw.trim();
  if (MISSING.has(t.toLowerCase())) return null;
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) {
    const v = Number(t);
    if (Number.isFinite(v)) return v;
  }
  return t;
}

/** Parses bytes [s, e) as a decimal number when that is exact in double arithmetic; NaN otherwise. */
function fastNumber(buf: Buffer, s: number, e: number): number {
  let i = s;
  let neg = false;
  const c0 = buf[i];
  if (c0 === 45 /* - */) {
    neg = true;
    i++;
  } else if (c0 === 43 /* + */) i++;
  let mant = 0;
  let digits = 0;
  let scale = 0;
  let any = false;
  while (i < e) {
    const c = buf[i]! - 48;
    if (c < 0 || c > 9) break;
    mant = mant * 10 + c;
    if (mant !== 0) digits++;
    any = true;
    i++;
  }
  if (i < e && buf[i] === 46 /* . */) {
    i++;
    while (i < e) {
      const c = buf[i]! - 48;
      if (c < 0 || c > 9) break;
      mant = mant * 10 + c;
      if (mant !== 0) digits++;
      scale--;
      any = true;
      i++;
    }
  }
  if (!any) return NaN;
  if (i < e && (buf[i] === 101 || buf[i] === 69) /* e E */) {
    i++;
    let eneg = false;
    if (buf[i] === 45) {
      eneg = true;
      i++;
    } else if (buf[i] === 43) i++;
    let ex = 0;
    let exAny = false;
    while (i < e) {
      const c = buf[i]! - 48;
      if (c < 0 || c > 9) break;
      ex = ex * 10 + c;
      exAny = true;
      i++;
      if (ex > 400) return NaN;
    }
    if (!exAny) return NaN;
    scale += eneg ? -ex : ex;
  }
  if (i !== e || digits > 15 || scale < -22 || scale > 22) return NaN;
  const v = scale < 0 ? mant / POW10[-scale]! : mant * POW10[scale]!;
  return neg ? -v : v;
}

function batchOf(header: string[], size: number): TableBatch {
  return {
    header,
    rows: 0,
    lines: new Int32Array(size),
    numbers: header.map(() => new Float64Array(size)),
    texts: header.map(() => new Array<string | undefined>(size)),
  };
}

function trimBatch(b: TableBatch): TableBatch {
  if (b.rows === b.lines.length) return b;
  return { ...b, lines: b.lines.subarray(0, b.rows), numbers: b.numbers.map((n) => n.subarray(0, b.rows)) };
}

function setCell(b: TableBatch, col: number, row: number, value: number | string | null): void {
  if (typeof value === 'number') b.numbers[col]![row] = value;
  else {
    b.numbers[col]![row] = NaN;
    if (value !== null) b.texts[col]![row] = value;
  }
}

/** Splits one CSV record with quotes (RFC 4180). Returns undefined while a quote is open. */
function splitQuoted(text: string): string[] | undefined {
  const out: string[] = [];
  let field = '';
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else field += ch;
    } else if (ch === '"') inQuotes = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  if (inQuotes) return undefined;
  out.push(field);
  return out;
}

function checkFile(path: string, input: string): 'csv' | 'jsonl' {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new UserError(`${input}: ${path} does not exist`, {
      fix: `Set \`${input}\` to a CSV or JSON Lines file, and make sure an earlier step (e.g. data-pull) put it there.`,
    });
  }
  const format = tableFormat(path);
  if (!format) {
    throw new UserError(`${input}: ${path} has the unknown format "${extname(path) || '(no extension)'}"`, {
      fix: 'Use a .csv file with a header row or a .jsonl file with one JSON object per line.',
      location: { file: path },
    });
  }
  return format;
}

/** The lines of one buffer as byte ranges [starts[i], ends[i]) (a trailing CR excluded). */
interface LineChunk {
  buf: Buffer;
  starts: number[];
  ends: number[];
}

/** Yields the file's lines, a buffer (4 MiB or more) at a time: one await per buffer, not per line. */
async function* lineChunks(path: string): AsyncGenerator<LineChunk> {
  const handle = await open(path, 'r');
  try {
    let buf = Buffer.alloc(4 << 20);
    let filled = 0;
    let eof = false;
    while (!eof) {
      if (filled === buf.length) {
        const bigger = Buffer.alloc(buf.length * 2);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      const { bytesRead } = await handle.read(buf, filled, buf.length - filled, null);
      if (bytesRead === 0) eof = true;
      filled += bytesRead;
      const starts: number[] = [];
      const ends: number[] = [];
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(10, start);
        if (nl < 0 || nl >= filled) break;
        starts.push(start);
        ends.push(nl > start && buf[nl - 1] === 13 ? nl - 1 : nl);
        start = nl + 1;
      }
      if (eof && start < filled) {
        starts.push(start);
        ends.push(buf[filled - 1] === 13 ? filled - 1 : filled);
        start = filled;
      }
      if (starts.length) yield { buf, starts, ends };
      // The consumer is done with this buffer's lines: keep the unfinished tail.
      if (start > 0) {
        buf.copy(buf, 0, start, filled);
        filled -= start;
      }
    }
  } finally {
    await handle.close();
  }
}

/**
 * Reads a table in batches of rows. The first batch carries the header even when the file
 * has no data rows (then `rows` is 0). A file with no header at all is an error.
 */
export async function* readTable(path: string, options: ReadTableOptions = {}): AsyncGenerator<TableBatch> {
  const input = options.input ?? 'the data file';
  const format = checkFile(path, input);
  const size = options.batchRows ?? 8192;
  const maxRows = options.maxRows ?? Infinity;
  let header: string[] | undefined;
  let batch: TableBatch | undefined;
  let total = 0;
  let lineNo = 0;
  let pending: { text: string; line: number } | undefined;

  const fieldCountError = (line: number, got: number) =>
    new UserError(`${input}: ${path}, line ${line}: ${got} fields, but the header has ${header!.length}`, {
      fix: 'Give every row one field per header column (quote fields that contain commas).',
      location: { file: path, line },
    });

  const ready: TableBatch[] = [];
  for await (const chunk of lineChunks(path)) {
    const buf = chunk.buf;
    for (let li = 0; li < chunk.starts.length; li++) {
      const s = chunk.starts[li]!;
      const e = chunk.ends[li]!;
      lineNo++;
      if (total >= maxRows) break;
      if (pending === undefined && e === s) continue; // blank line
      if (format === 'jsonl') {
        const text = buf.toString('utf8', s, e);
        if (text.trim() === '') continue;
        let row: unknown;
        try {
          row = JSON.parse(text);
        } catch (error) {
          throw new UserError(`${input}: ${path}, line ${lineNo}: not valid JSON (${(error as Error).message})`, {
            fix: 'Write one JSON object per line (JSON Lines).',
            location: { file: path, line: lineNo },
          });
        }
        if (!row || typeof row !== 'object' || Array.isArray(row)) {
          throw new UserError(`${input}: ${path}, line ${lineNo}: expected a JSON object with named fields`, {
            fix: 'Write each row as an object, e.g. {"x1": 0.5, "city": "Oslo"}.',
            location: { file: path, line: lineNo },
          });
        }
        const obj = row as Record<string, unknown>;
        if (!header) {
          header = Object.keys(obj);
          batch = batchOf(header, size);
        }
        const b = batch!;
        const r = b.rows;
        for (let c = 0; c < header.length; c++) {
          const v = obj[header[c]!];
          const cell =
            v === undefined || v === null
              ? null
              : typeof v === 'number'
                ? Number.isFinite(v)
                  ? v
                  : String(v)
                : typeof v === 'string'
                  ? classify(v)
                  : JSON.stringify(v);
          setCell(b, c, r, cell);
        }
        b.lines[r] = lineNo;
        b.rows++;
        total++;
      } else {
        let fields: string[] | undefined;
        let line = lineNo;
        if (pending !== undefined || hasQuote(buf, s, e)) {
          const text = (pending ? `${pending.text}\n` : '') + buf.toString('utf8', s, e);
          line = pending?.line ?? lineNo;
          fields = splitQuoted(text);
          if (!fields) {
            pending = { text, line };
            continue;
          }
          pending = undefined;
        }
        if (!header) {
          header = (fields ?? buf.toString('utf8', s, e).split(',')).map((h) => h.trim());
          if (header[0]?.charCodeAt(0) === 0xfeff) header[0] = header[0].slice(1);
          const seen = new Set<string>();
          for (const h of header) {
            if (h === '')
              throw new UserError(`${input}: ${path}, line ${line}: a header column has no name`, {
                fix: 'Name every column in the header row.',
                location: { file: path, line },
              });
            if (seen.has(h))
              throw new UserError(`${input}: ${path}, line ${line}: the column "${h}" appears twice in the header`, {
                fix: 'Give every column a unique name.',
                location: { file: path, line },
              });
            seen.add(h);
          }
          batch = batchOf(header, size);
          continue;
        }
        const b = batch!;
        const r = b.rows;
        const width = header.length;
        if (fields) {
          if (fields.length !== width) throw fieldCountError(line, fields.length);
          for (let c = 0; c < width; c++) setCell(b, c, r, classify(fields[c]!));
        } else {
          let c = 0;
          let fs = s;
          for (let i = s; i <= e; i++) {
            if (i !== e && buf[i] !== 44) continue;
            if (c >= width) throw fieldCountError(line, c + 1 + countCommas(buf, i + 1, e));
            const v = fastNumber(buf, fs, i);
            if (v === v) b.numbers[c]![r] = v;
            else setCell(b, c, r, classify(buf.toString('utf8', fs, i)));
            c++;
            fs = i + 1;
          }
          if (c !== width) throw fieldCountError(line, c);
        }
        b.lines[r] = line;
        b.rows++;
        total++;
      }
      if (batch!.rows === size) {
        ready.push(batch!);
        batch = batchOf(header!, size);
      }
    }
    yield* ready;
    ready.length = 0;
    if (total >= maxRows) break;
  }
  if (pending) {
    throw new UserError(`${input}: ${path}, line ${pending.line}: a quoted field is never closed`, {
      fix: 'Close the quote, or escape quotes inside quoted fields by doubling them ("").',
      location: { file: path, line: pending.line },
    });
  }
  if (!header) {
    throw new UserError(`${input}: ${path} is empty`, {
      fix: `Point \`${input}\` at a ${format === 'csv' ? 'CSV file with a header row and data rows' : 'JSON Lines file with one object per row'}.`,
      location: { file: path },
    });
  }
  yield trimBatch(batch!);
}

function hasQuote(buf: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (buf[i] === 34) return true;
  return false;
}

function countCommas(buf: Buffer, s: number, e: number): number {
  let n = 0;
  for (let i = s; i < e; i++) if (buf[i] === 44) n++;
  return n;
}
