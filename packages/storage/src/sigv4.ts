/**
 * AWS Signature Version 4 for the lean GET path, by AWS's own signer (@smithy/signature-v4,
 * the one inside the SDK) with node:crypto as its hash. Checked against AWS's published test
 * vectors in sigv4.test.ts.
 */
import { createHash, createHmac, createSecretKey, type Hash, type Hmac, type KeyObject } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): Buffer =>
  typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

// HMAC keys as Node wants them: on Node 24 createHmac with a Buffer key costs ~20 us (a key
// object is made and checked per call), with a string or a KeyObject 4-6 us. The signer keys
// its per-request HMAC with the same signing-key array each time (cached per day), so that
// array's KeyObject is made once.
const keyObjects = new WeakMap<object, KeyObject>();
function hmacKey(secret: SourceData): string | KeyObject {
  if (typeof secret === 'string') return secret;
  let key = keyObjects.get(secret);
  if (!key) {
    key = createSecretKey(bytes(secret));
    keyObjects.set(secret, key);
  }
  return key;
}

/** The Checksum the signer asks for: SHA-256, or HMAC-SHA256 when given a secret. */
class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', hmacKey(this.secret));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** SHA-256 of an empty body: what a GET signs as its payload hash. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * A signer for one service (`s3`: paths are sent single-encoded, as S3 wants; other services
 * double-encode). `credentials` may be a provider; the signer caches derived keys per day.
 */
export function createSigner(
  credentials: Credentials | (() => Promise<Credentials>),
  region: string,
  service = 's3',
): SignatureV4 {
  return new SignatureV4({
    service,
    region,
    credentials,
    sha256: NodeSha256,
    uriEscapePath: service !== 's3',
    applyChecksum: false,
  });
}

/** Signs a request without a body: returns its headers with x-amz-date (and a session token) and authorization added. */
export async function signRequest(
  signer: SignatureV4,
  request: {
    method: string;
    hostname: string;
    path: string;
    headers: Record<string, string>;
    query?: Record<string, string>;
  },
  region: string,
  signingDate = new Date(),
): Promise<Record<string, string>> {
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'https:',
      hostname: request.hostname,
      path: request.path,
      headers: { ...request.headers },
      query: request.query ?? {},
    },
    { signingDate, signingRegion: region },
  );
  return signed.headers as Record<string, string>;
}
