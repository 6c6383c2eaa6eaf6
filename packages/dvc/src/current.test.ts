/**
 * current.ts: the files a pull finds unchanged before it fetches, and the objects that then
 * only need to exist in the cache. Real files in a temp folder; a real state file.
 */
import { describe, expect, it } from '@jest/globals';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { RecordingLogger } from '@mlops-gha/common';
import { buildFixture, md5, objectPath, put, tempDir } from '../../../test/fixtures/dvc-repo.js';
import { cachePathOf } from './layout.js';
import { existingInCache, markCurrent } from './current.js';
import type { TrackedOutput } from './files.js';
import type { ObjectNeed, OutputPlan, PlannedFile } from './plan.js';
import { pull } from './pull.js';
import { WorkspaceState } from './state.js';

const need = (oid: string, cachePath = `/nowhere/${oid}`): ObjectNeed => ({
  oid,
  hashName: 'md5',
  cachePath,
  key: oid,
  remote: 'r',
});
const file = (rel: string, o: ObjectNeed, isexec = false): PlannedFile => ({
  rel,
  object: o,
  isexec,
  eager: false,
  current: false,
});
const plan = (files: PlannedFile[], problem?: OutputPlan['problem']): OutputPlan => {
  const output = { path: 'data' } as TrackedOutput;
  return { selection: { output }, output, files, whole: true, ...(problem ? { problem } : {}) };
};

describe('markCurrent', () => {
  it('marks the files the state recorded unchanged; an object is all-current only when every file of it is', async () => {
    const root = await tempDir('dvc-current-');
    await mkdir(join(root, 'data'));
    const [a, b, c, x] = [need('a'), need('b'), need('c'), need('x')];
    const files = [
      file('data/a1', a), // unchanged
      file('data/a2', a), // unchanged: object a is all-current
      file('data/b1', b), // unchanged
      file('data/b2', b), // modified after it was recorded: object b is not
      file('data/c1', c), // missing
      file('data/x1', x, true), // an executable whose x bit was dropped
    ];
    for (const f of files) await writeFile(join(root, f.rel), `${f.object.oid} body`);
    const state = WorkspaceState.load(root);
    for (const f of files) state.record(f.rel, join(root, f.rel), f.object.oid);
    await writeFile(join(root, 'data/b2'), 'edited, same size');
    await rm(join(root, 'data/c1'));
    await chmod(join(root, 'data/x1'), 0o644);
    markCurrent([plan(files)], root, state);
    expect(files.map((f) => f.current)).toEqual([true, true, true, false, false, false]);
    expect([a, b, c, x].map((o) => o.allCurrent)).toEqual([true, false, false, false]);
    expect(a.size).toBe('a body'.length); // from the workspace file: no stat of the cache needed
  });

  it('with an empty state (a first pull) marks nothing, without looking', async () => {
    const root = await tempDir('dvc-current-');
    const o = need('a');
    const f = file('data/a', o);
    markCurrent([plan([f])], root, WorkspaceState.load(root));
    expect([f.current, o.allCurrent]).toEqual([false, undefined]);
  });

  it('leaves the files of an output with a problem unmarked', async () => {
    const root = await tempDir('dvc-current-');
    await writeFile(join(root, 'a'), 'a body');
    const state = WorkspaceState.load(root);
    state.record('a', join(root, 'a'), 'a');
    const [broken, fine] = [file('a', need('a')), file('a', need('a'))];
    markCurrent([plan([broken], { kind: 'corrupt', message: 'bad .dir' }), plan([fine])], root, state);
    expect([broken.current, broken.object.allCurrent]).toEqual([false, undefined]);
    expect([fine.current, fine.object.allCurrent]).toEqual([true, true]);
  });
});

describe('existingInCache', () => {
  /** An object of the DVC 3 layout whose oid starts with `prefix`, at its real cache path. */
  const cached = (cache: string, prefix: string, i: number) => {
    const oid = `${prefix}${md5(String(i)).slice(2)}`;
    return need(oid, cachePathOf(cache, oid, 'md5'));
  };

  it('lists a folder shared by many objects once, and stats objects alone in theirs', async () => {
    const cache = await tempDir('dvc-cache-');
    const many = Array.from({ length: 12 }, (_, i) => cached(cache, 'ab', i));
    for (const o of many.slice(0, 9)) await put(cache, relative(cache, o.cachePath), 'x'); // 3 are missing
    const alone = [cached(cache, 'cd', 1), cached(cache, 'ef', 2)];
    const stated: string[] = [];
    const found = existingInCache([...many, ...alone], (path) => {
      stated.push(path);
      return path === alone[0]!.cachePath;
    });
    expect(found.map((o) => o.oid).sort()).toEqual([...many.slice(0, 9), alone[0]!].map((o) => o.oid).sort());
    expect(stated.sort()).toEqual(alone.map((o) => o.cachePath).sort()); // the shared folder was listed, not stat-ed
  });

  it('keeps the two layouts apart: a DVC 2 object is not found in the DVC 3 folder of the same prefix', async () => {
    const cache = await tempDir('dvc-cache-');
    const v3 = Array.from({ length: 10 }, (_, i) => cached(cache, '0f', i));
    for (const o of v3) await put(cache, relative(cache, o.cachePath), 'x');
    const v2 = v3.map((o): ObjectNeed => ({
      ...o,
      hashName: 'md5-dos2unix',
      cachePath: cachePathOf(cache, o.oid, 'md5-dos2unix'),
    }));
    expect(existingInCache([...v3, ...v2], () => false)).toEqual(v3);
  });

  it('finds nothing in a folder that does not exist', async () => {
    const cache = await tempDir('dvc-cache-');
    const objects = Array.from({ length: 10 }, (_, i) => cached(cache, 'ff', i));
    expect(existingInCache(objects, () => true)).toEqual([]);
  });
});

describe('a pull whose workspace is current', () => {
  const options = (root: string) => ({ cwd: root, logger: new RecordingLogger(), includeGlobalConfig: false });

  it('downloads again an object missing from the cache, and leaves the workspace alone', async () => {
    const repo = await buildFixture();
    await pull(options(repo.root));
    const cat = objectPath(md5(repo.expected['data/images/cat.txt']!), false);
    await rm(join(repo.root, '.dvc/cache', cat), { force: true });
    const again = await pull(options(repo.root));
    expect([again.changedFiles, again.downloadedFiles]).toEqual([0, 1]);
    expect(again.outputs.find((o) => o.path === 'data/images')?.size).toBe(
      ['data/images/cat.txt', 'data/images/sub/dog.txt', 'data/images/sub/deep/bird.txt'].reduce(
        (s, rel) => s + repo.expected[rel]!.length,
        0,
      ),
    );
  });
});
