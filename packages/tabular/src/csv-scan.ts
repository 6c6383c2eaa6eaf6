/**
 * The CSV tokenizer (RFC 4180): finds records and field bounds in a byte buffer without
 * making a string. A quote opens a quoted field only at the start of a field; inside it
 * `""` is a quote and commas and line breaks are data. Text after a closing quote is kept
 * (`"ab"c` reads `abc`, as Python's csv module does). Records end at LF, CRLF or a lone CR;
 * each of those also counts one line, inside quoted fields too, so a record's line is the
 * line an editor shows. An empty line is no record.
 *
 * The scanner only reports complete records: at the end of a buffer that is not the file's
 * end it stops before the unfinished record, and the caller feeds that tail again with the
 * next bytes. The consumer (a `RecordSink`) decides what fields mean.
 */
import { UserError } from '@mlops-gha/common';

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;
const MAX_EXACT = 2 ** 53;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
let exponentValue = 0;

/** Reads an exponent's digits from `i` (after the e); returns the end, or -1 when there are none. Sets exponentValue. */
function exponentEnd(buf: Buffer, i: number, end: number): number {
  let neg = false;
  if (buf[i] === 45) {
    neg = true;
    i++;
  } else if (buf[i] === 43) i++;
  let ex = 0;
  const d0 = i;
  while (i < end) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) break;
    if (ex < 1000) ex = ex * 10 + d;
    i++;
  }
  if (i === d0) return -1;
  exponentValue = neg ? -ex : ex;
  return i;
}

export interface RecordSink {
  /**
   * One record: field k is bytes [bounds[2k], bounds[2k + 1]) of `buf`; `quoted[k]` is 1 when
   * those raw bytes hold quotes to decode (see `decodeField`); `values[k]` is the field's number
   * when it is a plain decimal the scanner could read exactly, NaN otherwise (then the field's
   * bytes say what it is). `start` is the record's first byte.
   */
  record(
    buf: Buffer,
    bounds: Int32Array,
    quoted: Uint8Array,
    values: Float64Array,
    fields: number,
    line: number,
    start: number,
  ): void;
}

/** A quoted field still open at the end of the file. */
export class UnclosedQuote extends Error {
  constructor(readonly line: number) {
    super(`a quoted field opened on line ${line} is never closed`);
  }
}

/** The user's error for an `UnclosedQuote`: `subject` names the file as the caller's messages do. */
export function unclosedQuoteError(subject: string, file: string, line: number): UserError {
  return new UserError(`${subject}, line ${line}: a quoted field is never closed`, {
    fix: 'Close the quote, or escape quotes inside quoted fields by doubling them ("").',
    location: { file, line },
  });
}

export class CsvScanner {
  /** The line of the next unread byte (1-based). */
  line = 1;
  private bounds: Int32Array = new Int32Array(256);
  private quoted = new Uint8Array(128);
  private values = new Float64Array(128);

  constructor(private readonly sink: RecordSink) {}

