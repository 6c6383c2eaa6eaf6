import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startS3Server, type S3TestServer } from '../../../test/doubles/s3.js';
import type { DvcConfig } from './config.js';
import { DigestPool } from './digest-pool.js';
import { BodyCache, fetchMissing } from './fetch.js';
import { DirMaker } from './fs-util.js';
import { cachePathOf, objectKey } from './layout.js';
import type { ObjectNeed } from './plan.js';
import { pool } from './pool.js';
import { RemoteStores } from './remotes.js';

const md5 = (...parts: Buffer[]) => {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

describe('DigestPool', () => {
  const pool = new DigestPool(2);
  afterAll(() => pool.close());

  it('gives the md5 of the chunks in order, for several objects interleaved over the workers', async () => {
    const objects = Array.from({ length: 5 }, () => [randomBytes(70_000), randomBytes(1), randomBytes(65_536)]);
    const digests = objects.map(() => pool.open()!);
    expect(digests.every((d) => d !== undefined)).toBe(true);
    for (let part = 0; part < 3; part++) objects.forEach((chunks, i) => digests[i]!.update(chunks[part]!));
    const got = await Promise.all(digests.map((d) => d.digest()));
    expect(got).toEqual(objects.map((chunks) => md5(...chunks)));
  });

  it('hashes only the bytes of a view, not the rest of the buffer it shares', async () => {
    const slab = randomBytes(4096);
    const view = slab.subarray(100, 300);
    const d = pool.open()!;
    d.update(view);
    expect(await d.digest()).toBe(md5(slab.subarray(100, 300)));
  });

  it('an empty object is the md5 of nothing; a dropped one does not disturb the others', async () => {
    const dropped = pool.open()!;
    dropped.update(Buffer.from('half of an attempt'));
    dropped.drop();
    const empty = pool.open()!;
    expect(await empty.digest()).toBe('d41d8cd98f00b204e9800998ecf8427e');
  });
});

describe('fetchMissing hashes large S3 objects in the worker', () => {
  let s3: S3TestServer;
  beforeAll(async () => {
    s3 = await startS3Server({ buckets: ['data'] });
  });
  afterAll(() => s3.stop());

  it('a 3 MB object is verified and stored byte for byte; one whose bytes do not match its md5 is corrupt and not kept', async () => {
    const base = await mkdtemp(join(tmpdir(), 'dvc-digest-'));
    const cacheDir = join(base, 'cache');
    const config: DvcConfig = {
      cacheDir,
      sharedGroup: false,
      remotes: new Map([
        [
          'storage',
          {
            name: 'storage',
            url: 's3://data/dvc',
            endpointurl: s3.endpoint,
            access_key_id: s3.accessKeyId,
            secret_access_key: s3.secretAccessKey,
          },
        ],
      ]),
      files: [],
      secrets: [],
    };
    const need = (oid: string): ObjectNeed => ({
      oid,
      hashName: 'md5',
      cachePath: cachePathOf(cacheDir, oid, 'md5'),
      key: objectKey(oid, 'md5'),
      remote: 'storage',
    });
    const good = randomBytes(3 << 20);
    const bad = randomBytes(3 << 20);
    const wrongOid = md5(Buffer.from('what the manifest promised'));
    const client = s3.client();
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: `dvc/${objectKey(md5(good), 'md5')}`, Body: good }));
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: `dvc/${objectKey(wrongOid, 'md5')}`, Body: bad }));
    const digests = new DigestPool(1);
    const stores = new RemoteStores(config, { jobs: 2 }, base);
    const [ok, corrupt] = [need(md5(good)), need(wrongOid)];
    try {
      const bytes = await fetchMissing([ok, corrupt], {
        stores,
        limit: pool(2),
        dirs: new DirMaker(),
        bodies: new BodyCache(0),
        digests,
      });
      expect(bytes).toBe(good.length);
    } finally {
      stores.close();
      await digests.close();
    }
    expect(ok.state).toBe('downloaded');
    expect((await readFile(ok.cachePath)).equals(good)).toBe(true);
    expect(corrupt.state).toBe('corrupt');
    expect((corrupt.error as Error).message).toContain(md5(bad)); // the md5 the worker computed
    await expect(readdir(dirname(corrupt.cachePath))).resolves.toEqual([]); // no temp, no object
  });
});
