/**
 * registry-push end to end: the committed bundle run as GitHub's runner runs it, on Node 20
 * and 24, against the S3 double that honours conditional writes and against a local folder;
 * input errors and a plain s3rver on Node 20; the bundle's CLI on a laptop-style registry.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startConditionalS3Server, type ConditionalS3Server } from '../doubles/s3-conditional.js';
import { startS3Server, type S3TestServer } from '../doubles/s3.js';
import { logisticClassifierModel, writeModel } from '../harness/onnx-models.js';
import { NODE_VERSIONS, errorMessages, repoRoot, runAction } from '../harness/run-action.js';

let s3: ConditionalS3Server;
let counter = 0;

beforeAll(async () => {
  s3 = await startConditionalS3Server({ buckets: ['models'] });
});
afterAll(() => s3.stop());

/** A workspace as the train step leaves it: model.onnx, metrics.json, run.json. */
async function workspace(weights = [0.5, -1, 2]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'registry-ws-'));
  await writeModel(join(dir, 'out/model.onnx'), logisticClassifierModel({ weights, bias: 0.1 }));
  await writeFile(join(dir, 'metrics.json'), JSON.stringify({ accuracy: 0.953, f1: 0.94 }));
  await writeFile(
    join(dir, 'run.json'),
    JSON.stringify({
      schema: 'mlops-gha/run-record@1',
      run_id: 'train-7',
      repository: 'octo-org/octo-repo',
      git: { sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e', ref: 'refs/heads/main' },
      workflow: { run_url: 'https://github.com/octo-org/octo-repo/actions/runs/1658821493', run_id: '1658821493' },
      actor: 'octocat',
      data_version: 'a3f9c2d1e0b4',
      params: { C: 0.5, max_iter: 200 },
      metrics: { accuracy: 0.9 },
    }),
  );
  return dir;
}

const stores = {
  s3: () => ({ registry: `s3://models/team-${counter++}`, 'endpoint-url': s3.endpoint }),
  folder: () => ({ registry: `registry-${counter++}` }),
};

describe.each(NODE_VERSIONS)('registry-push on Node %s', (node) => {
  it.each(['s3', 'folder'] as const)(
    'pushes a version with lineage, moves the alias, and re-pushes identical content as the same version (%s)',
    async (kind) => {
      const cwd = await workspace();
      const where = stores[kind]();
      const inputs = {
        name: 'iris-classifier',
        model: 'out/model.onnx',
        ...where,
        alias: 'staging',
        'metrics-file': 'metrics.json',
        'run-record': 'run.json',
        tags: 'team=vision\nticket=ML-42',
        description: 'logistic baseline',
      };
      const first = await runAction('registry-push', { node, cwd, inputs, env: s3.env });
      expect(errorMessages(first)).toEqual([]);
      expect(first.exitCode).toBe(0);
      expect(first.outputs.version).toBe('1');
      expect(first.outputs.created).toBe('true');
      const uri =
        kind === 's3'
          ? `s3://${where.registry.slice(5)}/iris-classifier/versions/1/files/`
          : `file://${join(cwd, where.registry)}/iris-classifier/versions/1/files/`;
      expect(first.outputs.uri).toBe(uri);
      const manifest = JSON.parse(first.outputs.manifest!);
      expect(manifest).toMatchObject({
        name: 'iris-classifier',
        version: 1,
        created_by: 'octocat',
        uri,
        sha256: first.outputs.sha256,
        files: [
          {
            path: 'model.onnx',
            size: (await readFile(join(cwd, 'out/model.onnx'))).length,
            sha256: first.outputs.sha256,
          },
        ],
        signature: { inputs: [{ name: 'input', type: 'float32', shape: ['N', 3] }] },
        metrics: { accuracy: 0.953, f1: 0.94 },
        params: { C: 0.5, max_iter: 200 },
        lineage: {
          git_sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
          repository: 'octo-org/octo-repo',
          run_url: 'https://github.com/octo-org/octo-repo/actions/runs/1658821493',
          data_version: 'a3f9c2d1e0b4',
        },
        tags: { team: 'vision', ticket: 'ML-42' },
        description: 'logistic baseline',
      });
      expect(first.summary).toContain('<h2>registry-push: iris-classifier/1</h2>');
      expect(first.summary).toContain(`<td>${first.outputs.sha256}</td>`);
      expect(first.summary).toContain('<td>staging: (new) → 1</td>');
      expect(first.summary).toContain('<td>input</td><td>input</td><td>float32</td><td>[N, 3]</td>');
      expect(first.log.join('\n')).toContain('Created iris-classifier/1');

      const again = await runAction('registry-push', { node, cwd, inputs, env: s3.env });
      expect(again.exitCode).toBe(0);
      expect(again.outputs).toMatchObject({ version: '1', created: 'false', sha256: first.outputs.sha256, uri });
      expect(again.log.join('\n')).toContain('iris-classifier/1 already holds identical files: nothing uploaded');
      expect(again.summary).toContain('(already there)');
    },
  );
});

