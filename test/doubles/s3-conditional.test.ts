import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { PRECONDITION_FAILED_MESSAGE, startConditionalS3Server, type ConditionalS3Server } from './s3-conditional.js';

/**
 * The conditional double's answers, compared with AWS's documented ones (PutObject and
 * CompleteMultipartUpload API reference, "Conditional requests" in the S3 user guide):
 * If-None-Match: * -> 412 PreconditionFailed when the key exists; If-Match -> 412 when the
 * ETag differs; the error is S3's XML document and the SDK surfaces it as an exception whose
 * name is the XML Code and whose $metadata.httpStatusCode is 412.
 */
/** SigV4's hash constructor over node:crypto (sha256, HMAC when given a secret). */
class Sha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.create();
  }
  private create(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const key =
      typeof this.secret === 'string'
        ? this.secret
        : ArrayBuffer.isView(this.secret)
          ? Buffer.from(this.secret.buffer, this.secret.byteOffset, this.secret.byteLength)
          : Buffer.from(this.secret);
    return createHmac('sha256', key);
  }
  update(data: string | Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.create();
  }
}

describe('the S3 double that honours conditional writes', () => {
  let s3: ConditionalS3Server;
  let client: S3Client;
  const Bucket = 'cond';
  const text = async (key: string) =>
    (await client.send(new GetObjectCommand({ Bucket, Key: key }))).Body!.transformToString();

  beforeAll(async () => {
    s3 = await startConditionalS3Server({ buckets: [Bucket] });
    client = s3.client();
  });
  afterAll(() => s3.stop());

  /** A raw SigV4-signed PUT, to see the status, headers and XML body as they are on the wire. */
  async function rawPut(key: string, body: string, headers: Record<string, string>) {
    const url = new URL(`${s3.endpoint}/${Bucket}/${key}`);
    const signer = new SignatureV4({
      service: 's3',
      region: s3.region,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      sha256: Sha256,
      uriEscapePath: false,
    });
    const signed = await signer.sign({
      method: 'PUT',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...headers },
      body,
    });
    const response = await fetch(url, { method: 'PUT', headers: signed.headers as Record<string, string>, body });
    return { status: response.status, headers: response.headers, body: await response.text() };
  }

  it("creates with If-None-Match: * once, then answers 412 with AWS's XML error and keeps the first object", async () => {
    const first = await rawPut('a.txt', 'first', { 'if-none-match': '*' });
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    const second = await rawPut('a.txt', 'second', { 'if-none-match': '*' });
    expect(second.status).toBe(412);
    expect(second.headers.get('content-type')).toBe('application/xml');
    expect(second.headers.get('x-amz-request-id')).toMatch(/^[0-9A-F]{16}$/);
    expect(second.body).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>PreconditionFailed<\/Code><Message>At least one of the pre-conditions you specified did not hold<\/Message><Condition>If-None-Match<\/Condition><RequestId>[0-9A-F]{16}<\/RequestId><HostId>[^<]+<\/HostId><\/Error>$/,
    );
    expect(await text('a.txt')).toBe('first');
  });

  it('surfaces the 412 through the AWS SDK v3 as AWS does: name PreconditionFailed, status 412, client fault', async () => {
    await client.send(new PutObjectCommand({ Bucket, Key: 'sdk.txt', Body: 'one', IfNoneMatch: '*' }));
    const error = await client
      .send(new PutObjectCommand({ Bucket, Key: 'sdk.txt', Body: 'two', IfNoneMatch: '*' }))
      .then(
        () => undefined,
        (e: unknown) =>
          e as {
            name: string;
            message: string;
            $fault: string;
            $metadata: { httpStatusCode: number };
            Condition?: string;
          },
      );
    expect(error?.name).toBe('PreconditionFailed');
    expect(error?.message).toBe(PRECONDITION_FAILED_MESSAGE);
    expect(error?.$fault).toBe('client');
    expect(error?.$metadata.httpStatusCode).toBe(412);
    expect(await text('sdk.txt')).toBe('one');
  });

  it('compares If-Match with the current ETag: match writes, stale ETag is 412, missing key is 404 NoSuchKey', async () => {
    const put = await client.send(new PutObjectCommand({ Bucket, Key: 'alias.json', Body: 'v1' }));
    const next = await client.send(new PutObjectCommand({ Bucket, Key: 'alias.json', Body: 'v2', IfMatch: put.ETag }));
    expect(next.ETag).not.toBe(put.ETag);
    const stale = await rawPut('alias.json', 'v3', { 'if-match': put.ETag! });
    expect(stale.status).toBe(412);
    expect(stale.body).toContain('<Code>PreconditionFailed</Code>');
    expect(stale.body).toContain('<Condition>If-Match</Condition>');
    expect(await text('alias.json')).toBe('v2');
    const missing = await client
      .send(new PutObjectCommand({ Bucket, Key: 'nothing.json', Body: 'x', IfMatch: put.ETag }))
      .then(
        () => undefined,
        (e: unknown) => e as { name: string; $metadata: { httpStatusCode: number } },
      );
    expect(missing?.name).toBe('NoSuchKey');
    expect(missing?.$metadata.httpStatusCode).toBe(404);
    await expect(client.send(new HeadObjectCommand({ Bucket, Key: 'nothing.json' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('accepts only * in If-None-Match on a write (501 NotImplemented otherwise)', async () => {
    const answer = await rawPut('b.txt', 'x', { 'if-none-match': '"abc"' });
    expect(answer.status).toBe(501);
    expect(answer.body).toContain('<Code>NotImplemented</Code>');
  });

  it('lets exactly one of 20 concurrent exclusive creates of one key win', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        client.send(new PutObjectCommand({ Bucket, Key: 'race', Body: `writer ${i}`, IfNoneMatch: '*' })),
      ),
    );
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as Error).name).toBe('PreconditionFailed');
    expect(await text('race')).toBe(`writer ${won[0]}`);
  });

  it('applies If-None-Match to CompleteMultipartUpload', async () => {
    await client.send(new PutObjectCommand({ Bucket, Key: 'big.bin', Body: 'existing' }));
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket, Key: 'big.bin' }));
    const part = await client.send(
      new UploadPartCommand({ Bucket, Key: 'big.bin', UploadId, PartNumber: 1, Body: Buffer.alloc(1024, 7) }),
    );
    const error = await client
      .send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: 'big.bin',
          UploadId,
          IfNoneMatch: '*',
          MultipartUpload: { Parts: [{ ETag: part.ETag, PartNumber: 1 }] },
        }),
      )
      .then(
        () => undefined,
        (e: unknown) => e as { name: string; $metadata: { httpStatusCode: number } },
      );
    expect(error?.name).toBe('PreconditionFailed');
    expect(error?.$metadata.httpStatusCode).toBe(412);
    expect(await text('big.bin')).toBe('existing');
  });

  it('serves whole objects while the same key is being rewritten (S3 replaces objects atomically)', async () => {
    const a = Buffer.alloc(2 * 1024 * 1024, 'a');
    const b = Buffer.alloc(2 * 1024 * 1024, 'b');
    await client.send(new PutObjectCommand({ Bucket, Key: 'atomic.bin', Body: a }));
    const writes = Array.from({ length: 6 }, (_, i) =>
      client.send(new PutObjectCommand({ Bucket, Key: 'atomic.bin', Body: i % 2 ? a : b })),
    );
    const reads = Array.from({ length: 12 }, async () => {
      const body = Buffer.from(
        await (await client.send(new GetObjectCommand({ Bucket, Key: 'atomic.bin' }))).Body!.transformToByteArray(),
      );
      return body.equals(a) || body.equals(b);
    });
    await Promise.all(writes);
    expect(await Promise.all(reads)).toEqual(Array(12).fill(true));
  });

  it('differs from the plain s3rver behind it, which overwrites despite If-None-Match: * (why the double exists)', async () => {
    const plain = s3.upstream.client();
    await plain.send(new PutObjectCommand({ Bucket, Key: 'plain.txt', Body: 'one', IfNoneMatch: '*' }));
    await plain.send(new PutObjectCommand({ Bucket, Key: 'plain.txt', Body: 'two', IfNoneMatch: '*' }));
    expect(await text('plain.txt')).toBe('two');
  });
});
