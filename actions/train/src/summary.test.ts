import { beforeEach, describe, expect, it } from '@jest/globals';
import * as core from '@actions/core';
import type { RunRecord, TrainOutcome } from '@mlops-gha/training';
import { addRunSummary } from './summary.js';

// @actions/core keeps one summary buffer per process: each test reads what addRunSummary added to an empty one.
beforeEach(() => {
  core.summary.emptyBuffer();
});

function record(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    schema: 'mlops-gha/run-record@1',
    run_id: '1658821493-2-0a1b2c3d',
    command: 'python train.py --epochs 3',
    working_directory: '.',
    repository: 'octo-org/octo-repo',
    git: { sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e', ref: 'refs/heads/main' },
    workflow: {
      name: 'ml',
      job: 'train',
      run_id: '1658821493',
      run_attempt: '2',
      run_url: 'https://github.com/octo-org/octo-repo/actions/runs/1658821493/attempts/2',
    },
    actor: 'octocat',
    data_version: 'a1b2c3',
    params_file: 'params.yaml',
    params: { lr: 0.01, model: { depth: 6, kind: 'gbm' }, ratio: 1 / 3 },
    metrics_file: 'metrics.json',
    metrics: {},
    outputs: [{ path: 'model/model.onnx', sha256: 'ab'.repeat(32), size: 1_234_567 }],
    gpu: {
      required: 'auto',
      probe: 'not-installed',
      message: 'nvidia-smi is not installed',
      driver_version: null,
      cuda_version: null,
      visible_devices: null,
      devices: [],
      summary: { count: 0, name: null, memory_mib: null, driver: null, cuda: null },
      sample_interval_seconds: null,
      utilization: [],
    },
    started_at: '2026-11-22T19:53:37.123Z',
    ended_at: '2026-11-22T19:55:00.000Z',
    duration_seconds: 82.877,
    exit: { status: 'succeeded', code: 0, signal: null, signals_sent: [], timeout_minutes: null },
    runner: { name: 'GitHub Actions 2', os: 'Linux', arch: 'X64', environment: 'github-hosted' },
    warnings: [],
    ...overrides,
  };
}

/** The summary HTML for a run (only `record` is read from the outcome). */
function summaryOf(r: RunRecord, artifact?: { id: number; size: number }, artifactName?: string): string {
  addRunSummary({ record: r } as TrainOutcome, '/home/runner/work/_temp/run.json', artifact, artifactName);
  return core.summary.stringify();
}

