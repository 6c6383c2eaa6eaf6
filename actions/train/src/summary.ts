import * as core from '@actions/core';
import { addKeyValueTable, addTable, escapeHtml, type Cell } from '@mlops-gha/action-common';
import { formatBytes, formatDuration } from '@mlops-gha/common';
import { describeExit, flatten, type TrainOutcome } from '@mlops-gha/training';
import type { UploadedArtifact } from './upload.js';

const STATUS_TEXT = {
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'was cancelled',
  'timed-out': 'timed out',
} as const;

function value(v: unknown): Cell {
  if (typeof v === 'number') return Number.isInteger(v) ? v : Number(v.toPrecision(6));
  if (v === null || v === undefined) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** The job summary: the run at a glance, then params, metrics, GPU and outputs tables. */
export function addRunSummary(
  outcome: TrainOutcome,
  recordPath: string,
  artifact?: UploadedArtifact,
  artifactName?: string,
): void {
  const r = outcome.record;
  core.summary.addHeading(
    `Training run ${STATUS_TEXT[r.exit.status]} in ${formatDuration(r.duration_seconds * 1000)}`,
    2,
  );
  const rows: [string, Cell][] = [
    ['Command', r.command.length > 200 ? `${r.command.slice(0, 197)}...` : r.command],
    ['Run id', r.run_id],
    [
      'Exit',
      `${describeExit({ exitCode: r.exit.code, signal: r.exit.signal as NodeJS.Signals | null })}${r.exit.signals_sent.length ? ` (sent ${r.exit.signals_sent.join(', ')})` : ''}`,
    ],
    ['Started', r.started_at],
    ['Data version', r.data_version ?? 'not given'],
    ['Run record', recordPath],
  ];
  if (r.git.sha) rows.splice(5, 0, ['Commit', `${r.git.sha.slice(0, 12)}${r.git.ref ? ` (${r.git.ref})` : ''}`]);
  if (r.workflow.run_url) rows.push(['Workflow run', r.workflow.run_url]);
  if (artifactName)
    rows.push([
      'Artifact',
      artifact
        ? `${artifactName} (id ${artifact.id}, ${formatBytes(artifact.size)})`
        : `${artifactName} (not uploaded)`,
    ]);
  addKeyValueTable(rows);

  core.summary.addHeading('Params', 3);
  const params = flatten(r.params);
  if (params.length)
    addTable(
      ['Param', 'Value'],
      params.map(([k, v]) => [k, value(v)]),
    );
  else core.summary.addRaw(`<p>No params (${escapeHtml(r.params_file ?? 'no params file')}).</p>`, true);

  core.summary.addHeading('Metrics', 3);
  const metrics = flatten(r.metrics);
  if (metrics.length)
    addTable(
      ['Metric', 'Value'],
      metrics.map(([k, v]) => [k, value(v)]),
    );
  else core.summary.addRaw('<p>No metrics were recorded.</p>', true);

  core.summary.addHeading('GPU', 3);
  if (r.gpu.summary.count > 0) {
    const util = new Map(r.gpu.utilization.map((u) => [u.index, u]));
    addTable(
      [
        'GPU',
        'Name',
        'Memory (MiB)',
        'Utilisation mean %',
        'Utilisation max %',
        'Memory used mean (MiB)',
        'Memory used max (MiB)',
        'Samples',
      ],
      r.gpu.devices
        .filter((d) => r.gpu.visible_devices === null || r.gpu.visible_devices.split(',').includes(String(d.index)))
        .map((d) => {
          const u = util.get(d.index);
          return [
            d.index,
            d.name,
            d.memory_total_mib,
            u?.utilization_percent.mean,
            u?.utilization_percent.max,
            u?.memory_used_mib.mean,
            u?.memory_used_mib.max,
            u?.samples,
          ];
        }),
    );
    core.summary.addRaw(
      `<p>Driver ${r.gpu.driver_version ?? 'unknown'}, CUDA ${r.gpu.cuda_version ?? 'unknown'}${r.gpu.visible_devices !== null ? `, CUDA_VISIBLE_DEVICES=${r.gpu.visible_devices}` : ''}.</p>`,
      true,
    );
  } else {
    core.summary.addRaw(`<p>No GPU (${(r.gpu.message ?? r.gpu.probe).replace(/[<>&]/g, '')}).</p>`, true);
  }

  core.summary.addHeading('Outputs', 3);
  if (r.outputs.length)
    addTable(
      ['File', 'Size', 'sha256'],
      r.outputs.map((o) => [o.path, formatBytes(o.size), o.sha256]),
    );
  else core.summary.addRaw('<p>No output files were recorded.</p>', true);
  if (r.warnings.length) {
    core.summary.addHeading('Warnings', 3);
    core.summary.addList(r.warnings.map((w) => w.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')));
  }
}
