/**
 * manifest.ts: the JSON file the data-pull `manifest` output names, whose shape the README
 * documents: `{dataVersion, files, bytes, outputs: [{path, md5, hash, size, nfiles?, files, subpaths?}]}`.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeManifest } from './manifest.js';
import type { PullResult } from './pull.js';

const result: PullResult = {
  root: '/repo',
  cacheDir: '/repo/.dvc/cache',
  dataVersion: 'f'.repeat(40),
  outputs: [
    {
      path: 'data/images',
      md5: '72fef5191248fee439bb75c4762404b4.dir',
      hash: 'md5',
      size: 6,
      nfiles: 2,
      subpaths: ['sub'],
      files: 1,
      downloaded: 1,
      fromCache: 0,
      changed: 1,
    },
    {
      path: 'model.bin',
      md5: 'acbd18db4cc2f85cedef654fccc4a4d8',
      hash: 'md5-dos2unix',
      size: 3,
      files: 1,
      downloaded: 0,
      fromCache: 1,
      changed: 0,
    },
  ],
  files: 2,
  bytes: 9,
  downloadedBytes: 6,
  downloadedFiles: 1,
  fromCache: 1,
  changedFiles: 1,
  durationMs: 12,
};

describe('writeManifest', () => {
  it('writes the documented fields only, in a folder it creates, as indented JSON ending in a newline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dvc-manifest-'));
    const path = join(dir, 'out/deeper/manifest.json');
    const returned = await writeManifest(path, result);
    const text = await readFile(path, 'utf8');
    const expected = {
      dataVersion: 'f'.repeat(40),
      files: 2,
      bytes: 9,
      outputs: [
        {
          path: 'data/images',
          md5: '72fef5191248fee439bb75c4762404b4.dir',
          hash: 'md5',
          size: 6,
          files: 1,
          nfiles: 2,
          subpaths: ['sub'],
        },
        // a file output: no nfiles, no subpaths keys at all (not null, not undefined)
        { path: 'model.bin', md5: 'acbd18db4cc2f85cedef654fccc4a4d8', hash: 'md5-dos2unix', size: 3, files: 1 },
      ],
    };
    expect(JSON.parse(text)).toStrictEqual(expected);
    expect(returned).toStrictEqual(expected);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "dataVersion": "ffffffffffffffffffffffffffffffffffffffff",');
  });

  it('replaces an older manifest at the same path', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'dvc-manifest-')), 'm.json');
    await writeFile(path, 'old content that is longer than the new one'.repeat(100));
    await writeManifest(path, { ...result, outputs: [] });
    expect(JSON.parse(await readFile(path, 'utf8'))).toStrictEqual({
      dataVersion: 'f'.repeat(40),
      files: 2,
      bytes: 9,
      outputs: [],
    });
  });

  it('fails, writing nothing, when a file stands where its folder should be', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dvc-manifest-'));
    await writeFile(join(dir, 'blocker'), 'a file');
    await expect(writeManifest(join(dir, 'blocker/m.json'), result)).rejects.toThrow(/EEXIST|ENOTDIR/);
  });
});
