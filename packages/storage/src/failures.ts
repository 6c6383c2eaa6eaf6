import { UserError } from '@mlops-gha/common';
import { isTransient } from './retry.js';

/**
 * Why a store could not be read, as a kind a caller can switch on. Each kind has its own
 * cause and fix: an unreachable endpoint is a network or `endpoint-url` problem, a 403 is a
 * credentials problem, and neither is "the data was never pushed".
 */
export type StoreFailureKind = 'unreachable' | 'unavailable' | 'access-denied' | 'no-bucket' | 'wrong-region';

const TITLES: Record<StoreFailureKind, string> = {
  unreachable: 'Storage endpoint unreachable',
  unavailable: 'Storage endpoint failing',
  'access-denied': 'Storage refused the credentials',
  'no-bucket': 'Bucket does not exist',
  'wrong-region': 'Wrong region for the bucket',
};

/** A failure of the store as a whole (not of one object): every later request would fail too. */
export class StoreFailure extends UserError {
  constructor(
    readonly kind: StoreFailureKind,
    readonly url: string,
    message: string,
    fix: string,
    cause?: unknown,
  ) {
    super(message, { fix, title: TITLES[kind], cause });
    this.name = 'StoreFailure';
  }
  /** The verdict after the retries (and remembered for the store's later objects): never retried again. */
  get retryable(): boolean {
    return false;
  }
}

/** Where an S3 store's requests go and where its credentials came from, for messages. */
export interface StoreContext {
  /** `s3://bucket/prefix` */
  location: string;
  bucket: string;
  /** The endpoint (a custom one, else AWS's regional host). */
  endpoint: string;
  region: string;
  /** e.g. "access_key_id in the DVC remote config", "the AWS default chain (AWS_ACCESS_KEY_ID in the environment)". */
  credentialSource: string;
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
  // an answer that is not HTTP/1.x (wire.ts): endpoint-url names a port that is not S3's, or http:// for a TLS port
  'EPROTO',
]);
const DENIED_CODES = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'CredentialsProviderError',
]);
const REGION_CODES = new Set([
  'PermanentRedirect',
  'AuthorizationHeaderMalformed',
  'IllegalLocationConstraintException',
]);

function fieldsOf(error: unknown): { code?: string; name?: string; status?: number; message: string } {
  const e = (error ?? {}) as {
    code?: string;
    name?: string;
    Code?: string;
    $metadata?: { httpStatusCode?: number };
    message?: string;
    cause?: unknown;
  };
  // Node's fetch/undici and some SDK errors carry the socket error as `cause`.
  const inner = (e.cause ?? {}) as { code?: string };
  return {
    code: e.code ?? inner.code,
    name: e.Code ?? e.name,
    status: e.$metadata?.httpStatusCode,
    message: e.message ?? String(error),
  };
}

/**
 * Turns an error from a request to an S3 store into a StoreFailure when it says something
 * about the store as a whole; undefined for anything else (a missing object, a corrupt body,
 * a bug). Called after the retry layer has given up, so a transient cause here is persistent.
 */
export function classifyStoreError(error: unknown, ctx: StoreContext): StoreFailure | undefined {
  if (error instanceof StoreFailure) return error;
  const { code, name, status, message } = fieldsOf(error);
  const detail = `(${[status, name !== 'Error' ? name : undefined, code].filter((x) => x !== undefined && x !== '').join(' ') || message})`;
  if (
    (code && UNREACHABLE_CODES.has(code)) ||
    name === 'TimeoutError' ||
    (status === undefined && /socket hang up|connect|getaddrinfo/i.test(message))
  ) {
    return new StoreFailure(
      'unreachable',
      ctx.location,
      `Cannot reach ${ctx.endpoint} for ${ctx.location} ${detail}: ${message}`,
      'Check `endpoint-url` (scheme, host and port) and that the runner can reach it (network, firewall, VPN, a service container that has started).',
      error,
    );
  }
  if (status === 403 || (name && DENIED_CODES.has(name))) {
    return new StoreFailure(
      'access-denied',
      ctx.location,
      `${ctx.endpoint} refused the credentials for ${ctx.location} ${detail}; they came from ${ctx.credentialSource}`,
      "Check the credentials and where they come from: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) on the step, the remote's access_key_id/secret_access_key or profile in .dvc/config.local, or the role that aws-actions/configure-aws-credentials assumed; the identity needs s3:GetObject and s3:ListBucket on the bucket.",
      error,
    );
  }
  if (name === 'NoSuchBucket') {
    return new StoreFailure(
      'no-bucket',
      ctx.location,
      `The bucket ${JSON.stringify(ctx.bucket)} does not exist at ${ctx.endpoint} ${detail}`,
      'Check the bucket name in the remote url (`remote-url:` or `url` in .dvc/config) and `endpoint-url`.',
      error,
    );
  }
  if ((name && REGION_CODES.has(name)) || status === 301) {
    return new StoreFailure(
      'wrong-region',
      ctx.location,
      `${ctx.location} is not in the region ${ctx.region} its requests were signed for, and S3 did not say which one it is ${detail}`,
      "Set `region:` on the step (or `region` in the remote's .dvc/config section) to the bucket's region.",
      error,
    );
  }
  if (isTransient(error)) {
    return new StoreFailure(
      'unavailable',
      ctx.location,
      `${ctx.endpoint} kept failing for ${ctx.location} ${detail}: ${message}`,
      'The storage service is throttling or failing (5xx/SlowDown) after every retry: run the job again later, or lower `jobs`.',
      error,
    );
  }
  return undefined;
}
