import { describe, expect, it } from '@jest/globals';
import { chmod, mkdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordingLogger } from '@mlops-gha/common';
import { buildFixture, md5, type FixtureRepo } from '../../../test/fixtures/dvc-repo.js';
import { preparePull, pull, type PullOptions } from './pull.js';
import { findSettled } from './settled.js';
import { WorkspaceState } from './state.js';
import type { LinkType } from './checkout.js';

const options = (root: string, extra: Partial<PullOptions> = {}): PullOptions => ({
  cwd: root,
  logger: new RecordingLogger(),
  includeGlobalConfig: false,
  ...extra,
});
const STATE = '.dvc/tmp/mlops-dvc-state.tsv';

/** The outputs a pull would take as settled now (by path), as pull() asks before planning. */
async function settledNow(repo: FixtureRepo, linkType: LinkType = 'copy', targets?: string[]): Promise<string[]> {
  const ctx = await preparePull(options(repo.root, { targets }));
  const state = WorkspaceState.load(ctx.root);
  const found = findSettled(ctx.selections, { root: ctx.root, cacheDir: ctx.cacheDir, linkType, state });
  return [...found.values()].map((o) => o.path).sort();
}

async function pulled(): Promise<FixtureRepo> {
  const repo = await buildFixture();
  await pull(options(repo.root));
  return repo;
}

