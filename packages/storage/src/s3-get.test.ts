import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { startFaultProxy } from '../../../test/doubles/s3-faults.js';
import { startScriptedS3, type ScriptedS3 } from '../../../test/doubles/s3-scripted.js';
import { startS3Server, type S3TestServer } from '../../../test/doubles/s3.js';
import { S3ObjectGetter, s3Error } from './s3-get.js';
import { BucketRegion } from './s3-region.js';

let s3: S3TestServer;
let scripted: ScriptedS3;
const getters: S3ObjectGetter[] = [];
beforeAll(async () => {
  s3 = await startS3Server({ buckets: ['bucket'] });
  scripted = await startScriptedS3();
});
afterAll(async () => {
  for (const g of getters) g.close();
  await scripted.stop();
  await s3.stop();
});

function getter(endpoint: string, region = new BucketRegion('us-east-1'), keyId?: string): S3ObjectGetter {
  const credentials = { accessKeyId: keyId ?? s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
  const g = new S3ObjectGetter('bucket', region, async () => credentials, endpoint, 4);
  getters.push(g);
  return g;
}

async function body(res: AsyncIterable<unknown>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

// s3rver checks the access key id but not SigV4 signatures (its authentication.js leaves V4
// unimplemented): the signatures themselves are checked against AWS's vectors in sigv4.test.ts.
describe('S3ObjectGetter.get against s3rver', () => {
  it('encodes keys with characters URIs reserve so that the server reads the same key', async () => {
    const keys = ["data/a b+c/it's (1)!*.csv", 'données/été.json', 'x/~tilde_-.', 'eq=and&amp;'];
    for (const key of keys)
      await s3.client().send(new PutObjectCommand({ Bucket: 'bucket', Key: key, Body: `body of ${key}` }));
    const g = getter(s3.endpoint);
    for (const key of keys) {
      const res = await g.get(key);
      expect([key, res.statusCode]).toEqual([key, 200]);
      expect(await body(res)).toBe(`body of ${key}`);
    }
  });

  it('signs the extra headers it is given (Range), so the server honours them', async () => {
    await s3.client().send(new PutObjectCommand({ Bucket: 'bucket', Key: 'digits', Body: '0123456789' }));
    const res = await getter(s3.endpoint).get('digits', { range: 'bytes=2-5' });
    expect(res.statusCode).toBe(206);
    expect(res.headers['content-range']).toBe('bytes 2-5/10');
    expect(await body(res)).toBe('2345');
  });

  it('resolves with any other answer for the caller to read: a 404, or a 403 for an unknown access key', async () => {
    const missing = await getter(s3.endpoint).get('no/such/key');
    expect(missing.statusCode).toBe(404);
    const error = await s3Error(missing, 's3://bucket/no/such/key');
    expect(error.name).toBe('NoSuchKey');
    expect((error as { $metadata?: unknown }).$metadata).toEqual({ httpStatusCode: 404 });
    expect(error.message).toBe('GET s3://bucket/no/such/key: 404 NoSuchKey (The specified key does not exist.)');
    const denied = await getter(s3.endpoint, undefined, 'AKIDUNKNOWN').get('digits');
    expect(denied.statusCode).toBe(403);
    expect((await s3Error(denied, 'u')).name).toBe('InvalidAccessKeyId');
  });
});

describe('S3ObjectGetter.get: a bucket in another region', () => {
  it.each(['redirect', 'authorization'] as const)(
    'follows the region named by a %s answer once and moves the shared region',
    async (regionError) => {
      await s3.client().send(new PutObjectCommand({ Bucket: 'bucket', Key: 'r', Body: 'regional' }));
      const proxy = await startFaultProxy(s3.endpoint, { bucketRegion: 'eu-west-1', regionError });
      try {
        const region = new BucketRegion('us-east-1');
        const g = getter(proxy.endpoint, region);
        const res = await g.get('r');
        expect(res.statusCode).toBe(200);
        expect(await body(res)).toBe('regional');
        expect(region.current).toBe('eu-west-1');
        expect(proxy.injected.regionErrors).toBe(1);
        // later requests are signed for the bucket's region at once
        await body(await g.get('r'));
        expect(proxy.injected.regionErrors).toBe(1);
      } finally {
        await proxy.stop();
      }
    },
  );

  it('throws a 301 that names no region as an S3 error, after one request', async () => {
    scripted.mode = 'wrong-region';
    scripted.requests.length = 0;
    try {
      const error = await getter(scripted.endpoint)
        .get('p/big')
        .then(
          () => undefined,
          (e: unknown) => e as Error & { $metadata?: { httpStatusCode?: number } },
        );
      expect(error!.name).toBe('PermanentRedirect');
      expect(error!.$metadata).toEqual({ httpStatusCode: 301 });
      expect(error!.message).toBe(
        'GET s3://bucket/p/big: 301 PermanentRedirect (The bucket you are attempting to access must be addressed using the specified endpoint.)',
      );
      expect(scripted.requests).toEqual(['GET /bucket/p/big']);
    } finally {
      scripted.mode = 'normal';
    }
  });
});

describe('S3ObjectGetter addressing', () => {
  it('keeps the path of a custom endpoint before the bucket (a gateway under a path)', async () => {
    scripted.requests.length = 0;
    const res = await getter(`${scripted.endpoint}/storage/`).get('k/v');
    res.resume();
    expect(scripted.requests).toEqual(['GET /storage/bucket/k/v']);
  });
});

describe('s3Error', () => {
  it('falls back to HTTP<status> when the body is not an S3 error document', async () => {
    // e.g. a 502 from a proxy in front of the store, with an empty body
    const empty = Object.assign(Readable.from([]), { statusCode: 502, headers: {} });
    const error = await s3Error(empty, 's3://bucket/k');
    expect(error.name).toBe('HTTP502');
    expect(error.message).toBe('GET s3://bucket/k: 502 HTTP502');
  });
});
