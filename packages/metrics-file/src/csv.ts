import { UserError } from '@mlops-gha/common';
import { parseCsvRecords } from '@mlops-gha/tabular';

/**
 * One CSV record per row, RFC 4180 quoting ("a, b" and "" for a quote), with the line each
 * starts on: the shared tokenizer of @mlops-gha/tabular, so metrics files and data files
 * follow one rule. An unclosed quote is an error naming `file`.
 */
export function parseCsv(text: string, file?: string): { line: number; cells: string[] }[] {
  return parseCsvRecords(text, file);
}

/** How errors name the file: `label` starts each message (e.g. "metrics-file history.csv"). */
export interface CsvSource {
  file: string;
  label?: string;
}

const KEY_VALUE_HEADERS = new Set(['key', 'metric', 'name']);
const FIX =
  'a header row such as `epoch,loss,accuracy` and one row per epoch (the last row counts), or `metric,value` rows';

/**
 * The one rule for metrics in CSV, for every action that reads them:
 * - a header `metric,value` (or `name,value`, `key,value`, any case): one metric per row;
 * - otherwise a header of metric names over one row per step (Keras' CSVLogger, Lightning's
 *   CSVLogger): the LAST row counts, i.e. the final epoch, as the run ended.
 * Every row must have as many cells as the header; a name (a header column, a `metric,value`
 * row's metric) appears once. Returns the raw cells (trimmed); callers
 * convert them (numbers, `nan`).
 */
export function metricsFromCsv(text: string, source: CsvSource): Record<string, string> {
  const label = source.label ?? `metrics file ${source.file}`;
  const fix = `Write ${source.file} with ${FIX}.`;
  const fail = (message: string, line?: number) =>
    new UserError(message, { fix, location: { file: source.file, line: line ?? 1 }, title: 'Malformed metrics-file' });
  const rows = parseCsv(text, source.file);
  if (rows.length === 0) throw fail(`${label} is empty`);
  const header = rows[0]!.cells.map((c) => c.trim());
  header.forEach((name, i) => {
    if (name === '')
      throw fail(`${label} line ${rows[0]!.line}: column ${i + 1} of the header has no name`, rows[0]!.line);
    const first = header.indexOf(name);
    if (first < i)
      throw fail(
        `${label} line ${rows[0]!.line}: columns ${first + 1} and ${i + 1} of the header are both named ${name}`,
        rows[0]!.line,
      );
  });
  for (const row of rows.slice(1)) {
    if (row.cells.length !== header.length) {
      throw fail(
        `${label} line ${row.line}: ${row.cells.length} values for ${header.length} columns (${header.join(', ')})`,
        row.line,
      );
    }
  }
  if (rows.length === 1) throw fail(`${label} has a header row but no values`, rows[0]!.line);
  // Object.fromEntries defines own properties, so a hostile name such as `__proto__` is a
  // metric like any other instead of an assignment to the prototype (which drops it).
  if (header.length === 2 && KEY_VALUE_HEADERS.has(header[0]!.toLowerCase()) && header[1]!.toLowerCase() === 'value') {
    // A metric on two rows is ambiguous (which one did the run mean?): an error, not the last silently winning.
    const lineOf = new Map<string, number>();
    for (const row of rows.slice(1)) {
      const name = row.cells[0]!.trim();
      if (name === '') throw fail(`${label} line ${row.line}: a value without a metric name`, row.line);
      const earlier = lineOf.get(name);
      if (earlier !== undefined)
        throw fail(`${label} line ${row.line}: the metric ${name} is already on line ${earlier}`, row.line);
      lineOf.set(name, row.line);
    }
    return Object.fromEntries(rows.slice(1).map((row) => [row.cells[0]!.trim(), row.cells[1]!.trim()]));
  }
  const last = rows[rows.length - 1]!;
  return Object.fromEntries(header.map((name, i) => [name, last.cells[i]!.trim()]));
}
