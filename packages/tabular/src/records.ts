/**
 * Small CSV texts as rows of strings (a metrics file, a config table): the same tokenizer as
 * `readTable`, so quoting, line breaks and line numbers follow one rule everywhere.
 */
import { CsvScanner, decodeField, UnclosedQuote, unclosedQuoteError, type RecordSink } from './csv-scan.js';

export interface CsvRecord {
  /** The 1-based line the record starts on. */
  line: number;
  /** The fields as written (quotes removed, `""` read as `"`; not trimmed). */
  cells: string[];
}

/**
 * Every record of a CSV text (empty lines skipped; a leading byte order mark dropped). An
 * unclosed quote is a `UserError` naming `file` (default "the CSV text") and the line.
 */
export function parseCsvRecords(text: string | Buffer, file = 'the CSV text'): CsvRecord[] {
  let buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
  const out: CsvRecord[] = [];
  const sink: RecordSink = {
    record(b, bounds, quoted, _values, fields, line) {
      const cells = new Array<string>(fields);
      for (let k = 0; k < fields; k++) cells[k] = decodeField(b, bounds[k * 2]!, bounds[k * 2 + 1]!, quoted[k]!);
      out.push({ line, cells });
    },
  };
  try {
    new CsvScanner(sink).scan(buf, 0, buf.length, true, Infinity);
  } catch (error) {
    if (!(error instanceof UnclosedQuote)) throw error;
    throw unclosedQuoteError(file, file, error.line);
  }
  return out;
}
