import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { IntegrityError } from './errors.js';
import {
  checkRangeAnswer,
  parseContentRange,
  RANGES_PER_OBJECT,
  RangeFailure,
  rangedToVerifiedFile,
  readExactly,
} from './ranged.js';
import { isTransient } from './retry.js';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const URL_ = 's3://bucket/p/big';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ranged-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));
let n = 0;
const target = async () => {
  const dir = await mkdtemp(join(work, `t${n++}-`));
  return { dir, dest: join(dir, 'out') };
};

/** What checkRangeAnswer and readExactly read of a response: its status, headers and body. */
const answer = (statusCode: number, headers: Record<string, string> = {}, body: Buffer[] = []) =>
  Object.assign(Readable.from(body), { statusCode, headers }) as unknown as IncomingMessage;

describe('parseContentRange', () => {
  it('reads `bytes start-end/total`', () => {
    expect(parseContentRange('bytes 0-1048575/3157073')).toEqual({ start: 0, end: 1048575, total: 3157073 });
    expect(parseContentRange(' bytes 5-5/6 ')).toEqual({ start: 5, end: 5, total: 6 });
  });

  it('refuses the forms that do not name one range of a known size', () => {
    for (const header of [
      undefined,
      '',
      'bytes */6',
      'bytes 0-5/*',
      'bytes 0-5',
      'items 0-5/6',
      'bytes=0-5/6',
      'bytes -5/6',
    ])
      expect(parseContentRange(header)).toBeUndefined();
  });
});

describe('RangeFailure', () => {
  it('is retried by the range layer only when retryable, and never by the object layer otherwise', () => {
    const cut = new RangeFailure('Truncated body: 1 of 2 bytes', true);
    expect(cut.code).toBe('TruncatedBody');
    expect(isTransient(cut)).toBe(true);
    const wrong = new RangeFailure('changed', false);
    expect(wrong.code).toBe('RangeFailure');
    expect(isTransient(wrong)).toBe(false);
    expect(new RangeFailure('x', false, 'RangeIgnored').rangeIgnored).toBe(true);
    expect(wrong.rangeIgnored).toBe(false);
  });
});

describe('readExactly', () => {
  it('returns the whole body of the announced length', async () => {
    const parts = [Buffer.from('abc'), Buffer.from('defg')];
    expect((await readExactly(answer(206, {}, parts), 7)).toString()).toBe('abcdefg');
    expect((await readExactly(answer(200, {}, [Buffer.from('one')]), undefined)).toString()).toBe('one');
    expect((await readExactly(answer(200, {}, []), 0)).length).toBe(0);
  });

  it('refuses a body of another length as a retryable truncation', async () => {
    const error = await readExactly(answer(206, {}, [Buffer.from('abc')]), 4).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeFailure);
    expect((error as RangeFailure).message).toBe('Truncated body: 3 of 4 bytes');
    expect((error as RangeFailure).retryable).toBe(true);
    await expect(readExactly(answer(206, {}, [Buffer.from('abcde')]), 4)).rejects.toThrow(
      'Truncated body: 5 of 4 bytes',
    );
  });
});

