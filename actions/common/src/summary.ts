import * as core from '@actions/core';

export type Cell = string | number | boolean | undefined | null;

/**
 * A job-summary table from a header row and data rows. Cells are escaped: summary tables are
 * HTML, and values such as metric names or paths come from user files.
 */
export function addTable(headers: string[], rows: Cell[][]): void {
  core.summary.addTable([
    headers.map((h) => ({ data: escapeHtml(h), header: true })),
    ...rows.map((row) => row.map((cell) => escapeHtml(cell === undefined || cell === null ? '' : String(cell)))),
  ]);
}

/** Two-column key/value table, the common shape of an action's summary. */
export function addKeyValueTable(entries: [string, Cell][]): void {
  addTable(
    ['', ''],
    entries.map(([k, v]) => [k, v]),
  );
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/@/g, '&#64;');
}

/** Writes the summary buffer; a failure to write it warns instead of failing the step. */
export async function writeSummary(): Promise<void> {
  try {
    await core.summary.write();
  } catch (error) {
    core.warning(`Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`);
  }
}
