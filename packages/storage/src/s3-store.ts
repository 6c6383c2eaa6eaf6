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
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { createReadStream } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import { UserError } from '@mlops-gha/common';
import { writeVerifiedStream } from './download.js';
import { classifyStoreError, StoreFailure, type StoreContext } from './failures.js';
import { RangeFailure } from './ranged.js';
import { withRetries } from './retry.js';
import { DEFAULT_RANGES, getToFile, type RangeSizes } from './s3-fetch.js';
import { S3ObjectGetter, type Credentials } from './s3-get.js';
import { BucketRegion, regionOfSdkError } from './s3-region.js';
import { IntegrityError, ObjectNotFoundError, PreconditionFailedError } from './errors.js';
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
  /** Shared credentials and config files for the chain (DVC's credentialpath, configpath), instead of ~/.aws. */
  credentialsFile?: string;
  configFile?: string;
  /** Up to which size an object comes in one GET, and the part size beyond (tests make them small). */
  ranges?: RangeSizes;
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/** Where a store's credentials come from, in words (never the secrets themselves). */
function describeCredentialSource(options: S3StoreOptions): string {
  if (options.credentials) return "the access_key_id/secret_access_key of the remote's config (.dvc/config.local)";
  const files = [
    options.credentialsFile && `credentials file ${options.credentialsFile}`,
    options.configFile && `config file ${options.configFile}`,
  ]
    .filter(Boolean)
    .join(', ');
  if (options.profile) return `the AWS profile ${JSON.stringify(options.profile)}${files ? ` (${files})` : ''}`;
  if (files) return `the AWS default chain reading ${files}`;
  if (process.env.AWS_ACCESS_KEY_ID) return 'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment';
  if (process.env.AWS_WEB_IDENTITY_TOKEN_FILE)
    return 'the web identity token (AWS_WEB_IDENTITY_TOKEN_FILE, e.g. GitHub OIDC)';
  if (process.env.AWS_PROFILE) return `the AWS profile ${JSON.stringify(process.env.AWS_PROFILE)} (AWS_PROFILE)`;
  return 'the AWS default chain (no AWS_ACCESS_KEY_ID in the environment: ~/.aws files or an instance role)';
}

/**
 * Parses `s3://bucket/prefix` into its parts. `source` names what held the URL (an input, a
 * config key) so that the error says where to correct it.
 */
