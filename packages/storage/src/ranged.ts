/**
 * Large objects as several byte ranges at once (as rclone's multi-thread download and s5cmd
 * do): each range is written in place with a positional write into one temporary file, the
 * digest is fed the ranges in order as they complete (no second read of the file), and the
 * file is renamed into place only when every range arrived and the digest matches. Each
 * range has its own retries; a range that still fails fails the object (non-retryable at
 * the object level, so retries do not multiply), and the partial file is removed.
 */
import { createHash } from 'node:crypto';
import { open, rename, rm, chmod } from 'node:fs/promises';
import { dirname } from 'node:path';
import { checkDigest, createIn, tempBeside } from './download.js';
import { withRetries } from './retry.js';
import type { DownloadOptions } from './types.js';
import { WireResponse } from './wire.js';

/** What the checks read of an answer: its status and headers (a WireResponse, or a fake in tests). */
export interface AnswerHead {
  statusCode?: number;
  headers: Record<string, string | string[] | undefined>;
}

/** Ranges of one object in flight at once. */
export const RANGES_PER_OBJECT = 4;

/** The first answer (a 206 from byte 0), still streaming: part 0 is its first `length` bytes; the object's size and ETag. */
export interface FirstPart {
  stream: AsyncIterable<unknown>;
  length: number;
  total: number;
  etag?: string;
}

/** A range that could not be fetched correctly; `retryable` for the range's own retry layer only. */
export class RangeFailure extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly code = retryable ? 'TruncatedBody' : 'RangeFailure',
  ) {
    super(message);
    this.name = 'RangeFailure';
  }
  /** The server answered a part with the whole object: it does not serve ranges. */
  get rangeIgnored(): boolean {
    return this.code === 'RangeIgnored';
  }
}

/** `bytes a-b/total` of a 206 answer. */
export function parseContentRange(
  header: string | undefined,
): { start: number; end: number; total: number } | undefined {
  const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header?.trim() ?? '');
  if (!m) return undefined;
  return { start: Number(m[1]), end: Number(m[2]), total: Number(m[3]) };
}

/** Reads a response body whole, refusing one of another length than announced. */
export async function readExactly(res: AsyncIterable<unknown>, expected: number | undefined): Promise<Buffer> {
  if (res instanceof WireResponse && expected !== undefined) {
    // straight into one buffer of the announced size: no piece is kept or concatenated
    const body = Buffer.allocUnsafe(expected);
    let length = 0;
    await res.read((chunk) => {
      if (length + chunk.length <= expected) chunk.copy(body, length);
      length += chunk.length;
    });
    if (length !== expected) throw new RangeFailure(`Truncated body: ${length} of ${expected} bytes`, true);
    return body;
  }
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of res) {
    chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
  }
  if (expected !== undefined && length !== expected)
    throw new RangeFailure(`Truncated body: ${length} of ${expected} bytes`, true);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
}

/**
 * Checks a 206 answer for the range asked: the Content-Range must name exactly these bytes of
 * an object of the size first seen, and the ETag (when sent) must be the first one.
 */
export function checkRangeAnswer(
  res: AnswerHead,
  url: string,
  start: number,
  end: number,
  total: number,
  etag: string | undefined,
): void {
  if (res.statusCode === 412)
    throw new RangeFailure(`${url} changed while it was being downloaded (If-Match ${etag} failed)`, false);
  if (res.statusCode === 200)
    throw new RangeFailure(
      `${url}: the server ignored the Range header of a part (answered 200 with the whole object)`,
      false,
      'RangeIgnored',
    );
  if (res.statusCode !== 206)
    throw Object.assign(
      new RangeFailure(`${url}: range ${start}-${end} answered ${res.statusCode}`, (res.statusCode ?? 0) >= 500),
      { $metadata: { httpStatusCode: res.statusCode } },
    );
  const range = parseContentRange(res.headers['content-range'] as string | undefined);
  if (!range || range.start !== start || range.end !== end || range.total !== total) {
    throw new RangeFailure(
      `${url}: asked for bytes ${start}-${end}/${total}, the server sent Content-Range ${JSON.stringify(res.headers['content-range'] ?? '')}`,
      true,
    );
  }
  const got = res.headers.etag;
  if (etag && got && got !== etag)
    throw new RangeFailure(`${url} changed while it was being downloaded (ETag ${etag}, then ${got})`, false);
}

/**
 * Fetches the rest of an object whose first part is in hand and writes it to `dest`,
 * verified. `getRange(start, end)` sends one ranged GET (with If-Match) and resolves with the
 * checked body; it is retried here, per range, on retryable failures.
 */
