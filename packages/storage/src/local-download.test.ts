/**
 * The local store's small-object download (one synchronous open/fstat/read, issue 15) and the
 * key check that runs per object: what a caller sees on disk and in the errors.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IntegrityError, LocalStore, ObjectNotFoundError, type ChunkVerifier } from './index.js';
import { checkKey } from './keys.js';

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

describe('checkKey', () => {
  it.each(['', '/', '/a', 'a/', 'a//b', '.', '..', './a', 'a/.', 'a/..', 'a/../b', 'a/./b', 'a\\b', 'a\0b', '//'])(
    'refuses %j with the fix',
    (key) => {
      expect(() => checkKey(key)).toThrow(/Refusing the storage key .*keys must be relative paths/);
      expect(() => new LocalStore(root).urlOf(key)).toThrow(/Refusing the storage key/);
    },
  );
  it.each(['a', 'a/b', '.a', 'a/.b', '..a', 'a/...', '...', 'files/md5/ab/cdef.dir', 'a b/c'])('accepts %j', (key) => {
    expect(checkKey(key)).toBe(key);
    expect(new LocalStore(root).urlOf(key)).toBe(pathToFileURL(join(root, key)).href);
  });
});
