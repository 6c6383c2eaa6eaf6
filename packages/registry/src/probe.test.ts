import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@mlops-gha/common';
import { openStore, type ObjectStore, type PutOptions } from '@mlops-gha/storage';
import { startConditionalS3Server, type ConditionalS3Server } from '../../../test/doubles/s3-conditional.js';
import { startS3Server, type S3TestServer } from '../../../test/doubles/s3.js';
import { ConditionalWritesUnsupportedError, probeConditionalWrites } from './probe.js';

let work: string;
let plain: S3TestServer;
let conditional: ConditionalS3Server;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'registry-probe-'));
  [plain, conditional] = await Promise.all([
    startS3Server({ buckets: ['models'] }),
    startConditionalS3Server({ buckets: ['models'] }),
  ]);
});
afterAll(async () => {
  await Promise.all([plain.stop(), conditional.stop()]);
  await rm(work, { recursive: true, force: true });
});

const s3 = (server: S3TestServer, url = 's3://models/reg') =>
  openStore(url, {
    endpoint: server.endpoint,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });

async function keys(store: ObjectStore): Promise<string[]> {
  const out: string[] = [];
  for await (const o of store.list('')) out.push(o.key);
  return out;
}

/** A folder store that drops one condition from every put: a store that ignores that header. */
function ignoring(location: string, header: keyof PutOptions): ObjectStore {
  const inner = openStore(location);
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'put')
        return (key: string, body: Buffer | string, options: PutOptions = {}) =>
          target.put(key, body, { ...options, [header]: undefined });
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const FIX =
  'Use a store that implements S3 conditional writes (If-None-Match: * and If-Match on PutObject): AWS S3, ' +
  'MinIO (2023 or newer), Cloudflare R2, or a local/shared folder as `registry`. s3rver and the GCS XML API ignore them.';

describe('probeConditionalWrites', () => {
  it('passes on a folder and leaves nothing behind', async () => {
    const location = join(work, 'folder');
    const store = openStore(location);
    await probeConditionalWrites(store);
    expect(await keys(store)).toEqual([]);
    expect(await readdir(join(location, '.registry-probe')).catch(() => [])).toEqual([]);
  });

  it('passes on S3 that honours If-None-Match and If-Match (two refusals answered), leaving the bucket empty', async () => {
    const store = s3(conditional);
    const refusedBefore = conditional.stats.refused;
    await probeConditionalWrites(store);
    expect(conditional.stats.refused - refusedBefore).toBe(2);
    expect(await keys(store)).toEqual([]);
    store.close();
  });

  it('refuses s3rver, which overwrites on a second exclusive create, naming the store; the probe object is deleted', async () => {
    const store = s3(plain);
    const error = (await probeConditionalWrites(store).catch((e: unknown) => e)) as ConditionalWritesUnsupportedError;
    expect(error).toBeInstanceOf(ConditionalWritesUnsupportedError);
    expect(error).toBeInstanceOf(UserError);
    expect(error.name).toBe('ConditionalWritesUnsupportedError');
    expect(error.storeLocation).toBe(store.location);
    expect(error.message).toBe(
      `The store ${store.location} does not honour conditional writes (a second PUT with If-None-Match: * overwrote ` +
        'an existing object instead of failing with 412). The registry needs them to claim version numbers and move ' +
        'aliases safely, so nothing was written.',
    );
    expect(error.fix).toBe(FIX);
    expect(error.title).toBe('Registry store lacks conditional writes');
    expect(await keys(store)).toEqual([]);
    store.close();
  });

  it('refuses a store that honours exclusive creates but ignores If-Match', async () => {
    const store = ignoring(join(work, 'no-if-match'), 'ifMatch');
    await expect(probeConditionalWrites(store)).rejects.toThrow(
      'a PUT with a stale If-Match etag overwrote the object instead of failing with 412',
    );
    expect(await keys(store)).toEqual([]);
  });

  it('a store where the first create fails is refused with that failure, and nothing is deleted', async () => {
    const store = s3(conditional, 's3://no-such-bucket/reg');
    const error = (await probeConditionalWrites(store).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ConditionalWritesUnsupportedError);
    expect(error.message).toMatch(
      /^The store s3:\/\/no-such-bucket\/reg does not honour conditional writes \(a create with If-None-Match: \* failed: /,
    );
    store.close();
  });

  it('a conditional write failing otherwise than with 412 is refused with that failure, and the probe is cleaned up', async () => {
    const inner = openStore(join(work, 'flaky'));
    let puts = 0;
    const store = new Proxy(inner, {
      get(target, property, receiver) {
        if (property === 'put')
          return async (...args: Parameters<ObjectStore['put']>) => {
            if (++puts === 2) throw new Error('501 NotImplemented');
            return target.put(...args);
          };
        const value = Reflect.get(target, property, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    await expect(probeConditionalWrites(store)).rejects.toThrow(
      `The store ${inner.location} does not honour conditional writes (a conditional write failed with 501 NotImplemented)`,
    );
    expect(await keys(inner)).toEqual([]);
  });
});
