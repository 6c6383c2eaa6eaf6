import type { SignatureV4 } from '@smithy/signature-v4';
import { regionOfAnswer, type BucketRegion } from './s3-region.js';
import { createSigner, EMPTY_SHA256, signRequest, type Credentials } from './sigv4.js';
import { WireClient, type WireResponse } from './wire.js';

/**
 * A lean signed GET for S3 objects: one SigV4 signature (signing key cached per day) and a
 * keep-alive request on the lean HTTP/1.1 client (wire.ts), without the SDK's middleware stack.
 * For many small objects the SDK's per-request CPU dominates a pull, and for large ones
 * node:http's receive path does; this path does the same protocol with a fraction of either.
 */
export type { Credentials } from './sigv4.js';

function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export class S3ObjectGetter {
  private readonly secure: boolean;
  private readonly addresses = new Map<string, { host: string; port?: number; pathPrefix: string }>();
  /** One connection pool per host (a bucket whose region moves is asked at another host). */
  private readonly clients = new Map<string, WireClient>();
  private readonly signer: SignatureV4;

  constructor(
    private readonly bucket: string,
    private readonly region: BucketRegion,
    private readonly credentials: () => Promise<Credentials>,
    private readonly endpoint: string | undefined,
    private readonly maxSockets: number,
  ) {
    this.secure = endpoint ? new URL(endpoint).protocol === 'https:' : true;
    this.signer = createSigner(credentials, region.current);
  }

  /** Where requests for a region go: the custom endpoint (path-style), else the bucket's regional AWS host. */
  private addressFor(region: string): { host: string; port?: number; pathPrefix: string } {
    let address = this.addresses.get(region);
    if (!address) {
      let url: URL;
      let pathPrefix: string;
      if (this.endpoint) {
        url = new URL(this.endpoint);
        pathPrefix = `${url.pathname.replace(/\/+$/, '')}/${encodeSegment(this.bucket)}`;
      } else if (/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(this.bucket)) {
        url = new URL(`https://${this.bucket}.s3.${region}.amazonaws.com`);
        pathPrefix = '';
      } else {
        url = new URL(`https://s3.${region}.amazonaws.com`);
        pathPrefix = `/${encodeSegment(this.bucket)}`;
      }
      address = { host: url.host, port: url.port ? Number(url.port) : undefined, pathPrefix };
      this.addresses.set(region, address);
    }
    return address;
  }

  /**
   * GETs a key (the full object key, prefix included). Resolves with the response, any status
   * but a wrong-region answer (see BucketRegion): that one moves the bucket's region and the
   * request is sent there once more; any other 301/400 is thrown as an S3 error.
   */
  async get(objectKey: string, extra: Record<string, string> = {}): Promise<WireResponse> {
    for (let attempt = 0; ; attempt++) {
      const signedFor = this.region.current;
      const res = await this.send(objectKey, signedFor, extra);
      if (res.statusCode !== 301 && res.statusCode !== 400) return res;
      const body = (await res.bytesAll()).toString('utf8');
      if (
        attempt === 0 &&
        this.region.follow(regionOfAnswer(res.statusCode, res.headers['x-amz-bucket-region'], body), signedFor)
      )
        continue;
      throw errorFromBody(res.statusCode, body, `s3://${this.bucket}/${objectKey}`);
    }
  }

  /** Signs (AWS's SigV4 signer, see sigv4.ts) and sends one GET; `extra` (Range, If-Match) is signed too. */
  private async send(objectKey: string, region: string, extra: Record<string, string>): Promise<WireResponse> {
    const { host, port, pathPrefix } = this.addressFor(region);
    const path = `${pathPrefix}/${objectKey.split('/').map(encodeSegment).join('/')}`;
    const headers = await signRequest(
      this.signer,
      { method: 'GET', hostname: host, path, headers: { host, 'x-amz-content-sha256': EMPTY_SHA256, ...extra } },
      region,
    );
    let client = this.clients.get(host);
    if (!client) {
      const target = { secure: this.secure, host: host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1'), port };
      client = new WireClient(target, { maxSockets: this.maxSockets, timeoutMs: 120_000 });
      this.clients.set(host, client);
    }
    return client.get(path, headers as Record<string, string>);
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}

function errorFromBody(status: number | undefined, body: string, url: string): Error {
  const code = /<Code>([^<]+)<\/Code>/.exec(body)?.[1] ?? `HTTP${status}`;
  const message = /<Message>([^<]+)<\/Message>/.exec(body)?.[1] ?? '';
  return Object.assign(new Error(`GET ${url}: ${status} ${code}${message ? ` (${message})` : ''}`), {
    name: code,
    $metadata: { httpStatusCode: status },
  });
}

/** Reads an S3 error body (small XML) into an Error shaped like the SDK's, for isTransient. */
export async function s3Error(res: { statusCode?: number } & AsyncIterable<unknown>, url: string): Promise<Error> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return errorFromBody(res.statusCode, Buffer.concat(chunks).toString('utf8'), url);
}
