import type { Interval, IntervalMethod } from './bootstrap.js';
import type { DeLongResult, McNemarResult } from './paired-tests.js';
import type { ClassCurves, PerClass } from '@mlops-gha/evaluation';
import { escapeMarkdown, formatNumber } from './format.js';
import {
  curveCharts,
  NORMALIZE_CAPTION,
  normalizedMatrixTable,
  perClassTable,
  type ConfusionNormalize,
} from './report-charts.js';
import type { Decision, RuleOutcome, Status } from './verdict.js';

export { escapeMarkdown, formatNumber } from './format.js';

/** Everything a report shows. Names and texts from files are escaped when rendered. */
export interface ReportInput {
  decision: Decision;
  /** How the candidate was given: a model path or a metrics file. */
  candidateName: string;
  baselineName?: string;
  candidate: Record<string, number | null>;
  baseline?: Record<string, number | null>;
  /** Metrics in table order (rule metrics are put first automatically). */
  metrics: string[];
  notes?: Record<string, string>;
  /** paired: both models evaluated on the same rows; point: metrics files; candidate: no baseline. */
  mode: 'paired' | 'point' | 'candidate';
  task?: { task: string; reason: string; classes?: string[]; positiveClass?: string };
  holdout?: { path: string; rows: number; features: number; labelColumn: string; missing?: Record<string, number> };
  /** precision/recall/f1/support per class. */
  perClass?: { candidate?: PerClass; baseline?: PerClass };
  /** ROC, precision-recall and reliability curves (down-sampled), drawn as mermaid charts. */
  curves?: { candidate?: ClassCurves[]; baseline?: ClassCurves[] };
  bootstrap?: { samples: number; seed: number | string; method: IntervalMethod; seconds: number };
  confidence: number;
  /** Interval of candidate - baseline (paired) or of the candidate (candidate mode), per metric. */
  intervals?: Record<string, Interval | undefined>;
  tests?: { mcnemar?: McNemarResult; delong?: DeLongResult; notes?: string[] };
  /** Confusion matrices, shown as counts and normalised as `normalize` says (default by true class). */
  confusion?: { classes: string[]; candidate?: number[][]; baseline?: number[][]; normalize?: ConfusionNormalize };
  lineage?: { dataVersion?: string; runUrl?: string; runLabel?: string; commit?: string; ref?: string };
}

export interface RenderOptions {
  /** Upper bound on the UTF-8 byte length of the result (bytes >= characters, so it bounds both). */
  maxLength?: number;
  /** A note appended when details were left out, e.g. where the full report is. */
  fullReportHint?: string;
}

/** GitHub's limit on a comment body is 65,536 characters; the marker and a margin come off it. */
export const COMMENT_REPORT_LIMIT = 60_000;

const ICON: Record<Status, string> = { pass: '✅', fail: '❌', inconclusive: '⚠️' };

function formatInterval(interval: Interval | undefined): string {
  if (!interval) return '—';
  return `[${formatNumber(interval.low, true)}, ${formatNumber(interval.high, true)}]`;
}

function pct(confidence: number): string {
  return `${Math.round(confidence * 1000) / 10}%`;
}

function verdictLine(input: ReportInput): string {
  const { decision } = input;
  const counts = { pass: 0, fail: 0, inconclusive: 0 };
  for (const o of decision.outcomes) counts[o.status]++;
  const total = decision.outcomes.length;
  const head = `### ${ICON[decision.verdict]} metric-gate: ${decision.verdict.toUpperCase()}`;
  const vs = input.baselineName
    ? `Candidate **${escapeMarkdown(input.candidateName)}** vs baseline **${escapeMarkdown(input.baselineName)}**`
    : `Candidate **${escapeMarkdown(input.candidateName)}** (no baseline)`;
  const tally = total
    ? `${counts.pass} of ${total} rule${total === 1 ? '' : 's'} pass, ${counts.fail} fail, ${counts.inconclusive} inconclusive`
    : 'no rules were given, so nothing could fail';
  const consequence =
    decision.verdict === 'pass'
      ? 'the candidate may replace the baseline'
      : decision.verdict === 'fail'
        ? 'the candidate must not replace the baseline'
        : 'the data cannot decide yet (a larger holdout narrows the intervals)';
  const step = decision.failStep ? ` This step fails (fail-on: ${decision.failOn}).` : '';
  return `${head}\n\n${vs}: ${tally}; ${consequence}.${step}`;
}

function modeLine(input: ReportInput): string {
  const c = pct(input.confidence);
  const method = input.bootstrap?.method === 'bca' ? 'BCa' : 'percentile';
  if (input.mode === 'paired' && input.bootstrap) {
    return `Intervals: ${c} paired bootstrap (${method}, ${input.bootstrap.samples} resamples) of candidate − baseline on the same ${input.holdout?.rows ?? ''} holdout rows. A rule passes when its interval lies wholly on the right side, fails when wholly on the wrong side, and is inconclusive otherwise.`;
  }
  if (input.mode === 'candidate' && input.bootstrap) {
    return `Intervals: ${c} bootstrap (${method}, ${input.bootstrap.samples} resamples) of the candidate's metric; no baseline to compare with.`;
  }
  return 'No interval was possible: metrics files carry no per-row predictions, so rules compare point values.';
}

