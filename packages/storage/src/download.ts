import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { IntegrityError } from './errors.js';
import { withRetries, type RetryOptions } from './retry.js';
import type { DownloadOptions } from './types.js';

/**
 * Streams `open()`'s bytes into a temporary file beside `dest`, hashing as they pass, and
 * renames it into place only when the digest matches: a reader never sees a partial or
 * corrupt file at `dest`. A dropped connection or truncated body retries from the start.
 */
export async function streamToVerifiedFile(
  open: () => Promise<Readable>,
  dest: string,
  url: string,
  options: DownloadOptions & { retry?: RetryOptions } = {},
): Promise<{ bytes: number }> {
  await mkdir(dirname(dest), { recursive: true });
  return withRetries(async () => {
    const temp = join(dirname(dest), `.${basename(dest)}.tmp-${randomBytes(6).toString('hex')}`);
    const hash = options.verify ? createHash(options.verify.algorithm) : undefined;
    const verifier = options.verifier?.();
    let bytes = 0;
    let reported = 0;
    try {
      const source = await open();
      const meter = new Transform({
        transform(chunk: Buffer, _enc, callback) {
          bytes += chunk.length;
          hash?.update(chunk);
          verifier?.update(chunk);
          if (options.onBytes) {
            options.onBytes(chunk.length);
            reported += chunk.length;
          }
          callback(null, chunk);
        },
      });
      await pipeline(source, meter, createWriteStream(temp));
      if (options.verify && hash) {
        const actual = hash.digest('hex');
        if (actual !== options.verify.digest.toLowerCase()) {
          throw new IntegrityError(url, options.verify.digest, actual, options.verify.algorithm);
        }
      }
      verifier?.finish();
      if (options.mode !== undefined) await chmod(temp, options.mode);
      await rename(temp, dest);
      return { bytes };
    } catch (error) {
      // Bytes counted for a failed attempt are taken back so that progress stays truthful.
      if (reported && options.onBytes) options.onBytes(-reported);
      await rm(temp, { force: true });
      throw error;
    }
  }, options.retry);
}
