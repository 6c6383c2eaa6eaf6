/**
 * The demo's one HTML report: the run's verdict first, every step's outcome, the gates'
 * reports, the pull-request comment the gate posted, the release history (registry versions
 * and aliases, and helm's history when a deploy ran), the registry's audit events, and every
 * job summary. Self-contained (no scripts, no network): open it from disk.
 */
import { writeFile } from 'node:fs/promises';
import { Marked } from 'marked';
import type { StepRecord } from './steps.js';

export interface VersionRow {
  version: number;
  createdAt: string;
  sha256: string;
  description: string;
  aliases: string[];
  metrics: Record<string, number>;
}

export interface EventRow {
  at: string;
  type: string;
  actor: string;
  detail: string;
}

export interface HelmRevision {
  revision: number;
  status: string;
  chart: string;
  description: string;
  updated: string;
}

export interface ReportData {
  title: string;
  startedAt: string;
  seconds: number;
  records: StepRecord[];
  prComment?: { url: string; body: string; posts: number; edits: number };
  versions: VersionRow[];
  events: EventRow[];
  /** `helm history` of the release in each namespace, when the deploys ran. */
  helmHistory?: { namespace: string; revisions: HelmRevision[] }[];
  /** What each environment's pods answer at the end (GET /v2/models/NAME through the ingress). */
  served?: { environment: string; answer: string }[];
  /** What this machine lacked, named rather than installed. */
  missing: string[];
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

// Job summaries are GitHub-flavoured markdown with a little HTML (<details>), as GitHub shows them.
const markdown = new Marked({ gfm: true, async: false });
const render = (md: string): string => markdown.parse(md) as string;

export function runVerdict(records: StepRecord[]): { ok: boolean; text: string } {
  const failed = records.filter((r) => r.outcome === 'failed');
  const notBuilt = records.filter((r) => r.outcome === 'not built');
  const ran = records.filter((r) => r.outcome === 'ok' || r.outcome === 'stopped');
  if (failed.length)
    return {
      ok: false,
      text: `FAILED: ${failed.length} step(s) did not do what the story needs (${failed.map((r) => r.n).join(', ')})`,
    };
  return {
    ok: true,
    text: `PASSED: ${ran.length} steps ran as the story needs${notBuilt.length ? `; ${notBuilt.length} not built yet` : ''}`,
  };
}

const OUTCOME_LABEL: Record<StepRecord['outcome'], string> = {
  ok: 'ok',
  stopped: 'stopped (as intended)',
  failed: 'FAILED',
  'not built': 'not built yet',
  skipped: 'skipped',
};

function stepsTable(records: StepRecord[]): string {
  const rows = records.map(
    (r) =>
      `<tr class="${r.outcome.replace(' ', '-')}"><td>${r.n}</td><td>${escapeHtml(r.chapter)}</td><td>${escapeHtml(r.label)}</td><td><code>${escapeHtml(r.action)}</code></td>` +
      `<td class="outcome">${OUTCOME_LABEL[r.outcome]}</td><td>${r.seconds === undefined ? '' : r.seconds.toFixed(1)}</td><td class="detail">${escapeHtml(r.detail)}</td></tr>`,
  );
  return `<table id="steps-table"><thead><tr><th>#</th><th>part</th><th>step</th><th>action</th><th>outcome</th><th>s</th><th>outputs / why</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function historyTables(data: ReportData): string {
  const versions = data.versions.map(
    (v) =>
      `<tr><td>${v.version}</td><td>${escapeHtml(v.aliases.join(', '))}</td><td>${escapeHtml(v.createdAt)}</td><td><code>${escapeHtml(v.sha256.slice(0, 12))}</code></td>` +
      `<td>${v.metrics.roc_auc?.toFixed(4) ?? ''}</td><td>${v.metrics.accuracy?.toFixed(4) ?? ''}</td><td>${escapeHtml(v.description)}</td></tr>`,
  );
  let html =
    `<h3>Registry versions</h3><table id="registry-history"><thead><tr><th>version</th><th>aliases now</th><th>created</th><th>sha256</th><th>roc_auc</th><th>accuracy</th><th>description</th></tr></thead>` +
    `<tbody>${versions.join('')}</tbody></table>`;
  if (data.helmHistory) {
    for (const { namespace, revisions } of data.helmHistory) {
      const rows = revisions.map(
        (h) =>
          `<tr><td>${h.revision}</td><td>${escapeHtml(h.status)}</td><td>${escapeHtml(h.chart)}</td><td>${escapeHtml(h.updated)}</td><td>${escapeHtml(h.description)}</td></tr>`,
      );
      html +=
        `<h3>Helm history: ${escapeHtml(namespace)}</h3><table class="helm-history" id="helm-history-${escapeHtml(namespace)}"><thead><tr><th>revision</th><th>status</th><th>chart</th><th>updated</th><th>description</th></tr></thead>` +
        `<tbody>${rows.join('')}</tbody></table>`;
    }
    for (const s of data.served ?? [])
      html += `<p class="served">${escapeHtml(s.environment)} serves: <code>${escapeHtml(s.answer)}</code></p>`;
  } else {
    html += `<p id="helm-history-missing">No helm history: the deploy steps did not run (see the steps above).</p>`;
  }
  return html;
}

function eventsTable(events: EventRow[]): string {
  const rows = events.map(
    (e) =>
      `<tr><td>${escapeHtml(e.at)}</td><td>${escapeHtml(e.type)}</td><td>${escapeHtml(e.actor)}</td><td>${escapeHtml(e.detail)}</td></tr>`,
  );
  return `<table id="audit-events"><thead><tr><th>at</th><th>event</th><th>actor</th><th>what</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#1f2328}
h1{margin-bottom:.2em}table{border-collapse:collapse;margin:.6em 0 1.2em;width:100%}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}.verdict{font-size:1.3em;font-weight:600;padding:.6em 1em;border-radius:6px}.verdict.ok{background:#dafbe1;color:#116329}
.verdict.bad{background:#ffebe9;color:#a40e26}tr.failed td.outcome{color:#a40e26;font-weight:600}tr.stopped td.outcome{color:#9a6700;font-weight:600}
tr.not-built td{color:#6e7781}td.detail{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
details{margin:.4em 0;border:1px solid #d0d7de;border-radius:6px;padding:.3em .8em}summary{cursor:pointer;font-weight:600}
.comment{border:1px solid #d0d7de;border-radius:6px;padding:0 1em}code{font-size:12px}`;

export function renderReport(data: ReportData): string {
  const verdict = runVerdict(data.records);
  const gates = data.records.filter((r) => r.action === 'metric-gate' && r.summary);
  const parts = [
    // No script may run in the report: summaries carry text from project files (metric names,
    // PR text) rendered as markdown, which passes HTML through.
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"><title>${escapeHtml(data.title)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(data.title)}</h1><p>Started ${escapeHtml(data.startedAt)}, ${data.seconds.toFixed(1)} s.</p>`,
    `<p id="verdict" class="verdict ${verdict.ok ? 'ok' : 'bad'}">${escapeHtml(verdict.text)}</p>`,
    data.missing.length
      ? `<p id="missing">Not installed on this machine (run <code>npm run setup</code>): ${escapeHtml(data.missing.join('; '))}</p>`
      : '',
    `<h2>Steps</h2>${stepsTable(data.records)}`,
    `<h2>Release history</h2><div id="history">${historyTables(data)}</div>`,
    `<h2>Audit log</h2>${eventsTable(data.events)}`,
    `<h2>Gate verdicts</h2>`,
    ...gates.map(
      (g) =>
        `<details class="gate" ${g.outcome === 'stopped' ? 'open' : ''}><summary>${g.n}. ${escapeHtml(g.label)}: ${escapeHtml(g.outputs.verdict ?? g.outcome)}</summary>${render(g.summary!)}</details>`,
    ),
    data.prComment
      ? `<h2>The pull-request comment</h2><p>Posted ${data.prComment.posts} time(s), edited in place ${data.prComment.edits} time(s): <code>${escapeHtml(data.prComment.url)}</code></p><div id="pr-comment" class="comment">${render(data.prComment.body)}</div>`
      : '',
    `<h2>Every job summary</h2>`,
    ...data.records
      .filter((r) => r.summary !== undefined)
      .map(
        (r) =>
          `<details><summary>${r.n}. ${escapeHtml(r.label)} (${escapeHtml(r.action)})</summary>${r.summary ? render(r.summary) : '<p>(empty)</p>'}</details>`,
      ),
    `</body></html>`,
  ];
  return parts.join('\n');
}

export async function writeReport(path: string, data: ReportData): Promise<void> {
  await writeFile(path, renderReport(data));
}
