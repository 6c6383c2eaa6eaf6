import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as cache from '@actions/cache';
import { BlockBlobClient } from '@azure/storage-blob';
import { put } from '../fixtures/dvc-repo.js';
import { ALREADY_EXISTS, CACHE_SERVICE, CacheServiceDouble } from './cache-service.js';

// The real @actions/cache client, in this process, from a temporary workspace, against the
// double: what it saves is what the double stores (a tar we list ourselves), what it restores
// is byte-equal, and the lookups follow the service's rules.

/** What @actions/cache picks: zstd when `zstd --quiet --version` prints anything, else gzip. */
function compression(): 'zstd-without-long' | 'gzip' {
  const zstd = spawnSync('zstd', ['--quiet', '--version'], { encoding: 'utf8' });
  return !zstd.error && `${zstd.stdout}${zstd.stderr}`.trim() !== '' ? 'zstd-without-long' : 'gzip';
}

/** The cache version, computed here from the documented rule (not with the client's code). */
const versionOf = (path: string) => createHash('sha256').update(`${path}|${compression()}|1.0`).digest('hex');

/** The member names of a stored archive, listed by the system tar. */
async function tarMembers(archive: Buffer, dir: string): Promise<string[]> {
  const file = join(dir, `archive-${Date.now()}`);
  await writeFile(file, archive);
  const listed = spawnSync(
    'tar',
    ['-t', '-f', file, ...(compression() === 'gzip' ? ['-z'] : ['--use-compress-program', 'zstd -d'])],
    { encoding: 'utf8' },
  );
  if (listed.status !== 0) throw new Error(`tar -t failed: ${listed.stderr}`);
  return listed.stdout.split('\n').filter(Boolean);
}

