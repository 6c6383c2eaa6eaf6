/**
 * JSON Lines, one object per line: the line rule shared by `readTable`'s JSON Lines source and
 * `scanJsonLinesFile`, for readers with value rules of their own (the evaluation holdout wants
 * JSON numbers for features, where `readTable` reads "2.5" as a number too).
 */
import { open } from 'node:fs/promises';
import { UserError } from '@mlops-gha/common';
import { appendBytes, CHUNK, ReadAhead } from './read-ahead.js';

/** The default example in the fix for a line that is not an object. */
const EXAMPLE = '{"x1": 0.5, "city": "Oslo"}';

/**
 * One line's text parsed as a JSON object. Invalid JSON and values that are not objects (an
 * array, a number, null) are `UserError`s: `subject` names the file as the caller's messages
 * do, `example` shows an object in the fix.
 */
export function parseJsonObjectLine(
  text: string,
  line: number,
  subject: string,
  file: string,
  example = EXAMPLE,
): Record<string, unknown> {
  let row: unknown;
  try {
    row = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${subject}, line ${line}: not valid JSON (${(error as Error).message})`, {
      fix: 'Write one JSON object per line (JSON Lines).',
      location: { file, line },
    });
  }
  if (!row || typeof row !== 'object' || Array.isArray(row)) {
    throw new UserError(`${subject}, line ${line}: expected a JSON object with named fields`, {
      fix: `Write each row as an object, e.g. ${example}.`,
      location: { file, line },
    });
  }
  return row as Record<string, unknown>;
}

export interface ScanJsonLinesOptions {
  /** How messages name the file, e.g. "Dataset data/holdout.jsonl" (default: the path). */
  subject?: string;
  /** An object shown in the fix for a line that is not one. */
  example?: string;
  /** Bytes per read (default 4 MiB); a line longer than this grows the buffer. */
  readBytes?: number;
}

/**
 * Hands every non-blank line of the JSON Lines file at `path` to `onObject` as an object, with
 * its 1-based line number (blank lines count as lines). Lines end at LF or CRLF; a UTF-8 byte
 * order mark is dropped. An error `onObject` throws stops the scan and closes the file.
 */
export async function scanJsonLinesFile(
  path: string,
  onObject: (row: Record<string, unknown>, line: number) => void,
  options: ScanJsonLinesOptions = {},
): Promise<void> {
  const subject = options.subject ?? path;
  const chunk = Math.max(16, options.readBytes ?? CHUNK);
  const handle = await open(path, 'r');
  const ahead = new ReadAhead(handle, chunk);
  try {
    let buf: Buffer = Buffer.allocUnsafe(chunk * 2);
    let filled = 0;
    let pos = 0;
    let line = 1;
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
      while (pos < filled) {
        let nl = buf.indexOf(10, pos);
        if (nl < 0 || nl >= filled) {
          if (!eof) break; // the rest of this line comes with the next read
          nl = filled;
        }
        const end = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
        const text = buf.toString('utf8', pos, end);
        pos = nl + 1;
        const at = line++;
        if (text.trim() !== '') onObject(parseJsonObjectLine(text, at, subject, path, options.example), at);
      }
      if (eof) return;
      buf.copy(buf, 0, pos, filled);
      filled -= pos;
      pos = 0;
    }
  } finally {
    await ahead.settle();
    await handle.close();
  }
}