  /**
   * Scans `buf[pos, end)` for at most `maxRecords` records (blank lines are not counted).
   * Returns the offset of the first byte not consumed: the start of an unfinished record when
   * `final` is false, `end` when the buffer is done. With `final`, the last record may end
   * without a line break, and an unclosed quote throws `UnclosedQuote`.
   */
  scan(buf: Buffer, pos: number, end: number, final: boolean, maxRecords: number): number {
    let i = pos;
    let records = 0;
    while (i < end && records < maxRecords) {
      const start = i;
      const startLine = this.line;
      let line = startLine;
      let nf = 0;
      let bounds = this.bounds;
      let quotedOf = this.quoted;
      let valueOf = this.values;
      let complete = false;
      for (;;) {
        const fs = i;
        let q = 0;
        if (i < end && buf[i] === QUOTE) {
          q = 1;
          i++;
          for (;;) {
            if (i >= end) {
              if (final) throw new UnclosedQuote(startLine);
              this.line = startLine;
              return start;
            }
            const c = buf[i]!;
            if (c === QUOTE) {
              if (i + 1 >= end && !final) {
                this.line = startLine;
                return start; // `"` then `"` may follow in the next bytes
              }
              if (buf[i + 1] === QUOTE) {
                i += 2;
                continue;
              }
              i++;
              break;
            }
            if (c === LF) line++;
            else if (c === CR) {
              if (i + 1 >= end && !final) {
                this.line = startLine;
                return start;
              }
              if (buf[i + 1] !== LF) line++;
            }
            i++;
          }
        }
        let v = NaN;
        if (q === 0) {
          // Most cells are plain decimals: read the number in the same pass that finds the
          // field's end (Clinger's fast path: an exact mantissa below 2^53 and a power of ten
          // within 10^±22, so one correctly rounded operation gives the correctly rounded value).
          let j = i;
          let neg = false;
          let c = buf[j];
          if (c === 45) {
            neg = true;
            j++;
          } else if (c === 43) j++;
          let mant = 0;
          let scale = 0;
          const d0 = j;
          while (j < end) {
            const d = buf[j]! - 48;
            if (d < 0 || d > 9) break;
            mant = mant * 10 + d;
            j++;
          }
          let digits = j - d0;
          if (j < end && buf[j] === 46) {
            const f0 = ++j;
            while (j < end) {
              const d = buf[j]! - 48;
              if (d < 0 || d > 9) break;
              mant = mant * 10 + d;
              j++;
            }
            scale = f0 - j;
            digits += j - f0;
          }
          c = buf[j];
          if (digits > 0 && (c === 101 || c === 69)) {
            j = exponentEnd(buf, j + 1, end);
            if (j > 0) {
              scale += exponentValue;
              c = buf[j];
            } else digits = 0;
          }
          if (digits > 0 && (j === end ? final : c === COMMA || c === LF || c === CR) && mant < MAX_EXACT) {
            if (scale === 0) v = mant;
            else if (scale < 0 && scale >= -22) v = mant / POW10[-scale]!;
            else if (scale > 0 && scale <= 22) v = mant * POW10[scale]!;
            if (neg) v = -v;
            if (v === v) i = j;
          }
        }
        // Unquoted bytes (or text after a closing quote) up to the next delimiter. Every byte
        // that ends a field is below 45, so most bytes cost one comparison.
        while (i < end) {
          const c = buf[i]!;
          if (c > COMMA) {
            i++;
            continue;
          }
          if (c === COMMA || c === LF || c === CR) break;
          i++;
        }
        if (i >= end && !final) {
          this.line = startLine;
          return start;
        }
        if (nf * 2 + 2 > bounds.length) {
          bounds = this.grow();
          quotedOf = this.quoted;
          valueOf = this.values;
        }
        bounds[nf * 2] = fs;
        bounds[nf * 2 + 1] = i;
        quotedOf[nf] = q;
        valueOf[nf] = v;
        nf++;
        if (i >= end) {
          complete = true;
          break;
        }
        const c = buf[i]!;
        if (c === COMMA) {
          i++;
          continue;
        }
        if (c === CR) {
          if (i + 1 >= end && !final) {
            this.line = startLine;
            return start;
          }
          i += buf[i + 1] === LF ? 2 : 1;
        } else i++;
        line++;
        complete = true;
        break;
      }
      this.line = line;
      if (!complete) break;
      if (nf === 1 && bounds[0] === bounds[1] && quotedOf[0] === 0) continue; // an empty line
      this.sink.record(buf, bounds, quotedOf, valueOf, nf, startLine, start);
      records++;
    }
    return i;
  }

  private grow(): Int32Array {
    const bounds = new Int32Array(this.bounds.length * 2);
    bounds.set(this.bounds);
    const quoted = new Uint8Array(this.quoted.length * 2);
    quoted.set(this.quoted);
    const values = new Float64Array(this.values.length * 2);
    values.set(this.values);
    this.bounds = bounds;
    this.quoted = quoted;
    this.values = values;
    return bounds;
  }
}

/** The text of a field: raw bytes as UTF-8, or for a quoted one its content with `""` read as `"`. */
export function decodeField(buf: Buffer, s: number, e: number, quoted: number): string {
  if (!quoted) return buf.toString('utf8', s, e);
  // s is the opening quote; find the closing one (a quote not followed by another).
  let out = '';
  let i = s + 1;
  let from = i;
  while (i < e) {
    if (buf[i] === QUOTE) {
      if (i + 1 < e && buf[i + 1] === QUOTE) {
        out += buf.toString('utf8', from, i + 1);
        i += 2;
        from = i;
        continue;
      }
      out += buf.toString('utf8', from, i);
      return out + buf.toString('utf8', i + 1, e); // text after the closing quote
    }
    i++;
  }
  return out + buf.toString('utf8', from, e);
}

/** The 1-based character column of byte `at` on its line (for annotations). */
export function columnOf(buf: Buffer, recordStart: number, at: number): number {
  let lineStart = recordStart;
  for (let i = at - 1; i >= recordStart; i--) {
    if (buf[i] === LF || buf[i] === CR) {
      lineStart = i + 1;
      break;
    }
  }
  return buf.toString('utf8', lineStart, at).length + 1;
}
