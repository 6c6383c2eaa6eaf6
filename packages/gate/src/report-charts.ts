/**
 * The report's pictures and per-class tables: ROC, precision-recall and reliability curves as
 * mermaid `xychart-beta` blocks (GitHub renders mermaid in comments and job summaries), a
 * per-class table and the confusion matrix normalised by true class. Curves arrive already
 * down-sampled to a 21-point grid (evaluation/curves.ts), so a chart is a few hundred bytes.
 */
import { normalizeConfusion, type ClassCurves, type PerClass } from '@mlops-gha/evaluation';
import { escapeMarkdown, formatNumber } from './format.js';

/** Text inside a mermaid string: no quotes, brackets or line breaks can reach the parser. */
export function mermaidText(text: string, maxLength = 60): string {
  const clean = text
    .replace(/[^\p{L}\p{N} .,:=+\-_/()]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > maxLength ? `${clean.slice(0, maxLength - 1)}…` : clean;
}

function series(values: number[]): string {
  return `[${values.map((v) => (Number.isFinite(v) ? String(Math.round(v * 1e4) / 1e4) : '0')).join(', ')}]`;
}

function auc(value: number | null | undefined): string {
  return value === null || value === undefined ? 'undefined' : value.toFixed(3);
}

function chart(title: string, xAxis: string, yAxis: string, lines: number[][], xCategories?: string[]): string {
  const x = xCategories
    ? `x-axis "${xAxis}" [${xCategories.map((c) => `"${c}"`).join(', ')}]`
    : `x-axis "${xAxis}" 0 --> 1`;
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${mermaidText(title, 100)}"`,
    `  ${x}`,
    `  y-axis "${yAxis}" 0 --> 1`,
    ...lines.map((l) => `  line ${series(l)}`),
    '```',
  ].join('\n');
}

export interface CurveInput {
  candidate?: ClassCurves[];
  baseline?: ClassCurves[];
}

/** Charts for every class with curves (binary: the positive class); a caption says which line is which. */
export function curveCharts(curves: CurveInput): string[] {
  const out: string[] = [];
  const candidate = curves.candidate ?? [];
  for (const c of candidate) {
    const b = curves.baseline?.find((x) => x.label === c.label);
    const who = b ? 'lines: candidate, baseline, then chance' : 'lines: candidate, then chance';
    const label = mermaidText(c.label, 30);
    if (c.roc) {
      const lines = [c.roc.y, ...(b?.roc ? [b.roc.y] : []), c.roc.x];
      const title = `ROC, class ${label}: candidate AUC ${auc(c.rocAuc)}${b ? `, baseline AUC ${auc(b.rocAuc)}` : ''}`;
      out.push(
        `${chart(title, 'false positive rate', 'true positive rate', lines)}\n\n_ROC of class ${escapeMarkdown(c.label, 30)} (${who})._`,
      );
    }
    if (c.pr) {
      const lines = [c.pr.y, ...(b?.pr ? [b.pr.y] : [])];
      const title = `Precision-recall, class ${label}: candidate AP ${auc(c.averagePrecision)}${b ? `, baseline AP ${auc(b.averagePrecision)}` : ''}`;
      out.push(
        `${chart(title, 'recall', 'precision (interpolated)', lines)}\n\n_Precision-recall of class ${escapeMarkdown(c.label, 30)} (${b ? 'lines: candidate, baseline' : 'candidate'})._`,
      );
    }
    const cal = c.calibration;
    if (cal && cal.bin.length >= 2) {
      // Bins where every drawn model has rows: a line cannot skip a point.
      const bins = cal.bin.filter((bin) => !b?.calibration || b.calibration.bin.includes(bin));
      if (bins.length >= 2) {
        const observed = (k: typeof cal) => bins.map((bin) => k.observed[k.bin.indexOf(bin)]!);
        const lines = [
          observed(cal),
          ...(b?.calibration ? [observed(b.calibration)] : []),
          bins.map((bin) => (bin + 0.5) / cal.bins),
        ];
        const categories = bins.map((bin) => `${(bin / cal.bins).toFixed(1)}-${((bin + 1) / cal.bins).toFixed(1)}`);
        out.push(
          `${chart(`Reliability, class ${label}: observed share of positives per predicted-probability bin`, 'predicted probability', 'observed frequency', lines, categories)}\n\n_Calibration of class ${escapeMarkdown(c.label, 30)} (${who.replace('chance', 'perfect calibration')}; ${cal.bins} uniform bins, empty bins left out)._`,
        );
      }
    }
  }
  return out;
}

function cell(v: number | undefined): string {
  return v === undefined || Number.isNaN(v) ? '—' : formatNumber(v);
}

/** precision / recall / f1 / support per class, candidate (and baseline) side by side. */
export function perClassTable(candidate: PerClass, baseline?: PerClass): string {
  const head = baseline
    ? '| class | precision (baseline → candidate) | recall (baseline → candidate) | f1 (baseline → candidate) | support |\n|---|---:|---:|---:|---:|'
    : '| class | precision | recall | f1 | support |\n|---|---:|---:|---:|---:|';
  const rows = candidate.classes.map((c, i) => {
    const j = baseline?.classes.indexOf(c) ?? -1;
    const pair = (key: 'precision' | 'recall' | 'f1') =>
      baseline ? `${j >= 0 ? cell(baseline[key][j]) : '—'} → ${cell(candidate[key][i])}` : cell(candidate[key][i]);
    return `| ${escapeMarkdown(c, 30)} | ${pair('precision')} | ${pair('recall')} | ${pair('f1')} | ${candidate.support[i]} |`;
  });
  return [head, ...rows].join('\n');
}

/** How the report normalises confusion matrices: scikit-learn's `normalize` (true, pred or all). */
export type ConfusionNormalize = 'true' | 'pred' | 'all';

/** What a normalised matrix's title says about it. */
export const NORMALIZE_CAPTION: Record<ConfusionNormalize, string> = {
  true: 'normalised by true class (each row sums to 1)',
  pred: 'normalised by predicted class (each column sums to 1)',
  all: 'normalised over all rows (the cells sum to 1)',
};

/** The confusion matrix normalised as scikit-learn's `normalize` says (default by true class), with each row's count. */
export function normalizedMatrixTable(
  classes: string[],
  matrix: number[][],
  normalize: ConfusionNormalize = 'true',
): string {
  const normalized = normalizeConfusion(matrix, normalize);
  const head = `| true \\ predicted | ${classes.map((c) => escapeMarkdown(c, 30)).join(' | ')} | rows |`;
  const sep = `|---|${classes.map(() => '---:').join('|')}|---:|`;
  const body = normalized.map(
    (row, i) =>
      `| ${escapeMarkdown(classes[i] ?? String(i), 30)} | ${row.map((v) => (v === 0 ? '0' : v.toFixed(2))).join(' | ')} | ${matrix[i]!.reduce((a, b) => a + b, 0)} |`,
  );
  return [head, sep, ...body].join('\n');
}