export function parseS3Url(url: string, source?: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match || !match[1]) {
    const where = source ?? 'the storage URL';
    throw new UserError(`Not an S3 URL: ${JSON.stringify(url)} (${where}) has no bucket name after s3://`, {
      fix: `Write ${where} as s3://bucket/optional/prefix.`,
    });
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
  private readonly credentialSource: string;
  private readonly ranges: RangeSizes;

  constructor(options: S3StoreOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix.replace(/^\/+|\/+$/g, '');
    this.location = `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
    const maxSockets = options.maxSockets ?? 64;
    this.maxSockets = maxSockets;
    this.endpoint = options.endpoint;
    this.ranges = options.ranges ?? DEFAULT_RANGES;
    this.region = new BucketRegion(
      options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    );
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
    if (!options.credentials && (options.credentialsFile || options.configFile)) {
      // the chain reads these files instead of ~/.aws; nothing is written to process.env
      config.credentials = defaultProvider({
        profile: options.profile,
        filepath: options.credentialsFile,
        configFilepath: options.configFile,
      });
    }
    this.config = config;
    this.credentialSource = describeCredentialSource(options);
  }

  /** The SDK client for the bucket's region as known now (see BucketRegion). */
  get client(): S3Client {
    return this.clientFor(true);
  }

  /**
   * `retrying`: the SDK's own retries (maxAttempts 5) are the one retry layer of an SDK
   * operation; a download has its own layer (downloadToFile) and uses a client that sends once.
   */
  private clientFor(retrying: boolean): S3Client {
    const id = `${this.region.current}${retrying ? '' : '#once'}`;
    let client = this.clients.get(id);
    if (!client) {
      client = new S3Client({ ...this.config, region: this.region.current, ...(retrying ? {} : { maxAttempts: 1 }) });
      this.clients.set(id, client);
    }
    return client;
  }

  /** One SDK operation, sent once more to the bucket's region when S3 answers that it lives elsewhere. */
  private async call<T>(op: (client: S3Client) => Promise<T>, retrying = true): Promise<T> {
    const signedFor = this.region.current;
    try {
      return await op(this.clientFor(retrying));
    } catch (error) {
      if (!this.region.follow(regionOfSdkError(error), signedFor)) throw error;
      return op(this.clientFor(retrying));
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
      const out = await this.call((client) =>
        client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) })),
      );
      return { key, size: out.ContentLength ?? 0, etag: out.ETag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async get(key: string): Promise<Readable> {
    try {
      const out = await this.call((client) =>
        client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) })),
      );
      return out.Body as Readable;
    } catch (error) {
      if (statusOf(error) === 404) throw new ObjectNotFoundError(this.urlOf(key));
      throw error;
    }
  }

  /** Undefined when the object is absent; a missing bucket, refused credentials or a dead endpoint throw a StoreFailure. */
  async getBytes(key: string): Promise<{ body: Buffer; etag?: string } | undefined> {
    try {
      // One retry layer around the request and the body read (a body cut mid-way surfaces
      // after the SDK's send has returned, beyond its retries), so the client sends once.
      return await withRetries(async () => {
        const out = await this.call(
          (client) => client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) })),
          false,
        );
        return { body: Buffer.from(await out.Body!.transformToByteArray()), etag: out.ETag };
      });
    } catch (error) {
      if (statusOf(error) === 404 && (error as { name?: string }).name !== 'NoSuchBucket') return undefined;
      throw classifyStoreError(error, this.context()) ?? error;
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

  async putFile(
    key: string,
    path: string,
    options: { contentType?: string; onBytes?: (n: number) => void } = {},
  ): Promise<PutResult> {
    let last = 0;
    const out = await this.call((client) => {
      // a fresh stream each try: a wrong-region answer comes before any part is accepted
      const upload = new Upload({
        client,
        params: {
          Bucket: this.bucket,
          Key: this.keyOf(key),
          Body: createReadStream(path),
          ContentType: options.contentType,
        },
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
      const out = await this.call((client) =>
        client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: full, ContinuationToken: token })),
      );
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

  /** Set when the store as a whole failed (endpoint dead, credentials refused): later downloads fail at once. */
  private failure?: StoreFailure;

  /** Where requests go and where credentials came from, for failure messages. */
  context(): StoreContext {
    return {
      location: this.location,
      bucket: this.bucket,
      endpoint: this.endpoint ?? `https://s3.${this.region.current}.amazonaws.com`,
      region: this.region.current,
      credentialSource: this.credentialSource,
    };
  }

  /**
   * The one retry layer of a download: each attempt is one GET (or, for a large object, its
   * first part; the other parts retry on their own, see ranged.ts). After the last attempt an
   * error about the store as a whole becomes a typed StoreFailure, remembered so that the
   * other objects of a pull fail at once instead of each retrying a dead endpoint.
   */
  async downloadToFile(key: string, dest: string, options: DownloadOptions = {}): Promise<{ bytes: number }> {
    const url = this.urlOf(key);
    try {
      return await withRetries(async () => {
        if (this.failure) throw this.failure;
        return this.downloadOnce(key, dest, url, options);
      });
    } catch (error) {
      if (error instanceof ObjectNotFoundError || error instanceof IntegrityError || error instanceof RangeFailure)
        throw error;
      const failure = classifyStoreError(error, this.context());
      if (failure) {
        this.failure ??= failure;
        throw failure;
      }
      throw error;
    }
  }

  private async downloadOnce(
    key: string,
    dest: string,
    url: string,
    options: DownloadOptions,
  ): Promise<{ bytes: number }> {
    const getter = await this.fastGetter();
    if (!getter) {
      // The SDK path (endpoint from the environment): its client does not retry (see sdkOnce).
      let out;
      try {
        out = await this.call(
          (client) => client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) })),
          false,
        );
      } catch (error) {
        if (statusOf(error) === 404 && (error as { name?: string }).name !== 'NoSuchBucket')
          throw new ObjectNotFoundError(url);
        throw error;
      }
      return writeVerifiedStream(out.Body as Readable, dest, url, options);
    }
    return getToFile(getter, this.keyOf(key), dest, url, options, this.ranges);
  }

  close(): void {
    void this.getter?.then((g) => g?.close());
    for (const client of this.clients.values()) client.destroy();
  }
}