interface Row {
  metric: string;
  outcome?: RuleOutcome;
}

function tableRow(input: ReportInput, row: Row): string {
  const m = row.outcome?.rule.resolved ?? row.metric;
  const cand = input.candidate[m] ?? null;
  const base = input.baseline ? (input.baseline[m] ?? null) : undefined;
  const delta = cand !== null && base !== null && base !== undefined ? cand - base : null;
  const interval = input.intervals?.[m];
  const rule = row.outcome ? escapeMarkdown(row.outcome.rule.text, 80) : '—';
  const status = row.outcome ? `${ICON[row.outcome.status]} ${row.outcome.status}` : '—';
  const name = escapeMarkdown(m, 60);
  return `| ${name} | ${base === undefined ? '—' : formatNumber(base)} | ${formatNumber(cand)} | ${formatNumber(delta, true)} | ${formatInterval(interval)} | ${rule} | ${status} |`;
}

function lineageLine(input: ReportInput): string | undefined {
  const l = input.lineage;
  const parts: string[] = [];
  if (input.holdout)
    parts.push(`holdout ${escapeMarkdown(input.holdout.path)} (${input.holdout.rows.toLocaleString('en-US')} rows)`);
  if (l?.dataVersion) parts.push(`data-version ${escapeMarkdown(l.dataVersion, 80)}`);
  if (l?.commit) parts.push(`commit ${escapeMarkdown(l.commit.slice(0, 12))}`);
  if (l?.runUrl && /^https?:\/\/[^\s()<>]+$/.test(l.runUrl))
    parts.push(`run [${escapeMarkdown(l.runLabel ?? 'log')}](${l.runUrl})`);
  return parts.length ? `Lineage: ${parts.join(' · ')}` : undefined;
}

function matrixTable(classes: string[], matrix: number[][]): string {
  const head = `| true \\ predicted | ${classes.map((c) => escapeMarkdown(c, 30)).join(' | ')} |`;
  const sep = `|---|${classes.map(() => '---:').join('|')}|`;
  const body = matrix.map((row, i) => `| ${escapeMarkdown(classes[i] ?? String(i), 30)} | ${row.join(' | ')} |`);
  return [head, sep, ...body].join('\n');
}

function details(input: ReportInput, level: 'full' | 'no-matrices'): string {
  const lines: string[] = [];
  if (input.task) {
    lines.push(`- Task: **${input.task.task}** (${escapeMarkdown(input.task.reason, 300)})`);
    if (input.task.positiveClass !== undefined)
      lines.push(`- Positive class (precision, recall, f1, roc_auc): ${escapeMarkdown(input.task.positiveClass)}`);
  }
  if (input.holdout) {
    lines.push(
      `- Holdout: ${escapeMarkdown(input.holdout.path)}, ${input.holdout.rows} rows, ${input.holdout.features} features, label column ${escapeMarkdown(input.holdout.labelColumn)}`,
    );
  }
  if (input.bootstrap) {
    lines.push(
      `- Bootstrap: ${input.bootstrap.samples} resamples, seed ${escapeMarkdown(String(input.bootstrap.seed))}, ${input.bootstrap.method === 'bca' ? 'BCa' : 'percentile'} intervals at ${pct(input.confidence)}, ${input.bootstrap.seconds.toFixed(2)} s`,
    );
  }
  const mc = input.tests?.mcnemar;
  if (mc) {
    lines.push(
      `- McNemar (accuracy): candidate right where baseline wrong ${mc.candidateOnly}, the reverse ${mc.baselineOnly}; χ² (continuity-corrected) ${formatNumber(mc.chiSquare)}, exact p = ${formatNumber(mc.pValue)}`,
    );
  }
  const dl = input.tests?.delong;
  if (dl) {
    lines.push(
      `- DeLong (roc_auc): difference ${formatNumber(dl.difference, true)}, SE ${formatNumber(dl.standardError)}, z = ${formatNumber(dl.z)}, p = ${formatNumber(dl.pValue)}, ${pct(input.confidence)} interval ${formatInterval({ low: dl.low, high: dl.high } as Interval)} (${dl.positives} positives, ${dl.negatives} negatives)`,
    );
  }
  const missing = Object.entries(input.holdout?.missing ?? {}).filter(([, count]) => count > 0);
  if (missing.length) {
    const shown = missing.slice(0, 50).map(([column, count]) => `${escapeMarkdown(column, 40)} ${count}`);
    lines.push(
      `- Missing feature values passed to the models as NaN (missing-values: nan), per column: ${shown.join(', ')}${missing.length > 50 ? `, and ${missing.length - 50} more columns` : ''}`,
    );
  }
  for (const note of input.tests?.notes ?? []) lines.push(`- ${escapeMarkdown(note, 300)}`);
  for (const o of input.decision.outcomes) {
    lines.push(
      `- Rule ${escapeMarkdown(o.rule.text, 80)}: ${o.status}, ${escapeMarkdown(o.reason, 400)}${o.rule.note ? ` (${escapeMarkdown(o.rule.note)})` : ''}${o.interval?.note ? ` (${escapeMarkdown(o.interval.note)})` : ''}`,
    );
  }
  for (const [metric, note] of Object.entries(input.notes ?? {})) {
    lines.push(`- ${escapeMarkdown(metric, 60)}: ${escapeMarkdown(note, 300)}`);
  }
  const parts = [lines.join('\n')];
  if (level === 'full' && input.perClass?.candidate) {
    parts.push(
      `Per class (scikit-learn's average=None):\n\n${perClassTable(input.perClass.candidate, input.perClass.baseline)}`,
    );
  }
  if (level === 'full' && input.confusion) {
    const { classes } = input.confusion;
    const normalize = input.confusion.normalize ?? 'true';
    for (const side of ['candidate', 'baseline'] as const) {
      const matrix = input.confusion[side];
      if (!matrix) continue;
      parts.push(`Confusion matrix, ${side}:\n\n${matrixTable(classes, matrix)}`);
      parts.push(
        `Confusion matrix, ${side}, ${NORMALIZE_CAPTION[normalize]}:\n\n${normalizedMatrixTable(classes, matrix, normalize)}`,
      );
    }
  }
  return `<details><summary>Details: task, statistics, tests, per-class metrics, confusion matrices</summary>\n\n${parts.join('\n\n')}\n\n</details>`;
}

