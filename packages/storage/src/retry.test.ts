import { describe, expect, it } from '@jest/globals';
import { isTransient, withRetries } from './retry.js';

const sdkError = (name: string, status?: number) =>
  Object.assign(new Error(name), { name, ...(status === undefined ? {} : { $metadata: { httpStatusCode: status } }) });
const nodeError = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('isTransient', () => {
  it.each([
    ['a 500', sdkError('InternalError', 500)],
    ['a 503 SlowDown', sdkError('SlowDown', 503)],
    ['a 429', sdkError('TooManyRequests', 429)],
    ['any 5xx status, whatever its name', sdkError('Whatever', 502)],
    ['SlowDown without a status', sdkError('SlowDown')],
    ['the SDK throttling names', sdkError('ThrottlingException')],
    ['a request timeout', sdkError('RequestTimeout', 400)],
    ['a clock skew', sdkError('RequestTimeTooSkewed', 403)],
    ['a refused connection', nodeError('ECONNREFUSED')],
    ['a reset connection', nodeError('ECONNRESET')],
    ['a DNS hiccup', nodeError('EAI_AGAIN')],
    ['a premature close', nodeError('ERR_STREAM_PREMATURE_CLOSE')],
    ["undici's socket error", nodeError('UND_ERR_SOCKET')],
    ['a truncated body', nodeError('TruncatedBody')],
    ['an error the SDK marks retryable', Object.assign(new Error('x'), { $retryable: { throttling: false } })],
    ['"socket hang up" in the message only', new Error('socket hang up')],
    ['"other side closed" in the message only', new Error('SocketError: other side closed')],
    ['"aborted" in the message only', new Error('The operation was aborted')],
  ])('retries %s', (_what, error) => {
    expect(isTransient(error)).toBe(true);
  });

  it.each([
    ['a 404', sdkError('NoSuchKey', 404)],
    ['a 403', sdkError('AccessDenied', 403)],
    ['a 412', sdkError('PreconditionFailed', 412)],
    ['a missing bucket', sdkError('NoSuchBucket', 404)],
    ['a missing file', nodeError('ENOENT')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a string', 'ECONNRESET'],
    ['null', null],
    ['undefined', undefined],
  ])('does not retry %s', (_what, error) => {
    expect(isTransient(error)).toBe(false);
  });

  it('never retries what a lower layer marked `retryable: false`, even with a transient code or status', () => {
    expect(isTransient(Object.assign(nodeError('TruncatedBody'), { retryable: false }))).toBe(false);
    expect(isTransient(Object.assign(sdkError('SlowDown', 503), { retryable: false }))).toBe(false);
  });
});

describe('withRetries', () => {
  it('returns the first success, passing the attempt number', async () => {
    const seen: number[] = [];
    const result = await withRetries(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 3) throw nodeError('ECONNRESET');
        return 'body';
      },
      { baseDelayMs: 1 },
    );
    expect(result).toBe('body');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('makes 5 attempts by default, then throws the last error', async () => {
    let calls = 0;
    const error = await withRetries(
      async () => {
        calls++;
        throw sdkError('SlowDown', 503);
      },
      { baseDelayMs: 1 },
    ).catch((e: unknown) => e);
    expect(calls).toBe(5);
    expect((error as Error).name).toBe('SlowDown');
  });

  it('honours a smaller or larger number of attempts', async () => {
    for (const attempts of [1, 2, 7]) {
      let calls = 0;
      await withRetries(
        async () => {
          calls++;
          throw nodeError('ETIMEDOUT');
        },
        { attempts, baseDelayMs: 1 },
      ).catch(() => undefined);
      expect(calls).toBe(attempts);
    }
  });

  it('throws a permanent error at once, without waiting or retrying', async () => {
    let calls = 0;
    const retries: number[] = [];
    const denied = sdkError('AccessDenied', 403);
    await expect(
      withRetries(
        async () => {
          calls++;
          throw denied;
        },
        { onRetry: (_e, attempt) => retries.push(attempt) },
      ),
    ).rejects.toBe(denied);
    expect(calls).toBe(1);
    expect(retries).toEqual([]);
  });

  it('waits a full-jitter delay: below base x 2^(attempt-1), capped at the maximum', async () => {
    const delays: [number, number][] = [];
    await withRetries(
      async () => {
        throw nodeError('ECONNRESET');
      },
      { attempts: 6, baseDelayMs: 2, maxDelayMs: 10, onRetry: (_e, attempt, delay) => delays.push([attempt, delay]) },
    ).catch(() => undefined);
    expect(delays.map(([attempt]) => attempt)).toEqual([1, 2, 3, 4, 5]);
    // ceilings 2, 4, 8, then the cap of 10 twice
    const ceilings = [2, 4, 8, 10, 10];
    delays.forEach(([, delay], i) => {
      expect(Number.isInteger(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(ceilings[i]!);
    });
  });

  it('starts from a 100 ms ceiling by default', async () => {
    const delays: number[] = [];
    await withRetries(
      async () => {
        throw nodeError('EPIPE');
      },
      { attempts: 2, onRetry: (_e, _a, delay) => delays.push(delay) },
    ).catch(() => undefined);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeLessThan(100);
  });
});
