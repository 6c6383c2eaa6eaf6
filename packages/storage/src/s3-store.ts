import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { createReadStream } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import { UserError } from '@mlops-gha/common';
import { bytesToVerifiedFile, SMALL_OBJECT, streamToVerifiedFile } from './download.js';
import { withRetries } from './retry.js';
import { S3ObjectGetter, s3Error, type Credentials } from './s3-get.js';
import { BucketRegion, regionOfSdkError } from './s3-region.js';
import { ObjectNotFoundError, PreconditionFailedError } from './errors.js';
import { checkKey, joinKey } from './keys.js';
import type { DownloadOptions, ObjectInfo, ObjectStore, PutOptions, PutResult } from './types.js';

export interface S3StoreOptions {
  bucket: string;
  prefix: string;
  /** A custom endpoint (MinIO, Ceph, R2, a test server); path-style addressing is used with it. */
  endpoint?: string;
  region?: string;
  /** Explicit keys (e.g. from a DVC remote's config); otherwise the standard AWS chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Concurrent connections to keep open (parallel transfers). */
  maxSockets?: number;
  /** Profile name for the AWS shared config chain. */
  profile?: string;
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/** Parses `s3://bucket/prefix` into its parts. */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match || !match[1]) {
    throw new UserError(`Not an S3 URL: ${JSON.stringify(url)}`, { fix: 'Write it as s3://bucket/optional/prefix.' });
  }
  return { bucket: match[1], prefix: (match[2] ?? '').replace(/\/+$/, '') };
}

/**
 * A store in an S3 bucket under a prefix, through AWS SDK v3. Conditional writes use the
 * If-None-Match / If-Match headers of PutObject (AWS: 412 PreconditionFailed when lost);
 * large files go through lib-storage's multipart Upload.
 */
export class S3Store implements ObjectStore {
  readonly bucket: string;
  readonly prefix: string;
  readonly location: string;
  private readonly endpoint?: string;
  private readonly maxSockets: number;
  private readonly config: S3ClientConfig;
  private readonly region: BucketRegion;
  private readonly clients = new Map<string, S3Client>();

