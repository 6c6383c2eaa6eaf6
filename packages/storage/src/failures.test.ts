import { describe, expect, it } from '@jest/globals';
import { isUserError } from '@mlops-gha/common';
import { IntegrityError, ObjectNotFoundError } from './errors.js';
import { classifyStoreError, StoreFailure, type StoreContext } from './failures.js';
import { isTransient } from './retry.js';

const ctx: StoreContext = {
  location: 's3://ml-data/dvc',
  bucket: 'ml-data',
  endpoint: 'http://127.0.0.1:9000',
  region: 'us-east-1',
  credentialSource: 'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment',
};

const sdkError = (name: string, status: number | undefined, message = name) =>
  Object.assign(new Error(message), {
    name,
    ...(status === undefined ? {} : { $metadata: { httpStatusCode: status } }),
  });
const nodeError = (code: string, message: string) => Object.assign(new Error(message), { code });

const UNREACHABLE_FIX =
  'Check `endpoint-url` (scheme, host and port) and that the runner can reach it (network, firewall, VPN, a service container that has started).';

describe('classifyStoreError: unreachable', () => {
  it('a refused connection names the endpoint, the store, the code and the system message', () => {
    const cause = nodeError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9000');
    const failure = classifyStoreError(cause, ctx)!;
    expect(failure).toBeInstanceOf(StoreFailure);
    expect(isUserError(failure)).toBe(true);
    expect(failure.kind).toBe('unreachable');
    expect(failure.url).toBe('s3://ml-data/dvc');
    expect(failure.title).toBe('Storage endpoint unreachable');
    expect(failure.message).toBe(
      'Cannot reach http://127.0.0.1:9000 for s3://ml-data/dvc (ECONNREFUSED): connect ECONNREFUSED 127.0.0.1:9000',
    );
    expect(failure.fix).toBe(UNREACHABLE_FIX);
    expect(failure.cause).toBe(cause);
  });

  it('reads the socket code from `cause`, as fetch (undici) reports it', () => {
    const error = Object.assign(new TypeError('fetch failed'), {
      cause: nodeError('ENOTFOUND', 'getaddrinfo ENOTFOUND minio'),
    });
    const failure = classifyStoreError(error, ctx)!;
    expect(failure.kind).toBe('unreachable');
    expect(failure.message).toBe(
      'Cannot reach http://127.0.0.1:9000 for s3://ml-data/dvc (TypeError ENOTFOUND): fetch failed',
    );
  });

  it('an answer that is not HTTP (a wrong port or scheme in endpoint-url) names the endpoint and says to check it', () => {
    const failure = classifyStoreError(nodeError('EPROTO', 'Not an HTTP/1.1 answer: "\u0015\u0003\u0001"'), ctx)!;
    expect(failure.kind).toBe('unreachable');
    expect(failure.message).toBe(
      'Cannot reach http://127.0.0.1:9000 for s3://ml-data/dvc (EPROTO): Not an HTTP/1.1 answer: "\u0015\u0003\u0001"',
    );
    expect(failure.fix).toBe(UNREACHABLE_FIX);
  });

  it.each([
    ['an SDK TimeoutError', sdkError('TimeoutError', undefined, 'Connection timed out after 10000 ms')],
    ['a socket hang up with no HTTP status', new Error('socket hang up')],
    ['a reset connection', nodeError('ECONNRESET', 'read ECONNRESET')],
    ['an unreachable network', nodeError('ENETUNREACH', 'connect ENETUNREACH')],
  ])('%s', (_what, error) => {
    expect(classifyStoreError(error, ctx)?.kind).toBe('unreachable');
  });

  it('falls back to the message in the detail when the error has no status, name or code', () => {
    const failure = classifyStoreError({ message: 'connect timeout' }, ctx)!;
    expect(failure.message).toBe(
      'Cannot reach http://127.0.0.1:9000 for s3://ml-data/dvc (connect timeout): connect timeout',
    );
  });
});

