/**
 * The committed data-pull bundle, run as the runner runs it, against s3rver (directly and
 * through a fault-injecting proxy) and a local-folder remote, on Node 20 and 24.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NODE_VERSIONS, runAction } from '../harness/run-action.js';
import { startS3Server, type S3TestServer } from '../doubles/s3.js';
import { startFaultProxy } from '../doubles/s3-faults.js';
import { buildFixture, md5, objectPath, put, type FixtureRepo } from '../../packages/dvc/src/test-fixtures.js';

const BUCKET = 'dvc-data';
let s3: S3TestServer;

async function upload(remoteDir: string, prefix: string): Promise<void> {
  const client = s3.client();
  const entries = await readdir(remoteDir, { recursive: true, withFileTypes: true });
  for (const e of entries.filter((x) => x.isFile())) {
    const path = join(e.parentPath, e.name);
    const key = `${prefix}/${path.slice(remoteDir.length + 1)}`;
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: await readFile(path) }));
  }
}

async function s3Fixture(prefix: string, extraConfig = ''): Promise<FixtureRepo> {
  const repo = await buildFixture({ config: `[core]\n    remote = s3store\n['remote "s3store"']\n    url = s3://${BUCKET}/${prefix}\n    endpointurl = ${s3.endpoint}\n${extraConfig}` });
  await upload(repo.remote, prefix);
  return repo;
}

async function expectWorkspace(repo: FixtureRepo): Promise<void> {
  for (const [rel, bytes] of Object.entries(repo.expected)) {
    expect([rel, (await readFile(join(repo.root, rel))).equals(bytes)]).toEqual([rel, true]);
  }
}

beforeAll(async () => {
  s3 = await startS3Server({ buckets: [BUCKET] });
});
afterAll(() => s3.stop());

describe.each(NODE_VERSIONS)('data-pull on Node %s', (node) => {
  it('pulls everything from S3 into the workspace and the cache, with outputs, summary and manifest', async () => {
    const repo = await s3Fixture(`n${node}/store`);
    const result = await runAction('data-pull', { node, cwd: repo.root, env: s3.env });
    expect(result.log.join('\n')).not.toContain('Error');
    expect(result.exitCode).toBe(0);
    await expectWorkspace(repo);
    for (const p of repo.cacheObjects) expect((await stat(join(repo.root, '.dvc/cache', p))).mode & 0o777).toBe(0o444);
    expect(result.outputs).toMatchObject({ files: '9', 'from-cache': '0' });
    expect(Number(result.outputs.bytes)).toBe(Object.values(repo.expected).reduce((s, b) => s + b.length, 0));
    expect(Number(result.outputs['downloaded-bytes'])).toBeGreaterThanOrEqual(Number(result.outputs.bytes));
    expect(result.outputs['data-version']).toMatch(/^[0-9a-f]{40}$/);
    const manifest = JSON.parse(await readFile(result.outputs.manifest!, 'utf8')) as { dataVersion: string; outputs: { path: string; md5: string; size: number }[] };
    expect(manifest.dataVersion).toBe(result.outputs['data-version']);
    expect(manifest.outputs.find((o) => o.path === 'models/model.bin')).toEqual(
      expect.objectContaining({ md5: md5(repo.expected['models/model.bin']!), size: repo.expected['models/model.bin']!.length }),
    );
    expect(result.log.some((l) => /^data-pull: \d+\/\d+ files, .* B?\/s$/.test(l) || /^data-pull: \d+\/\d+ files/.test(l))).toBe(true);
    expect(result.summary).toContain('DVC data pull');
    expect(result.summary).toContain('<td>data/images</td>');
    // The S3 keys from the environment are masked.
    expect(result.masks).toEqual(expect.arrayContaining([s3.secretAccessKey]));

    // Second run: nothing to download, same data version.
    const again = await runAction('data-pull', { node, cwd: repo.root, env: s3.env });
    expect(again.exitCode).toBe(0);
    expect(again.outputs).toMatchObject({ 'from-cache': '9', 'downloaded-bytes': '0', 'data-version': result.outputs['data-version'] });
  });

  it('pulls from a local-folder remote given as remote-url, with hardlinks', async () => {
    const repo = await buildFixture({ config: '' });
    const result = await runAction('data-pull', { node, cwd: repo.root, inputs: { 'remote-url': repo.remote, 'link-type': 'hardlink', targets: 'data/images\nmodels/model.bin.dvc' } });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.files).toBe('4');
    expect((await stat(join(repo.root, 'data/images/sub/dog.txt'))).nlink).toBe(2);
    expect(await readFile(join(repo.root, 'models/model.bin'))).toEqual(repo.expected['models/model.bin']);
  });
});

describe('data-pull bad input and faults (Node 20)', () => {
  const errorOf = (r: { annotations: { level: string; message: string; file?: string; line?: number }[] }) => r.annotations.find((a) => a.level === 'error');

  it('retries SlowDown answers and dropped connections, then succeeds', async () => {
    const repo = await s3Fixture('faults/store');
    const proxy = await startFaultProxy(s3.endpoint, { slowDowns: 3, drops: 3 });
    try {
      const result = await runAction('data-pull', { cwd: repo.root, env: s3.env, inputs: { 'endpoint-url': proxy.endpoint, jobs: 4 } });
      expect(result.log.filter((l) => l.startsWith('Error'))).toEqual([]);
      expect(result.exitCode).toBe(0);
      expect(proxy.injected).toEqual({ slowDowns: 3, drops: 3 });
      await expectWorkspace(repo);
    } finally {
      await proxy.stop();
    }
  });

  it('fails on malformed YAML with an annotation on the file and line', async () => {
    const repo = await buildFixture();
    await writeFile(join(repo.root, 'models/model.bin.dvc'), 'outs:\n- md5: abc\n\tpath: model.bin\n');
    const result = await runAction('data-pull', { cwd: repo.root });
    expect(result.exitCode).toBe(1);
    expect(errorOf(result)).toMatchObject({ file: 'models/model.bin.dvc', line: 3 });
    expect(errorOf(result)!.message).toMatch(/models\/model.bin.dvc:3: invalid YAML: Tabs are not allowed as indentation\nFix: Repair the YAML in models\/model.bin.dvc/);
    await expect(stat(join(repo.root, '.dvc/cache'))).rejects.toThrow(/ENOENT/);
  });

  it('fails on an output without md5, pointing at it', async () => {
    const repo = await buildFixture();
    await writeFile(join(repo.root, 'data/raw.csv.dvc'), 'outs:\n- size: 3\n  path: raw.csv\n');
    const result = await runAction('data-pull', { cwd: repo.root });
    expect(result.exitCode).toBe(1);
    expect(errorOf(result)).toMatchObject({ file: 'data/raw.csv.dvc', line: 2 });
    expect(errorOf(result)!.message).toContain('output "raw.csv" has no `md5`');
    expect(errorOf(result)!.message).toContain('Fix: Run `dvc commit`');
  });

  it('fails on an unknown remote name, pointing at the config line', async () => {
    const repo = await buildFixture({ config: "[core]\n    remote = nope\n['remote \"storage\"']\n    url = /tmp/x\n" });
    const result = await runAction('data-pull', { cwd: repo.root });
    expect(result.exitCode).toBe(1);
    expect(errorOf(result)).toMatchObject({ file: '.dvc/config', line: 2 });
    expect(errorOf(result)!.message).toMatch(/Unknown remote "nope"[\s\S]*Fix: Define it in .dvc\/config[\s\S]*storage/);
  });

  it('fails without .dvc/config and no remote-url', async () => {
    const repo = await buildFixture();
    await rm(join(repo.root, '.dvc/config'));
    const result = await runAction('data-pull', { cwd: repo.root });
    expect(result.exitCode).toBe(1);
    expect(errorOf(result)).toMatchObject({ file: '.dvc/config' });
    expect(errorOf(result)!.message).toMatch(/\.dvc\/config[\s\S]*Fix:/);
  });

  it('refuses a target outside the repository and writes nothing', async () => {
    const repo = await buildFixture();
    const result = await runAction('data-pull', { cwd: repo.root, inputs: { targets: '../outside' } });
    expect(result.exitCode).toBe(1);
    expect(errorOf(result)!.message).toContain('is outside the repository');
    await expect(stat(join(repo.root, '.dvc/cache'))).rejects.toThrow(/ENOENT/);
  });

  it('lists missing objects by output and hash; complete outputs are written, nothing partial', async () => {
    const repo = await buildFixture();
    const cat = md5('meow\n');
    await rm(join(repo.remote, objectPath(cat, false)));
    const result = await runAction('data-pull', { cwd: repo.root });
    expect(result.exitCode).toBe(1);
    expect(errorOf(result)).toMatchObject({ file: 'data/images.dvc', line: 2 });
    expect(errorOf(result)!.message).toContain(`md5: ${cat} (data/images/cat.txt)`);
    await expect(stat(join(repo.root, 'data/images'))).rejects.toThrow(/ENOENT/);
    expect(await readFile(join(repo.root, 'data/raw.csv'))).toEqual(repo.expected['data/raw.csv']);
  });

  it('masks keys from config.local and never prints them; warns when the Actions cache is unavailable', async () => {
    const repo = await s3Fixture('secret/store');
    const secret = 'S3RVER';
    await put(repo.root, '.dvc/config.local', `['remote "s3store"']\n    access_key_id = ${secret}\n    secret_access_key = ${secret}\n`);
    const env = { AWS_EC2_METADATA_DISABLED: 'true', AWS_REGION: 'us-east-1' };
    const result = await runAction('data-pull', { cwd: repo.root, env, inputs: { 'actions-cache': true, targets: 'models/model.bin' } });
    expect(result.exitCode).toBe(0);
    expect(result.masks).toContain(secret);
    expect(result.log.join('\n')).not.toContain(secret);
    expect(result.annotations).toContainEqual(expect.objectContaining({ level: 'warning', message: expect.stringContaining('Actions cache service is not available') }));
  });
});