/**
 * The gate's markdown: the verdict first, one table (metric, baseline, candidate, delta,
 * interval, rule, status), lineage, then details folded. Kept under `maxLength` by dropping,
 * in order, the confusion matrices, the details, then table rows without a rule, then rule
 * rows that pass; the verdict line is never cut.
 */
export function renderReport(input: ReportInput, options: RenderOptions = {}): string {
  const maxLength = options.maxLength ?? 900_000;
  const ruleRows: Row[] = input.decision.outcomes.map((o) => ({ metric: o.rule.resolved, outcome: o }));
  const ruled = new Set(ruleRows.map((r) => r.metric));
  const otherRows: Row[] = [...new Set(input.metrics)].filter((m) => !ruled.has(m)).map((metric) => ({ metric }));
  const header = `| metric | baseline | candidate | delta | ${pct(input.confidence)} interval | rule | status |\n|---|---:|---:|---:|---|---|---|`;
  const size = (text: string) => Buffer.byteLength(text, 'utf8');

  const build = (level: 'full' | 'no-matrices' | 'none', otherLimit: number, ruleLimit: number): string => {
    // Failing and inconclusive rules are kept before passing ones when rows must go.
    const orderedRules =
      ruleLimit >= ruleRows.length
        ? ruleRows
        : [...ruleRows].sort((a, b) => rank(a.outcome!.status) - rank(b.outcome!.status)).slice(0, ruleLimit);
    const rows = [...orderedRules, ...otherRows.slice(0, otherLimit)].map((r) => tableRow(input, r));
    const left = ruleRows.length - orderedRules.length + Math.max(0, otherRows.length - otherLimit);
    const parts = [verdictLine(input), modeLine(input), `${header}\n${rows.join('\n')}`];
    if (left > 0)
      parts.push(
        `_${left} more row${left === 1 ? '' : 's'} left out to keep this under GitHub's size limit${options.fullReportHint ? `; ${options.fullReportHint}` : ''}._`,
      );
    const lineage = lineageLine(input);
    if (lineage) parts.push(lineage);
    // Curves are shown, not folded: people would rather look than read.
    if (level === 'full' && input.curves) parts.push(...curveCharts(input.curves));
    if (level !== 'none') parts.push(details(input, level));
    else
      parts.push(
        `_Details left out to keep this under GitHub's size limit${options.fullReportHint ? `; ${options.fullReportHint}` : ''}._`,
      );
    return `${parts.join('\n\n')}\n`;
  };

  for (const level of ['full', 'no-matrices', 'none'] as const) {
    const text = build(level, otherRows.length, ruleRows.length);
    if (size(text) <= maxLength) return text;
  }
  // Fewer rows: binary search the number of rule-less rows, then of rule rows.
  const fits = (o: number, r: number) => size(build('none', o, r)) <= maxLength;
  let lo = 0;
  let hi = otherRows.length;
  if (fits(0, ruleRows.length)) {
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(mid, ruleRows.length)) lo = mid;
      else hi = mid - 1;
    }
    return build('none', lo, ruleRows.length);
  }
  lo = 0;
  hi = ruleRows.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(0, mid)) lo = mid;
    else hi = mid - 1;
  }
  const text = build('none', 0, lo);
  // Only the verdict block remains if even that is too long (it never is in practice).
  return size(text) <= maxLength ? text : `${verdictLine(input)}\n`;
}

function rank(status: Status): number {
  return status === 'fail' ? 0 : status === 'inconclusive' ? 1 : 2;
}
