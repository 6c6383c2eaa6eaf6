/**
 * JSON Lines, one object per line: the line rule shared by `readTable`'s JSON Lines source and
 * `scanJsonLinesFile`, for readers with value rules of their own (the evaluation holdout wants
 * JSON numbers for features, where `readTable` reads "2.5" as a number too).
 */
import { UserError } from '@mlops-gha/common';
import { scanFile } from './read-ahead.js';

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
  let line = 1;
  await scanFile(path, options.readBytes, (buf, start, end, eof) => {
    let pos = start;
    while (pos < end) {
      let nl = buf.indexOf(10, pos);
      if (nl < 0 || nl >= end) {
        if (!eof) break; // the rest of this line comes with the next read
        nl = end;
      }
      const stop = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
      const text = buf.toString('utf8', pos, stop);
      pos = Math.min(nl + 1, end);
      const at = line++;
      if (text.trim() !== '') onObject(parseJsonObjectLine(text, at, subject, path, options.example), at);
    }
    return pos;
  });
}