describe('checkRangeAnswer', () => {
  const etag = '"9b2cf535f27731c974343645a3985328"';
  const check = (res: IncomingMessage) => () => checkRangeAnswer(res, URL_, 100, 199, 1000, etag);
  const failure = (res: IncomingMessage) => {
    try {
      check(res)();
    } catch (error) {
      return error as RangeFailure & { $metadata?: { httpStatusCode?: number } };
    }
    throw new Error('expected a RangeFailure');
  };

  it('accepts a 206 for exactly the bytes asked of an object of the size first seen, with its ETag', () => {
    expect(check(answer(206, { 'content-range': 'bytes 100-199/1000', etag }))).not.toThrow();
    // a server that sends no ETag on parts is accepted (the If-Match header guards the object)
    expect(check(answer(206, { 'content-range': 'bytes 100-199/1000' }))).not.toThrow();
  });

  it('refuses a part of an object that changed (412 to If-Match, or another ETag), not retryable', () => {
    const refused = failure(answer(412));
    expect(refused.message).toBe(`${URL_} changed while it was being downloaded (If-Match ${etag} failed)`);
    expect(refused.retryable).toBe(false);
    const other = failure(answer(206, { 'content-range': 'bytes 100-199/1000', etag: '"other"' }));
    expect(other.message).toBe(`${URL_} changed while it was being downloaded (ETag ${etag}, then "other")`);
    expect(other.retryable).toBe(false);
  });

  it('says a 200 means the server ignores Range', () => {
    const ignored = failure(answer(200, { etag }));
    expect(ignored.rangeIgnored).toBe(true);
    expect(ignored.retryable).toBe(false);
    expect(ignored.message).toBe(
      `${URL_}: the server ignored the Range header of a part (answered 200 with the whole object)`,
    );
  });

  it('retries a 5xx part and not a 4xx one, keeping the status for the failure kinds', () => {
    const busy = failure(answer(503));
    expect(busy.retryable).toBe(true);
    expect(busy.$metadata?.httpStatusCode).toBe(503);
    expect(busy.message).toBe(`${URL_}: range 100-199 answered 503`);
    expect(failure(answer(403)).retryable).toBe(false);
  });

  it('retries a part whose Content-Range is not the one asked for (another range, another size, none)', () => {
    for (const contentRange of ['bytes 101-200/1000', 'bytes 100-199/1001', 'bytes 100-198/1000', undefined]) {
      const wrong = failure(
        answer(206, contentRange === undefined ? { etag } : { 'content-range': contentRange, etag }),
      );
      expect(wrong.retryable).toBe(true);
      expect(wrong.message).toBe(
        `${URL_}: asked for bytes 100-199/1000, the server sent Content-Range ${JSON.stringify(contentRange ?? '')}`,
      );
    }
  });
});

