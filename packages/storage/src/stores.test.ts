/**
 * The ObjectStore contract, run against both implementations (a local folder and S3 through
 * s3rver): what every caller may rely on whichever store a URL opens. Behaviour particular to
 * one store is in local-store.test.ts and s3-store.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startS3Server, type S3TestServer } from '../../../test/doubles/s3.js';
import { IntegrityError, ObjectNotFoundError, openStore, type ObjectStore } from './index.js';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

let s3: S3TestServer;
let localRoot: string;
beforeAll(async () => {
  s3 = await startS3Server({ buckets: ['bucket'] });
  localRoot = await mkdtemp(join(tmpdir(), 'store-'));
});
afterAll(() => s3.stop());

const stores: [string, () => ObjectStore][] = [
  ['local folder', () => openStore(localRoot)],
  [
    'S3 (s3rver)',
    () =>
      openStore('s3://bucket/some/prefix', {
        endpoint: s3.endpoint,
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      }),
  ],
];

describe.each(stores)('%s store', (_name, make) => {
  it('puts, heads, lists, gets, downloads with verification and deletes', async () => {
    const store = make();
    const big = randomBytes(3 * 1024 * 1024 + 17);
    await store.put('x/a.json', '{"a":1}');
    await store.put('x/b/big.bin', big);
    expect(await store.head('x/a.json')).toMatchObject({ key: 'x/a.json', size: 7 });
    expect(await store.head('x/missing')).toBeUndefined();
    const keys = [];
    for await (const info of store.list('x/')) keys.push([info.key, info.size]);
    expect(keys).toEqual([
      ['x/a.json', 7],
      ['x/b/big.bin', big.length],
    ]);
    expect((await store.getBytes('x/a.json'))?.body.toString()).toBe('{"a":1}');
    const dest = join(await mkdtemp(join(tmpdir(), 'dl-')), 'nested', 'big.bin');
    const seen: number[] = [];
    await store.downloadToFile('x/b/big.bin', dest, {
      verify: { algorithm: 'md5', digest: md5(big) },
      onBytes: (n) => seen.push(n),
      mode: 0o444,
    });
    expect((await readFile(dest)).equals(big)).toBe(true);
    expect(seen.reduce((a, b) => a + b, 0)).toBe(big.length);
    expect((await stat(dest)).mode & 0o777).toBe(0o444);
    await store.delete('x/a.json');
    expect(await store.head('x/a.json')).toBeUndefined();
    store.close();
  });

  it('refuses bytes that do not match the expected digest and leaves nothing behind', async () => {
    const store = make();
    await store.put('y/obj', 'real bytes');
    const dir = await mkdtemp(join(tmpdir(), 'dl-'));
    await expect(
      store.downloadToFile('y/obj', join(dir, 'obj'), {
        verify: { algorithm: 'md5', digest: md5(Buffer.from('other bytes')) },
      }),
    ).rejects.toBeInstanceOf(IntegrityError);
    expect(await readdir(dir)).toEqual([]);
    await expect(store.downloadToFile('y/none', join(dir, 'none'))).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(await readdir(dir)).toEqual([]);
    store.close();
  });

  it('refuses keys that climb out of the store', async () => {
    const store = make();
    for (const key of ['../etc/passwd', '/abs', 'a/../../b', 'a//b', 'a\\b']) {
      await expect(store.put(key, 'x')).rejects.toThrow(/Refusing the storage key/);
    }
    store.close();
  });
});
