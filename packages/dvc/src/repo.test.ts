/**
 * repo.ts: finding the repository, collecting every tracked output (DVC's collect_files walk)
 * and turning `dvc pull` targets into selections (DVC facts sheet §2 and "Targets"), on real
 * files in a temp folder. Only the pointer files exist here: no data, no remote is needed.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { RecordingLogger, UserError } from '@mlops-gha/common';
import { collectOutputs, findRoot, readDvcFile, selectTargets, type Selection } from './repo.js';

const md5 = (n: number) => `f${n.toString(16).padStart(31, '0')}`; // a letter first: YAML reads all-digit words as numbers
const dvc = (path: string, oid: string) => `outs:\n- md5: ${oid}\n  hash: md5\n  path: ${path}\n`;

/**
 * data/raw.csv.dvc (file), data/images.dvc (folder), models/model.bin.dvc, a pipeline with
 * a `cache: false` metric and a foreach stage, and .dvc files where the walk must not look.
 */
async function buildRepo(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'dvc-repo-test-'));
  const files: Record<string, string> = {
    '.dvc/config': '',
    'data/raw.csv.dvc': dvc('raw.csv', md5(1)),
    'data/images.dvc': dvc('images', `${md5(2)}.dir`),
    // inside a tracked folder (an output): never read
    'data/images/nested.dvc': dvc('x', md5(99)),
    'models/model.bin.dvc': dvc('model.bin', md5(3)),
    'node_modules/pkg/x.dvc': dvc('x', md5(98)),
    '.git/x.dvc': dvc('x', md5(97)),
    'dvc.yaml':
      'stages:\n  train:\n    cmd: python train.py\n    outs:\n    - model.pt\n    metrics:\n    - scores.json:\n        cache: false\n' +
      '  split:\n    foreach: [a, b]\n    do:\n      cmd: split ${item}\n      outs:\n      - parts/${item}.csv\n',
    'dvc.lock':
      "schema: '2.0'\nstages:\n  train:\n    outs:\n" +
      `    - path: model.pt\n      md5: ${md5(4)}\n      hash: md5\n    - path: scores.json\n      md5: ${md5(5)}\n      hash: md5\n` +
      `  split@a:\n    outs:\n    - path: parts/a.csv\n      md5: ${md5(6)}\n      hash: md5\n` +
      `  split@b:\n    outs:\n    - path: parts/b.csv\n      md5: ${md5(7)}\n      hash: md5\n`,
  };
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), text);
  }
  return root;
}

async function setup() {
  const root = await buildRepo();
  const logger = new RecordingLogger();
  const ctx = { root, locationBase: root };
  const all = await collectOutputs(ctx, logger);
  const select = (targets: string[], base = root) => selectTargets(all, targets, { ...ctx, base }, logger);
  return { root, logger, all, select };
}
const shape = (selections: Selection[]) =>
  selections.map((s) => (s.subpaths ? `${s.output.path} [${s.subpaths.join(', ')}]` : s.output.path));

async function refusal(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a UserError');
}

describe('findRoot', () => {
  it('finds the folder holding .dvc/ from itself or any folder below it', async () => {
    const root = await buildRepo();
    expect(findRoot(root)).toBe(root);
    expect(findRoot(join(root, 'data/images'))).toBe(root);
    expect(findRoot(join(root, 'data', '..', 'models'))).toBe(root);
  });

  it('answers undefined outside any DVC repository', async () => {
    expect(findRoot(await mkdtemp(join(tmpdir(), 'not-dvc-')))).toBeUndefined();
  });
});

describe('readDvcFile', () => {
  it('a missing .dvc file is a UserError naming it relative to the working directory', async () => {
    const root = await buildRepo();
    const error = await refusal(readDvcFile(join(root, 'data/missing.dvc'), { root, locationBase: root }));
    expect(error.message).toBe('data/missing.dvc does not exist');
    expect(error.fix).toBe('Give the path of an existing .dvc file, relative to the working directory.');
  });
});

