/**
 * The local-folder store: what a caller sees on disk and in the errors. The small-object
 * download is one synchronous open/fstat/read (issue 15); writes go through a temporary file.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IntegrityError, ObjectNotFoundError, PreconditionFailedError, type ChunkVerifier } from './index.js';
import { LocalStore } from './local-store.js';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

let root: string;
let out: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'local-dl-store-'));
  out = await mkdtemp(join(tmpdir(), 'local-dl-out-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
});

describe('LocalStore.downloadToFile', () => {
  it('writes a small object read-only, byte for byte, and feeds the verifier the whole body', async () => {
    const body = randomBytes(4096);
    await mkdir(join(root, 'files/md5/ab'), { recursive: true });
    await writeFile(join(root, 'files/md5/ab/small'), body);
    const seen: Buffer[] = [];
    const verifier = (): ChunkVerifier => ({ update: (c) => seen.push(Buffer.from(c)), finish: () => undefined });
    const dest = join(out, 'cache/ab/small');
    const result = await new LocalStore(root).downloadToFile('files/md5/ab/small', dest, {
      mode: 0o444,
      verifier,
      verify: { algorithm: 'md5', digest: md5(body) },
    });
    expect(result.bytes).toBe(4096);
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(Buffer.concat(seen).equals(body)).toBe(true);
    expect((await stat(dest)).mode & 0o777).toBe(0o444);
    expect(await readdir(join(out, 'cache/ab'))).toEqual(['small']); // no temp file left
  });

  it('writes an empty object', async () => {
    await writeFile(join(root, 'empty'), '');
    const dest = join(out, 'empty');
    expect(
      await new LocalStore(root).downloadToFile('empty', dest, {
        verify: { algorithm: 'md5', digest: md5(Buffer.alloc(0)) },
      }),
    ).toEqual({ bytes: 0 });
    expect((await stat(dest)).size).toBe(0);
  });

  it('refuses a corrupt small object with the object URL, leaving nothing at the destination', async () => {
    await writeFile(join(root, 'corrupt'), 'not what the manifest says');
    const dest = join(out, 'corrupt');
    const error = await new LocalStore(root)
      .downloadToFile('corrupt', dest, { verify: { algorithm: 'md5', digest: md5(Buffer.from('other')) } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as Error).message).toContain(pathToFileURL(join(root, 'corrupt')).href);
    expect(await readdir(out)).not.toContain('corrupt');
    expect((await readdir(out)).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('reports a missing object, or a folder where the object should be, as not found', async () => {
    await mkdir(join(root, 'a-folder'), { recursive: true });
    for (const key of ['no/such/object', 'a-folder']) {
      const error = await new LocalStore(root).downloadToFile(key, join(out, 'x'), {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ObjectNotFoundError);
      expect((error as Error).message).toContain(pathToFileURL(join(root, key)).href);
    }
    expect(await readdir(out)).not.toContain('x');
  });

  it('refuses a FIFO at the object path at once instead of waiting on it', async () => {
    const fifo = join(root, 'a-fifo');
    if (spawnSync('mkfifo', [fifo]).status !== 0) throw new Error('mkfifo is needed for this test');
    const error = await new LocalStore(root).downloadToFile('a-fifo', join(out, 'fifo'), {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectNotFoundError);
    expect(await readdir(out)).not.toContain('fifo');
  });

  it('streams an object over 1 MiB the same way', async () => {
    const body = randomBytes((1 << 20) + 17);
    await writeFile(join(root, 'large'), body);
    const dest = join(out, 'large');
    await new LocalStore(root).downloadToFile('large', dest, { verify: { algorithm: 'md5', digest: md5(body) } });
    expect((await readFile(dest)).equals(body)).toBe(true);
  });
});

describe('local folder conditional writes', () => {
  it('exclusive create: exactly one of many racing writers wins', async () => {
    const store = new LocalStore(await mkdtemp(join(tmpdir(), 'cas-')));
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => store.put('claim', `writer ${i}`, { ifNoneMatch: '*' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(PreconditionFailedError);
  });

  it('compare-and-swap: a stale etag loses, the current one wins', async () => {
    const store = new LocalStore(await mkdtemp(join(tmpdir(), 'cas-')));
    const first = await store.put('alias.json', '{"v":1}');
    const second = await store.put('alias.json', '{"v":2}', { ifMatch: first.etag });
    await expect(store.put('alias.json', '{"v":3}', { ifMatch: first.etag })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    await store.put('alias.json', '{"v":3}', { ifMatch: second.etag });
    expect((await store.getBytes('alias.json'))?.body.toString()).toBe('{"v":3}');
  });
});

const fresh = async () => new LocalStore(await mkdtemp(join(tmpdir(), 'local-store-')));
const readAll = async (stream: AsyncIterable<unknown>) => {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};
const keysOf = async (store: LocalStore, prefix: string) => {
  const keys: [string, number][] = [];
  for await (const info of store.list(prefix)) keys.push([info.key, info.size]);
  return keys;
};

describe('LocalStore reads', () => {
  it('a key that runs through an object is absent, as S3 answers (no raw ENOTDIR)', async () => {
    const store = await fresh();
    await store.put('a', 'x');
    expect(await store.head('a/b')).toBeUndefined();
    expect(await store.getBytes('a/b')).toBeUndefined();
    await expect(store.get('a/b')).rejects.toBeInstanceOf(ObjectNotFoundError);
    const out = join(await mkdtemp(join(tmpdir(), 'notdir-')), 'out');
    await expect(store.downloadToFile('a/b', out)).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('refuses to list a prefix that climbs out of the store', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'list-out-'));
    await mkdir(join(parent, 'secret'));
    await writeFile(join(parent, 'secret', 'id_rsa'), 'key');
    await mkdir(join(parent, 'store'));
    const store = new LocalStore(join(parent, 'store'));
    await expect(keysOf(store, '../secret/')).rejects.toThrow();
  });

  it('heads a file by its size; a folder or a missing key is absent', async () => {
    const store = await fresh();
    await store.put('x/a.json', '{"a":1}');
    expect(await store.head('x/a.json')).toEqual({ key: 'x/a.json', size: 7 });
    expect(await store.head('x')).toBeUndefined();
    expect(await store.head('x/none')).toBeUndefined();
  });

  it('streams an object, and names the missing one by its file URL', async () => {
    const store = await fresh();
    const body = randomBytes(3 * 1024 * 1024 + 1);
    await store.put('big.bin', body);
    expect((await readAll(await store.get('big.bin'))).equals(body)).toBe(true);
    const error = await store.get('no/such').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectNotFoundError);
    expect((error as ObjectNotFoundError).url).toBe(pathToFileURL(join(store.root, 'no/such')).href);
  });

  it('gives the bytes with an S3-style etag (the quoted md5), or undefined when absent', async () => {
    const store = await fresh();
    const { etag } = await store.put('k', 'foo');
    // md5("foo"), RFC 1321's test suite style value
    expect(etag).toBe('"acbd18db4cc2f85cedef654fccc4a4d8"');
    expect(await store.getBytes('k')).toEqual({ body: Buffer.from('foo'), etag });
    expect(await store.getBytes('missing')).toBeUndefined();
  });

  it('points URLs at the file, percent-encoding what a URL cannot hold', async () => {
    const store = new LocalStore(`${root}/`);
    expect(store.root).toBe(root);
    expect(store.location).toBe(root);
    expect(store.urlOf('a b/c#1.json')).toBe(`${pathToFileURL(root).href}/a%20b/c%231.json`);
  });
});

describe('LocalStore writes', () => {
  it('creates the folders of a nested key and leaves no temporary file beside it', async () => {
    const store = await fresh();
    await store.put('models/iris/1/manifest.json', Buffer.from('{}'));
    expect(await readFile(join(store.root, 'models/iris/1/manifest.json'), 'utf8')).toBe('{}');
    expect(await readdir(join(store.root, 'models/iris/1'))).toEqual(['manifest.json']);
  });

  it("an exclusive create that loses leaves the winner's bytes and no temporary file", async () => {
    const store = await fresh();
    await store.put('claim', 'first', { ifNoneMatch: '*' });
    const error = await store.put('claim', 'second', { ifNoneMatch: '*' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect((error as PreconditionFailedError).condition).toBe('if-none-match');
    expect((error as PreconditionFailedError).url).toBe(store.urlOf('claim'));
    expect(await readFile(join(store.root, 'claim'), 'utf8')).toBe('first');
    expect(await readdir(store.root)).toEqual(['claim']);
  });

  it('a compare-and-swap on a key that does not exist loses, and releases its lock', async () => {
    const store = await fresh();
    const error = await store.put('alias.json', '{}', { ifMatch: '"abc"' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect((error as PreconditionFailedError).condition).toBe('if-match');
    expect(await readdir(store.root)).toEqual([]);
  });

  it('takes over a lock left by a killed writer once it is stale (older than 30 s)', async () => {
    const store = await fresh();
    const { etag } = await store.put('alias.json', '{"v":1}');
    const lock = join(store.root, 'alias.json.lock');
    await writeFile(lock, '99999');
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    await store.put('alias.json', '{"v":2}', { ifMatch: etag });
    expect(await readFile(join(store.root, 'alias.json'), 'utf8')).toBe('{"v":2}');
    expect(await readdir(store.root)).toEqual(['alias.json']);
  });

  it('uploads a file byte for byte, reporting its size, without a temporary file left', async () => {
    const store = await fresh();
    const source = join(out, 'upload.bin');
    const body = randomBytes(100_000);
    await writeFile(source, body);
    const seen: number[] = [];
    expect(await store.putFile('m/model.onnx', source, { onBytes: (n) => seen.push(n) })).toEqual({});
    expect((await readFile(join(store.root, 'm/model.onnx'))).equals(body)).toBe(true);
    expect(seen).toEqual([body.length]);
    expect(await readdir(join(store.root, 'm'))).toEqual(['model.onnx']);
  });

  it('deletes an object; deleting an absent one is not an error', async () => {
    const store = await fresh();
    await store.put('a', 'x');
    await store.delete('a');
    await store.delete('a');
    expect(await store.head('a')).toBeUndefined();
  });
});

describe('LocalStore.list', () => {
  it('lists files under a prefix in key order, skipping temporary and lock files', async () => {
    const store = await fresh();
    for (const key of ['v/b', 'v/a/2', 'v/a/10', 'v/c.json', 'w/x']) await store.put(key, key);
    await writeFile(join(store.root, 'v', 'c.json.tmp-0123456789ab'), 'partial');
    await writeFile(join(store.root, 'v', 'c.json.lock'), '1');
    const expected: [string, number][] = [
      ['v/a/10', 6],
      ['v/a/2', 5],
      ['v/b', 3],
      ['v/c.json', 8],
    ];
    expect(await keysOf(store, 'v/')).toEqual(expected);
    expect(await keysOf(store, 'v')).toEqual(expected);
    expect((await keysOf(store, '')).map(([k]) => k)).toEqual(['v/a/10', 'v/a/2', 'v/b', 'v/c.json', 'w/x']);
  });

  it('lists nothing under a prefix that does not exist or names a file', async () => {
    const store = await fresh();
    await store.put('file', 'x');
    expect(await keysOf(store, 'none/')).toEqual([]);
    expect(await keysOf(store, 'file/')).toEqual([]);
    expect(await keysOf(new LocalStore(join(store.root, 'no-root')), '')).toEqual([]);
  });
});
