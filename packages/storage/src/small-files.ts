/**
 * The synchronous read and write of one small file, shared by LocalStore and the pull's
 * helper threads (packages/dvc/src/file-worker.ts). Its own package subpath
 * (`@mlops-gha/storage/small-files`), importing only Node's own modules and using only
 * erasable TypeScript: a helper thread run from sources loads it through Node's type
 * stripping, which cannot follow the rest of the package's `.js` specifiers to `.ts` files.
 */
import { closeSync, constants, fstatSync, openSync, readSync, writeSync } from 'node:fs';

/** Nothing at a path: nothing there (ENOENT), or a part of it is a file (ENOTDIR), as S3 answers 404 for a key. */
export function isAbsent(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Writes all of `bytes` at the file's position (a write may take fewer bytes than given). */
export function writeAllSync(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
}

/**
 * A file's bytes when it is a regular file of at most `maxSize` bytes (one open, fstat, read
 * and close); 'large' when it is bigger, 'missing' when nothing is there (ENOENT, or a part of
 * the path is a file: ENOTDIR) or it is not a regular file. Other errors are thrown. A file
 * shorter than its stat said (being rewritten) gives what was read: a caller that checks a
 * digest sees the difference.
 */
export function readSmallFile(path: string, maxSize: number): Buffer | 'large' | 'missing' {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted at the path opens at once (then is refused as not a regular
    // file) instead of blocking forever; regular files ignore the flag
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    if (isAbsent(error)) return 'missing';
    throw error;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return 'missing';
    if (st.size > maxSize) return 'large';
    const body = Buffer.allocUnsafe(st.size);
    let n = 0;
    for (let r = 1; n < body.length && r > 0; n += r) r = readSync(fd, body, n, body.length - n, null);
    return n === body.length ? body : body.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
