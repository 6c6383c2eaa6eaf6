import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSmallFile, writeAllSync } from './small-files.js';

const folder = () => mkdtemp(join(tmpdir(), 'small-files-'));

describe('readSmallFile', () => {
  it('gives the bytes of a regular file up to maxSize, and says large above it', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'a'), 'twelve bytes');
    expect(readSmallFile(join(dir, 'a'), 12)).toEqual(Buffer.from('twelve bytes'));
    expect(readSmallFile(join(dir, 'a'), 11)).toBe('large');
    await writeFile(join(dir, 'empty'), '');
    expect(readSmallFile(join(dir, 'empty'), 0)).toEqual(Buffer.alloc(0));
  });

  it('says missing for nothing there, a path through a file, a folder and a FIFO (without blocking on it)', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'file'), 'x');
    await mkdir(join(dir, 'sub'));
    spawnSync('mkfifo', [join(dir, 'fifo')]);
    expect(readSmallFile(join(dir, 'absent'), 100)).toBe('missing');
    expect(readSmallFile(join(dir, 'file', 'below'), 100)).toBe('missing'); // ENOTDIR
    expect(readSmallFile(join(dir, 'sub'), 100)).toBe('missing');
    expect(readSmallFile(join(dir, 'fifo'), 100)).toBe('missing');
  });

  it('throws what is not an absence (a link loop, a name too long): the caller reports it', async () => {
    const dir = await folder();
    await symlink('loop', join(dir, 'loop'));
    expect(() => readSmallFile(join(dir, 'loop'), 100)).toThrow(/ELOOP/);
    expect(() => readSmallFile(join(dir, 'n'.repeat(300)), 100)).toThrow(/ENAMETOOLONG/);
  });
});

describe('writeAllSync', () => {
  it('writes every byte of a large buffer at the file position', async () => {
    const dir = await folder();
    const body = Buffer.alloc(3 << 20, 'abc');
    const fd = openSync(join(dir, 'out'), 'w');
    writeAllSync(fd, Buffer.from('head:'));
    writeAllSync(fd, body);
    closeSync(fd);
    // Buffer.equals: a byte-by-byte toEqual of megabytes takes jest half a minute
    expect(readFileSync(join(dir, 'out')).equals(Buffer.concat([Buffer.from('head:'), body]))).toBe(true);
  });
});
