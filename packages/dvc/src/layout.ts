import { join, sep } from 'node:path';
import type { HashName } from './hash.js';

/**
 * Where an object lives. DVC 3 (`hash: md5`) keeps `files/md5/ab/cdef…` under the cache and
 * the remote; DVC 2 outputs use the legacy `ab/cdef…`. There is no fallback between the two.
 */
export function objectKey(oid: string, hashName: HashName): string {
  const tail = `${oid.slice(0, 2)}/${oid.slice(2)}`;
  return hashName === 'md5' ? `files/md5/${tail}` : tail;
}

// The cache folder normalised once (join(...) per object costs more than the stat it serves).
let lastDir = '';
let lastPrefix = { md5: '', legacy: '' };

export function cachePathOf(cacheDir: string, oid: string, hashName: HashName): string {
  if (cacheDir !== lastDir) {
    const base = join(cacheDir, 'x').slice(0, -1); // normalised, ends with one separator
    lastPrefix = { md5: `${base}files${sep}md5${sep}`, legacy: base };
    lastDir = cacheDir;
  }
  const prefix = hashName === 'md5' ? lastPrefix.md5 : lastPrefix.legacy;
  // oids are checked hex (32 characters) before they get here: no separator can hide in them
  return `${prefix}${oid.slice(0, 2)}${sep}${oid.slice(2)}`;
}
