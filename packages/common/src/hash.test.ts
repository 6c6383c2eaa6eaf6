import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashFile } from './hash.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hash-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** The digest coreutils prints (sha256sum / md5sum): an independent reference. */
const coreutils = (tool: 'sha256sum' | 'md5sum', path: string) =>
  execFileSync(tool, [path], { encoding: 'utf8' }).split(' ')[0];

describe('hashFile', () => {
  it('hashes a file as sha256 and md5', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'hash-')), 'f');
    await writeFile(path, 'foo');
    expect(await hashFile(path)).toBe('2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae');
    expect(await hashFile(path, 'md5')).toBe('acbd18db4cc2f85cedef654fccc4a4d8');
  });

  it('hashes an empty file to the digest of no bytes', async () => {
    const path = join(work, 'empty');
    await writeFile(path, '');
    // FIPS 180-4 / RFC 1321 digests of the empty message
    expect(await hashFile(path)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(await hashFile(path, 'md5')).toBe('d41d8cd98f00b204e9800998ecf8427e');
  });

  it('hashes a file read in several chunks as coreutils does the whole file', async () => {
    // 3 MiB + 1 byte: three full 1 MiB reads and a last short one
    const path = join(work, 'large.bin');
    await writeFile(path, randomBytes(3 * 1024 * 1024 + 1));
    expect(await hashFile(path)).toBe(coreutils('sha256sum', path));
    expect(await hashFile(path, 'md5')).toBe(coreutils('md5sum', path));
  });

  it('rejects with the file system error for a missing file or a folder', async () => {
    await expect(hashFile(join(work, 'absent'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(hashFile(work)).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
