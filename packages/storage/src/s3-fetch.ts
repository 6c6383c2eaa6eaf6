/**
 * One attempt at downloading an S3 object over the lean GET path (s3-get.ts). The first
 * request asks for the object's first `cutoff` bytes: an object up to the cutoff arrives
 * whole in that one answer and is streamed to disk as it comes (one stream, as rclone below
 * its multi-thread cutoff: splitting a 64 MB object only multiplies requests). Of a larger
 * one, that answer gives the first part (the rest of it is dropped with its connection) while
 * the other parts are fetched as ranges in parallel (ranged.ts). Faults of the first answer (Range ignored, a wrong
 * Content-Range, a cut body) are handled here; those of the other parts in ranged.ts.
 */
import type { IncomingMessage } from 'node:http';
import { SMALL_OBJECT, writeVerifiedBytes, writeVerifiedStream } from './download.js';
import { ObjectNotFoundError } from './errors.js';
import { checkRangeAnswer, parseContentRange, RangeFailure, rangedToVerifiedFile, readExactly } from './ranged.js';
import { s3Error, type S3ObjectGetter } from './s3-get.js';
import type { DownloadOptions } from './types.js';

export interface RangeSizes {
  /** Objects up to this size come in one GET; larger ones in parts. */
  cutoff: number;
  /** The size of each part after the first `cutoff` bytes. */
  partSize: number;
}

/**
 * rclone's --multi-thread-cutoff (256 MiB); parts of 8 MiB keep the memory of the in-order
 * digest small (at most RANGES_PER_OBJECT + 2 parts ahead of it per object).
 */
export const DEFAULT_RANGES: RangeSizes = { cutoff: 256 * 1024 * 1024, partSize: 8 * 1024 * 1024 };

export async function getToFile(
  getter: S3ObjectGetter,
  fullKey: string,
  dest: string,
  url: string,
  options: DownloadOptions,
  sizes: RangeSizes = DEFAULT_RANGES,
): Promise<{ bytes: number }> {
  const first = sizes.cutoff;
  let res = await getter.get(fullKey, { range: `bytes=0-${first - 1}` });
  if (res.statusCode === 416) {
    res.resume(); // an empty object has no byte 0
    res = await getter.get(fullKey);
  }
  if (res.statusCode === 404) {
    const error = await s3Error(res, url);
    if (error.name === 'NoSuchBucket') throw error;
    throw new ObjectNotFoundError(url);
  }
  if (res.statusCode === 200) {
    // the server ignored Range (or the object is empty): the whole body, verified as it streams
    const length = res.headers['content-length'] === undefined ? undefined : Number(res.headers['content-length']);
    if (length !== undefined && length <= SMALL_OBJECT)
      return writeVerifiedBytes(await readExactly(res, length), dest, url, options);
    return writeVerifiedStream(res, dest, url, options, length);
  }
  if (res.statusCode !== 206) throw await s3Error(res, url);
  const range = parseContentRange(res.headers['content-range']);
  const expectedEnd = range ? Math.min(range.total, first) - 1 : -1;
  if (!range || range.start !== 0 || range.end !== expectedEnd) {
    res.resume();
    throw new RangeFailure(
      `${url}: asked for bytes 0-${first - 1}, the server sent Content-Range ${JSON.stringify(res.headers['content-range'] ?? '')}`,
      true,
    );
  }
  const total = range.total;
  if (total <= first) {
    if (total <= SMALL_OBJECT) return writeVerifiedBytes(await readExactly(res, total), dest, url, options);
    return writeVerifiedStream(res, dest, url, options, total);
  }
  const etag = res.headers.etag;
  const getRange = async (start: number, end: number) => {
    const part: IncomingMessage = await getter.get(
      fullKey,
      etag ? { range: `bytes=${start}-${end}`, 'if-match': etag } : { range: `bytes=${start}-${end}` },
    );
    try {
      checkRangeAnswer(part, url, start, end, total, etag);
    } catch (error) {
      part.resume();
      throw error;
    }
    return readExactly(part, end - start + 1);
  };
  return rangedToVerifiedFile({ stream: res, length: sizes.partSize, total, etag }, getRange, dest, url, {
    ...options,
    partSize: sizes.partSize,
  });
}
