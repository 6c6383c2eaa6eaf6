/**
 * The committed data-pull bundle, run as the runner runs it, against s3rver (directly and
 * through a fault-injecting proxy) and a local-folder remote, on Node 22 and 24; and with
 * `actions-cache: true` against the Actions cache service double.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { NODE_VERSIONS, runAction } from '../harness/run-action.js';
import { startS3Server, type S3TestServer } from '../doubles/s3.js';
import { startFaultProxy } from '../doubles/s3-faults.js';
import { CacheServiceDouble } from '../doubles/cache-service.js';
import { buildFixture, dirObject, md5, objectPath, put, tempDir, type FixtureRepo } from '../fixtures/dvc-repo.js';

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
  const repo = await buildFixture({
    config: `[core]\n    remote = s3store\n['remote "s3store"']\n    url = s3://${BUCKET}/${prefix}\n    endpointurl = ${s3.endpoint}\n${extraConfig}`,
  });
  await upload(repo.remote, prefix);
  return repo;
}

/** Deletes every object under the prefix, and checks that none is left. */
async function emptyPrefix(prefix: string): Promise<void> {
  const client = s3.client();
  const list = async () =>
    (await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${prefix}/` }))).Contents ?? [];
  for (const object of await list()) await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: object.Key! }));
  expect(await list()).toEqual([]);
}

/** The cache version @actions/cache sends for these paths (reference/github.md §3), computed here. */
function cacheVersion(...paths: string[]): string {
  const zstd = spawnSync('zstd', ['--quiet', '--version'], { encoding: 'utf8' });
  const compression = !zstd.error && `${zstd.stdout}${zstd.stderr}`.trim() !== '' ? 'zstd-without-long' : 'gzip';
  return createHash('sha256')
    .update([...paths, compression, '1.0'].join('|'))
    .digest('hex');
}

/** A loopback port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
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
    const manifest = JSON.parse(await readFile(result.outputs.manifest!, 'utf8')) as {
      dataVersion: string;
      outputs: { path: string; md5: string; size: number }[];
    };
    expect(manifest.dataVersion).toBe(result.outputs['data-version']);
    expect(manifest.outputs.find((o) => o.path === 'models/model.bin')).toEqual(
      expect.objectContaining({
        md5: md5(repo.expected['models/model.bin']!),
        size: repo.expected['models/model.bin']!.length,
      }),
    );
    expect(
      result.log.some((l) => /^data-pull: \d+\/\d+ files, .* B?\/s$/.test(l) || /^data-pull: \d+\/\d+ files/.test(l)),
    ).toBe(true);
    expect(result.summary).toContain('DVC data pull');
    expect(result.summary).toContain('<td>data/images</td>');
    // The S3 keys from the environment are masked.
    expect(result.masks).toEqual(expect.arrayContaining([s3.secretAccessKey]));

    // Second run: nothing to download, same data version.
    const again = await runAction('data-pull', { node, cwd: repo.root, env: s3.env });
    expect(again.exitCode).toBe(0);
    expect(again.outputs).toMatchObject({
      'from-cache': '9',
      'downloaded-bytes': '0',
      'data-version': result.outputs['data-version'],
    });
  });

  it('pulls from a local-folder remote given as remote-url, with hardlinks', async () => {
    const repo = await buildFixture({ config: '' });
    const result = await runAction('data-pull', {
      node,
      cwd: repo.root,
      inputs: { 'remote-url': repo.remote, 'link-type': 'hardlink', targets: 'data/images\nmodels/model.bin.dvc' },
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.files).toBe('4');
    expect((await stat(join(repo.root, 'data/images/sub/dog.txt'))).nlink).toBe(2);
    expect(await readFile(join(repo.root, 'models/model.bin'))).toEqual(repo.expected['models/model.bin']);
  });

  it('a warm pull of thousands of small files (copied by two threads) writes every byte, then finds nothing to do', async () => {
    const root = await tempDir('dvc-many-');
    const remote = await tempDir('dvc-many-remote-');
    const files: Record<string, string> = {};
    const bodies = new Map<string, Buffer>();
    for (let i = 0; i < 2500; i++) {
      const rel = `part-${String(i).padStart(5, '0')}.csv`;
      const body = Buffer.from(`${i},${i * 3}\n`.repeat(1 + (i % 4)));
      files[rel] = md5(body);
      bodies.set(rel, body);
      await put(remote, objectPath(md5(body), false), body);
    }
    const manifest = dirObject(files);
    await put(remote, objectPath(manifest.oid, false), manifest.bytes);
    await put(root, '.dvc/config', '');
    await put(root, 'data.dvc', `outs:\n- md5: ${manifest.oid}\n  hash: md5\n  path: data\n`);
    const inputs = { 'remote-url': remote };
    expect((await runAction('data-pull', { node, cwd: root, inputs })).outputs['from-cache']).toBe('0');
    await rm(join(root, 'data'), { recursive: true });
    const warm = await runAction('data-pull', { node, cwd: root, inputs });
    expect(warm.exitCode).toBe(0);
    expect(warm.outputs).toMatchObject({ files: '2500', 'from-cache': '2500', 'downloaded-bytes': '0' });
    for (const [rel, body] of bodies) expect(await readFile(join(root, 'data', rel))).toEqual(body);
    expect((await readdir(join(root, 'data'))).length).toBe(2500);
    // the state recorded every file the two threads wrote: the next pull rewrites none
    const stamp = async () =>
      Promise.all(
        [...bodies.keys()].map(async (rel) => {
          const st = await stat(join(root, 'data', rel));
          return `${st.ino}:${st.mtimeMs}:${st.ctimeMs}`;
        }),
      );
    const before = await stamp();
    const again = await runAction('data-pull', { node, cwd: root, inputs });
    expect(again.outputs).toMatchObject({ files: '2500', 'from-cache': '2500', 'downloaded-bytes': '0' });
    expect(await stamp()).toEqual(before);
  });
});

describe('data-pull bad input and faults (Node 24)', () => {
  const errorOf = (r: {
    annotations: { level: string; message: string; title?: string; file?: string; line?: number }[];
  }) => r.annotations.find((a) => a.level === 'error');

  it('retries SlowDown answers and dropped connections, then succeeds', async () => {
    const repo = await s3Fixture('faults/store');
    const proxy = await startFaultProxy(s3.endpoint, { slowDowns: 3, drops: 3 });
    try {
      const result = await runAction('data-pull', {
        cwd: repo.root,
        env: s3.env,
        inputs: { 'endpoint-url': proxy.endpoint, jobs: 4 },
      });
      expect(result.log.filter((l) => l.startsWith('Error'))).toEqual([]);
      expect(result.exitCode).toBe(0);
      expect(proxy.injected).toEqual({ slowDowns: 3, drops: 3, regionErrors: 0 });
      await expectWorkspace(repo);
    } finally {
      await proxy.stop();
    }
  });

  it("pulls from a bucket in another region than the runner says (remote without region), following S3's redirect", async () => {
    const repo = await s3Fixture('regions/store');
    const proxy = await startFaultProxy(s3.endpoint, { bucketRegion: 'ap-southeast-2' });
    try {
      // s3.env says AWS_REGION=us-east-1, and the DVC remote names no region: as on a runner
      const result = await runAction('data-pull', {
        cwd: repo.root,
        env: s3.env,
        inputs: { 'endpoint-url': proxy.endpoint },
      });
      expect(result.log.filter((l) => l.startsWith('Error'))).toEqual([]);
      expect(result.exitCode).toBe(0);
      expect(proxy.injected.regionErrors).toBeGreaterThanOrEqual(1);
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
    expect(errorOf(result)!.message).toMatch(
      /models\/model.bin.dvc:3: invalid YAML: Tabs are not allowed as indentation\nFix: Repair the YAML in models\/model.bin.dvc/,
    );
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
    const repo = await buildFixture({
      config: '[core]\n    remote = nope\n[\'remote "storage"\']\n    url = /tmp/x\n',
    });
    const result = await runAction('data-pull', { cwd: repo.root });
    expect(result.exitCode).toBe(1);
    expect(errorOf(result)).toMatchObject({ file: '.dvc/config', line: 2 });
    expect(errorOf(result)!.message).toMatch(
      /Unknown remote "nope"[\s\S]*Fix: Define it in .dvc\/config[\s\S]*storage/,
    );
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

  it('an endpoint that refuses connections fails as unreachable, with its own title and fix (not "missing")', async () => {
    const repo = await s3Fixture('dead/store');
    const result = await runAction('data-pull', {
      cwd: repo.root,
      env: s3.env,
      inputs: { 'endpoint-url': `http://127.0.0.1:${await freePort()}` },
    });
    expect(result.exitCode).toBe(1);
    const error = errorOf(result)!;
    expect(error).toMatchObject({ title: 'Storage endpoint unreachable', file: expect.stringMatching(/\.dvc$/) });
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain('Fix: Check `endpoint-url`');
    expect(error.message).not.toContain('dvc push');
    await expect(stat(join(repo.root, 'data/raw.csv'))).rejects.toThrow(/ENOENT/);
  });

  it('refused credentials (403) fail as such, naming where the keys came from and never printing them', async () => {
    const repo = await s3Fixture('denied/store');
    const env = { ...s3.env, AWS_ACCESS_KEY_ID: 'AKIAWRONGKEY', AWS_SECRET_ACCESS_KEY: 'wrong-secret-value-123' };
    const result = await runAction('data-pull', { cwd: repo.root, env });
    expect(result.exitCode).toBe(1);
    const error = errorOf(result)!;
    expect(error.title).toBe('Storage refused the credentials');
    expect(error.message).toContain('AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment');
    expect(error.message).toMatch(/Fix: Check the credentials/);
    expect(result.log.join('\n')).not.toContain('wrong-secret-value-123');
  });

  it('a bucket that does not exist fails as a missing bucket, not as missing objects', async () => {
    const repo = await buildFixture({
      config: `[core]\n    remote = s3store\n['remote "s3store"']\n    url = s3://no-such-bucket/x\n    endpointurl = ${s3.endpoint}\n`,
    });
    const result = await runAction('data-pull', { cwd: repo.root, env: s3.env });
    expect(result.exitCode).toBe(1);
    const error = errorOf(result)!;
    expect(error.title).toBe('Bucket does not exist');
    expect(error.message).toContain('"no-such-bucket"');
    expect(error.message).toMatch(/Fix: Check the bucket name/);
  });

  it('masks keys from config.local and never prints them; warns when the Actions cache is unavailable', async () => {
    const repo = await s3Fixture('secret/store');
    const secret = 'S3RVER';
    await put(
      repo.root,
      '.dvc/config.local',
      `['remote "s3store"']\n    access_key_id = ${secret}\n    secret_access_key = ${secret}\n`,
    );
    const env = { AWS_EC2_METADATA_DISABLED: 'true', AWS_REGION: 'us-east-1' };
    const result = await runAction('data-pull', {
      cwd: repo.root,
      env,
      inputs: { 'actions-cache': true, targets: 'models/model.bin' },
    });
    expect(result.exitCode).toBe(0);
    expect(result.masks).toContain(secret);
    expect(result.log.join('\n')).not.toContain(secret);
    expect(result.annotations).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        message: expect.stringContaining('Actions cache service is not available'),
      }),
    );
  });
});