export async function rangedToVerifiedFile(
  first: FirstPart,
  getRange: (start: number, end: number) => Promise<Buffer>,
  dest: string,
  url: string,
  options: DownloadOptions & { partSize: number },
): Promise<{ bytes: number }> {
  const total = first.total;
  const partSize = options.partSize;
  // part 0 is the first answer (first.length bytes); parts 1.. are partSize each from there
  const parts = 1 + Math.ceil((total - first.length) / partSize);
  const startOf = (index: number) => (index === 0 ? 0 : first.length + (index - 1) * partSize);
  const hash = options.verify ? createHash(options.verify.algorithm) : undefined;
  const verifier = options.verifier?.();
  const temp = tempBeside(dest);
  const file = await createIn(dirname(dest), () => open(temp, 'wx', 0o600));
  let reported = 0;
  // In-order digest: completed parts wait here until every earlier part has been fed.
  const done = new Map<number, Buffer>();
  let hashed = 0;
  const feed = () => {
    for (let next = done.get(hashed); next; next = done.get(hashed)) {
      hash?.update(next);
      verifier?.update(next);
      done.delete(hashed);
      hashed++;
      wake();
    }
  };
  // A part starts only within a window of the digest frontier, which bounds memory.
  const window = RANGES_PER_OBJECT + 2;
  let waiters: (() => void)[] = [];
  const wake = () => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  const admit = async (index: number) => {
    while (failed === undefined && index >= hashed + window) await new Promise<void>((r) => waiters.push(r));
  };
  let failed: unknown;
  const store = async (index: number, body: Buffer) => {
    await file.write(body, 0, body.length, startOf(index));
    options.onBytes?.(body.length);
    reported += body.length;
    done.set(index, body);
    feed();
  };
  // Part 0 is read from the first answer as it streams, into the head of the file, hashed as
  // it comes (it is always next in order). That answer may carry more than part 0 (it asked
  // for everything up to the cutoff): the rest is not read, and the connection is dropped.
  const streamFirst = async () => {
    let position = 0;
    for await (const data of first.stream) {
      if (failed !== undefined) return; // another part failed the object
      const chunk = (data as Buffer).subarray(0, first.length - position);
      await file.write(chunk, 0, chunk.length, position);
      position += chunk.length;
      hash?.update(chunk);
      verifier?.update(chunk);
      options.onBytes?.(chunk.length);
      reported += chunk.length;
      if (position === first.length) break;
    }
    if (failed !== undefined) return;
    // a cut first answer fails the attempt, retryable: the object's layer starts it again
    if (position !== first.length)
      throw new RangeFailure(`${url}: Truncated body: ${position} of ${first.length} bytes of the first part`, true);
    hashed = 1;
    feed();
    wake();
  };
  try {
    let nextIndex = 1;
    const worker = async () => {
      while (failed === undefined && nextIndex < parts) {
        const index = nextIndex++;
        await admit(index);
        if (failed !== undefined) return;
        const start = startOf(index);
        const end = Math.min(total, start + partSize) - 1;
        const body = await withRetries(() => getRange(start, end), { attempts: 5 }).catch((error: unknown) => {
          failed ??= error;
          wake();
          throw error;
        });
        await store(index, body);
      }
    };
    const workers = Array.from({ length: Math.min(RANGES_PER_OBJECT, parts - 1) }, worker);
    const head = streamFirst().catch((error: unknown) => {
      failed ??= error;
      wake();
      throw error;
    });
    // settled together: a first answer cut while parts are in flight must not reject unheard
    const [headResult, ...results] = await Promise.allSettled([head, ...workers]);
    if (headResult!.status === 'rejected') throw headResult!.reason; // retryable: the object's layer starts again
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected) {
      const cause = rejected.reason as Error;
      // The object fails: the range layer already retried, so the object layer must not.
      throw new RangeFailure(
        `${url}: ${cause instanceof Error ? cause.message : String(cause)}`,
        false,
        cause instanceof RangeFailure && cause.rangeIgnored ? 'RangeIgnored' : 'RangeFailure',
      );
    }
    if (hashed !== parts) throw new RangeFailure(`${url}: ${parts - hashed} parts missing`, false);
    await file.close();
    checkDigest(url, options, hash?.digest('hex'));
    verifier?.finish();
    await chmod(temp, options.mode ?? 0o666 & ~process.umask());
    await rename(temp, dest);
    return { bytes: total };
  } catch (error) {
    if (reported && options.onBytes) options.onBytes(-reported);
    await file.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
}
