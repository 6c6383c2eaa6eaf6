/**
 * One attempt at downloading an S3 object over the lean GET path (s3-get.ts). The first
 * request is a plain GET, as rclone and s5cmd send below their multi-thread cutoff: an object
 * up to the cutoff arrives whole in that one answer and is streamed to disk as it comes
 * (splitting a 64 MB object only multiplies requests), and a Range header on every small GET
 * would cost the server work for nothing. Of a larger object, that answer gives the first part
 * (the rest of it is dropped with its connection) while the other parts are fetched as ranges
 * in parallel (ranged.ts). A server that then ignores Range on a part gets the whole object
 * once more, as one stream. Faults of the first answer (a cut body) are handled here; those of
 * the other parts in ranged.ts.
 */
import { SMALL_OBJECT, writeVerifiedBody, writeVerifiedBytes } from './download.js';
import { ObjectNotFoundError } from './errors.js';
import { checkRangeAnswer, RangeFailure, rangedToVerifiedFile, readExactly } from './ranged.js';
import { s3Error, type S3ObjectGetter } from './s3-get.js';
import type { DownloadOptions } from './types.js';

export interface RangeSizes {
  /** Objects up to this size come in one GET; larger ones in parts. */
  cutoff: number;
  /** The size of each part after the first. */
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
  const res = await getter.get(fullKey);
  if (res.statusCode === 404) {
    const error = await s3Error(res, url);
    if (error.name === 'NoSuchBucket') throw error;
    throw new ObjectNotFoundError(url);
  }
  if (res.statusCode !== 200) throw await s3Error(res, url);
  const header = res.headers['content-length'];
  const length = header === undefined ? undefined : Number(header);
  if (length === undefined || length <= sizes.cutoff) {
    // the whole body, verified as it streams (a body of another length is a retried fault)
    if (length !== undefined && length <= SMALL_OBJECT)
      return writeVerifiedBytes(await readExactly(res, length), dest, url, options);
    return writeVerifiedBody(res, dest, url, options, length);
  }
  const total = length;
  const etag = res.headers.etag;
  const getRange = async (start: number, end: number) => {
    const part = await getter.get(
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
  try {
    return await rangedToVerifiedFile({ stream: res, length: sizes.partSize, total, etag }, getRange, dest, url, {
      ...options,
      partSize: sizes.partSize,
    });
  } catch (error) {
    if (!(error instanceof RangeFailure && error.rangeIgnored)) throw error;
    // the server does not serve ranges: the whole object, as one verified stream
    const whole = await getter.get(fullKey, etag ? { 'if-match': etag } : {});
    if (whole.statusCode !== 200) throw await s3Error(whole, url);
    return writeVerifiedBody(whole, dest, url, options, total);
  }
}