describe('data-pull with the Actions cache (Node 20)', () => {
  it('saves .dvc/cache to the Actions cache; a fresh clone restores it exactly, with the S3 remote emptied, and saves nothing', async () => {
    const service = await CacheServiceDouble.start();
    try {
      const prefix = 'actions-cache/store';
      const repo = await s3Fixture(prefix);
      // The clone: the repository as committed (the .dvc files and config), copied before any pull.
      const clone = await tempDir('dvc-clone-');
      await cp(repo.root, clone, { recursive: true });
      const env = { ...s3.env, ...service.env() };

      const first = await runAction('data-pull', { cwd: repo.root, env, inputs: { 'actions-cache': true } });
      expect(first.annotations.filter((a) => a.level === 'error' || a.level === 'warning')).toEqual([]);
      expect(first.log.filter((l) => /^Failed to (save|restore)/.test(l))).toEqual([]);
      expect(first.exitCode).toBe(0);
      await expectWorkspace(repo);
      expect(first.outputs).toMatchObject({ files: '9', 'from-cache': '0' });
      expect(first.outputs['data-version']).toMatch(/^[0-9a-f]{40}$/);
      expect(Number(first.outputs['downloaded-bytes'])).toBeGreaterThanOrEqual(Number(first.outputs.bytes));
      const key = `dvc-cache-linux-${first.outputs['data-version']}`;
      expect(first.log).toContain('actions-cache: no saved cache yet');
      expect(first.log).toContain(`actions-cache: saved ${key}`);
      // One committed entry, for the workspace-relative path (not tied to this checkout's location).
      expect(service.committed().map((e) => [e.key, e.version])).toEqual([[key, cacheVersion('.dvc/cache')]]);
      expect(service.entry(key)!.bytes!.length).toBeGreaterThan(0);

      // The remote is gone: anything the second run tried to download would be missing.
      await emptyPrefix(prefix);
      await expect(stat(join(clone, '.dvc/cache'))).rejects.toThrow(/ENOENT/);
      for (const rel of Object.keys(repo.expected)) await expect(stat(join(clone, rel))).rejects.toThrow(/ENOENT/);
      const creates = service.calls('CreateCacheEntry').length;

      const second = await runAction('data-pull', { cwd: clone, env, inputs: { 'actions-cache': true } });
      expect(second.annotations.filter((a) => a.level === 'error' || a.level === 'warning')).toEqual([]);
      expect(second.log.filter((l) => /^Failed to (save|restore)/.test(l))).toEqual([]);
      expect(second.exitCode).toBe(0);
      await expectWorkspace({ ...repo, root: clone });
      expect(second.outputs).toMatchObject({
        'data-version': first.outputs['data-version'],
        bytes: first.outputs.bytes,
        'downloaded-bytes': '0',
      });
      expect(second.outputs['from-cache']).toBe(second.outputs.files);
      expect(second.outputs.files).toBe('9');
      expect(second.log).toContain(`actions-cache: restored ${key} (exact)`);
      // An exact hit saves nothing: no reservation, no upload, the one entry unchanged.
      expect(second.log.filter((l) => l.startsWith('actions-cache: saved') || l.includes('not saved'))).toEqual([]);
      expect(service.calls('CreateCacheEntry').length).toBe(creates);
      expect(service.committed().map((e) => e.key)).toEqual([key]);
      expect(service.calls('GetCacheEntryDownloadURL').at(-1)).toEqual({
        key,
        restore_keys: ['dvc-cache-linux-'],
        version: cacheVersion('.dvc/cache'),
      });
    } finally {
      await service.stop();
    }
  });
});
