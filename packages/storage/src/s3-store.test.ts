/**
 * S3Store: the SDK operations, the lean download path's one retry layer and its typed
 * failures, the bucket's region, conditional writes. Against s3rver (with a proxy that
 * honours If-None-Match / If-Match) and a scripted S3 that counts requests.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { startConditionalS3Server, type ConditionalS3Server } from '../../../test/doubles/s3-conditional.js';
import { startFaultProxy } from '../../../test/doubles/s3-faults.js';
import { startScriptedS3, type ScriptedS3 } from '../../../test/doubles/s3-scripted.js';
import type { S3TestServer } from '../../../test/doubles/s3.js';
import { ObjectNotFoundError, openStore, PreconditionFailedError, StoreFailure, type ObjectStore } from './index.js';
import { parseS3Url, S3Store } from './s3-store.js';

// Small sizes so that the ranged path runs on a few MB (production: 256 MiB cutoff, 8 MiB parts).
const PART_SIZE = 1024 * 1024;
const ranges = { cutoff: PART_SIZE, partSize: PART_SIZE };

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

let s3: ScriptedS3;
/** s3rver behind a proxy that honours conditional writes; `s3rver` is the plain server behind it. */
let conditional: ConditionalS3Server;
let s3rver: S3TestServer;
let store: ObjectStore;
const big = randomBytes(2 * PART_SIZE + 12345); // three parts, the last one short
beforeAll(async () => {
  s3 = await startScriptedS3();
  conditional = await startConditionalS3Server({ buckets: ['bucket'] });
  s3rver = conditional.upstream;
});
afterAll(async () => {
  store?.close();
  await s3.stop();
  await conditional.stop();
});
beforeEach(() => {
  s3.mode = 'normal';
  s3.requests.length = 0;
  s3.put('p/big', big);
  store?.close();
  store = openStore('s3://bucket/p', { endpoint: s3.endpoint, credentials, region: 'us-east-1', ranges });
});

async function dest(): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'ranged-'));
  return { dir, file: join(dir, 'out') };
}

async function failureOf(p: Promise<unknown>): Promise<Error> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (!error) throw new Error('expected a failure');
  return error;
}

