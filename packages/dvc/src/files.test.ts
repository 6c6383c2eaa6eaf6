/**
 * files.ts: `.dvc` files and `dvc.yaml` + `dvc.lock` pairs read as DVC reads them (DVC facts
 * sheet §1-2), real files from the corpus read in place, and every refusal a user can meet:
 * the message (file:line), the location an annotation points at, and the fix.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '@mlops-gha/common';
import { parseDvcFile, parseLockfile, readText } from './files.js';

const corpusDir =
  process.env.DVC_CORPUS_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus/dvc');

const root = '/repo';
const ctx = { root, locationBase: root };
const A = 'acbd18db4cc2f85cedef654fccc4a4d8';

function refusal(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a UserError');
}

describe('parseDvcFile', () => {
  it('reads a DVC 3 output with every field, lowercasing md5 and remote', () => {
    const text = `outs:\n- md5: ${A.toUpperCase()}\n  size: 3\n  isexec: true\n  hash: md5\n  path: run.sh\n  remote: Backup\n`;
    expect(parseDvcFile('/repo/tools/run.sh.dvc', text, ctx)).toEqual([
      {
        path: 'tools/run.sh',
        md5: A,
        hashName: 'md5',
        size: 3,
        isexec: true,
        cache: true,
        remote: 'backup',
        declaredIn: { file: 'tools/run.sh.dvc', line: 2, column: 3 },
        declaredInRepo: 'tools/run.sh.dvc',
      },
    ]);
  });

  it('an output without `hash: md5` is DVC 2 (md5-dos2unix); a folder keeps nfiles; wdir joins the path', () => {
    const text = `wdir: ../data\nouts:\n- md5: 72fef5191248fee439bb75c4762404b4.dir\n  size: 6\n  nfiles: 2\n  path: images\n`;
    const [out] = parseDvcFile('/repo/pointers/images.dvc', text, ctx);
    expect(out).toMatchObject({
      path: 'data/images',
      md5: '72fef5191248fee439bb75c4762404b4.dir',
      hashName: 'md5-dos2unix',
      size: 6,
      nfiles: 2,
      isexec: false,
      declaredIn: { file: 'pointers/images.dvc', line: 3, column: 3 },
    });
  });

  it('reads a real 0.x/1.x stage file (top-level md5, cmd, deps; outs with cache/metric/persist)', async () => {
    const repo = join(corpusDir, 'jordantoaster__dvc-exemplar');
    const path = join(repo, 'preprocessing.dvc');
    const outs = parseDvcFile(path, await readFile(path, 'utf8'), { root: repo, locationBase: repo });
    expect(outs).toEqual([
      {
        path: 'data/preprocessed',
        md5: 'de392385862ba94f795df5219e4cb13d.dir',
        hashName: 'md5-dos2unix',
        isexec: false,
        cache: true,
        declaredIn: { file: 'preprocessing.dvc', line: 9, column: 3 },
        declaredInRepo: 'preprocessing.dvc',
      },
    ]);
  });

  it('an empty file, or one without outs, declares nothing', () => {
    expect(parseDvcFile('/repo/a.dvc', '', ctx)).toEqual([]);
    expect(parseDvcFile('/repo/a.dvc', 'frozen: true\n', ctx)).toEqual([]);
  });

  it('a `cache: false` output may have no md5', () => {
    expect(parseDvcFile('/repo/m.dvc', 'outs:\n- path: metrics.json\n  cache: false\n', ctx)).toMatchObject([
      { path: 'metrics.json', md5: '', cache: false },
    ]);
  });

  it('invalid YAML is refused at its line, with the git command that restores the file', () => {
    const error = refusal(() => parseDvcFile('/repo/data/x.dvc', `outs:\n- md5: ${A}\n  size: [3\n`, ctx));
    expect(error.message).toMatch(/^data\/x\.dvc:\d+: invalid YAML: /);
    expect(error.title).toBe('Malformed DVC file');
    expect(error.location?.file).toBe('data/x.dvc');
    expect(error.fix).toBe('Repair the YAML in data/x.dvc (restore it from git, e.g. `git checkout -- data/x.dvc`).');
  });

  it('a key written twice is invalid YAML, not a silent last-wins', () => {
    const error = refusal(() => parseDvcFile('/repo/x.dvc', `outs:\n- md5: ${A}\n  path: a\n  path: b\n`, ctx));
    expect(error.message).toMatch(/^x\.dvc:4: invalid YAML: /);
  });

  it.each([
    ['a list at the top', '- a\n- b\n', 'x.dvc:1: a .dvc file must be a YAML mapping with `outs:`', 1],
    ['outs not a list', 'outs: data.csv\n', 'x.dvc:1: `outs` must be a list', 1],
    [
      'an out that is a string',
      'outs:\n- data.csv\n',
      'x.dvc:2: each entry of `outs` must be a mapping with `path` and `md5`',
      2,
    ],
    ['an out without path', `outs:\n- md5: ${A}\n`, 'x.dvc:2: an output has no `path`', 2],
    ['an out without md5', 'outs:\n- path: data.csv\n', 'x.dvc:2: output "data.csv" has no `md5`', 2],
    ['a bad md5', 'outs:\n- path: data.csv\n  md5: 12345\n', 'x.dvc:3: output "data.csv" has an invalid md5 12345', 3],
    [
      'another hash',
      `outs:\n- path: d\n  md5: ${A}\n  hash: sha256\n`,
      'x.dvc:4: output "d" uses hash "sha256"; only md5 is supported',
      4,
    ],
  ])('refuses %s, pointing at the line', (_name, text, message, line) => {
    const error = refusal(() => parseDvcFile('/repo/x.dvc', text, ctx));
    expect(error.message).toBe(message);
    expect(error.location).toMatchObject({ file: 'x.dvc', line });
    expect(error.title).toBe('Invalid DVC file');
    expect(error.fix).toBeTruthy();
  });

  it('names the commands that give an output its md5', () => {
    const error = refusal(() => parseDvcFile('/repo/x.dvc', 'outs:\n- path: data.csv\n', ctx));
    expect(error.fix).toBe(
      'Run `dvc commit` (or `dvc add data.csv`) where the data exists and push it, then commit x.dvc.',
    );
  });

  it.each([
    ['/etc/passwd', 'is absolute or external'],
    ['C:\\data\\x.csv', 'is absolute or external'],
    ['data\\x.csv', 'is absolute or external'],
    ['s3://bucket/key', 'is absolute or external'],
    ['../outside.csv', 'points outside the repository'],
    ['a/../../outside', 'points outside the repository'],
    ['.', 'points outside the repository'],
  ])('refuses the hostile output path %j at its `path:` line', (path, why) => {
    const error = refusal(() => parseDvcFile('/repo/x.dvc', `outs:\n- md5: ${A}\n  path: '${path}'\n`, ctx));
    expect(error.message).toBe(
      `x.dvc:3: output path ${JSON.stringify(path)} ${why}${why.startsWith('is') ? '; only paths inside the repository can be pulled' : ''}`,
    );
    expect(error.location).toMatchObject({ file: 'x.dvc', line: 3 });
  });

  it('a wdir that climbs out is refused too; one that climbs back in is fine', () => {
    expect(refusal(() => parseDvcFile('/repo/x.dvc', `wdir: ..\nouts:\n- md5: ${A}\n  path: x\n`, ctx)).message).toBe(
      'x.dvc:4: output path "x" points outside the repository',
    );
    expect(parseDvcFile('/repo/sub/x.dvc', `wdir: ../other\nouts:\n- md5: ${A}\n  path: x/\n`, ctx)[0]!.path).toBe(
      'other/x',
    );
  });
});

describe('parseLockfile', () => {
  it('reads a real DVC 2 dvc.yaml + dvc.lock: stages, sizes, a `cache: false` metric kept but marked', async () => {
    const repo = join(corpusDir, 'fmqbl__dvc-test');
    const lock = await readFile(join(repo, 'dvc.lock'), 'utf8');
    const yaml = await readFile(join(repo, 'dvc.yaml'), 'utf8');
    const { outputs, warnings } = parseLockfile(join(repo, 'dvc.lock'), lock, yaml, { root: repo, locationBase: repo });
    expect(warnings).toEqual([]);
    expect(outputs.map((o) => [o.stage, o.path, o.md5, o.size, o.cache, o.hashName])).toEqual([
      ['titanic_data', 'data/test.csv', '029c9cd22461f6dbe8d9ab01def965c6', 28629, true, 'md5-dos2unix'],
      ['titanic_data', 'data/train.csv', '61fdd54abdbf6a85b778e937122e1194', 61194, true, 'md5-dos2unix'],
      ['prepare', 'data/test_prepared.pkl', 'c00ffdbb3c3104119af756a8c46c013c', 32555, true, 'md5-dos2unix'],
      ['prepare', 'data/train_prepared.pkl', '83a78251a247cc8cf425c9f67d2d1e6a', 74713, true, 'md5-dos2unix'],
      ['train', 'metrics/metrics.json', '5868212ceddd0ecd0275fcfe724b4fec', 115, false, 'md5-dos2unix'],
      ['train', 'models/bestModel.joblib', '6275402aaeb9eb1588da45505b191e06', 75591, true, 'md5-dos2unix'],
      ['inference', 'inference/predictions.csv', 'a0c9436078c89a5851bdcba55bbe25ac', 2411, true, 'md5-dos2unix'],
    ]);
    expect(outputs[0]!.declaredIn).toEqual({ file: 'dvc.lock', line: 8, column: 7 });
    expect(outputs[0]!.declaredInRepo).toBe('dvc.lock');
  });

  const lock = (stages: string) => `schema: '2.0'\nstages:\n${stages}`;
  const out = (path: string, md5 = A) => `    - path: ${path}\n      md5: ${md5}\n      hash: md5\n`;

  it('takes the set of outputs from dvc.yaml: an out only in the lock is ignored', () => {
    const { outputs } = parseLockfile(
      '/repo/dvc.lock',
      lock(`  train:\n    outs:\n${out('model.bin')}${out('stale.bin')}`),
      'stages:\n  train:\n    cmd: python train.py\n    outs:\n    - model.bin\n',
      ctx,
    );
    expect(outputs.map((o) => o.path)).toEqual(['model.bin']);
  });

  it('without dvc.yaml takes every lock output, with a warning naming the lock file', () => {
    const { outputs, warnings } = parseLockfile(
      '/repo/sub/dvc.lock',
      lock(`  s:\n    outs:\n${out('a')}${out('b')}`),
      undefined,
      ctx,
    );
    expect(outputs.map((o) => o.path)).toEqual(['sub/a', 'sub/b']);
    expect(warnings).toEqual(['sub/dvc.lock: no dvc.yaml beside it; pulling every cached output the lock file lists']);
  });

  it('applies dvc.yaml flags (cache, remote) and the stage wdir', () => {
    const yaml =
      'stages:\n  eval:\n    wdir: work\n    cmd: x\n    outs:\n    - model.bin:\n        remote: Models\n    metrics:\n    - scores.json:\n        cache: false\n';
    const { outputs } = parseLockfile(
      '/repo/dvc.lock',
      lock(`  eval:\n    outs:\n${out('model.bin')}${out('scores.json')}`),
      yaml,
      ctx,
    );
    expect(outputs.map((o) => [o.path, o.cache, o.remote])).toEqual([
      ['work/model.bin', true, 'models'],
      ['work/scores.json', false, undefined],
    ]);
  });

  it('matches foreach/matrix stages (`name@key` in the lock) by stage name', () => {
    const yaml =
      'stages:\n  split:\n    foreach: [a, b]\n    do:\n      cmd: x ${item}\n      outs:\n      - out/${item}.csv\n';
    const { outputs } = parseLockfile(
      '/repo/dvc.lock',
      lock(
        `  split@a:\n    outs:\n${out('out/a.csv')}  split@b:\n    outs:\n${out('out/b.csv')}  other@c:\n    outs:\n${out('c.csv')}`,
      ),
      yaml,
      ctx,
    );
    expect(outputs.map((o) => [o.stage, o.path])).toEqual([
      ['split@a', 'out/a.csv'],
      ['split@b', 'out/b.csv'],
    ]);
  });

  it('refuses a lock that is not schema 2.0 at the schema line, and one that is not a mapping', () => {
    const old = refusal(() => parseLockfile('/repo/dvc.lock', 'train:\n  outs: []\nschema: "1.0"\n', undefined, ctx));
    expect(old.message).toBe(`dvc.lock:3: unsupported dvc.lock schema "1.0" (expected '2.0')`);
    expect(old.fix).toBe('Regenerate the lock file with DVC 2 or newer (`dvc repro`).');
    expect(refusal(() => parseLockfile('/repo/dvc.lock', '- a\n', undefined, ctx)).message).toBe(
      'dvc.lock:1: dvc.lock must be a YAML mapping with `schema` and `stages`',
    );
  });

  it('refuses a stage whose outs is not a list, at that stage', () => {
    const error = refusal(() =>
      parseLockfile('/repo/dvc.lock', lock('  train:\n    outs: model.bin\n'), undefined, ctx),
    );
    expect(error.message).toBe('dvc.lock:4: stage train: `outs` must be a list');
    expect(error.location).toMatchObject({ file: 'dvc.lock', line: 4 });
  });

  it('refuses a hostile path in the lock as in a .dvc file', () => {
    const error = refusal(() =>
      parseLockfile('/repo/dvc.lock', lock(`  s:\n    outs:\n${out('../../etc/cron.d/x')}`), undefined, ctx),
    );
    expect(error.message).toBe('dvc.lock:5: output path "../../etc/cron.d/x" points outside the repository');
  });

  it('invalid YAML in dvc.yaml is reported against dvc.yaml', () => {
    const error = refusal(() => parseLockfile('/repo/dvc.lock', lock('  s: {}\n'), 'stages:\n  s: [\n', ctx));
    expect(error.location?.file).toBe('dvc.yaml');
    expect(error.message).toMatch(/^dvc\.yaml:\d+: invalid YAML: /);
  });
});

describe('readText', () => {
  it('reads a file, answers undefined for a missing one, and throws for anything else', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dvc-files-'));
    await mkdir(join(dir, 'folder'));
    expect(await readText(join(corpusDir, 'fmqbl__dvc-test/dvc.yaml'))).toMatch(/^stages:\n/);
    expect(await readText(join(dir, 'missing'))).toBeUndefined();
    await expect(readText(join(dir, 'folder'))).rejects.toThrow(/EISDIR/);
  });
});
