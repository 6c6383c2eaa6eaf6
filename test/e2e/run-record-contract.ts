/**
 * What the train e2e suite holds every run.json it reads to: the JSON Schema the training
 * package exports, and the layout the training README documents, written out by hand.
 */
import { expect } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import AjvModule from 'ajv';
import { RUN_RECORD_SCHEMA, type RunRecord } from '@mlops-gha/training';

const Ajv = ((AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule) as unknown as new (
  o: object,
) => {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown };
};
const validate = new Ajv({ allErrors: true, strict: true }).compile(RUN_RECORD_SCHEMA);

/**
 * The run.json layout as the training README documents it, written out here so that the bytes
 * the bundle wrote are judged against the documented contract, not only against the schema the
 * same sources export (a field dropped from both would pass the schema).
 */
const DOCUMENTED_KEYS = {
  '': [
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
  git: ['sha', 'ref'],
  workflow: ['name', 'job', 'run_id', 'run_attempt', 'run_url'],
  exit: ['status', 'code', 'signal', 'signals_sent', 'timeout_minutes'],
  runner: ['name', 'os', 'arch', 'environment'],
  gpu: [
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
} as const;

/**
 * Reads the run.json a train step wrote in `workspace` and asserts it is valid against the
 * exported schema and has exactly the documented keys at each level.
 */
export async function readRunRecord(workspace: string, path = 'run.json'): Promise<RunRecord> {
  const parsed = JSON.parse(await readFile(join(workspace, path), 'utf8')) as RunRecord;
  const valid = validate(parsed);
  expect(validate.errors ?? null).toBeNull();
  expect(valid).toBe(true);
  const doc = parsed as unknown as Record<string, Record<string, unknown>>;
  for (const [field, keys] of Object.entries(DOCUMENTED_KEYS)) {
    const value = field === '' ? doc : doc[field]!;
    expect([field, Object.keys(value).sort()]).toEqual([field, [...keys].sort()]);
  }
  expect(doc.schema).toBe('mlops-gha/run-record@1');
  return parsed;
}