describe('cache service double (v2)', () => {
  let service: CacheServiceDouble;
  let workspace: string;
  let scratch: string;
  const saved = { ...process.env };
  const savedCwd = process.cwd();
  const files: Record<string, Buffer> = {
    'files/md5/ab/cdef0123': Buffer.from('hello\n'),
    'files/md5/12/3456789a.dir': Buffer.from('[{"md5": "abcdef0123", "relpath": "a.txt"}]'),
    'files/md5/ff/binary': randomBytes(200_000),
  };
  const cacheDir = () => join(workspace, '.dvc', 'cache');
  const writeCache = async (content: Record<string, Buffer>) => {
    await rm(cacheDir(), { recursive: true, force: true });
    for (const [rel, bytes] of Object.entries(content)) await put(cacheDir(), rel, bytes);
  };
  const expectCache = async (content: Record<string, Buffer>) => {
    for (const [rel, bytes] of Object.entries(content))
      expect([rel, (await readFile(join(cacheDir(), rel))).equals(bytes)]).toEqual([rel, true]);
  };

  beforeAll(async () => {
    service = await CacheServiceDouble.start();
    workspace = await mkdtemp(join(tmpdir(), 'cache-double-ws-'));
    scratch = await mkdtemp(join(tmpdir(), 'cache-double-tmp-'));
    Object.assign(process.env, service.env(), { GITHUB_WORKSPACE: workspace, RUNNER_TEMP: scratch });
    delete process.env.ACTIONS_CACHE_MODE;
    process.chdir(workspace);
  });
  afterAll(async () => {
    process.chdir(savedCwd);
    process.env = saved;
    await service.stop();
    await rm(workspace, { recursive: true, force: true });
    await rm(scratch, { recursive: true, force: true });
  });

  it('stores what the real client saves: create, one BlockBlob PUT, finalize; the version is sha256(path|compression|1.0)', async () => {
    expect(cache.isFeatureAvailable()).toBe(true);
    await writeCache(files);
    const id = await cache.saveCache(['.dvc/cache'], 'dvc-cache-linux-v1');

    const entry = service.entry('dvc-cache-linux-v1')!;
    expect(entry).toBeDefined();
    expect(id).toBe(entry.id);
    expect(service.requests.map((r) => r.operation)).toEqual(['CreateCacheEntry', 'blob', 'FinalizeCacheEntryUpload']);
    expect(service.requests[0]!.path).toBe(`/twirp/${CACHE_SERVICE}/CreateCacheEntry`);
    expect(service.calls('CreateCacheEntry')).toEqual([
      { key: 'dvc-cache-linux-v1', version: versionOf('.dvc/cache') },
    ]);
    expect(entry.version).toBe(versionOf('.dvc/cache'));
    expect(service.calls('FinalizeCacheEntryUpload')).toEqual([
      { key: 'dvc-cache-linux-v1', version: entry.version, size_bytes: String(entry.bytes!.length) },
    ]);
    expect(entry.declaredSize).toBe(entry.bytes!.length);
    // The archive holds workspace-relative paths.
    expect(await tarMembers(entry.bytes!, scratch)).toEqual(
      expect.arrayContaining(Object.keys(files).map((rel) => `.dvc/cache/${rel}`)),
    );
  });

  it('restores an exact key byte for byte, by a plain GET of the signed URL', async () => {
    await rm(cacheDir(), { recursive: true, force: true });
    const before = service.requests.length;
    const hit = await cache.restoreCache(['.dvc/cache'], 'dvc-cache-linux-v1', ['dvc-cache-linux-']);
    expect(hit).toBe('dvc-cache-linux-v1');
    await expectCache(files);
    expect(service.requests.slice(before).map((r) => [r.method, r.operation])).toEqual([
      ['POST', 'GetCacheEntryDownloadURL'],
      ['GET', 'download'],
    ]);
    expect(service.calls('GetCacheEntryDownloadURL').at(-1)).toEqual({
      key: 'dvc-cache-linux-v1',
      restore_keys: ['dvc-cache-linux-'],
      version: versionOf('.dvc/cache'),
    });
  });

  it('refuses a second entry for the same key and version; the client reports -1 and the first entry stays', async () => {
    await writeCache({ 'files/md5/00/other': Buffer.from('other\n') });
    const id = await cache.saveCache(['.dvc/cache'], 'dvc-cache-linux-v1');
    expect(id).toBe(-1);
    expect(service.committed().map((e) => e.key)).toEqual(['dvc-cache-linux-v1']);
    expect(service.requests.at(-1)).toMatchObject({ operation: 'CreateCacheEntry' });
    // The same key under another version (another path) is a separate entry.
    expect(await cache.saveCache(['.dvc'], 'dvc-cache-linux-v1')).toBeGreaterThan(0);
    expect(service.committed().map((e) => [e.key, e.version])).toEqual([
      ['dvc-cache-linux-v1', versionOf('.dvc/cache')],
      ['dvc-cache-linux-v1', versionOf('.dvc')],
    ]);
  });

  it('restores by prefix: the newest entry matching a restore key, an exact key before a newer prefix match', async () => {
    const newer = { 'files/md5/22/newer': Buffer.from('newer\n') };
    await writeCache(newer);
    expect(await cache.saveCache(['.dvc/cache'], 'dvc-cache-linux-v2')).toBeGreaterThan(0);

    await rm(cacheDir(), { recursive: true, force: true });
    expect(await cache.restoreCache(['.dvc/cache'], 'dvc-cache-linux-v3', ['nothing-', 'dvc-cache-linux-'])).toBe(
      'dvc-cache-linux-v2',
    );
    await expectCache(newer);
    // The primary key is prefix-matched too, before the restore keys.
    expect(await cache.restoreCache(['.dvc/cache'], 'dvc-cache-linux-v', ['dvc-cache-linux-v1'])).toBe(
      'dvc-cache-linux-v2',
    );
    // An exact match wins over a newer prefix match.
    await rm(cacheDir(), { recursive: true, force: true });
    expect(await cache.restoreCache(['.dvc/cache'], 'dvc-cache-linux-v1', ['dvc-cache-linux-'])).toBe(
      'dvc-cache-linux-v1',
    );
    await expectCache(files);
  });

  it('misses (ok:false) on unknown keys and on another version of a known key', async () => {
    const before = service.requests.length;
    expect(await cache.restoreCache(['.dvc/cache'], 'pip-linux-1', ['pip-'])).toBeUndefined();
    // `.dvc/cache/` hashes differently from `.dvc/cache`: the version must match exactly.
    expect(await cache.restoreCache(['.dvc/cache/'], 'dvc-cache-linux-v2')).toBeUndefined();
    expect(service.requests.slice(before).map((r) => r.operation)).toEqual([
      'GetCacheEntryDownloadURL',
      'GetCacheEntryDownloadURL',
    ]);
  });

  it('takes large uploads as blocks and a block list (the Azure SDK the client uses), and refuses URLs it did not sign', async () => {
    const rpc = async (method: string, body: object) => {
      const res = await fetch(`${service.url}/twirp/${CACHE_SERVICE}/${method}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${service.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, string | boolean> };
    };
    const version = versionOf('big');
    const created = await rpc('CreateCacheEntry', { key: 'big-1', version });
    expect(created.body.ok).toBe(true);
    const data = randomBytes(50_000);
    const before = service.requests.length;
    // The client's settings for >128 MiB archives, scaled down: single shot off, fixed-size blocks.
    await new BlockBlobClient(String(created.body.signed_upload_url)).uploadData(data, {
      maxSingleShotSize: 1,
      blockSize: 16_384,
      concurrency: 2,
    });
    // 50 000 bytes in 16 KiB blocks: four Put Block, then one Put Block List.
    expect(service.requests.slice(before).map((r) => r.operation)).toEqual([
      'block',
      'block',
      'block',
      'block',
      'blocklist',
    ]);
    // Not restorable until finalized.
    expect((await rpc('GetCacheEntryDownloadURL', { key: 'big-1', version })).body).toEqual({
      ok: false,
      signed_download_url: '',
      matched_key: '',
    });
    expect(
      (await rpc('FinalizeCacheEntryUpload', { key: 'big-1', version, size_bytes: String(data.length) })).body.ok,
    ).toBe(true);
    expect(service.entry('big-1', version)!.bytes!.equals(data)).toBe(true);

    const found = await rpc('GetCacheEntryDownloadURL', { key: 'big', restore_keys: [], version });
    expect(found.body).toMatchObject({ ok: true, matched_key: 'big-1' });
    const download = await fetch(String(found.body.signed_download_url));
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(data)).toBe(true);
    // The upload URL cannot read, the download URL cannot write, the entry is sealed.
    expect((await fetch(String(created.body.signed_upload_url))).status).toBe(403);
    const putBlob = async (url: unknown) =>
      (await fetch(String(url), { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'x' })).status;
    expect(await putBlob(found.body.signed_download_url)).toBe(403);
    expect(await putBlob(created.body.signed_upload_url)).toBe(409);

    expect(await rpc('CreateCacheEntry', { key: 'big-1', version })).toEqual({
      status: 409,
      body: { code: 'already_exists', msg: ALREADY_EXISTS },
    });
    expect((await rpc('CreateCacheEntry', { key: 'a,b', version })).status).toBe(400);
    const unauthenticated = await fetch(`${service.url}/twirp/${CACHE_SERVICE}/GetCacheEntryDownloadURL`, {
      method: 'POST',
      headers: { authorization: 'Bearer nope', 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'big-1', version }),
    });
    expect(unauthenticated.status).toBe(401);
  });
});
