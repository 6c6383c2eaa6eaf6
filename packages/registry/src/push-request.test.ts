import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runContextFromEnv } from '@mlops-gha/common';
import { collectModelFiles, pushRequestFromRun, runCli } from './index.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'push-request-'));
  await writeFile(join(work, 'model.bin'), 'weights');
  // the train action's run.json, written on another runner by another person
  await writeFile(
    join(work, 'run.json'),
    JSON.stringify({
      schema: 'mlops-gha/run-record@1',
      actor: 'trainer',
      repository: 'acme/churn',
      git: { sha: 'a'.repeat(40), ref: 'refs/heads/main' },
      workflow: { run_url: 'https://github.com/acme/churn/actions/runs/7' },
      run_id: 'run-7',
      data_version: 'd'.repeat(32),
      params: { C: 1 },
      metrics: { accuracy: 0.9, loss: 0.3 },
    }),
  );
  await writeFile(join(work, 'metrics.json'), JSON.stringify({ accuracy: 0.95 }));
});
afterAll(() => rm(work, { recursive: true, force: true }));

// the run the push happens in: a release workflow of the same repository
const ENV = {
  GITHUB_ACTOR: 'releaser',
  GITHUB_REPOSITORY: 'acme/churn',
  GITHUB_SHA: 'b'.repeat(40),
  GITHUB_REF: 'refs/tags/v1',
  GITHUB_RUN_ID: '99',
};

describe('pushRequestFromRun', () => {
  it('records where the model was trained (the run record) over where it is pushed from', async () => {
    const planned = await pushRequestFromRun(
      { name: 'churn', files: await collectModelFiles([join(work, 'model.bin')]), runRecord: join(work, 'run.json') },
      runContextFromEnv(ENV),
    );
    expect(planned.actor).toBe('trainer');
    expect(planned.runUrl).toBe('https://github.com/acme/churn/actions/runs/99');
    expect(planned.request.lineage).toEqual({
      git_sha: 'a'.repeat(40),
      git_ref: 'refs/heads/main',
      repository: 'acme/churn',
      run_url: 'https://github.com/acme/churn/actions/runs/7',
      run_id: 'run-7',
      data_version: 'd'.repeat(32),
    });
    expect(planned.request.metrics).toEqual({ accuracy: 0.9, loss: 0.3 });
    expect(planned.request.params).toEqual({ C: 1 });
  });

  it('takes the current run for what there is no run record of, and a metrics file over its metrics', async () => {
    const planned = await pushRequestFromRun(
      {
        name: 'churn',
        files: await collectModelFiles([join(work, 'model.bin')]),
        metricsFile: join(work, 'metrics.json'),
      },
      runContextFromEnv(ENV),
    );
    expect(planned.actor).toBe('releaser');
    expect(planned.request.lineage).toEqual({
      git_sha: 'b'.repeat(40),
      git_ref: 'refs/tags/v1',
      repository: 'acme/churn',
      run_url: 'https://github.com/acme/churn/actions/runs/99',
      run_id: '99',
      data_version: null,
    });
    expect(planned.request.metrics).toEqual({ accuracy: 0.95 });
    expect(planned.request.params).toEqual({});
  });

  it('the CLI records the same manifest facts as the action: the trainer as created_by, the run lineage', async () => {
    const registry = join(work, 'registry');
    const out: string[] = [];
    const code = await runCli(
      ['--registry', registry, 'push', 'churn', join(work, 'model.bin'), '--run-record', join(work, 'run.json')],
      { stdout: (t) => out.push(t), stderr: (t) => out.push(t), env: { ...ENV, USER: 'laptop' } },
    );
    expect({ code, out: out.join('') }).toMatchObject({ code: 0 });
    const manifest = JSON.parse(await readFile(join(registry, 'churn/versions/1/manifest.json'), 'utf8')) as {
      created_by: string;
      lineage: Record<string, string>;
    };
    expect(manifest.created_by).toBe('trainer');
    expect(manifest.lineage.run_url).toBe('https://github.com/acme/churn/actions/runs/7');
    expect(manifest.lineage.data_version).toBe('d'.repeat(32));
  });
});
