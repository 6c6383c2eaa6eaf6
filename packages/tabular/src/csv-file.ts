/**
 * A CSV file streamed through the shared tokenizer record by record, for readers with cell
 * rules of their own (the evaluation holdout reads features into float32 and keeps label text
 * as written). `readTable` is the column-batch reader on the same scanner; both read 4 MiB a
 * time with the next read in flight, drop a UTF-8 byte order mark, and word an unclosed quote
 * the same way.
 */
import { open } from 'node:fs/promises';
import { CsvScanner, UnclosedQuote, unclosedQuoteError, type RecordSink } from './csv-scan.js';
import { appendBytes, CHUNK, ReadAhead } from './read-ahead.js';

export interface ScanCsvFileOptions {
  /** How messages name the file, e.g. "Dataset data/holdout.csv" (default: the path). */
  subject?: string;
  /** Bytes per read (default 4 MiB); a record longer than this grows the buffer. */
  readBytes?: number;
}

/**
 * Hands every record of the CSV file at `path` to `sink` (empty lines skipped), in order, with
 * the line it starts on. Records are complete: one that spans reads is handed over once its
 * end has been read. The fields' bytes are valid only during the `record` call. An unclosed
 * quote is a `UserError` naming the line it opened on; an error the sink throws stops the scan
 * and closes the file.
 */
export async function scanCsvFile(path: string, sink: RecordSink, options: ScanCsvFileOptions = {}): Promise<void> {
  const scanner = new CsvScanner(sink);
  const chunk = Math.max(16, options.readBytes ?? CHUNK);
  const handle = await open(path, 'r');
  const ahead = new ReadAhead(handle, chunk);
  try {
    let buf: Buffer = Buffer.allocUnsafe(chunk * 2);
    let filled = 0;
    let pos = 0;
    let first = true;
    for (;;) {
      const bytes = await ahead.next();
      const eof = bytes.length === 0;
      buf = appendBytes(buf, filled, bytes);
      filled += bytes.length;
      if (first) {
        if (filled < 3 && !eof) continue;
        first = false;
        if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3; // a UTF-8 byte order mark
      }
      try {
        pos = scanner.scan(buf, pos, filled, eof, Infinity);
      } catch (error) {
        if (error instanceof UnclosedQuote) throw unclosedQuoteError(options.subject ?? path, path, error.line);
        throw error;
      }
      if (eof) return;
      // Keep the unfinished record and read on.
      buf.copy(buf, 0, pos, filled);
      filled -= pos;
      pos = 0;
    }
  } finally {
    await ahead.settle();
    await handle.close();
  }
}
