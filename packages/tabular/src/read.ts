/**
 * `readTable`: a CSV or JSON Lines file as column-major batches, streamed (4 MiB reads, the
 * next one in flight while this one is parsed; one await per read, not per row), with the
 * file's own line numbers on every row.
 */
import { open } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { UserError } from '@mlops-gha/common';
import type { TableBatch } from './batch.js';
import { UnclosedQuote, unclosedQuoteError } from './csv-scan.js';
import { appendBytes, CHUNK, ReadAhead } from './read-ahead.js';
import { CsvSource, JsonLinesSource, type SourceOptions, type TableSource } from './sinks.js';

export type TableFormat = 'csv' | 'jsonl';

export interface ReadTableOptions {
  /** How the file is named in messages: the input or field that gave it (default "the data file"). */
  input?: string;
  /** Rows per batch (default 8192). */
  batchRows?: number;
  /** Stop after this many data rows. */
  maxRows?: number;
  /** `allow` (default): missing cells (empty, NA, NaN, null, ...) are NaN without text. `refuse`: an error naming the cell. */
  missing?: 'allow' | 'refuse';
  /** Columns that must hold numbers (`all`: every column): a text cell there (`inf`, `abc`) is an error naming the cell. */
  numeric?: readonly string[] | 'all';
  /** The format; default from the extension (.csv/.txt: CSV, .jsonl/.ndjson: JSON Lines). */
  format?: TableFormat;
  /** Bytes per read (default 4 MiB); a record longer than this grows the buffer. */
  readBytes?: number;
}

/** The format a file's extension says, or undefined for an extension we do not read. */
export function tableFormat(path: string): TableFormat | undefined {
  const ext = extname(path).toLowerCase();
  return ext === '.jsonl' || ext === '.ndjson' ? 'jsonl' : ext === '.csv' || ext === '.txt' ? 'csv' : undefined;
}

function checkFile(path: string, input: string, format: TableFormat | undefined): TableFormat {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new UserError(`${input}: ${path} does not exist`, {
      fix: `Set \`${input}\` to a CSV or JSON Lines file, and make sure an earlier step (e.g. data-pull) put it there.`,
    });
  }
  const found = format ?? tableFormat(path);
  if (!found) {
    throw new UserError(`${input}: ${path} has the unknown format "${extname(path) || '(no extension)'}"`, {
      fix: 'Use a .csv file with a header row or a .jsonl file with one JSON object per line.',
      location: { file: path },
    });
  }
  return found;
}

/**
 * Reads a table in batches of rows. The first batch carries the header even when the file
 * has no data rows (then `rows` is 0); a file without a header is an error. A batch stays
 * valid after the next one is read (each has its own arrays).
 */
export async function* readTable(path: string, options: ReadTableOptions = {}): AsyncGenerator<TableBatch> {
  const input = options.input ?? 'the data file';
  const format = checkFile(path, input, options.format);
  const o: SourceOptions = {
    file: path,
    input,
    batchRows: options.batchRows ?? 8192,
    missing: options.missing ?? 'allow',
    numeric: options.numeric,
  };
  const source: TableSource = format === 'csv' ? new CsvSource(o) : new JsonLinesSource(o);
  let left = options.maxRows ?? Infinity;
  let yielded = false;
  const handle = await open(path, 'r');
  let ahead: ReadAhead | undefined;
  try {
    const chunk = Math.max(16, options.readBytes ?? CHUNK);
    ahead = new ReadAhead(handle, chunk);
    let buf: Buffer = Buffer.allocUnsafe(chunk * 2);
    let filled = 0;
    let pos = 0;
    let eof = false;
    let first = true;
    while (left > 0) {
      const bytes = await ahead.next();
      eof = bytes.length === 0;
      buf = appendBytes(buf, filled, bytes);
      filled += bytes.length;
      if (first && (filled >= 3 || eof)) {
        first = false;
        if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3; // a UTF-8 byte order mark
      }
      if (first) continue;
      for (;;) {
        const batch = source.builder?.batch;
        const room = Math.min(left, o.batchRows - (batch?.rows ?? 0));
        const before = batch?.rows ?? 0;
        pos = scanChunk(source, buf, pos, filled, eof, room, path, input);
        const added = (source.builder?.batch.rows ?? 0) - (source.builder?.batch === batch ? before : 0);
        left -= added;
        if (source.builder?.full) {
          yielded = true;
          yield source.builder.take();
        } else if (added < room || left <= 0) break;
      }
      if (eof) break;
      // Keep the unfinished record and read on.
      buf.copy(buf, 0, pos, filled);
      filled -= pos;
      pos = 0;
    }
  } finally {
    await ahead?.settle();
    await handle.close();
  }
  if (!source.builder) {
    throw new UserError(`${input}: ${path} is empty`, {
      fix: `Point \`${input}\` at a ${format === 'csv' ? 'CSV file with a header row and data rows' : 'JSON Lines file with one object per row'}.`,
      location: { file: path },
    });
  }
  if (source.builder.batch.rows > 0 || !yielded) yield source.builder.take();
}

function scanChunk(
  source: TableSource,
  buf: Buffer,
  pos: number,
  end: number,
  final: boolean,
  room: number,
  path: string,
  input: string,
): number {
  try {
    return source.scan(buf, pos, end, final, room);
  } catch (error) {
    if (!(error instanceof UnclosedQuote)) throw error;
    throw unclosedQuoteError(`${input}: ${path}`, path, error.line);
  }
}
