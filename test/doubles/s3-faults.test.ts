import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { request } from 'node:http';
import { startS3Server, type S3TestServer } from './s3.js';
import { startFaultProxy } from './s3-faults.js';

function rawGet(url: string): Promise<{ status: number; body: Buffer; error?: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const req = request(url, (res) => {
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', (e) => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), error: e.message }));
      res.on('aborted', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), error: 'aborted' }));
    });
    req.on('error', (e) => resolve({ status: 0, body: Buffer.alloc(0), error: e.message }));
    req.end();
  });
}

describe('the S3 fault proxy', () => {
  let s3: S3TestServer;
  beforeAll(async () => {
    s3 = await startS3Server({ buckets: ['faults'] });
    await s3
      .client()
      .send(new PutObjectCommand({ Bucket: 'faults', Key: 'k/obj', Body: Buffer.alloc(1000, 7), ACL: 'public-read' }));
  });
  afterAll(() => s3.stop());

  it('answers SlowDown, then drops mid-body, then passes through, each a bounded number of times', async () => {
    const proxy = await startFaultProxy(s3.endpoint, { slowDowns: 1, drops: 1 });
    try {
      const first = await rawGet(`${proxy.endpoint}/faults/k/obj`);
      expect(first.status).toBe(503);
      expect(first.body.toString()).toContain('<Code>SlowDown</Code>');
      const second = await rawGet(`${proxy.endpoint}/faults/k/obj`);
      expect(second.body.length).toBeLessThan(1000);
      expect(second.error).toBeDefined();
      // s3rver answers unsigned GETs of a public-read object
      const third = await rawGet(`${proxy.endpoint}/faults/k/obj`);
      expect(third.status).toBe(200);
      expect(third.body).toEqual(Buffer.alloc(1000, 7));
      expect(proxy.injected).toEqual({ slowDowns: 1, drops: 1, regionErrors: 0 });
    } finally {
      await proxy.stop();
    }
  });

  it.each(['redirect', 'authorization'] as const)(
    'answers requests signed for another region as AWS does (%s), and passes the right region through',
    async (regionError) => {
      const proxy = await startFaultProxy(s3.endpoint, { bucketRegion: 'eu-west-1', regionError });
      try {
        const clientFor = (region: string) =>
          new S3Client({
            endpoint: proxy.endpoint,
            region,
            forcePathStyle: true,
            maxAttempts: 1,
            credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
          });
        const wrong = clientFor('us-east-1');
        const error = (await wrong.send(new GetObjectCommand({ Bucket: 'faults', Key: 'k/obj' })).then(
          () => undefined,
          (e: unknown) => e,
        )) as {
          name?: string;
          $metadata?: { httpStatusCode?: number };
          $response?: { headers?: Record<string, string> };
          message?: string;
        };
        if (regionError === 'redirect') {
          // AWS: 301 Moved Permanently, x-amz-bucket-region, <Code>PermanentRedirect</Code>
          expect(error?.$metadata?.httpStatusCode).toBe(301);
          expect(error?.name).toBe('PermanentRedirect');
          expect(error?.$response?.headers?.['x-amz-bucket-region']).toBe('eu-west-1');
        } else {
          // AWS (global endpoint): 400 AuthorizationHeaderMalformed, "the region 'us-east-1' is wrong; expecting 'eu-west-1'"
          expect(error?.$metadata?.httpStatusCode).toBe(400);
          expect(error?.name).toBe('AuthorizationHeaderMalformed');
          expect(error?.message).toBe(
            "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'",
          );
        }
        wrong.destroy();
        const right = clientFor('eu-west-1');
        const got = await right.send(new GetObjectCommand({ Bucket: 'faults', Key: 'k/obj' }));
        expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(Buffer.alloc(1000, 7));
        expect(proxy.injected.regionErrors).toBe(1);
        right.destroy();
      } finally {
        await proxy.stop();
      }
    },
  );
});