describe('rangedToVerifiedFile', () => {
  const PART = 1000;
  const body = randomBytes(PART * 9 + 123); // part 0 and nine more, the last one short

  /** getRange over `body`, recording every call. */
  function server(overrides: { fail?: (start: number, call: number) => Error | undefined } = {}) {
    const calls: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const getRange = async (start: number, end: number) => {
      calls.push(`${start}-${end}`);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      const error = overrides.fail?.(start, calls.filter((c) => c.startsWith(`${start}-`)).length);
      if (error) throw error;
      return body.subarray(start, end + 1);
    };
    return { calls, getRange, maxInFlight: () => maxInFlight };
  }
  it('fails the attempt, retryable, when the first answer is cut before the end of part 0 while parts are in flight', async () => {
    const { dir, dest } = await target();
    const cut = { stream: Readable.from([body.subarray(0, 400)]), length: PART, total: body.length };
    const error = await rangedToVerifiedFile(cut, server().getRange, dest, URL_, { partSize: PART }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RangeFailure);
    expect((error as RangeFailure).message).toBe(`${URL_}: Truncated body: 400 of ${PART} bytes of the first part`);
    expect(isTransient(error)).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });

  // the first answer streams everything up to the cutoff; only part 0 of it is used
  const first = () => ({
    stream: Readable.from([body.subarray(0, 600), body.subarray(600, 2500)]),
    length: PART,
    total: body.length,
    etag: '"e"',
  });

  it('writes every part in place, fetches each range once, and verifies the digest in order', async () => {
    const { dir, dest } = await target();
    const s = server();
    let reported = 0;
    const result = await rangedToVerifiedFile(first(), s.getRange, dest, URL_, {
      partSize: PART,
      verify: { algorithm: 'md5', digest: md5(body) },
      onBytes: (k) => (reported += k),
    });
    expect(result).toEqual({ bytes: body.length });
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(reported).toBe(body.length);
    const expected = Array.from(
      { length: 9 },
      (_, i) => `${PART * (i + 1)}-${Math.min(body.length, PART * (i + 2)) - 1}`,
    );
    expect([...s.calls].sort()).toEqual([...expected].sort());
    expect(s.maxInFlight()).toBeLessThanOrEqual(RANGES_PER_OBJECT);
    expect(await readdir(dir)).toEqual(['out']);
    expect((await stat(dest)).mode & 0o777).toBe(0o666 & ~process.umask());
  });

  it('gets the digest right when later parts arrive before earlier ones', async () => {
    const { dest } = await target();
    let releaseFirst!: () => void;
    const gate = new Promise<void>((r) => (releaseFirst = r));
    const seen: number[] = [];
    const getRange = async (start: number, end: number) => {
      seen.push(start);
      if (start === PART) await gate; // part 1 waits until part 4 has been asked for
      if (start === 4 * PART) releaseFirst();
      return body.subarray(start, end + 1);
    };
    await rangedToVerifiedFile(first(), getRange, dest, URL_, {
      partSize: PART,
      verify: { algorithm: 'md5', digest: md5(body) },
      mode: 0o444,
    });
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect((await stat(dest)).mode & 0o777).toBe(0o444);
  });

  it('retries a range on its own after a retryable failure', async () => {
    const { dest } = await target();
    const s = server({
      fail: (start, call) => (start === 3 * PART && call === 1 ? new RangeFailure('Truncated body', true) : undefined),
    });
    await rangedToVerifiedFile(first(), s.getRange, dest, URL_, {
      partSize: PART,
      verify: { algorithm: 'md5', digest: md5(body) },
    });
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(s.calls.filter((c) => c.startsWith(`${3 * PART}-`))).toHaveLength(2);
    expect(s.calls).toHaveLength(10);
  });

  it('fails the object, not retryable, when a range keeps failing: nothing left, bytes taken back', async () => {
    const { dir, dest } = await target();
    let reported = 0;
    const s = server({ fail: (start) => (start === 2 * PART ? new RangeFailure(`changed`, false) : undefined) });
    const error = await rangedToVerifiedFile(first(), s.getRange, dest, URL_, {
      partSize: PART,
      onBytes: (k) => (reported += k),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeFailure);
    expect((error as RangeFailure).message).toBe(`${URL_}: changed`);
    expect((error as RangeFailure).retryable).toBe(false);
    expect(isTransient(error)).toBe(false);
    expect(s.calls.filter((c) => c.startsWith(`${2 * PART}-`))).toHaveLength(1);
    expect(reported).toBe(0);
    expect(await readdir(dir)).toEqual([]);
  });

  it('gives up on a range after its 5 attempts', async () => {
    const { dir, dest } = await target();
    const s = server({
      fail: (start) =>
        start === PART ? Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) : undefined,
    });
    const error = await rangedToVerifiedFile(first(), s.getRange, dest, URL_, { partSize: PART }).catch(
      (e: unknown) => e,
    );
    expect((error as RangeFailure).message).toBe(`${URL_}: read ECONNRESET`);
    expect((error as RangeFailure).retryable).toBe(false);
    expect(s.calls.filter((c) => c.startsWith(`${PART}-`))).toHaveLength(5);
    expect(await readdir(dir)).toEqual([]);
  }, 30_000);

  it('keeps "the server ignores Range" through the object failure, for the whole-object fallback', async () => {
    const { dest } = await target();
    const s = server({ fail: () => new RangeFailure('ignored', false, 'RangeIgnored') });
    const error = await rangedToVerifiedFile(first(), s.getRange, dest, URL_, { partSize: PART }).catch(
      (e: unknown) => e,
    );
    expect((error as RangeFailure).rangeIgnored).toBe(true);
  });

  it('refuses corrupt bytes after every part arrived, leaving nothing', async () => {
    const { dir, dest } = await target();
    const error = await rangedToVerifiedFile(first(), server().getRange, dest, URL_, {
      partSize: PART,
      verify: { algorithm: 'md5', digest: md5(Buffer.from('something else')) },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(await readdir(dir)).toEqual([]);
  });
});
