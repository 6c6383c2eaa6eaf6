import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, createWriteStream, openSync, renameSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { IntegrityError } from './errors.js';
import { withRetries, type RetryOptions } from './retry.js';
import { writeAllSync } from './small-files.js';
import type { DownloadOptions } from './types.js';
import type { WireResponse } from './wire.js';

// One random tag per process and a counter: unique temp names without 6 random bytes (a
// getpid and a randomFillSync) per file. Small objects' temps are still created exclusively.
const TEMP_TAG = randomBytes(6).toString('hex');
let tempSeq = 0;

/** A temporary name beside `dest`: partial bytes never sit at `dest` itself. */
export function tempBeside(dest: string): string {
  return join(dirname(dest), `.${basename(dest)}.tmp-${TEMP_TAG}${(tempSeq++).toString(36)}`);
}

let umaskValue: number | undefined;
/** The process umask, read once (process.umask() is two syscalls per call). */
function umask(): number {
  umaskValue ??= process.umask();
  return umaskValue;
}

/** Throws IntegrityError when `verify`'s digest differs, then runs the caller's verifier. */
export function checkDigest(url: string, options: DownloadOptions, digest: string | undefined): void {
  if (options.verify && digest !== undefined && digest !== options.verify.digest.toLowerCase()) {
    throw new IntegrityError(url, options.verify.digest, digest, options.verify.algorithm);
  }
}

/**
 * The bookkeeping of one streamed attempt: every chunk is counted, hashed, given to the
 * caller's verifier and reported as progress; `settle` checks the length and the digest and
 * moves the temporary file into place; `takeBack` undoes the progress of a failed attempt.
 */
class StreamedAttempt {
  bytes = 0;
  private reported = 0;
  private readonly hash;
  private readonly verifier;

  constructor(
    private readonly url: string,
    private readonly options: DownloadOptions,
  ) {
    this.hash = options.verify ? createHash(options.verify.algorithm) : undefined;
    this.verifier = options.verifier?.();
  }

  take(chunk: Buffer): void {
    this.bytes += chunk.length;
    this.hash?.update(chunk);
    this.verifier?.update(chunk);
    if (this.options.onBytes) {
      this.options.onBytes(chunk.length);
      this.reported += chunk.length;
    }
  }

  /** The length announced: a shorter or longer body is a transient fault (retried), not a corrupt object. */
  async settle(temp: string, dest: string, expected: number | undefined): Promise<{ bytes: number }> {
    if (expected !== undefined && this.bytes !== expected)
      throw Object.assign(new Error(`Truncated body: ${this.bytes} of ${expected} bytes from ${this.url}`), {
        code: 'TruncatedBody',
      });
    checkDigest(this.url, this.options, this.hash?.digest('hex'));
    this.verifier?.finish();
    if (this.options.mode !== undefined) await chmod(temp, this.options.mode);
    await rename(temp, dest);
    return { bytes: this.bytes };
  }

  /** Bytes counted for a failed attempt are taken back so that progress stays truthful. */
  takeBack(): void {
    if (this.reported && this.options.onBytes) this.options.onBytes(-this.reported);
  }
}

/**
 * One attempt: streams `source` into a temporary file beside `dest`, hashing as the bytes
 * pass, and renames it into place only when the digest matches, so a reader never sees a
 * partial or corrupt file at `dest`. No retry here: the caller owns the one retry layer.
 */