describe('settled outputs: a directory pulled whole and untouched since needs no plan', () => {
  it('every whole directory output is settled after a pull, and a second pull reports the same', async () => {
    const repo = await buildFixture();
    const first = await pull(options(repo.root));
    // at once: the pull wrote its state file clear of the stamps it noted (none is racy)
    expect(await settledNow(repo)).toEqual(['data/images', 'legacy']);
    const again = await pull(options(repo.root));
    expect(again.changedFiles).toBe(0);
    expect(again.downloadedFiles).toBe(0);
    // the same outputs, in the same order, with the same sizes and counts
    expect(again.outputs.map((o) => [o.path, o.md5, o.size, o.files, o.nfiles])).toEqual(
      first.outputs.map((o) => [o.path, o.md5, o.size, o.files, o.nfiles]),
    );
    expect(again.bytes).toBe(first.bytes);
    expect(again.dataVersion).toBe(first.dataVersion);
  });

  it('a file added in a subfolder unsettles it; the pull removes the file, as DVC does, and settles it again', async () => {
    const repo = await pulled();
    const extra = join(repo.root, 'data/images/sub/deep/extra.txt');
    await writeFile(extra, 'stray\n');
    // its content is in no cache: DVC refuses to delete it without force
    expect(await settledNow(repo)).toEqual(['legacy']);
    await expect(pull(options(repo.root))).rejects.toThrow(/unsaved files/);
    await pull(options(repo.root, { force: true }));
    await expect(stat(extra)).rejects.toThrow(/ENOENT/);
    expect(await settledNow(repo)).toEqual(['data/images', 'legacy']);
  });

  it('a new empty folder inside the output unsettles it (its parent changed)', async () => {
    const repo = await pulled();
    await mkdir(join(repo.root, 'data/images/sub/new'));
    expect(await settledNow(repo)).toEqual(['legacy']);
  });

  it('a folder no file explains (left empty) is stamped too: a file added inside it unsettles the output', async () => {
    const repo = await pulled();
    await mkdir(join(repo.root, 'data/images/sub/empty/deeper'), { recursive: true });
    await pull(options(repo.root)); // the full path, which notes the output again
    expect(await settledNow(repo)).toEqual(['data/images', 'legacy']);
    // a stray file two levels down changes neither sub/ nor data/images/
    await writeFile(join(repo.root, 'data/images/sub/empty/deeper/stray.txt'), 'stray\n');
    expect(await settledNow(repo)).toEqual(['legacy']);
    await expect(pull(options(repo.root))).rejects.toThrow(/unsaved files/);
  });

  it('a file rewritten with the same size and its mtime put back unsettles it, and is not overwritten silently', async () => {
    const repo = await pulled();
    const path = join(repo.root, 'data/images/cat.txt');
    const before = await stat(path);
    await writeFile(path, 'purr\n');
    await utimes(path, before.atime, before.mtime);
    expect(await settledNow(repo)).toEqual(['legacy']);
    await expect(pull(options(repo.root))).rejects.toThrow(/unsaved files/);
    expect(await readFile(path, 'utf8')).toBe('purr\n');
  });

  it('an object removed from the cache unsettles its output; the pull downloads it again', async () => {
    const repo = await pulled();
    const oid = md5('woof\n');
    const object = join(repo.root, '.dvc/cache/files/md5', oid.slice(0, 2), oid.slice(2));
    await chmod(object, 0o644);
    await rm(object);
    expect(await settledNow(repo)).toEqual(['legacy']);
    const again = await pull(options(repo.root));
    expect(again.downloadedFiles).toBe(1);
    expect(again.changedFiles).toBe(0);
    expect(await readFile(object, 'utf8')).toBe('woof\n');
  });

  it('a stamp not older than the state file is racy and not trusted', async () => {
    const repo = await pulled();
    const long = new Date(Date.now() - 3600_000); // the state "written" before the folders last changed
    await utimes(join(repo.root, STATE), long, long);
    expect(await settledNow(repo)).toEqual([]);
    // the full path notes them again, and they count once the state is older than them
    await pull(options(repo.root));
    expect(await settledNow(repo)).toEqual(['data/images', 'legacy']);
  });

  it('another link type, a target inside the folder, a new version of the output: not settled', async () => {
    const repo = await pulled();
    expect(await settledNow(repo, 'hardlink')).toEqual([]);
    expect(await settledNow(repo, 'copy', ['data/images/sub'])).toEqual([]);
    expect(await settledNow(repo, 'copy', ['data/images'])).toEqual(['data/images']);
    // the .dvc file now names another .dir: settled no more
    const dvcFile = join(repo.root, 'data/images.dvc');
    const text = await readFile(dvcFile, 'utf8');
    await writeFile(dvcFile, text.replace(/md5: [0-9a-f]{32}\.dir/, `md5: ${'0'.repeat(32)}.dir`));
    expect(await settledNow(repo)).toEqual(['legacy']);
  });

  it('a note planted in a fresh clone vouches for nothing: the pull fetches and checks out', async () => {
    const repo = await buildFixture();
    // what a repository could commit in .dvc/tmp: notes for empty outputs with no stamps
    const planted = ['data/images', 'legacy']
      .map(
        (p) =>
          `\0settled:${p}\t${JSON.stringify({ oid: '', hash: 'md5', cache: '', link: 'copy', files: 0, stamps: {} })}`,
      )
      .join('\n');
    const ctx = await preparePull(options(repo.root));
    const forged = ctx.selections
      .filter((s) => s.output.md5.endsWith('.dir'))
      .map(
        (s) =>
          `\0settled:${s.output.path}\t${JSON.stringify({ oid: s.output.md5, hash: s.output.hashName, cache: ctx.cacheDir, link: 'copy', files: 0, stamps: {} })}`,
      )
      .join('\n');
    await mkdir(join(repo.root, '.dvc/tmp'), { recursive: true });
    await writeFile(join(repo.root, STATE), `${planted}\n${forged}\n`);
    expect(await settledNow(repo)).toEqual([]);
    const result = await pull(options(repo.root));
    expect(result.downloadedFiles).toBe(Object.keys(repo.expected).length);
    for (const [rel, bytes] of Object.entries(repo.expected))
      expect(await readFile(join(repo.root, rel))).toEqual(bytes);
  });

  it('a damaged or forged note is ignored (the full path runs) and rewritten by the next pull', async () => {
    const repo = await pulled();
    const statePath = join(repo.root, STATE);
    const text = await readFile(statePath, 'utf8');
    const damaged = text
      .split('\n')
      .map((l) => (l.startsWith('\0settled:data/images\t') ? '\0settled:data/images\t{"oid": 1' : l))
      .map((l) => (l.startsWith('\0settled:legacy\t') ? l.replace(/"files":\d+/, '"files":99') : l))
      .join('\n');
    await writeFile(statePath, damaged);
    expect(await settledNow(repo)).toEqual([]);
    const again = await pull(options(repo.root));
    expect(again.changedFiles).toBe(0);
    expect(await settledNow(repo)).toEqual(['data/images', 'legacy']);
  });
});