describe('collectOutputs', () => {
  it('collects every .dvc file and dvc.lock, in folder order, never inside outputs, .git or node_modules', async () => {
    const { all, logger } = await setup();
    expect(all.map((o) => [o.path, o.md5, o.cache])).toEqual([
      ['model.pt', md5(4), true],
      ['scores.json', md5(5), false],
      ['parts/a.csv', md5(6), true],
      ['parts/b.csv', md5(7), true],
      ['data/images', `${md5(2)}.dir`, true],
      ['data/raw.csv', md5(1), true],
      ['models/model.bin', md5(3), true],
    ]);
    expect(logger.messages('warning')).toEqual([]);
  });

  it('warns about a dvc.yaml with outputs but no dvc.lock, and about a lock without its dvc.yaml', async () => {
    const root = await buildRepo();
    await mkdir(join(root, 'a'));
    await writeFile(join(root, 'a/dvc.yaml'), 'stages:\n  s:\n    cmd: x\n    outs:\n    - out.bin\n');
    await mkdir(join(root, 'b'));
    await writeFile(
      join(root, 'b/dvc.lock'),
      `schema: '2.0'\nstages:\n  s:\n    outs:\n    - path: o\n      md5: ${md5(8)}\n`,
    );
    const logger = new RecordingLogger();
    const all = await collectOutputs({ root, locationBase: root }, logger);
    expect(all.filter((o) => o.path.startsWith('a/') || o.path.startsWith('b/')).map((o) => o.path)).toEqual(['b/o']);
    expect(logger.messages('warning')).toEqual([
      'a/dvc.yaml has no dvc.lock beside it: its outputs have no recorded hashes and are skipped (run `dvc repro` and commit dvc.lock).',
      'b/dvc.lock: no dvc.yaml beside it; pulling every cached output the lock file lists',
    ]);
  });

  it('a malformed .dvc file anywhere stops the walk with its error', async () => {
    const root = await buildRepo();
    await writeFile(join(root, 'models/broken.dvc'), 'outs:\n- path: x\n');
    const error = await refusal(collectOutputs({ root, locationBase: root }, new RecordingLogger()));
    expect(error.message).toBe('models/broken.dvc:2: output "x" has no `md5`');
  });
});

describe('selectTargets', () => {
  it('no targets: every cached output (a `cache: false` one is never pulled)', async () => {
    const { select } = await setup();
    expect(shape(await select([]))).toEqual([
      'model.pt',
      'parts/a.csv',
      'parts/b.csv',
      'data/images',
      'data/raw.csv',
      'models/model.bin',
    ]);
  });

  it('accepts a .dvc file, an output path, a stage name, a foreach stage and dvc.yaml:stage', async () => {
    const { select } = await setup();
    expect(shape(await select(['data/raw.csv.dvc']))).toEqual(['data/raw.csv']);
    expect(shape(await select(['models/model.bin']))).toEqual(['models/model.bin']);
    expect(shape(await select(['train']))).toEqual(['model.pt']);
    expect(shape(await select(['split']))).toEqual(['parts/a.csv', 'parts/b.csv']);
    expect(shape(await select(['dvc.yaml:split']))).toEqual(['parts/a.csv', 'parts/b.csv']);
    expect(shape(await select(['dvc.yaml']))).toEqual(['model.pt', 'parts/a.csv', 'parts/b.csv']);
  });

  it('a folder holding outputs selects all of them; `.` selects everything cached', async () => {
    const { select } = await setup();
    expect(shape(await select(['data']))).toEqual(['data/images', 'data/raw.csv']);
    expect(shape(await select(['.']))).toHaveLength(6);
  });

  it('a path inside a tracked folder selects that subtree; the whole folder as well wins', async () => {
    const { select } = await setup();
    expect(shape(await select(['data/images/cats', 'data/images/dogs/rex.png']))).toEqual([
      'data/images [cats, dogs/rex.png]',
    ]);
    expect(shape(await select(['data/images/cats', 'data/images']))).toEqual(['data/images']);
    expect(shape(await select(['data/images', 'data/images/cats']))).toEqual(['data/images']);
  });

  it('the same output named twice is selected once', async () => {
    const { select } = await setup();
    expect(shape(await select(['data/raw.csv', 'data/raw.csv.dvc', 'data']))).toEqual(['data/raw.csv', 'data/images']);
  });

  it('targets are relative to the working directory (base), not the root', async () => {
    const { root, select } = await setup();
    expect(shape(await select(['raw.csv'], join(root, 'data')))).toEqual(['data/raw.csv']);
    expect(shape(await select(['../models'], join(root, 'data')))).toEqual(['models/model.bin']);
  });

  it('a `cache: false` output as target is skipped with a warning', async () => {
    const { select, logger } = await setup();
    expect(await select(['scores.json'])).toEqual([]);
    expect(logger.messages('warning')).toEqual([
      'scores.json is a `cache: false` output: DVC never pulls it, so it is skipped.',
    ]);
  });

  it('refuses an unknown target, an unknown stage, and a target outside the repository', async () => {
    const { root, select } = await setup();
    const unknown = await refusal(select(['data/nothing.csv']));
    expect(unknown.message).toBe("'data/nothing.csv' does not exist as an output or a stage name in 'dvc.yaml'");
    expect(unknown.title).toBe('Unknown target');
    expect(unknown.fix).toMatch(/^Give a \.dvc file, a tracked output path/);
    expect((await refusal(select(['dvc.yaml:nostage']))).message).toBe(
      "'dvc.yaml:nostage' does not exist as an output or a stage name in 'dvc.yaml'",
    );
    const outside = await refusal(select(['../elsewhere']));
    expect(outside.message).toBe(`Target "../elsewhere" is outside the repository ${root}`);
    expect(outside.title).toBe('Target outside the repository');
    expect((await refusal(select(['/etc/passwd']))).title).toBe('Target outside the repository');
  });
});