  constructor(options: S3StoreOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix.replace(/^\/+|\/+$/g, '');
    this.location = `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
    const maxSockets = options.maxSockets ?? 64;
    this.maxSockets = maxSockets;
    this.endpoint = options.endpoint;
    this.region = new BucketRegion(options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1');
    const config: S3ClientConfig = {
      requestHandler: new NodeHttpHandler({
        httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
        httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
        connectionTimeout: 10_000,
        requestTimeout: 120_000,
      }),
      maxAttempts: 5,
    };
    if (options.endpoint) {
      config.endpoint = options.endpoint;
      config.forcePathStyle = true;
      // S3-compatible servers often reject the SDK's default trailing checksums
      // (aws-chunked bodies); send them only where the API requires them.
      config.requestChecksumCalculation = 'WHEN_REQUIRED';
      config.responseChecksumValidation = 'WHEN_REQUIRED';
    }
    if (options.credentials) config.credentials = options.credentials;
    if (options.profile) config.profile = options.profile;
    this.config = config;
  }

  /** The SDK client for the bucket's region as known now (see BucketRegion). */
  get client(): S3Client {
    let client = this.clients.get(this.region.current);
    if (!client) {
      client = new S3Client({ ...this.config, region: this.region.current });
      this.clients.set(this.region.current, client);
    }
    return client;
  }

  /** One SDK operation, sent once more to the bucket's region when S3 answers that it lives elsewhere. */
  private async call<T>(op: (client: S3Client) => Promise<T>): Promise<T> {
    const signedFor = this.region.current;
    try {
      return await op(this.client);
    } catch (error) {
      if (!this.region.follow(regionOfSdkError(error), signedFor)) throw error;
      return op(this.client);
    }
  }

  private keyOf(key: string): string {
    return joinKey(this.prefix, checkKey(key));
  }

  urlOf(key: string): string {
    return `s3://${this.bucket}/${this.keyOf(key)}`;
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const out = await this.call((client) => client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) })));
      return { key, size: out.ContentLength ?? 0, etag: out.ETag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async get(key: string): Promise<Readable> {
    try {
      const out = await this.call((client) => client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) })));
      return out.Body as Readable;
    } catch (error) {
      if (statusOf(error) === 404) throw new ObjectNotFoundError(this.urlOf(key));
      throw error;
    }
  }

  async getBytes(key: string): Promise<{ body: Buffer; etag?: string } | undefined> {
    try {
      const out = await this.call((client) => client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) })));
      return { body: Buffer.from(await out.Body!.transformToByteArray()), etag: out.ETag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async put(key: string, body: Buffer | string, options: PutOptions = {}): Promise<PutResult> {
    try {
      const out = await this.call((client) =>
        client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: this.keyOf(key),
            Body: body,
            ContentType: options.contentType,
            IfNoneMatch: options.ifNoneMatch,
            IfMatch: options.ifMatch,
          }),
        ),
      );
      return { etag: out.ETag };
    } catch (error) {
      const status = statusOf(error);
      // 412 PreconditionFailed; 409 ConditionalRequestConflict when a racing write is in flight.
      if ((status === 412 || status === 409) && (options.ifNoneMatch || options.ifMatch)) {
        throw new PreconditionFailedError(this.urlOf(key), options.ifNoneMatch ? 'if-none-match' : 'if-match');
      }
      throw error;
    }
  }

  async putFile(key: string, path: string, options: { contentType?: string; onBytes?: (n: number) => void } = {}): Promise<PutResult> {
    let last = 0;
    const out = await this.call((client) => {
      // a fresh stream each try: a wrong-region answer comes before any part is accepted
      const upload = new Upload({
        client,
        params: { Bucket: this.bucket, Key: this.keyOf(key), Body: createReadStream(path), ContentType: options.contentType },
        queueSize: 8,
        partSize: 16 * 1024 * 1024,
        leavePartsOnError: false,
      });
      upload.on('httpUploadProgress', (p) => {
        if (p.loaded !== undefined && options.onBytes) {
          options.onBytes(p.loaded - last);
          last = p.loaded;
        }
      });
      return upload.done();
    });
    return { etag: 'ETag' in out ? out.ETag : undefined };
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const full = prefix === '' ? (this.prefix ? `${this.prefix}/` : '') : joinKey(this.prefix, prefix);
    const strip = this.prefix ? this.prefix.length + 1 : 0;
    let token: string | undefined;
    do {
      const out = await this.call((client) => client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: full, ContinuationToken: token })));
      for (const item of out.Contents ?? []) {
        if (item.Key) yield { key: item.Key.slice(strip), size: item.Size ?? 0, etag: item.ETag };
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
  }

  async delete(key: string): Promise<void> {
    await this.call((client) => client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) })));
  }

  private getter?: Promise<S3ObjectGetter | undefined>;

  /** The lean GET path, unless the endpoint comes from the environment (then the SDK decides). */
  private fastGetter(): Promise<S3ObjectGetter | undefined> {
    this.getter ??= (async () => {
      if (!this.endpoint && (process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL)) return undefined;
      const provider = this.client.config.credentials as unknown as () => Promise<Credentials>;
      let cached: Credentials | undefined;
      const credentials = async () => {
        const fresh = !cached || (cached.expiration && cached.expiration.getTime() - Date.now() < 300_000);
        if (fresh) cached = await provider();
        return cached!;
      };
      return new S3ObjectGetter(this.bucket, this.region, credentials, this.endpoint, this.maxSockets);
    })();
    return this.getter;
  }

  /** One GET of the object: its body and length. 404 is ObjectNotFoundError; 5xx, SlowDown and drops are retried. */
  private async open(key: string): Promise<{ body: Readable; length?: number }> {
    const getter = await this.fastGetter();
    const url = this.urlOf(key);
    return withRetries(async () => {
      if (!getter) {
        try {
          const out = await this.call((client) => client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) })));
          return { body: out.Body as Readable, length: out.ContentLength };
        } catch (error) {
          if (statusOf(error) === 404) throw new ObjectNotFoundError(url);
          throw error;
        }
      }
      const res = await getter.get(this.keyOf(key));
      if (res.statusCode === 200) {
        const length = res.headers['content-length'];
        return { body: res, length: length === undefined ? undefined : Number(length) };
      }
      if (res.statusCode === 404) {
        res.resume();
        throw new ObjectNotFoundError(url);
      }
      throw await s3Error(res, url);
    });
  }

  async downloadToFile(key: string, dest: string, options: DownloadOptions = {}): Promise<{ bytes: number }> {
    // One GET: small bodies are read whole and written with one call, large ones streamed.
    let first: { body: Readable; length?: number } | undefined = await this.open(key);
    const reuse = async () => {
      const got = first ?? (await this.open(key));
      first = undefined;
      return got;
    };
    if (first.length !== undefined && first.length <= SMALL_OBJECT) {
      return bytesToVerifiedFile(
        async () => {
          const { body, length } = await reuse();
          const chunks: Buffer[] = [];
          for await (const chunk of body) chunks.push(chunk as Buffer);
          const bytes = Buffer.concat(chunks);
          if (length !== undefined && bytes.length !== length) {
            throw Object.assign(new Error(`Truncated body: ${bytes.length} of ${length} bytes`), { code: 'TruncatedBody' });
          }
          return bytes;
        },
        dest,
        this.urlOf(key),
        options,
      );
    }
    return streamToVerifiedFile(async () => (await reuse()).body, dest, this.urlOf(key), options);
  }

  close(): void {
    void this.getter?.then((g) => g?.close());
    for (const client of this.clients.values()) client.destroy();
  }
}
