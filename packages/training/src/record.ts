import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RunContext } from '@mlops-gha/common';
import type { GpuDevice, GpuIdentity, GpuProbeStatus } from './gpu.js';
import type { GpuUtilization } from './sampler.js';
import type { RunStatus } from './command.js';
import type { Values } from './files.js';

// The run context moved to @mlops-gha/common (one run URL builder for every action); kept here for existing importers.
export { runContextFromEnv } from '@mlops-gha/common';
export type { RunContext };

/**
 * A run id unique across jobs, matrix legs and attempts of a workflow run:
 * `<GITHUB_RUN_ID>-<attempt>-<8 hex>`, or `local-<time>-<8 hex>` outside Actions.
 */
export function newRunId(context: Pick<RunContext, 'runId' | 'runAttempt'>, now = new Date()): string {
  const suffix = randomBytes(4).toString('hex');
  if (context.runId) return `${context.runId}-${context.runAttempt ?? '1'}-${suffix}`;
  return `local-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${suffix}`;
}

export interface RecordedOutput {
  /** Relative to the working directory, with forward slashes. */
  path: string;
  sha256: string;
  size: number;
}

/** run.json: what ran, on what data, with which params, on which GPU, how long, what it produced. */
export interface RunRecord {
  schema: 'mlops-gha/run-record@1';
  run_id: string;
  command: string;
  working_directory: string;
  repository: string | null;
  git: { sha: string | null; ref: string | null };
  workflow: {
    name: string | null;
    job: string | null;
    run_id: string | null;
    run_attempt: string | null;
    run_url: string | null;
  };
  actor: string | null;
  data_version: string | null;
  params_file: string | null;
  params: Values;
  metrics_file: string | null;
  metrics: Values;
  outputs: RecordedOutput[];
  gpu: {
    required: 'auto' | 'true' | 'false';
    probe: GpuProbeStatus;
    message: string | null;
    driver_version: string | null;
    cuda_version: string | null;
    visible_devices: string | null;
    devices: { index: number; name: string; uuid: string | null; memory_total_mib: number | null }[];
    summary: GpuIdentity;
    sample_interval_seconds: number | null;
    utilization: GpuUtilization[];
  };
  started_at: string;
  ended_at: string;
  duration_seconds: number;
  exit: {
    status: RunStatus;
    code: number | null;
    signal: string | null;
    signals_sent: string[];
    timeout_minutes: number | null;
  };
  runner: RunContext['runner'];
  warnings: string[];
}

export function recordDevices(devices: GpuDevice[]): RunRecord['gpu']['devices'] {
  return devices.map((d) => ({ index: d.index, name: d.name, uuid: d.uuid, memory_total_mib: d.memoryTotalMiB }));
}

/** Writes run.json atomically (a reader never sees half a record), pretty-printed, newline-terminated. */
export async function writeRunRecord(path: string, record: RunRecord): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(record, null, 2)}\n`);
  await rename(temp, path);
}

/** UTC timestamps as Date.toISOString() writes them. */
const ISO_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$';
const nullable = (type: string | string[]) => ({ type: [...(Array.isArray(type) ? type : [type]), 'null'] });
const stat = {
  type: 'object',
  required: ['mean', 'max'],
  additionalProperties: false,
  properties: { mean: nullable('number'), max: nullable('number') },
};

/** The JSON Schema (draft-07) of run.json. Consumers (registry-push, metric-gate) may validate against it. */
export const RUN_RECORD_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://github.com/mlops-gha/schemas/run-record-1.json',
  title: 'Training run record (run.json)',
  type: 'object',
  additionalProperties: false,
  required: [
    'schema',
    'run_id',
    'command',
    'working_directory',
    'repository',
    'git',
    'workflow',
    'actor',
    'data_version',
    'params_file',
    'params',
    'metrics_file',
    'metrics',
    'outputs',
    'gpu',
    'started_at',
    'ended_at',
    'duration_seconds',
    'exit',
    'runner',
    'warnings',
  ],
  properties: {
    schema: { const: 'mlops-gha/run-record@1' },
    run_id: { type: 'string', minLength: 1 },
    command: { type: 'string', minLength: 1 },
    working_directory: { type: 'string' },
    repository: nullable('string'),
    git: {
      type: 'object',
      additionalProperties: false,
      required: ['sha', 'ref'],
      properties: { sha: nullable('string'), ref: nullable('string') },
    },
    workflow: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'job', 'run_id', 'run_attempt', 'run_url'],
      properties: {
        name: nullable('string'),
        job: nullable('string'),
        run_id: nullable('string'),
        run_attempt: nullable('string'),
        run_url: { type: ['string', 'null'], pattern: '^https?://' },
      },
    },
    actor: nullable('string'),
    data_version: nullable('string'),
    params_file: nullable('string'),
    params: { type: 'object' },
    metrics_file: nullable('string'),
    metrics: { type: 'object' },
    outputs: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path', 'sha256', 'size'],
        properties: {
          path: { type: 'string', minLength: 1 },
          sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          size: { type: 'integer', minimum: 0 },
        },
      },
    },
    gpu: {
      type: 'object',
      additionalProperties: false,
      required: [
        'required',
        'probe',
        'message',
        'driver_version',
        'cuda_version',
        'visible_devices',
        'devices',
        'summary',
        'sample_interval_seconds',
        'utilization',
      ],
      properties: {
        required: { enum: ['auto', 'true', 'false'] },
        probe: { enum: ['ok', 'no-gpu', 'no-driver', 'not-installed', 'skipped'] },
        message: nullable('string'),
        driver_version: nullable('string'),
        cuda_version: nullable('string'),
        visible_devices: nullable('string'),
        devices: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['index', 'name', 'uuid', 'memory_total_mib'],
            properties: {
              index: { type: 'integer', minimum: 0 },
              name: { type: 'string' },
              uuid: nullable('string'),
              memory_total_mib: nullable('number'),
            },
          },
        },
        summary: {
          type: 'object',
          additionalProperties: false,
          required: ['count', 'name', 'memory_mib', 'driver', 'cuda'],
          properties: {
            count: { type: 'integer', minimum: 0 },
            name: nullable('string'),
            memory_mib: nullable('number'),
            driver: nullable('string'),
            cuda: nullable('string'),
          },
        },
        sample_interval_seconds: nullable('number'),
        utilization: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['index', 'samples', 'utilization_percent', 'memory_used_mib'],
            properties: {
              index: { type: 'integer', minimum: 0 },
              samples: { type: 'integer', minimum: 0 },
              utilization_percent: stat,
              memory_used_mib: stat,
            },
          },
        },
      },
    },
    started_at: { type: 'string', pattern: ISO_TIME },
    ended_at: { type: 'string', pattern: ISO_TIME },
    duration_seconds: { type: 'number', minimum: 0 },
    exit: {
      type: 'object',
      additionalProperties: false,
      required: ['status', 'code', 'signal', 'signals_sent', 'timeout_minutes'],
      properties: {
        status: { enum: ['succeeded', 'failed', 'cancelled', 'timed-out'] },
        code: nullable('integer'),
        signal: nullable('string'),
        signals_sent: { type: 'array', items: { type: 'string' } },
        timeout_minutes: nullable('number'),
      },
    },
    runner: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'os', 'arch', 'environment'],
      properties: {
        name: nullable('string'),
        os: nullable('string'),
        arch: nullable('string'),
        environment: nullable('string'),
      },
    },
    warnings: { type: 'array', items: { type: 'string' } },
  },
} as const;
