/**
 * The drift report in Markdown for the job summary and the pull-request comment: the verdict
 * first, a table per column, prediction drift, quality change, and mermaid `xychart-beta`
 * histograms of the most-drifted columns. Column names and category values come from data
 * files and are escaped (no markdown, HTML or mentions), and the report stays under GitHub's
 * comment limit.
 */
import { METHOD_INFO, type ColumnDrift, type DatasetDrift } from './compare.js';

export interface QualityChange {
  metric: string;
  reference: number | null;
  current: number;
}

export interface ReportInput {
  result: DatasetDrift;
  /** e.g. `registry://churn@production (version 4)` */
  referenceLabel: string;
  referenceRows: number;
  currentLabel: string;
  currentRows: number;
  predictions?: ColumnDrift[] | null;
  /** Why prediction drift is not shown, when it is not. */
  predictionsNote?: string;
  quality?: QualityChange[] | null;
  qualityNote?: string;
  /** How many histograms (default 3). */
  charts?: number;
}

const MAX_TABLE_ROWS = 150;
export const MAX_REPORT_LENGTH = 60_000;

/** Text from a data file, safe inside a Markdown table cell. */
export function escapeCell(text: string): string {
  const t = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  return t
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[\\`*_[\]#~!]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/@/g, '&#64;');
}

/** Text safe inside a quoted mermaid string (no quotes, brackets, fences or line breaks). */
function mermaidText(text: string, max = 24): string {
  const t = text
    .replace(/["`\r\n\t[\]{};#<>]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t || '(blank)';
}

const num = (v: number) => (Math.abs(v) >= 1e-3 || v === 0 ? Number(v.toPrecision(4)).toString() : v.toExponential(2));
const pct = (v: number) => `${(100 * v).toFixed(v > 0 && v < 0.01 ? 2 : 1)}%`;

function columnRow(c: ColumnDrift): string {
  const info = METHOD_INFO[c.method];
  return `| ${escapeCell(c.column)} | ${c.type} | ${info.label} | ${num(c.statistic)} | ${c.pValue === null ? '–' : num(c.pValue)} | ${num(c.threshold)} | ${c.drifted ? '**drifted**' : 'no'} | ${pct(c.referenceMissingShare)} → ${pct(c.currentMissingShare)} |`;
}

const TABLE_HEAD =
  '| column | type | method | statistic | p-value | threshold | drifted | missing (ref → cur) |\n| --- | --- | --- | --- | --- | --- | --- | --- |';

function chart(c: ColumnDrift): string {
  const n = Math.min(c.chart.labels.length, 25);
  const labels = c.chart.labels.slice(0, n).map((l) => `"${mermaidText(l, 12)}"`);
  const ref = c.chart.reference.slice(0, n).map((v) => num(v));
  const cur = c.chart.current.slice(0, n).map((v) => num(v));
  const top = Math.max(...c.chart.reference.slice(0, n), ...c.chart.current.slice(0, n), 0.01);
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${mermaidText(c.column, 40)}: reference (bars) vs current (line)"`,
    `  x-axis [${labels.join(', ')}]`,
    `  y-axis "share of rows" 0 --> ${num(Math.min(1, top * 1.1))}`,
    `  bar [${ref.join(', ')}]`,
    `  line [${cur.join(', ')}]`,
    '```',
  ].join('\n');
}

export function renderReport(input: ReportInput): string {
  const { result } = input;
  const out: string[] = [];
  const verdict = result.drift
    ? `### 🔴 Drift: ${result.drifted.length} of ${result.tested} columns drifted (${pct(result.share)} ≥ ${pct(result.driftShare)})`
    : `### 🟢 No dataset drift: ${result.drifted.length} of ${result.tested} columns drifted (${pct(result.share)} < ${pct(result.driftShare)})`;
  out.push(verdict, '');
  if (result.drifted.length)
    out.push(
      `Drifted: ${result.drifted
        .slice(0, 20)
        .map((c) => `\`${c.replace(/`/g, "'").slice(0, 60)}\``)
        .join(', ')}${result.drifted.length > 20 ? ', …' : ''}`,
      '',
    );
  out.push(
    `Reference: ${escapeCell(input.referenceLabel)} (${input.referenceRows.toLocaleString('en-US')} rows) · current: ${escapeCell(input.currentLabel)} (${input.currentRows.toLocaleString('en-US')} rows)${result.correction !== 'none' ? ` · ${result.correction} correction across ${result.columns.filter((c) => c.pValue !== null).length} p-value tests` : ''}`,
    '',
  );
  const sorted = [...result.columns].sort((a, b) => Number(b.drifted) - Number(a.drifted) || b.severity - a.severity);
  out.push('#### Columns', '', TABLE_HEAD, ...sorted.slice(0, MAX_TABLE_ROWS).map(columnRow));
  if (sorted.length > MAX_TABLE_ROWS)
    out.push(
      '',
      `(${sorted.length - MAX_TABLE_ROWS} more columns not shown; every column is in the \`drifted-columns\` output.)`,
    );
  out.push('', '#### Prediction drift', '');
  if (input.predictions?.length) {
    const any = input.predictions.some((p) => p.drifted);
    out.push(
      any ? "The model's predictions have drifted." : "The model's predictions have not drifted.",
      '',
      TABLE_HEAD,
      ...input.predictions.map(columnRow),
    );
  } else out.push(input.predictionsNote ?? 'Not computed.');
  out.push('', '#### Quality change', '');
  if (input.quality?.length) {
    out.push('| metric | reference | current | change |', '| --- | --- | --- | --- |');
    for (const q of input.quality) {
      out.push(
        `| ${escapeCell(q.metric)} | ${q.reference === null ? '–' : num(q.reference)} | ${num(q.current)} | ${q.reference === null ? '–' : `${q.current - q.reference >= 0 ? '+' : ''}${num(q.current - q.reference)}`} |`,
      );
    }
  } else out.push(input.qualityNote ?? 'No labels in the current data: quality not measured.');
  const drifted = sorted.filter((c) => c.drifted).slice(0, input.charts ?? 3);
  if (drifted.length) {
    out.push('', '#### Most drifted columns', '');
    for (const c of drifted) out.push(chart(c), '');
  }
  if (result.notes.length)
    out.push(
      '',
      '<details><summary>Notes</summary>',
      '',
      ...result.notes.map((n) => `- ${escapeCell(n)}`),
      '',
      '</details>',
    );
  let text = out.join('\n');
  if (text.length > MAX_REPORT_LENGTH)
    text = `${text.slice(0, MAX_REPORT_LENGTH - 80)}\n\n(report truncated at ${MAX_REPORT_LENGTH} characters)`;
  return `${text}\n`;
}
