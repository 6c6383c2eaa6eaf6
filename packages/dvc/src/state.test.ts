import { describe, expect, it } from '@jest/globals';
import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordingLogger } from '@mlops-gha/common';
import { buildFixture } from '../../../test/fixtures/dvc-repo.js';
import { pull } from './pull.js';

const options = (root: string) => ({ cwd: root, logger: new RecordingLogger(), includeGlobalConfig: false });

describe('workspace state: a no-op pull stats instead of hashing, and is never fooled', () => {
  it('records every checked-out file in .dvc/tmp, and a second pull changes nothing', async () => {
    const repo = await buildFixture();
    await pull(options(repo.root));
    const state = await readFile(join(repo.root, '.dvc/tmp/mlops-dvc-state.tsv'), 'utf8');
    const recorded = state
      .trim()
      .split('\n')
      .map((l) => l.split('\t')[0])
      .sort();
    expect(recorded).toEqual(Object.keys(repo.expected).sort());
    const again = await pull(options(repo.root));
    expect(again.changedFiles).toBe(0);
  });

  it('a file rewritten with the same size and its mtime put back is still seen as changed (ctime and inode differ)', async () => {
    const repo = await buildFixture();
    await pull(options(repo.root));
    const path = join(repo.root, 'data/raw.csv');
    const before = await stat(path);
    const original = repo.expected['data/raw.csv']!;
    const tampered = Buffer.from(original);
    tampered[0] = tampered[0] === 0x41 ? 0x42 : 0x41;
    await writeFile(path, tampered);
    await utimes(path, before.atime, before.mtime);
    // its content is not in the cache: DVC refuses to drop it without force
    await expect(pull(options(repo.root))).rejects.toThrow(/unsaved files/);
    const forced = await pull({ ...options(repo.root), force: true });
    expect(forced.changedFiles).toBe(1);
    expect(await readFile(path)).toEqual(original);
  });

  it('a damaged or foreign state file only costs hashing', async () => {
    const repo = await buildFixture();
    await pull(options(repo.root));
    await writeFile(
      join(repo.root, '.dvc/tmp/mlops-dvc-state.tsv'),
      'data/raw.csv\t1\t2\t3\t4\tnot-an-oid\n\tjunk\nno tabs here\n',
    );
    await writeFile(join(repo.root, 'data/raw.csv'), 'changed');
    const forced = await pull({ ...options(repo.root), force: true });
    expect(forced.changedFiles).toBe(1);
    expect(await readFile(join(repo.root, 'data/raw.csv'))).toEqual(repo.expected['data/raw.csv']);
  });
});