describe('addRunSummary', () => {
  it('heads the summary with the status and the duration, then the run at a glance', () => {
    const html = summaryOf(record(), { id: 42, size: 1_234_567 }, 'model');
    expect(html.startsWith('<h2>Training run succeeded in 1 min 23 s</h2>\n<table>')).toBe(true);
    expect(html).toContain(
      '<tr><td>Command</td><td>python train.py --epochs 3</td></tr>' +
        '<tr><td>Run id</td><td>1658821493-2-0a1b2c3d</td></tr>' +
        '<tr><td>Exit</td><td>exit code 0</td></tr>' +
        '<tr><td>Started</td><td>2026-11-22T19:53:37.123Z</td></tr>' +
        '<tr><td>Data version</td><td>a1b2c3</td></tr>' +
        '<tr><td>Commit</td><td>6dcb09b5b578 (refs/heads/main)</td></tr>' +
        '<tr><td>Run record</td><td>/home/runner/work/_temp/run.json</td></tr>' +
        '<tr><td>Workflow run</td><td>https://github.com/octo-org/octo-repo/actions/runs/1658821493/attempts/2</td></tr>' +
        '<tr><td>Artifact</td><td>model (id 42, 1.23 MB)</td></tr></table>',
    );
  });

  it('lists params flattened with dotted names, numbers to six significant digits', () => {
    const html = summaryOf(record());
    expect(html).toContain(
      '<h3>Params</h3>\n<table><tr><th>Param</th><th>Value</th></tr>' +
        '<tr><td>lr</td><td>0.01</td></tr><tr><td>model.depth</td><td>6</td></tr>' +
        '<tr><td>model.kind</td><td>gbm</td></tr><tr><td>ratio</td><td>0.333333</td></tr></table>',
    );
  });

  it('says so when there are no params, metrics or outputs, and why there is no GPU', () => {
    const html = summaryOf(record({ params: {}, params_file: null, outputs: [] }));
    expect(html).toContain('<p>No params (no params file).</p>');
    expect(html).toContain('<h3>Metrics</h3>\n<p>No metrics were recorded.</p>');
    expect(html).toContain('<h3>GPU</h3>\n<p>No GPU (nvidia-smi is not installed).</p>');
    expect(html).toContain('<h3>Outputs</h3>\n<p>No output files were recorded.</p>');
    expect(html).not.toContain('Warnings');
    expect(html).not.toContain('Artifact');
  });

  it('lists the outputs with their size and sha256, and metrics as a table', () => {
    const html = summaryOf(record({ metrics: { accuracy: 0.93, per_class: { cat: 0.9 } } }));
    expect(html).toContain(
      '<tr><td>accuracy</td><td>0.93</td></tr><tr><td>per_class.cat</td><td>0.9</td></tr></table>',
    );
    expect(html).toContain(
      `<table><tr><th>File</th><th>Size</th><th>sha256</th></tr><tr><td>model/model.onnx</td><td>1.23 MB</td><td>${'ab'.repeat(32)}</td></tr></table>`,
    );
  });

  it('shows the visible GPUs with their utilisation, and the driver line', () => {
    const gpu: RunRecord['gpu'] = {
      required: 'true',
      probe: 'ok',
      message: null,
      driver_version: '550.90.07',
      cuda_version: '12.4',
      visible_devices: '1',
      devices: [
        { index: 0, name: 'NVIDIA H100 80GB HBM3', uuid: null, memory_total_mib: 81559 },
        { index: 1, name: 'NVIDIA H100 80GB HBM3', uuid: null, memory_total_mib: 81559 },
      ],
      summary: { count: 1, name: 'NVIDIA H100 80GB HBM3', memory_mib: 81559, driver: '550.90.07', cuda: '12.4' },
      sample_interval_seconds: 5,
      utilization: [
        {
          index: 1,
          samples: 3,
          utilization_percent: { mean: 6, max: 12 },
          memory_used_mib: { mean: 2048, max: 2048 },
        },
      ],
    };
    const html = summaryOf(record({ gpu }));
    expect(html).toContain('<tr><td>1</td><td>NVIDIA H100 80GB HBM3</td><td>81559</td><td>6</td><td>12</td>');
    expect(html).not.toContain('<tr><td>0</td>');
    expect(html).toContain('<p>Driver 550.90.07, CUDA 12.4, CUDA_VISIBLE_DEVICES=1.</p>');
  });

  it('says how a run ended badly: the status, the signal and the signals sent, an artifact not uploaded', () => {
    const html = summaryOf(
      record({
        duration_seconds: 0.3,
        exit: {
          status: 'timed-out',
          code: null,
          signal: 'SIGKILL',
          signals_sent: ['SIGTERM', 'SIGKILL'],
          timeout_minutes: 0.005,
        },
      }),
      undefined,
      'model',
    );
    expect(html.startsWith('<h2>Training run timed out in 300 ms</h2>')).toBe(true);
    expect(html).toContain('<tr><td>Exit</td><td>signal SIGKILL (sent SIGTERM, SIGKILL)</td></tr>');
    expect(html).toContain('<tr><td>Artifact</td><td>model (not uploaded)</td></tr>');
    const failed = summaryOf(
      record({
        exit: { status: 'cancelled', code: 130, signal: null, signals_sent: ['SIGINT'], timeout_minutes: null },
      }),
    );
    expect(failed).toContain('Training run was cancelled in');
  });

  it('shortens a long command to 200 characters', () => {
    const command = `python -c "${'x'.repeat(300)}"`;
    const html = summaryOf(record({ command }));
    expect(html).toContain(`<tr><td>Command</td><td>${command.slice(0, 197).replace(/"/g, '&quot;')}...</td></tr>`);
  });

  it('escapes hostile text from the run: metric names, warnings and the GPU message', () => {
    const html = summaryOf(
      record({
        metrics: { '<img src=x onerror=alert(1)>': 1 },
        warnings: ['metric <b>"acc"</b> & more'],
        gpu: { ...record().gpu, message: 'driver <script>alert(1)</script> & failed' },
      }),
    );
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('<td>&lt;img src=x onerror=alert(1)&gt;</td>');
    expect(html).toContain('<h3>Warnings</h3>\n<ul><li>metric &lt;b&gt;"acc"&lt;/b&gt; &amp; more</li></ul>');
    expect(html).toContain('<p>No GPU (driver scriptalert(1)/script  failed).</p>');
  });

  it('escapes the params file name where there are no params', () => {
    const html = summaryOf(record({ params: {}, params_file: 'conf/<img src=x onerror=alert(1)>.yaml' }));
    expect(html).toContain('<p>No params (conf/&lt;img src=x onerror=alert(1)&gt;.yaml).</p>');
  });
});
