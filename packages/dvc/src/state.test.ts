import { describe, expect, it } from '@jest/globals';
import { lstat, mkdir, readFile, readdir, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordingLogger } from '@mlops-gha/common';
import { buildFixture, tempDir } from '../../../test/fixtures/dvc-repo.js';
import { pull } from './pull.js';
import { WorkspaceState } from './state.js';

const options = (root: string) => ({ cwd: root, logger: new RecordingLogger(), includeGlobalConfig: false });

describe('workspace state: a no-op pull stats instead of hashing, and is never fooled', () => {
  it('records every checked-out file in .dvc/tmp, and a second pull changes nothing', async () => {
    const repo = await buildFixture();
    await pull(options(repo.root));
    const state = await readFile(join(repo.root, '.dvc/tmp/mlops-dvc-state.tsv'), 'utf8');
    const lines = state.trim().split('\n');
    const recorded = lines
      .filter((l) => !l.startsWith('\0'))
      .map((l) => l.split('\t')[0])
      .sort();
    expect(recorded).toEqual(Object.keys(repo.expected).sort());
    // and a note for each directory output checked out whole (settled.ts)
    const notes = lines.filter((l) => l.startsWith('\0')).map((l) => l.split('\t')[0]);
    expect(notes.sort()).toEqual(['\0settled:data/images', '\0settled:legacy']);
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

describe('WorkspaceState (the module alone)', () => {
  const A = 'acbd18db4cc2f85cedef654fccc4a4d8';
  const B = '37b51d194a7513e45b56f6524f2d51f2';
  const fresh = async () => {
    const root = await tempDir('dvc-state-');
    await mkdir(join(root, '.dvc'));
    await writeFile(join(root, 'a.txt'), 'foo');
    await writeFile(join(root, 'b.txt'), 'bar');
    return root;
  };

  it('without a state file nothing matches', async () => {
    const root = await fresh();
    expect(WorkspaceState.load(root).matches('a.txt', await lstat(join(root, 'a.txt')), A)).toBe(false);
  });

  it('what is recorded and saved matches after a load, for the same stat and object only', async () => {
    const root = await fresh();
    const state = WorkspaceState.load(root);
    state.record('a.txt', join(root, 'a.txt'), A);
    state.recordStats('b.txt', await lstat(join(root, 'b.txt')), B);
    state.save();
    const text = await readFile(join(root, '.dvc/tmp/mlops-dvc-state.tsv'), 'utf8');
    expect(
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => l.replace(/\t[0-9a-f]{64}\t/, ' STAMP ')),
    ).toEqual([`a.txt STAMP ${A}`, `b.txt STAMP ${B}`]);
    const loaded = WorkspaceState.load(root);
    const a = await lstat(join(root, 'a.txt'));
    expect(loaded.matches('a.txt', a, A)).toBe(true);
    expect(loaded.matches('a.txt', a, B)).toBe(false); // another object
    expect(loaded.matches('b.txt', a, B)).toBe(false); // another file's stat (inode, size)
    expect(loaded.matches('c.txt', a, A)).toBe(false); // never recorded
    await utimes(join(root, 'a.txt'), new Date('2001-01-01'), new Date('2001-01-01')); // same file, another mtime
    expect(loaded.matches('a.txt', await lstat(join(root, 'a.txt')), A)).toBe(false);
  });

  it('recording a link or a missing file forgets what was known of that path', async () => {
    const root = await fresh();
    const state = WorkspaceState.load(root);
    state.record('a.txt', join(root, 'a.txt'), A);
    await symlink(join(root, 'b.txt'), join(root, 'link.txt'));
    state.record('a.txt', join(root, 'link.txt'), A);
    expect(state.matches('a.txt', await lstat(join(root, 'a.txt')), A)).toBe(false);
    state.record('b.txt', join(root, 'b.txt'), B);
    state.record('b.txt', join(root, 'gone.txt'), B);
    expect(state.matches('b.txt', await lstat(join(root, 'b.txt')), B)).toBe(false);
  });

  it('names holding a tab or a newline, and oids not 32 characters long, are not saved (they cannot be read back); the others are', async () => {
    const root = await fresh();
    const state = WorkspaceState.load(root);
    const st = await lstat(join(root, 'a.txt'));
    state.recordStats('tab\tname', st, A);
    state.recordStats('new\nline', st, A);
    state.recordStats('a.txt', st, A);
    state.recordStats('short-oid.txt', st, 'abc'); // an oid that cannot be read back either
    state.save();
    const text = await readFile(join(root, '.dvc/tmp/mlops-dvc-state.tsv'), 'latin1');
    expect(text).toMatch(/^a\.txt\t[0-9a-f]{64}\t[0-9a-f]{32}\n$/);
    const loaded = WorkspaceState.load(root);
    expect([
      loaded.matches('a.txt', st, A),
      loaded.matches('tab\tname', st, A),
      loaded.matches('new\nline', st, A),
      loaded.matches('short-oid.txt', st, 'abc'),
    ]).toEqual([true, false, false, false]);
  });

  it('a state larger than the 1 MB read buffer loads whole: lines across chunk edges, a 2 MB junk line skipped, no final newline', async () => {
    const root = await fresh();
    const st = await lstat(join(root, 'a.txt'));
    const state = WorkspaceState.load(root);
    const names = Array.from({ length: 20_000 }, (_, i) => `data/${'ü'.repeat(i % 7)}folder-${i % 97}/file-${i}.csv`);
    for (const name of names) state.recordStats(name, st, A);
    state.save();
    const file = join(root, '.dvc/tmp/mlops-dvc-state.tsv');
    const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
    expect(lines).toHaveLength(20_000);
    // a junk line longer than the buffer between two halves, and the last line unterminated
    const junk = 'x'.repeat(2 << 20);
    await writeFile(file, `${lines.slice(0, 10_000).join('\n')}\n${junk}\n${lines.slice(10_000).join('\n')}`);
    const loaded = WorkspaceState.load(root);
    expect(names.filter((n) => !loaded.matches(n, st, A))).toEqual([]);
    expect(loaded.matches('x'.repeat(100), st, A)).toBe(false);
  });

  it('a save that cannot rename into place leaves no temp file behind', async () => {
    const root = await fresh();
    await mkdir(join(root, '.dvc/tmp/mlops-dvc-state.tsv/occupied'), { recursive: true }); // a folder in the way
    const state = WorkspaceState.load(root);
    state.recordStats('a.txt', await lstat(join(root, 'a.txt')), A);
    expect(() => state.save()).not.toThrow();
    expect(await readdir(join(root, '.dvc/tmp'))).toEqual(['mlops-dvc-state.tsv']);
  });

  it('a .dvc/tmp that cannot be written only loses the state: save() does not throw', async () => {
    const root = await fresh();
    await writeFile(join(root, '.dvc/tmp'), 'a file where the folder should be');
    const state = WorkspaceState.load(root);
    state.recordStats('a.txt', await lstat(join(root, 'a.txt')), A);
    expect(() => state.save()).not.toThrow();
    expect(await readFile(join(root, '.dvc/tmp'), 'utf8')).toBe('a file where the folder should be');
  });
});
