import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AjvModule from 'ajv';
import {
  newRunId,
  recordDevices,
  RUN_RECORD_SCHEMA,
  runContextFromEnv,
  writeRunRecord,
  type RunRecord,
} from './record.js';

const Ajv = ((AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule) as unknown as new (
  o: object,
) => {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] };
};
const validate = new Ajv({ allErrors: true, strict: true }).compile(RUN_RECORD_SCHEMA);

const ENV = {
  GITHUB_REPOSITORY: 'octo-org/octo-repo',
  GITHUB_SHA: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_RUN_ID: '1658821493',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_ACTOR: 'octocat',
  GITHUB_WORKFLOW: 'ml',
  GITHUB_JOB: 'train',
  GITHUB_SERVER_URL: 'https://github.com',
  RUNNER_OS: 'Linux',
};

/** A complete record of a CPU run, written by hand from the schema. */
function cpuRecord(): RunRecord {
  return {
    schema: 'mlops-gha/run-record@1',
    run_id: '1658821493-2-0a1b2c3d',
    command: 'python train.py',
    working_directory: '.',
    repository: 'octo-org/octo-repo',
    git: { sha: ENV.GITHUB_SHA, ref: 'refs/heads/main' },
    workflow: {
      name: 'ml',
      job: 'train',
      run_id: '1658821493',
      run_attempt: '2',
      run_url: 'https://github.com/octo-org/octo-repo/actions/runs/1658821493/attempts/2',
    },
    actor: 'octocat',
    data_version: null,
    params_file: 'params.yaml',
    params: { lr: 0.01 },
    metrics_file: 'metrics.json',
    metrics: { accuracy: 0.93 },
    outputs: [{ path: 'model/model.onnx', sha256: 'a'.repeat(64), size: 5 }],
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
    ended_at: '2026-11-22T19:55:00Z',
    duration_seconds: 82.877,
    exit: { status: 'succeeded', code: 0, signal: null, signals_sent: [], timeout_minutes: null },
    runner: { name: 'GitHub Actions 2', os: 'Linux', arch: 'X64', environment: 'github-hosted' },
    warnings: [],
  };
}

describe('runContextFromEnv (re-exported for existing importers)', () => {
  it('derives the run URL and context from the runner variables', () => {
    expect(
      runContextFromEnv({ ...ENV, GITHUB_RUN_ATTEMPT: '1', GITHUB_SERVER_URL: 'https://ghe.example.com/' }).runUrl,
    ).toBe('https://ghe.example.com/octo-org/octo-repo/actions/runs/1658821493');
    expect(runContextFromEnv({}).runUrl).toBeNull();
  });
});

describe('newRunId', () => {
  it('is <run id>-<attempt>-<8 hex> inside Actions, the attempt defaulting to 1', () => {
    expect(newRunId({ runId: '1658821493', runAttempt: '2' })).toMatch(/^1658821493-2-[0-9a-f]{8}$/);
    expect(newRunId({ runId: '1658821493', runAttempt: null })).toMatch(/^1658821493-1-[0-9a-f]{8}$/);
  });

  it('is local-<UTC time to the second>-<8 hex> outside Actions', () => {
    const id = newRunId({ runId: null, runAttempt: null }, new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)));
    expect(id).toMatch(/^local-20260102T030405Z-[0-9a-f]{8}$/);
  });

  it('differs between two jobs of one attempt (matrix legs)', () => {
    const context = { runId: '7', runAttempt: '1' };
    const ids = new Set(Array.from({ length: 50 }, () => newRunId(context)));
    expect(ids.size).toBe(50);
  });
});

describe('recordDevices', () => {
  it('keeps index, name, uuid and memory of each GPU under the record names', () => {
    expect(
      recordDevices([
        {
          index: 1,
          name: 'NVIDIA H100 80GB HBM3',
          uuid: 'GPU-0c4e6a8b-1d3f-4a5c-9e7b-2f4a6c8e0b1d',
          memoryTotalMiB: 81559,
          driverVersion: '550.90.07',
        },
        { index: 0, name: 'Tesla T4', uuid: null, memoryTotalMiB: null, driverVersion: null },
      ]),
    ).toEqual([
      {
        index: 1,
        name: 'NVIDIA H100 80GB HBM3',
        uuid: 'GPU-0c4e6a8b-1d3f-4a5c-9e7b-2f4a6c8e0b1d',
        memory_total_mib: 81559,
      },
      { index: 0, name: 'Tesla T4', uuid: null, memory_total_mib: null },
    ]);
  });
});

describe('writeRunRecord', () => {
  it('writes pretty-printed JSON ending in a newline, creating the folder, leaving no temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'record-'));
    const path = join(dir, 'out', 'runs', 'run.json');
    await writeRunRecord(path, cpuRecord());
    const text = await readFile(path, 'utf8');
    expect(text).toBe(`${JSON.stringify(cpuRecord(), null, 2)}\n`);
    expect(await readdir(join(dir, 'out', 'runs'))).toEqual(['run.json']);
  });

  it('replaces a record already there', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'record-'));
    const path = join(dir, 'run.json');
    await writeFile(path, '{"stale": true, "padding": "' + 'x'.repeat(10_000) + '"}');
    await writeRunRecord(path, cpuRecord());
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(cpuRecord());
  });
});

describe('RUN_RECORD_SCHEMA', () => {
  it('accepts a complete record', () => {
    expect(validate(cpuRecord())).toBe(true);
    expect(validate.errors ?? null).toBeNull();
  });

  it.each([
    ['a missing field', (r: Record<string, unknown>) => delete r.warnings, ''],
    ['an unknown field', (r: Record<string, unknown>) => (r.extra = 1), ''],
    ['another schema id', (r: Record<string, unknown>) => (r.schema = 'mlops-gha/run-record@2'), '/schema'],
    ['an empty command', (r: Record<string, unknown>) => (r.command = ''), '/command'],
    [
      'an output sha256 in upper case',
      (r: Record<string, unknown>) => ((r.outputs as { sha256: string }[])[0]!.sha256 = 'A'.repeat(64)),
      '/outputs/0/sha256',
    ],
    [
      'a negative output size',
      (r: Record<string, unknown>) => ((r.outputs as { size: number }[])[0]!.size = -1),
      '/outputs/0/size',
    ],
    [
      'a run URL that is not http(s)',
      (r: Record<string, unknown>) => ((r.workflow as { run_url: string }).run_url = 'javascript:alert(1)'),
      '/workflow/run_url',
    ],
    [
      'an unknown exit status',
      (r: Record<string, unknown>) => ((r.exit as { status: string }).status = 'ok'),
      '/exit/status',
    ],
    ['a local time', (r: Record<string, unknown>) => (r.started_at = '2026-11-22 19:53:37'), '/started_at'],
    ['a negative duration', (r: Record<string, unknown>) => (r.duration_seconds = -1), '/duration_seconds'],
  ])('refuses %s', (_what, spoil, where) => {
    const record = cpuRecord() as unknown as Record<string, unknown>;
    spoil(record);
    expect(validate(record)).toBe(false);
    expect(validate.errors!.map((e) => e.instancePath)).toContain(where);
  });
});
