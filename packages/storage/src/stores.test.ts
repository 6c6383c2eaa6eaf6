import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFaultProxy } from '../../../test/doubles/s3-faults.js';
import { startS3Server, type S3TestServer } from '../../../test/doubles/s3.js';
import {
  IntegrityError,
  ObjectNotFoundError,
  openStore,
  type ObjectStore,
} from './index.js';

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

describe.each(['redirect', 'authorization'] as const)(
  'S3 bucket in another region than the client was told (%s answer)',
  (regionError) => {
    const afterCleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const f of afterCleanup.splice(0)) await f();
    });
    it('follows the region S3 names, for small and streamed downloads, listings, heads and uploads', async () => {
      const proxy = await startFaultProxy(s3.endpoint, { bucketRegion: 'eu-west-1', regionError });
      afterCleanup.push(() => proxy.stop());
      // seed through s3rver itself (any region), then read and write through the "eu-west-1" front
      const seed = openStore('s3://bucket/regions', {
        endpoint: s3.endpoint,
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      });
      const small = randomBytes(10_000);
      const large = randomBytes(3 * 1024 * 1024 + 5);
      const objects = Array.from({ length: 12 }, (_, i) => randomBytes(100 + i));
      await seed.put('small.bin', small);
      await seed.put('large.bin', large);
      for (const [i, b] of objects.entries()) await seed.put(`many/${i}`, b);
      seed.close();

      const store = openStore('s3://bucket/regions', {
        endpoint: proxy.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      });
      const dir = await mkdtemp(join(tmpdir(), 'region-'));
      // concurrent first requests: every one that is answered "elsewhere" retries in the named region
      await Promise.all(
        objects.map((b, i) =>
          store.downloadToFile(`many/${i}`, join(dir, `m${i}`), { verify: { algorithm: 'md5', digest: md5(b) } }),
        ),
      );
      for (const [i, b] of objects.entries()) expect((await readFile(join(dir, `m${i}`))).equals(b)).toBe(true);
      const afterFirst = proxy.injected.regionErrors;
      expect(afterFirst).toBeGreaterThanOrEqual(1);
      expect(afterFirst).toBeLessThanOrEqual(objects.length);
      await store.downloadToFile('small.bin', join(dir, 'small.bin'), {
        verify: { algorithm: 'md5', digest: md5(small) },
      });
      await store.downloadToFile('large.bin', join(dir, 'large.bin'), {
        verify: { algorithm: 'md5', digest: md5(large) },
      });
      expect((await readFile(join(dir, 'large.bin'))).equals(large)).toBe(true);
      // later GETs go straight to the bucket's region, and so do the SDK's operations of this store
      expect(proxy.injected.regionErrors).toBe(afterFirst);
      expect((await store.getBytes('small.bin'))?.body.equals(small)).toBe(true);
      expect(await store.head('small.bin')).toMatchObject({ size: small.length });
      const keys: string[] = [];
      for await (const info of store.list('many/')) keys.push(info.key);
      expect(keys).toHaveLength(objects.length);
      const file = join(dir, 'upload.bin');
      await writeFile(file, large);
      await store.putFile('uploaded.bin', file);
      expect(await store.head('uploaded.bin')).toMatchObject({ size: large.length });
      expect(proxy.injected.regionErrors).toBe(afterFirst);

      // a store whose first request is an SDK operation (an upload) learns the region the same way
      const writer = openStore('s3://bucket/regions', {
        endpoint: proxy.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      });
      await writer.putFile('uploaded-2.bin', file);
      expect(proxy.injected.regionErrors).toBe(afterFirst + 1);
      expect((await writer.getBytes('uploaded-2.bin'))?.body.equals(large)).toBe(true);
      await writer.downloadToFile('small.bin', join(dir, 'small-2.bin'), {
        verify: { algorithm: 'md5', digest: md5(small) },
      });
      expect(proxy.injected.regionErrors).toBe(afterFirst + 1);
      writer.close();
      store.close();
    });
  },
);