describe('registry-push refuses bad input with nothing written (Node 20)', () => {
  it.each([
    ['a missing model file', { model: 'out/missing.onnx' }, 'Model file not found: out/missing.onnx'],
    [
      'a non-ONNX file named .onnx',
      { model: 'fake.onnx' },
      'fake.onnx is not a valid ONNX model: onnxruntime could not load it',
    ],
    ['an alias with /', { alias: 'prod/eu' }, 'Invalid alias "prod/eu" in the `alias` input'],
    ['an alias with ..', { alias: '..' }, 'Invalid alias ".." in the `alias` input'],
    ['a tag without =', { tags: 'team' }, 'Input `tags`: "team" is not key=value'],
    ['a model name with /', { name: 'a/b' }, 'Invalid model name "a/b" in the `name` input'],
  ])('%s', async (_, override, message) => {
    const cwd = await workspace();
    await writeFile(join(cwd, 'fake.onnx'), 'not a model');
    const where = stores.s3();
    const result = await runAction('registry-push', {
      cwd,
      inputs: { name: 'iris', model: 'out/model.onnx', ...where, ...override },
      env: s3.env,
    });
    expect(result.exitCode).toBe(1);
    expect(errorMessages(result)[0]).toContain(message);
    expect(result.outputs).toEqual({});
    const listed = await s3
      .client()
      .send(new ListObjectsV2Command({ Bucket: 'models', Prefix: where.registry.slice('s3://models/'.length) }));
    expect(listed.Contents ?? []).toEqual([]);
  });

  it('a store that ignores conditional writes (plain s3rver): refused, naming the store and the fix, nothing written', async () => {
    const plain: S3TestServer = await startS3Server({ buckets: ['plain'] });
    try {
      const cwd = await workspace();
      const result = await runAction('registry-push', {
        cwd,
        inputs: {
          name: 'iris',
          model: 'out/model.onnx',
          registry: 's3://plain/registry',
          'endpoint-url': plain.endpoint,
          alias: 'staging',
        },
        env: plain.env,
      });
      expect(result.exitCode).toBe(1);
      expect(errorMessages(result)).toEqual([
        'The store s3://plain/registry does not honour conditional writes (a second PUT with If-None-Match: * overwrote an existing object instead of failing with 412). ' +
          'The registry needs them to claim version numbers and move aliases safely, so nothing was written.\n' +
          'Fix: Use a store that implements S3 conditional writes (If-None-Match: * and If-Match on PutObject): AWS S3, MinIO (2023 or newer), ' +
          'Cloudflare R2, or a local/shared folder as `registry`. s3rver and the GCS XML API ignore them.',
      ]);
      const listed = await plain.client().send(new ListObjectsV2Command({ Bucket: 'plain' }));
      expect(listed.Contents ?? []).toEqual([]);
    } finally {
      await plain.stop();
    }
  });
});

describe('the registry CLI in the bundle', () => {
  function cli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [join(repoRoot, 'dist/registry-push/index.js'), ...args], {
        cwd,
        env: { ...process.env, MLOPS_REGISTRY: 'reg', USER: 'ada' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('lists, shows, pulls verified, moves aliases with CAS, prints events, and refuses a hand-edited manifest', async () => {
    const cwd = await workspace();
    await writeModel(join(cwd, 'v2/model.onnx'), logisticClassifierModel({ weights: [9, 9, 9], bias: 0 }));
    expect((await cli(['push', 'iris', 'out/model.onnx', '--alias', 'staging', '--tag', 'team=ml'], cwd)).code).toBe(0);
    expect((await cli(['push', 'iris', 'v2/model.onnx'], cwd)).stdout).toMatch(/^iris\/2\t/);
    expect((await cli(['list'], cwd)).stdout).toBe('iris\n');
    const list = await cli(['list', 'iris'], cwd);
    expect(list.stdout).toMatch(/^iris\/1\t\S+\t\d+ B\tsha256:[0-9a-f]{12}\t@staging\niris\/2\t/);
    const show = await cli(['show', 'iris@staging'], cwd);
    expect(show.stdout).toContain('iris/1 (@staging)');
    expect(show.stdout).toContain(
      'signature:   inputs input: float32[N, 3] -> outputs label: int64[N], probabilities: float32[N, 2]',
    );
    const pulled = await cli(['pull', 'iris@staging', 'pulled'], cwd);
    expect(pulled.code).toBe(0);
    expect(await readFile(join(cwd, 'pulled/model.onnx'))).toEqual(await readFile(join(cwd, 'out/model.onnx')));

    expect(
      (await cli(['alias', 'set', 'iris', 'staging', '2', '--expect', '1', '--reason', 'better f1'], cwd)).stdout,
    ).toMatch(/^iris@staging: 1 -> 2 \(event /);
    const conflict = await cli(['alias', 'set', 'iris', 'staging', '1', '--expect', '1'], cwd);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain(
      'error: The alias staging points at version 2, not version 1 as expected; it was not moved',
    );
    const missing = await cli(['alias', 'set', 'iris', 'prod', '7'], cwd);
    expect(missing.stderr).toContain('error: iris/7 does not exist in the registry');
    const events = await cli(['events', 'iris'], cwd);
    expect(
      events.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t').slice(1).join('\t')),
    ).toEqual([
      'version-created\tversion 1\tada',
      'alias-moved\t@staging - -> 1\tada',
      'version-created\tversion 2\tada',
      'alias-moved\t@staging 1 -> 2\tada\tbetter f1',
    ]);

    const manifestPath = join(cwd, 'reg/iris/versions/2/manifest.json');
    const doc = JSON.parse(await readFile(manifestPath, 'utf8'));
    doc.files[0].sha256 = '0'.repeat(64);
    await writeFile(manifestPath, JSON.stringify(doc, null, 2));
    const verify = await cli(['verify', 'iris/2'], cwd);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/^BAD {2}model\.onnx: sha256 [0-9a-f]{64}, manifest says 0{64}/);
    const refused = await cli(['pull', 'iris@staging', 'pulled2'], cwd);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error: iris/2 failed verification');
    await expect(readdir(join(cwd, 'pulled2'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
