/**
 * A CSV file streamed through the shared tokenizer record by record, for readers with cell
 * rules of their own (the evaluation holdout reads features into float32 and keeps label text
 * as written). `readTable` is the column-batch reader on the same scanner; both read 4 MiB a
 * time with the next read in flight, drop a UTF-8 byte order mark, and word an unclosed quote
 * the same way.
 */
import { CsvScanner, UnclosedQuote, unclosedQuoteError, type RecordSink } from './csv-scan.js';
import { scanFile } from './read-ahead.js';

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
  await scanFile(path, options.readBytes, (buf, pos, end, eof) => {
    try {
      return scanner.scan(buf, pos, end, eof, Infinity);
    } catch (error) {
      if (error instanceof UnclosedQuote) throw unclosedQuoteError(options.subject ?? path, path, error.line);
      throw error;
    }
  });
}