describe('typed failures and one retry layer', () => {
  it('a dead endpoint receives exactly 5 attempts for one object, then the failure says unreachable', async () => {
    s3.mode = 'dead';
    const { file } = await dest();
    const error = await failureOf(store.downloadToFile('big', file));
    expect(error).toBeInstanceOf(StoreFailure);
    expect((error as StoreFailure).kind).toBe('unreachable');
    expect((error as StoreFailure).title).toBe('Storage endpoint unreachable');
    expect((error as StoreFailure).fix).toMatch(/endpoint-url/);
    expect(s3.requests).toHaveLength(5);
  });

  it('many objects against a dead endpoint: a bounded total, every one failing as unreachable', async () => {
    s3.mode = 'dead';
    const { dir } = await dest();
    const limit = pLimit(4);
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    const errors = await Promise.all(keys.map((k) => limit(() => failureOf(store.downloadToFile(k, join(dir, k))))));
    expect(errors.every((e) => e instanceof StoreFailure && e.kind === 'unreachable')).toBe(true);
    // 4 in flight x 5 attempts at most; without the shared failure it would be 40 x 5
    expect(s3.requests.length).toBeLessThanOrEqual(4 * 5);
  });

  it('a port nobody listens on is unreachable, naming the endpoint', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const dead = openStore('s3://bucket/p', { endpoint: `http://127.0.0.1:${port}`, credentials });
    const { file } = await dest();
    const error = (await failureOf(dead.downloadToFile('big', file))) as StoreFailure;
    dead.close();
    expect(error.kind).toBe('unreachable');
    expect(error.message).toContain(`http://127.0.0.1:${port}`);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('403: refused credentials, not retried, saying where the credentials came from', async () => {
    s3.mode = 'forbidden';
    const { file } = await dest();
    const error = (await failureOf(store.downloadToFile('big', file))) as StoreFailure;
    expect(error.kind).toBe('access-denied');
    expect(error.title).toBe('Storage refused the credentials');
    expect(error.message).toContain("the remote's config");
    expect(error.message).not.toContain(credentials.secretAccessKey);
    expect(s3.requests).toHaveLength(1);
  });

  it('NoSuchBucket: a missing bucket, not a missing object', async () => {
    s3.mode = 'no-bucket';
    const { file } = await dest();
    const error = (await failureOf(store.downloadToFile('big', file))) as StoreFailure;
    expect(error.kind).toBe('no-bucket');
    expect(error.message).toContain('"bucket"');
    await expect(store.getBytes('big')).rejects.toMatchObject({ kind: 'no-bucket' });
  });

  it('a 301 that names no region: wrong region', async () => {
    s3.mode = 'wrong-region';
    const { file } = await dest();
    const error = (await failureOf(store.downloadToFile('big', file))) as StoreFailure;
    expect(error.kind).toBe('wrong-region');
    expect(error.fix).toMatch(/region/);
  });

  it('503 SlowDown on every attempt: unavailable after 5 attempts', async () => {
    s3.mode = 'slow-down';
    const { file } = await dest();
    const error = (await failureOf(store.downloadToFile('big', file))) as StoreFailure;
    expect(error.kind).toBe('unavailable');
    expect(s3.requests).toHaveLength(5);
  });

  it('a missing object is ObjectNotFoundError after one request', async () => {
    const { file } = await dest();
    const error = await failureOf(store.downloadToFile('nope', file));
    expect(error).toBeInstanceOf(ObjectNotFoundError);
    expect(s3.requests).toHaveLength(1);
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
      const proxy = await startFaultProxy(s3rver.endpoint, { bucketRegion: 'eu-west-1', regionError });
      afterCleanup.push(() => proxy.stop());
      // seed through s3rver itself (any region), then read and write through the "eu-west-1" front
      const seed = openStore('s3://bucket/regions', {
        endpoint: s3rver.endpoint,
        credentials: { accessKeyId: s3rver.accessKeyId, secretAccessKey: s3rver.secretAccessKey },
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
        credentials: { accessKeyId: s3rver.accessKeyId, secretAccessKey: s3rver.secretAccessKey },
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
        credentials: { accessKeyId: s3rver.accessKeyId, secretAccessKey: s3rver.secretAccessKey },
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

describe('parseS3Url', () => {
  it('splits the bucket from the prefix, without trailing slashes', () => {
    expect(parseS3Url('s3://ml-data')).toEqual({ bucket: 'ml-data', prefix: '' });
    expect(parseS3Url('s3://ml-data/')).toEqual({ bucket: 'ml-data', prefix: '' });
    expect(parseS3Url('s3://ml-data/dvc/store//')).toEqual({ bucket: 'ml-data', prefix: 'dvc/store' });
  });

  it('refuses a URL without a bucket, naming where it came from', () => {
    expect(() => parseS3Url('s3://')).toThrow(
      'Not an S3 URL: "s3://" (the storage URL) has no bucket name after s3://',
    );
    let fix: string | undefined;
    try {
      parseS3Url('s3:///models', 'the `registry` input');
    } catch (error) {
      fix = (error as { fix?: string }).fix;
    }
    expect(fix).toBe('Write the `registry` input as s3://bucket/optional/prefix.');
  });
});

describe('S3Store URLs and context', () => {
  const ENV = ['AWS_ACCESS_KEY_ID', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION'];
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const name of ENV) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
  });
  afterEach(() => {
    for (const name of ENV) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });
  const sourceOf = (options: Partial<ConstructorParameters<typeof S3Store>[0]>) => {
    const s = new S3Store({ bucket: 'b', prefix: '', ...options });
    const { credentialSource } = s.context();
    s.close();
    return credentialSource;
  };

  it('names objects under the prefix, with the slashes around the prefix dropped', () => {
    const s = new S3Store({ bucket: 'b', prefix: '/models/iris/' });
    expect(s.location).toBe('s3://b/models/iris');
    expect(s.urlOf('1/model.onnx')).toBe('s3://b/models/iris/1/model.onnx');
    expect(() => s.urlOf('../other/x')).toThrow(/Refusing the storage key/);
    const root = new S3Store({ bucket: 'b', prefix: '' });
    expect(root.location).toBe('s3://b');
    expect(root.urlOf('a/b')).toBe('s3://b/a/b');
    s.close();
    root.close();
  });

  it("names AWS's regional endpoint and the region from the environment when none is given", () => {
    process.env['AWS_DEFAULT_REGION'] = 'ap-south-1';
    expect(new S3Store({ bucket: 'b', prefix: '' }).context()).toMatchObject({
      endpoint: 'https://s3.ap-south-1.amazonaws.com',
      region: 'ap-south-1',
      location: 's3://b',
      bucket: 'b',
    });
    process.env['AWS_REGION'] = 'eu-north-1';
    expect(new S3Store({ bucket: 'b', prefix: '' }).context().region).toBe('eu-north-1');
    expect(new S3Store({ bucket: 'b', prefix: '', region: 'us-west-2' }).context().region).toBe('us-west-2');
    delete process.env['AWS_REGION'];
    delete process.env['AWS_DEFAULT_REGION'];
    expect(new S3Store({ bucket: 'b', prefix: '' }).context().region).toBe('us-east-1');
  });

  it('says where the credentials came from, in words, never the secret', () => {
    expect(sourceOf({ credentials })).toBe(
      "the access_key_id/secret_access_key of the remote's config (.dvc/config.local)",
    );
    expect(sourceOf({ profile: 'ml', credentialsFile: '/c/creds', configFile: '/c/config' })).toBe(
      'the AWS profile "ml" (credentials file /c/creds, config file /c/config)',
    );
    expect(sourceOf({ profile: 'ml' })).toBe('the AWS profile "ml"');
    expect(sourceOf({ credentialsFile: '/c/creds' })).toBe('the AWS default chain reading credentials file /c/creds');
    expect(sourceOf({})).toBe(
      'the AWS default chain (no AWS_ACCESS_KEY_ID in the environment: ~/.aws files or an instance role)',
    );
    process.env['AWS_PROFILE'] = 'ci';
    expect(sourceOf({})).toBe('the AWS profile "ci" (AWS_PROFILE)');
    process.env['AWS_WEB_IDENTITY_TOKEN_FILE'] = '/var/run/token';
    expect(sourceOf({})).toBe('the web identity token (AWS_WEB_IDENTITY_TOKEN_FILE, e.g. GitHub OIDC)');
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIDEXAMPLE';
    expect(sourceOf({})).toBe('AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment');
    expect(sourceOf({ credentials })).not.toContain(credentials.secretAccessKey);
  });
});

describe('S3Store operations against s3rver', () => {
  const open = (prefix: string) =>
    openStore(`s3://bucket/${prefix}`, {
      endpoint: conditional.endpoint,
      credentials: { accessKeyId: conditional.accessKeyId, secretAccessKey: conditional.secretAccessKey },
    }) as S3Store;

  it('an exclusive create loses to an existing key; a compare-and-swap loses to a stale etag', async () => {
    const s = open('cas');
    const first = await s.put('claim.json', '{"v":1}', { ifNoneMatch: '*' });
    const lost = await failureOf(s.put('claim.json', '{"v":2}', { ifNoneMatch: '*' }));
    expect(lost).toBeInstanceOf(PreconditionFailedError);
    expect(lost).toMatchObject({ condition: 'if-none-match', url: 's3://bucket/cas/claim.json' });
    const second = await s.put('claim.json', '{"v":2}', { ifMatch: first.etag });
    const stale = await failureOf(s.put('claim.json', '{"v":3}', { ifMatch: first.etag }));
    expect(stale).toMatchObject({ condition: 'if-match' });
    const current = await s.getBytes('claim.json');
    expect(current?.body.toString()).toBe('{"v":2}');
    expect(current?.etag).toBe(second.etag);
    s.close();
  });

  it('says an absent object is absent: head and getBytes undefined, get ObjectNotFoundError with its URL', async () => {
    const s = open('absent');
    expect(await s.head('none')).toBeUndefined();
    expect(await s.getBytes('none')).toBeUndefined();
    const error = await failureOf(s.get('none'));
    expect(error).toBeInstanceOf(ObjectNotFoundError);
    expect((error as ObjectNotFoundError).url).toBe('s3://bucket/absent/none');
    s.close();
  });

  it('lists keys relative to the store prefix, never those of a sibling prefix', async () => {
    const s = open('lst');
    const sibling = open('lst2');
    await s.put('a/1', 'x');
    await s.put('b', 'yy');
    await sibling.put('c', 'zzz');
    const keys: [string, number][] = [];
    for await (const info of s.list('')) keys.push([info.key, info.size]);
    expect(keys).toEqual([
      ['a/1', 1],
      ['b', 2],
    ]);
    const under: string[] = [];
    for await (const info of s.list('a/')) under.push(info.key);
    expect(under).toEqual(['a/1']);
    await s.delete('b');
    expect(await s.head('b')).toBeUndefined();
    s.close();
    sibling.close();
  });

  it('uploads a file, reporting progress that adds up to its size', async () => {
    const s = open('up');
    const dir = await mkdtemp(join(tmpdir(), 'upload-'));
    const body = randomBytes(200_000);
    await writeFile(join(dir, 'model.onnx'), body);
    let reported = 0;
    await s.putFile('m/model.onnx', join(dir, 'model.onnx'), { onBytes: (k) => (reported += k) });
    expect(reported).toBe(body.length);
    expect((await s.getBytes('m/model.onnx'))?.body.equals(body)).toBe(true);
    s.close();
  });

  it('getBytes retries SlowDown in one layer and reads the document', async () => {
    const proxy = await startFaultProxy(conditional.endpoint, { slowDowns: 2 });
    try {
      const writer = open('retry');
      await writer.put('doc.json', '{"ok":true}');
      writer.close();
      const s = openStore('s3://bucket/retry', {
        endpoint: proxy.endpoint,
        credentials: { accessKeyId: conditional.accessKeyId, secretAccessKey: conditional.secretAccessKey },
      });
      expect((await s.getBytes('doc.json'))?.body.toString()).toBe('{"ok":true}');
      expect(proxy.injected.slowDowns).toBe(2);
      s.close();
    } finally {
      await proxy.stop();
    }
  });
});

describe('getBytes: one retry layer and typed failures', () => {
  it('503 SlowDown on every attempt: unavailable after exactly 5 requests', async () => {
    s3.mode = 'slow-down';
    const error = await failureOf(store.getBytes('big'));
    expect(error).toBeInstanceOf(StoreFailure);
    expect((error as StoreFailure).kind).toBe('unavailable');
    expect(s3.requests).toHaveLength(5);
  });

  it('403: access denied after one request', async () => {
    s3.mode = 'forbidden';
    expect(await failureOf(store.getBytes('big'))).toMatchObject({ kind: 'access-denied' });
    expect(s3.requests).toHaveLength(1);
  });
});
