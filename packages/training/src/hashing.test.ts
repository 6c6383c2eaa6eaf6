import { beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashFiles } from './hashing.js';

const digest = (bytes: Uint8Array) => ({
  sha256: createHash('sha256').update(bytes).digest('hex'),
  size: bytes.length,
});

// Files over the 64 MB parallel threshold in all, shared by the tests below that need the worker pool.
let shared: string;
const SHARED = [randomBytes(36 << 20), randomBytes(30 << 20), Buffer.from('abc')];
const sharedPaths = () => SHARED.map((_, i) => join(shared, `f${i}`));
beforeAll(async () => {
  shared = await mkdtemp(join(tmpdir(), 'hash-shared-'));
  await Promise.all(sharedPaths().map((p, i) => writeFile(p, SHARED[i]!)));
});

describe('hashFiles', () => {
  it('gives the same digests in worker threads as on the main thread, in the order asked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hash-'));
    await mkdir(join(dir, 'shards'));
    const contents = [randomBytes(40 << 20), randomBytes(30 << 20), Buffer.from('small')];
    const paths = contents.map((_, i) => join(dir, 'shards', `part-${i}.bin`));
    await Promise.all(paths.map((p, i) => writeFile(p, contents[i]!)));
    const expected = contents.map((c) => ({ sha256: createHash('sha256').update(c).digest('hex'), size: c.length }));
    expect(await hashFiles(paths, { concurrency: 2 })).toEqual(expected); // 70 MB: the worker pool
    expect(await hashFiles(paths, { concurrency: 1 })).toEqual(expected); // main thread
    expect(await readdir(join(dir, 'shards'))).toHaveLength(3);
  });

  it('hashes an empty file and an empty list', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hash-'));
    await writeFile(join(dir, 'empty'), '');
    // sha256 of no bytes (FIPS 180-4 example, also `sha256sum /dev/null`)
    expect(await hashFiles([join(dir, 'empty')])).toEqual([
      { sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', size: 0 },
    ]);
    expect(await hashFiles([])).toEqual([]);
  });

  it('reports each file size to onFile once, on the main thread and in the workers', async () => {
    for (const concurrency of [1, 2]) {
      const seen: number[] = [];
      const digests = await hashFiles(sharedPaths(), { concurrency, onFile: (size) => seen.push(size) });
      expect(digests).toEqual(SHARED.map(digest));
      expect(seen.sort((a, b) => a - b)).toEqual(SHARED.map((c) => c.length).sort((a, b) => a - b));
    }
  });

  it('rejects a path that does not exist, naming it', async () => {
    const missing = join(await mkdtemp(join(tmpdir(), 'hash-')), 'model.pt');
    await expect(hashFiles([missing])).rejects.toThrow(missing);
  });

  it('rejects when a worker cannot read a file, naming the file and the reason', async () => {
    const folder = join(shared, 'checkpoints');
    await mkdir(folder);
    // the shared files are over the threshold: the worker pool
    await expect(hashFiles([...sharedPaths(), folder], { concurrency: 2 })).rejects.toThrow(
      `Could not hash ${folder}: EISDIR`,
    );
  });
});
