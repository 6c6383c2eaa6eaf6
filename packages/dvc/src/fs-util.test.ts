/** fs-util.ts: the filesystem helpers fetch, early copies and checkout share, on real files in a temp folder. */
import { describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  countEntries,
  DirMaker,
  firstNonFolder,
  listFiles,
  lstatOrUndefined,
  readlinkOrEmpty,
  statOrUndefined,
  workspacePath,
} from './fs-util.js';

const temp = () => mkdtemp(join(tmpdir(), 'dvc-fsutil-'));

describe('statOrUndefined / lstatOrUndefined / readlinkOrEmpty', () => {
  it('answer undefined (or empty) for a missing path, follow a link (stat) or not (lstat)', async () => {
    const dir = await temp();
    await writeFile(join(dir, 'file'), 'abc');
    await symlink(join(dir, 'file'), join(dir, 'link'));
    expect(statOrUndefined(join(dir, 'missing'))).toBeUndefined();
    expect(lstatOrUndefined(join(dir, 'missing'))).toBeUndefined();
    expect(statOrUndefined(join(dir, 'file/below'))).toBeUndefined(); // ENOTDIR is "not there" too
    expect(statOrUndefined(join(dir, 'link'))?.isFile()).toBe(true);
    expect(lstatOrUndefined(join(dir, 'link'))?.isSymbolicLink()).toBe(true);
    expect(readlinkOrEmpty(join(dir, 'link'))).toBe(join(dir, 'file'));
    expect(readlinkOrEmpty(join(dir, 'file'))).toBe('');
    expect(readlinkOrEmpty(join(dir, 'missing'))).toBe('');
  });

  it('a dangling link: stat sees nothing, lstat sees the link', async () => {
    const dir = await temp();
    await symlink(join(dir, 'gone'), join(dir, 'dangling'));
    expect(statOrUndefined(join(dir, 'dangling'))).toBeUndefined();
    expect(lstatOrUndefined(join(dir, 'dangling'))?.isSymbolicLink()).toBe(true);
  });
});

describe('firstNonFolder', () => {
  it('is undefined when every existing part is a real folder, the missing rest included', async () => {
    const root = await temp();
    await mkdir(join(root, 'a/b'), { recursive: true });
    expect(firstNonFolder(root, join(root, 'a/b'))).toBeUndefined();
    expect(firstNonFolder(root, join(root, 'a/b/c/d'))).toBeUndefined();
    expect(firstNonFolder(root, root)).toBeUndefined();
  });

  it('names the first file, or the first link (even to a folder), on the way', async () => {
    const root = await temp();
    const outside = await temp();
    await mkdir(join(root, 'a'));
    await writeFile(join(root, 'a/file'), 'x');
    await symlink(outside, join(root, 'data'));
    expect(firstNonFolder(root, join(root, 'a/file/c'))).toBe(join(root, 'a/file'));
    expect(firstNonFolder(root, join(root, 'data/images'))).toBe(join(root, 'data'));
  });
});

describe('DirMaker', () => {
  it('makes nested folders once, and gives every folder it made the shared-group mode', async () => {
    const root = await temp();
    const before = (await stat(root)).mode & 0o7777;
    const dirs = new DirMaker(0o2775);
    const first = dirs.make(join(root, 'x/y/z'));
    expect(dirs.make(join(root, 'x/y/z'))).toBe(first); // one mkdir per folder
    await first;
    for (const d of ['x', 'x/y', 'x/y/z']) expect([d, (await stat(join(root, d))).mode & 0o7777]).toEqual([d, 0o2775]);
    expect((await stat(root)).mode & 0o7777).toBe(before); // an existing parent is left alone
  });

  it('without a mode, leaves the mode to the umask and an existing folder as it is', async () => {
    const root = await temp();
    await new DirMaker().make(join(root, 'p/q'));
    expect((await stat(join(root, 'p/q'))).isDirectory()).toBe(true);
    expect((await stat(join(root, 'p/q'))).mode & 0o2000).toBe(0);
    await expect(new DirMaker(0o2775).make(join(root, 'p/q'))).resolves.toBeUndefined();
    expect((await stat(join(root, 'p/q'))).mode & 0o2000).toBe(0); // existed: not chmodded
  });

  it('fails when a file stands in the way', async () => {
    const root = await temp();
    await writeFile(join(root, 'file'), 'x');
    await expect(new DirMaker().make(join(root, 'file/sub'))).rejects.toThrow(/EEXIST|ENOTDIR/);
  });
});

describe('workspacePath', () => {
  it('joins a repo-relative POSIX path under the root, with or without a trailing separator', () => {
    expect(workspacePath('/repo', 'data/images/cat.png')).toBe('/repo/data/images/cat.png');
    expect(workspacePath('/repo/', 'model.bin')).toBe('/repo/model.bin');
  });
});

describe('listFiles / countEntries', () => {
  it('list and count files and links (to files or folders) under a tree, never folders', async () => {
    const root = await temp();
    await mkdir(join(root, 'a/b/empty'), { recursive: true });
    await writeFile(join(root, 'top.txt'), '1');
    await writeFile(join(root, 'a/b/deep.txt'), '2');
    await symlink(join(root, 'top.txt'), join(root, 'a/link-to-file'));
    await symlink(join(root, 'a/b'), join(root, 'link-to-dir'));
    expect((await listFiles(root)).sort()).toEqual(
      [
        join(root, 'a/b/deep.txt'),
        join(root, 'a/link-to-file'),
        join(root, 'link-to-dir'),
        join(root, 'top.txt'),
      ].sort(),
    );
    expect(await countEntries(root)).toEqual({ files: 2, links: 2 });
    expect(await countEntries(join(root, 'a/b/empty'))).toEqual({ files: 0, links: 0 });
  });

  it('a missing folder is an error, not an empty list', async () => {
    const root = await temp();
    await expect(listFiles(join(root, 'missing'))).rejects.toThrow(/ENOENT/);
    await expect(countEntries(join(root, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});