describe('classifyStoreError: access denied', () => {
  it('a 403 says the credentials were refused and where they came from', () => {
    const failure = classifyStoreError(sdkError('AccessDenied', 403, 'Access Denied'), ctx)!;
    expect(failure.kind).toBe('access-denied');
    expect(failure.title).toBe('Storage refused the credentials');
    expect(failure.message).toBe(
      'http://127.0.0.1:9000 refused the credentials for s3://ml-data/dvc (403 AccessDenied); they came from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment',
    );
    expect(failure.fix).toContain('AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) on the step');
    expect(failure.fix).toContain('s3:GetObject and s3:ListBucket');
  });

  it.each(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'CredentialsProviderError'])(
    '%s, with or without a status',
    (name) => {
      expect(classifyStoreError(sdkError(name, undefined), ctx)?.kind).toBe('access-denied');
      expect(classifyStoreError(sdkError(name, 400), ctx)?.kind).toBe('access-denied');
    },
  );
});

describe('classifyStoreError: missing bucket and wrong region', () => {
  it('NoSuchBucket names the bucket and the endpoint, and says to check the remote URL', () => {
    const failure = classifyStoreError(sdkError('NoSuchBucket', 404), ctx)!;
    expect(failure.kind).toBe('no-bucket');
    expect(failure.title).toBe('Bucket does not exist');
    expect(failure.message).toBe('The bucket "ml-data" does not exist at http://127.0.0.1:9000 (404 NoSuchBucket)');
    expect(failure.fix).toBe(
      'Check the bucket name in the remote url (`remote-url:` or `url` in .dvc/config) and `endpoint-url`.',
    );
  });

  it.each([
    ['a 301 PermanentRedirect', sdkError('PermanentRedirect', 301)],
    ['a bare 301', sdkError('Error', 301)],
    ['AuthorizationHeaderMalformed', sdkError('AuthorizationHeaderMalformed', 400)],
  ])('%s that the region layer could not follow is a wrong region', (_what, error) => {
    const failure = classifyStoreError(error, ctx)!;
    expect(failure.kind).toBe('wrong-region');
    expect(failure.title).toBe('Wrong region for the bucket');
    expect(failure.message).toMatch(
      /^s3:\/\/ml-data\/dvc is not in the region us-east-1 its requests were signed for, and S3 did not say which one it is \(/,
    );
    expect(failure.fix).toBe(
      "Set `region:` on the step (or `region` in the remote's .dvc/config section) to the bucket's region.",
    );
  });

  it('writes a bare 301 detail without the generic name Error', () => {
    expect(classifyStoreError(sdkError('Error', 301), ctx)!.message).toMatch(/ \(301\)$/);
  });
});

describe('classifyStoreError: unavailable', () => {
  it('a 5xx or SlowDown left after every retry says the service kept failing', () => {
    const failure = classifyStoreError(sdkError('SlowDown', 503, 'Please reduce your request rate.'), ctx)!;
    expect(failure.kind).toBe('unavailable');
    expect(failure.title).toBe('Storage endpoint failing');
    expect(failure.message).toBe(
      'http://127.0.0.1:9000 kept failing for s3://ml-data/dvc (503 SlowDown): Please reduce your request rate.',
    );
    expect(failure.fix).toBe(
      'The storage service is throttling or failing (5xx/SlowDown) after every retry: run the job again later, or lower `jobs`.',
    );
    expect(classifyStoreError(sdkError('InternalError', 500), ctx)?.kind).toBe('unavailable');
  });
});

describe('classifyStoreError: not about the store', () => {
  it.each([
    ['a missing object', sdkError('NoSuchKey', 404)],
    ['ObjectNotFoundError', new ObjectNotFoundError('s3://ml-data/dvc/k')],
    ['IntegrityError', new IntegrityError('s3://ml-data/dvc/k', 'a', 'b', 'md5')],
    ['a conditional write lost', sdkError('PreconditionFailed', 412)],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'Body')")],
    ['a thrown string', 'boom'],
    ['null', null],
  ])('%s is left to the caller (undefined)', (_what, error) => {
    expect(classifyStoreError(error, ctx)).toBeUndefined();
  });

  it('passes a StoreFailure through as it is', () => {
    const failure = new StoreFailure('no-bucket', 's3://x', 'm', 'f');
    expect(classifyStoreError(failure, ctx)).toBe(failure);
    expect(failure.title).toBe('Bucket does not exist');
    expect(failure.name).toBe('StoreFailure');
  });
});

describe('StoreFailure and the retry layer', () => {
  it('is never transient: it is the verdict after the retries, whatever its message says', () => {
    const failure = classifyStoreError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), ctx)!;
    expect(failure.kind).toBe('unreachable');
    expect(isTransient(failure)).toBe(false);
  });
});