export async function writeVerifiedStream(
  source: Readable,
  dest: string,
  url: string,
  options: DownloadOptions = {},
  /** The length announced: a shorter or longer body is a transient fault (retried), not a corrupt object. */
  expected?: number,
): Promise<{ bytes: number }> {
  const temp = tempBeside(dest);
  const attempt = new StreamedAttempt(url, options);
  try {
    const file = await createIn(dirname(dest), () => open(temp, 'wx'));
    const meter = new Transform({
      transform(chunk: Buffer, _enc, callback) {
        attempt.take(chunk);
        callback(null, chunk);
      },
    });
    await pipeline(source, meter, createWriteStream(temp, { fd: file, highWaterMark: 4 << 20 }));
    return await attempt.settle(temp, dest, expected);
  } catch (error) {
    attempt.takeBack();
    source.destroy();
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * writeVerifiedStream for an answer of the lean HTTP client: each piece is written, hashed and
 * counted in the sink, synchronously (the piece is a view of a reused read buffer), so no
 * chunk is allocated or queued between the socket and the file.
 */
export async function writeVerifiedBody(
  body: WireResponse,
  dest: string,
  url: string,
  options: DownloadOptions = {},
  expected?: number,
): Promise<{ bytes: number }> {
  const temp = tempBeside(dest);
  const attempt = new StreamedAttempt(url, options);
  let fd: number | undefined;
  try {
    fd = await createIn(dirname(dest), () => openSync(temp, 'wx'));
    const out = fd;
    await body.read((chunk) => {
      writeAllSync(out, chunk);
      attempt.take(chunk);
    });
    closeSync(fd);
    fd = undefined;
    return await attempt.settle(temp, dest, expected);
  } catch (error) {
    attempt.takeBack();
    body.resume();
    if (fd !== undefined) closeSync(fd);
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * One attempt of the small-object path: the whole body is verified in memory and written to
 * a temporary file beside `dest` (created with the final mode), then renamed into place.
 */
export async function writeVerifiedBytes(
  body: Buffer,
  dest: string,
  /** The source's URL for messages; a function when it is costly to build (local stores, per file). */
  url: string | (() => string),
  options: DownloadOptions = {},
): Promise<{ bytes: number }> {
  if (options.verify)
    checkDigest(
      typeof url === 'string' ? url : url(),
      options,
      createHash(options.verify.algorithm).update(body).digest('hex'),
    );
  if (options.verifier) {
    const verifier = options.verifier();
    verifier.update(body, true);
    verifier.finish();
  }
  const temp = tempBeside(dest);
  try {
    // Small objects are written synchronously: on busy machines a thread-pool round trip per
    // file costs more than the write itself (measured 2x slower for 4-32 KB files).
    await createIn(dirname(dest), () => writeFileSync(temp, body, { mode: options.mode ?? 0o666, flag: 'wx' }));
    if (options.mode !== undefined && (options.mode & ~umask()) !== options.mode) chmodSync(temp, options.mode);
    renameSync(temp, dest);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  options.onBytes?.(body.length);
  return { bytes: body.length };
}

/** writeVerifiedStream with retries on transient failures (a fresh `open()` each attempt). */
export async function streamToVerifiedFile(
  open: () => Promise<Readable>,
  dest: string,
  url: string,
  options: DownloadOptions & { retry?: RetryOptions } = {},
): Promise<{ bytes: number }> {
  return withRetries(async () => writeVerifiedStream(await open(), dest, url, options), options.retry);
}

/** Objects up to this size are read whole and written with one call (no stream machinery). */
export const SMALL_OBJECT = 1 << 20;

/** writeVerifiedBytes with retries on transient failures (a fresh `read()` each attempt). */
export async function bytesToVerifiedFile(
  read: () => Promise<Buffer>,
  dest: string,
  url: string | (() => string),
  options: DownloadOptions & { retry?: RetryOptions } = {},
): Promise<{ bytes: number }> {
  return withRetries(async () => writeVerifiedBytes(await read(), dest, url, options), options.retry);
}

const madeDirs = new Set<string>();
/**
 * mkdir -p, once per folder per process (objects share a few hundred prefix folders). A folder
 * removed since (a cache deleted between two pulls of one process) is forgotten by `forgetDir`
 * when a write into it fails with ENOENT, and made again.
 */
export async function ensureDir(dir: string): Promise<void> {
  if (madeDirs.has(dir)) return;
  await mkdir(dir, { recursive: true });
  if (madeDirs.size > 100_000) madeDirs.clear();
  madeDirs.add(dir);
}

/**
 * Creates a file in `dir` by `create` (an exclusive open), after ensureDir; when the folder
 * vanished since ensureDir remembered it (ENOENT), makes it again and creates once more.
 */
export async function createIn<T>(dir: string, create: () => T | Promise<T>): Promise<T> {
  await ensureDir(dir);
  try {
    return await create();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !madeDirs.delete(dir)) throw error;
    await ensureDir(dir);
    return create();
  }
}
