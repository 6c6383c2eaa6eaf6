import { join } from 'node:path';
import type { HashName } from './hash.js';

/**
 * Where an object lives. DVC 3 (`hash: md5`) keeps `files/md5/ab/cdef…` under the cache and
 * the remote; DVC 2 outputs use the legacy `ab/cdef…`. There is no fallback between the two.
 */
export function objectKey(oid: string, hashName: HashName): string {
  const tail = `${oid.slice(0, 2)}/${oid.slice(2)}`;
  return hashName === 'md5' ? `files/md5/${tail}` : tail;
}

export function cachePathOf(cacheDir: string, oid: string, hashName: HashName): string {
  return join(cacheDir, ...objectKey(oid, hashName).split('/'));
}
