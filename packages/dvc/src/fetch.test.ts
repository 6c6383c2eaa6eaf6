/**
 * fetch.ts: what the cache already holds (DVC facts sheet §7: a read-only cache file is
 * trusted, any other is re-hashed and deleted when corrupt), and the download of the rest
 * from a local-folder remote, each object verified before it lands read-only in the cache.
 * Hashes here come from node:crypto, never from this package.
 */
import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ObjectNotFoundError } from '@mlops-gha/storage';
import type { DvcConfig } from './config.js';
import { BodyCache, checkCache, fetchMissing, storeDirObjects, writeObject, type FetchContext } from './fetch.js';
import { DirMaker } from './fs-util.js';
import type { HashName } from './hash.js';
import { cachePathOf, objectKey } from './layout.js';
import type { ObjectNeed, OutputPlan } from './plan.js';
import { pool } from './pool.js';
import { RemoteStores } from './remotes.js';

/** The shared corpus of real DVC projects, read in place (never copied into the repository). */
const corpusDir =
  process.env.DVC_CORPUS_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus/dvc');

const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');
const crlfToLf = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');

async function setup(remoteUrl?: string) {
  const base = await mkdtemp(join(tmpdir(), 'dvc-fetch-'));
  const cacheDir = join(base, 'cache');
  const remote = remoteUrl ?? join(base, 'remote');
  if (!remoteUrl) await mkdir(remote);
  const config: DvcConfig = {
    cacheDir,
    sharedGroup: false,
    remotes: new Map([['storage', { name: 'storage', url: remote }]]),
    files: [],
    secrets: [],
  };
  const stores = new RemoteStores(config, { jobs: 2 }, base);
  const need = (oid: string, hashName: HashName = 'md5'): ObjectNeed => ({
    oid,
    hashName,
    cachePath: cachePathOf(cacheDir, oid, hashName),
    key: objectKey(oid, hashName),
    remote: 'storage',
  });
  const put = async (root: string, o: ObjectNeed, body: Buffer | string) => {
    const path = root === cacheDir ? o.cachePath : join(remote, o.key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
    return path;
  };
  const fetched: ObjectNeed[] = [];
  const ctx = (bodies = new BodyCache(1 << 20)): FetchContext => ({
    stores,
    limit: pool(2),
    dirs: new DirMaker(),
    bodies,
    onFetched: (o) => fetched.push(o),
  });
  return { cacheDir, remote, need, put, ctx, fetched };
}
const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('BodyCache', () => {
  it('hands a body out once, within its byte budget; a budget of 0 keeps nothing', () => {
    const a = { oid: 'a' } as ObjectNeed;
    const b = { oid: 'b' } as ObjectNeed;
    const c = { oid: 'c' } as ObjectNeed;
    const cache = new BodyCache(10);
    cache.offer(a, Buffer.alloc(6));
    cache.offer(b, Buffer.alloc(5)); // 6 + 5 > 10: not kept
    expect(cache.take(b)).toBeUndefined();
    expect(cache.take(a)).toHaveLength(6);
    expect(cache.take(a)).toBeUndefined(); // once
    cache.offer(c, Buffer.alloc(10)); // the budget came back with the take
    expect(cache.take(c)).toHaveLength(10);
    const none = new BodyCache(0);
    none.offer(a, Buffer.alloc(1));
    expect(none.take(a)).toBeUndefined();
  });
});

describe('writeObject / storeDirObjects', () => {
  it('writes an object read-only through a temp file, making its folders', async () => {
    const { cacheDir } = await setup();
    const path = join(cacheDir, 'files/md5/ab/cdef');
    await writeObject(path, Buffer.from('bytes'), new DirMaker());
    expect(await readFile(path, 'utf8')).toBe('bytes');
    expect(await mode(path)).toBe(0o444);
    expect(await readdir(dirname(path))).toEqual(['cdef']); // no temp file left
  });

  it('stores only the .dir manifests that came from the remote, and lets go of their bytes', async () => {
    const { need } = await setup();
    const downloaded = { ...need(`${md5('[]')}.dir`), state: 'downloaded' as const };
    const cached = { ...need(`${md5('x')}.dir`), state: 'cached' as const };
    const plans = [
      { dirObject: downloaded, dirBytes: Buffer.from('[]') },
      { dirObject: cached, dirBytes: Buffer.from('x') },
    ] as OutputPlan[];
    await storeDirObjects(plans, new DirMaker());
    expect(await readFile(downloaded.cachePath, 'utf8')).toBe('[]');
    expect(await mode(downloaded.cachePath)).toBe(0o444);
    await expect(stat(cached.cachePath)).rejects.toThrow(/ENOENT/);
    expect(plans.map((p) => p.dirBytes)).toEqual([undefined, undefined]);
  });
});

describe('checkCache', () => {
  it('trusts a read-only cache file without reading it, as DVC does', async () => {
    const { cacheDir, need, put } = await setup();
    const o = need(md5('good'));
    await chmod(await put(cacheDir, o, 'not the bytes its name says'), 0o444);
    await checkCache([o], pool(2));
    expect([o.state, o.size]).toEqual(['cached', 27]);
  });

  it('re-hashes a writable cache file: kept and made read-only when it matches, deleted when not', async () => {
    const { cacheDir, need, put } = await setup();
    const good = need(md5('good'));
    const bad = need(md5('expected'));
    await put(cacheDir, good, 'good');
    await put(cacheDir, bad, 'tampered');
    await checkCache([good, bad], pool(2));
    expect([good.state, good.size, await mode(good.cachePath)]).toEqual(['cached', 4, 0o444]);
    expect(bad.state).toBeUndefined();
    await expect(stat(bad.cachePath)).rejects.toThrow(/ENOENT/);
  });

  it('accepts a writable DVC 2 text object under its dos2unix name', async () => {
    const { cacheDir, need, put } = await setup();
    const crlf = Buffer.from('a,b\r\n1,2\r\n');
    const o = need(md5(crlfToLf(crlf)), 'md5-dos2unix');
    await put(cacheDir, o, crlf);
    await checkCache([o], pool(1));
    expect([o.state, o.size]).toEqual(['cached', crlf.length]);
    expect(await readFile(o.cachePath)).toEqual(crlf);
  });

  it('leaves absent objects, and a folder where an object should be, unmarked', async () => {
    const { need } = await setup();
    const absent = need(md5('absent'));
    const folder = need(md5('folder'));
    await mkdir(folder.cachePath, { recursive: true });
    await checkCache([absent, folder], pool(2));
    expect([absent.state, folder.state]).toEqual([undefined, undefined]);
  });
});

describe('fetchMissing', () => {
  it('downloads what the cache lacks, read-only, byte for byte, and counts the bytes', async () => {
    const { remote, need, put, ctx, fetched } = await setup();
    const a = need(md5('alpha'));
    const b = need(md5('beta!'));
    const already = { ...need(md5('cached')), state: 'cached' as const };
    await put(remote, a, 'alpha');
    await put(remote, b, 'beta!');
    const context = ctx();
    expect(await fetchMissing([a, b, already], context)).toBe(10);
    expect([a.state, a.size, b.state, b.size]).toEqual(['downloaded', 5, 'downloaded', 5]);
    expect(await readFile(a.cachePath, 'utf8')).toBe('alpha');
    expect(await mode(a.cachePath)).toBe(0o444);
    expect(fetched.map((o) => o.oid).sort()).toEqual([a.oid, b.oid].sort());
    expect(context.bodies.take(a)?.toString()).toBe('alpha'); // kept for the workspace copy
    expect(already.state).toBe('cached'); // not fetched again
  });

  it('records a missing object as `missing` and a wrong one as `corrupt`, leaving nothing in the cache', async () => {
    const { remote, need, put, ctx, fetched } = await setup();
    const missing = need(md5('never pushed'));
    const corrupt = need(md5('the real bytes'));
    await put(remote, corrupt, 'other bytes');
    expect(await fetchMissing([missing, corrupt], ctx())).toBe(0);
    expect(missing.state).toBe('missing');
    expect((missing.error as Error).name).toBe('ObjectNotFoundError');
    expect(corrupt.state).toBe('corrupt');
    expect((corrupt.error as Error).name).toBe('IntegrityError');
    expect((corrupt.error as Error).message).toBe(
      `Corrupt object file://${join(remote, corrupt.key)}: its md5 is ${md5('other bytes')}, expected ${corrupt.oid}`,
    );
    await expect(stat(corrupt.cachePath)).rejects.toThrow(/ENOENT/);
    expect(fetched).toEqual([]);
  });

  it('accepts CRLF bytes under their DVC 2 name only for a DVC 2 object, naming both digests when wrong', async () => {
    const { remote, need, put, ctx } = await setup();
    const crlf = Buffer.from('x\r\ny\r\n');
    const legacy = need(md5(crlfToLf(crlf)), 'md5-dos2unix');
    const modern = need(md5(crlfToLf(crlf)), 'md5');
    await put(remote, legacy, crlf);
    await put(remote, modern, crlf);
    await fetchMissing([legacy, modern], ctx());
    expect(legacy.state).toBe('downloaded');
    expect(await readFile(legacy.cachePath)).toEqual(crlf); // stored as pushed
    expect(modern.state).toBe('corrupt');

    const wrong = need(md5('expected'), 'md5-dos2unix');
    await put(remote, wrong, 'a\r\n');
    await fetchMissing([wrong], ctx());
    expect((wrong.error as Error).message).toContain(`${md5('a\n')} (dos2unix), ${md5('a\r\n')} (raw)`);
  });

  it('an object whose path runs through a file on the remote is `missing` (as S3 answers 404); nothing to fetch answers 0', async () => {
    const { remote, need, ctx } = await setup();
    const o = need(md5('x'));
    await writeFile(join(remote, 'files'), 'a file where the files/ folder should be'); // reads fail: ENOTDIR
    await fetchMissing([o], ctx());
    expect(o.state).toBe('missing');
    expect(o.error).toBeInstanceOf(ObjectNotFoundError);
    expect(await fetchMissing([], ctx())).toBe(0);
  });
});

describe('fetchMissing on real objects from the corpus (remotes read in place)', () => {
  it('takes DVC 2 CRLF objects by their dos2unix names and binary ones by their raw md5, byte for byte', async () => {
    // fmqbl/dvc-test: a DVC 2 cache (legacy layout) used as the remote
    const { need, ctx } = await setup(join(corpusDir, 'fmqbl__dvc-test/.dvc/cache'));
    const train = need('61fdd54abdbf6a85b778e937122e1194', 'md5-dos2unix'); // data/train.csv, CRLF
    const test = need('029c9cd22461f6dbe8d9ab01def965c6', 'md5-dos2unix'); // data/test.csv, CRLF
    const pkl = need('c00ffdbb3c3104119af756a8c46c013c', 'md5-dos2unix'); // data/test_prepared.pkl, binary
    // sizes from the project's dvc.lock
    expect(await fetchMissing([train, test, pkl], ctx(new BodyCache(0)))).toBe(61194 + 28629 + 32555);
    expect([train.state, test.state, pkl.state]).toEqual(['downloaded', 'downloaded', 'downloaded']);
    // the raw md5 DVC 3 recorded for the same Titanic train.csv in another repository
    expect(md5(await readFile(train.cachePath))).toBe('2309cc5f04782ed9bb6016d9f4e381cf');
    expect(md5(await readFile(pkl.cachePath))).toBe(pkl.oid);
  });

  it("refuses a remote whose CSVs git's autocrlf rewrote: corrupt, nothing in the cache", async () => {
    // AmineHached/MLops-with-Titanic-dataset: DVC 3 names, bytes stored with LF by git (60302 of 61194 bytes)
    const { need, ctx } = await setup(
      join(corpusDir, 'AmineHached__MLops-with-Titanic-dataset__AUTOCRLF-NEGATIVE/dvc_remote'),
    );
    const train = need('2309cc5f04782ed9bb6016d9f4e381cf', 'md5');
    expect(await fetchMissing([train], ctx())).toBe(0);
    expect(train.state).toBe('corrupt');
    expect((train.error as Error).message).toMatch(
      /^Corrupt object file:\/\/.*\/dvc_remote\/files\/md5\/23\/09cc5f04782ed9bb6016d9f4e381cf: its md5 is [0-9a-f]{32}, expected 2309cc5f04782ed9bb6016d9f4e381cf$/,
    );
    await expect(stat(train.cachePath)).rejects.toThrow(/ENOENT/);
  });
});
