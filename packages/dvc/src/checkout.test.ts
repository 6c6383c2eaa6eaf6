/**
 * Checkout as `dvc checkout` does it, judged from the workspace on disk: what counts as
 * unchanged, what is replaced silently (its content is in the cache), what is refused as
 * unsaved unless forced, and what is deleted.
 */
import { describe, expect, it } from '@jest/globals';
import { chmod, link, lstat, mkdir, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordingLogger } from '@mlops-gha/common';
import { Checkout } from './checkout.js';
import type { DvcConfig } from './config.js';
import { BodyCache } from './fetch.js';
import type { TrackedOutput } from './files.js';
import { DirMaker } from './fs-util.js';
import { planOutput } from './plan.js';
import { pool } from './pool.js';
import { pull } from './pull.js';
import { RemoteStores } from './remotes.js';
import { buildFixture, dirObject, md5, objectPath, put, tempDir } from '../../../test/fixtures/dvc-repo.js';

const quiet = { logger: new RecordingLogger(), includeGlobalConfig: false };
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
const UNSAVED = "Can't remove the following unsaved files without confirmation. Use `--force` to force.";

describe('checkout', () => {
  it('an edit that keeps the size is still seen (stat alone never settles it), and refused as unsaved', async () => {
    const repo = await buildFixture();
    await pull({ cwd: repo.root, ...quiet });
    const model = join(repo.root, 'models/model.bin');
    const edited = Buffer.from(repo.expected['models/model.bin']!.toString().toUpperCase());
    expect(edited.length).toBe(repo.expected['models/model.bin']!.length);
    await writeFile(model, edited);
    const error = await failure(pull({ cwd: repo.root, ...quiet }));
    expect(error?.message).toBe(`${UNSAVED}\n${model}`);
    // the annotation a user sees names the problem and the three ways out
    expect(error).toMatchObject({ title: 'Workspace files differ from the tracked data' });
    expect((error as Error & { fix?: string }).fix).toMatch(
      /^These workspace files differ from the tracked versions and their content is not in the DVC cache: commit them with `dvc add`\/`dvc commit`, delete them, or set `force: true`/,
    );
    expect(await readFile(model)).toEqual(edited);
    const forced = await pull({ cwd: repo.root, force: true, ...quiet });
    expect(forced.changedFiles).toBe(1);
    expect(forced.outputs.find((o) => o.path === 'models/model.bin')!.changed).toBe(1);
    expect(await readFile(model)).toEqual(repo.expected['models/model.bin']);
  });

  it('lists every unsaved file, sorted, and changes nothing while refusing', async () => {
    const repo = await buildFixture();
    await pull({ cwd: repo.root, ...quiet });
    const paths = [
      'pipeline/scores.json',
      'data/images/zz-extra.txt',
      'data/images/sub/aa-extra.txt',
      'models/model.bin',
    ];
    for (const p of paths) await writeFile(join(repo.root, p), `hand-made ${p}\n`);
    const error = await failure(pull({ cwd: repo.root, ...quiet }));
    expect(error?.message).toBe(
      `${UNSAVED}\n${paths
        .map((p) => join(repo.root, p))
        .sort()
        .join('\n')}`,
    );
    for (const p of paths) expect(await readFile(join(repo.root, p), 'utf8')).toBe(`hand-made ${p}\n`);
  });

  it('a file whose content the cache holds is replaced without asking; extra files whose content it holds are deleted', async () => {
    const repo = await buildFixture();
    await pull({ cwd: repo.root, ...quiet });
    await writeFile(join(repo.root, 'data/images/copy-of-cat.txt'), repo.expected['data/images/cat.txt']!);
    await writeFile(join(repo.root, 'data/images/sub/dog.txt'), repo.expected['data/images/cat.txt']!);
    const result = await pull({ cwd: repo.root, ...quiet });
    await expect(lstat(join(repo.root, 'data/images/copy-of-cat.txt'))).rejects.toThrow(/ENOENT/);
    expect(await readFile(join(repo.root, 'data/images/sub/dog.txt'))).toEqual(
      repo.expected['data/images/sub/dog.txt'],
    );
    // one file written (the deletion is not a changed file)
    expect(result.changedFiles).toBe(1);
    expect(result.outputs.find((o) => o.path === 'data/images')!.changed).toBe(1);
  });

  it('a link inside a tracked folder, or pointing elsewhere instead of a tracked file, is replaced without asking', async () => {
    const repo = await buildFixture();
    await pull({ cwd: repo.root, ...quiet });
    const elsewhere = join(repo.root, 'elsewhere.txt');
    await writeFile(elsewhere, 'not tracked, not in the cache\n');
    await symlink(elsewhere, join(repo.root, 'data/images/link.txt'));
    await rm(join(repo.root, 'models/model.bin'));
    await symlink(elsewhere, join(repo.root, 'models/model.bin'));
    await pull({ cwd: repo.root, ...quiet });
    await expect(lstat(join(repo.root, 'data/images/link.txt'))).rejects.toThrow(/ENOENT/);
    const st = await lstat(join(repo.root, 'models/model.bin'));
    expect(st.isFile()).toBe(true);
    expect(await readFile(join(repo.root, 'models/model.bin'))).toEqual(repo.expected['models/model.bin']);
    expect(await readFile(elsewhere, 'utf8')).toBe('not tracked, not in the cache\n');
  });

  it('a folder standing where a tracked file belongs is unsaved when it holds unknown files, replaced when forced', async () => {
    const repo = await buildFixture();
    await mkdir(join(repo.root, 'models/model.bin/inner'), { recursive: true });
    await writeFile(join(repo.root, 'models/model.bin/inner/notes.txt'), 'mine\n');
    const error = await failure(pull({ cwd: repo.root, targets: ['models/model.bin'], ...quiet }));
    expect(error?.message).toBe(`${UNSAVED}\n${join(repo.root, 'models/model.bin')}`);
    expect(await readFile(join(repo.root, 'models/model.bin/inner/notes.txt'), 'utf8')).toBe('mine\n');
    await pull({ cwd: repo.root, targets: ['models/model.bin'], force: true, ...quiet });
    expect(await readFile(join(repo.root, 'models/model.bin'))).toEqual(repo.expected['models/model.bin']);
  });

  it('a folder there holding only content the cache knows is replaced without asking', async () => {
    const repo = await buildFixture();
    await pull({ cwd: repo.root, targets: ['data/images'], ...quiet });
    await mkdir(join(repo.root, 'models/model.bin'), { recursive: true });
    await writeFile(join(repo.root, 'models/model.bin/cat.txt'), repo.expected['data/images/cat.txt']!);
    await pull({ cwd: repo.root, targets: ['models/model.bin'], ...quiet });
    expect(await readFile(join(repo.root, 'models/model.bin'))).toEqual(repo.expected['models/model.bin']);
  });

  it('a file standing where a tracked folder belongs is unsaved unless the cache holds it; a link there is just removed', async () => {
    const repo = await buildFixture();
    await writeFile(join(repo.root, 'data/images'), 'a file, not a folder\n');
    const error = await failure(pull({ cwd: repo.root, targets: ['data/images'], ...quiet }));
    expect(error?.message).toBe(`${UNSAVED}\n${join(repo.root, 'data/images')}`);
    expect(await readFile(join(repo.root, 'data/images'), 'utf8')).toBe('a file, not a folder\n');

    const repo2 = await buildFixture();
    await writeFile(join(repo2.root, 'elsewhere'), 'x\n');
    await symlink(join(repo2.root, 'elsewhere'), join(repo2.root, 'data/images'));
    await pull({ cwd: repo2.root, targets: ['data/images'], ...quiet });
    expect((await lstat(join(repo2.root, 'data/images'))).isDirectory()).toBe(true);
    expect(await readFile(join(repo2.root, 'data/images/cat.txt'))).toEqual(repo2.expected['data/images/cat.txt']);
    expect(await readFile(join(repo2.root, 'elsewhere'), 'utf8')).toBe('x\n');
  });

  it.each(['hardlink', 'copy'] as const)(
    'a granular target inside a folder (%s): a file the cache holds, standing where a parent folder belongs, gives way',
    async (linkType) => {
      const repo = await buildFixture();
      await pull({ cwd: repo.root, ...quiet });
      const sub = join(repo.root, 'data/images/sub');
      await rm(sub, { recursive: true });
      await writeFile(sub, repo.expected['data/images/cat.txt']!);
      await pull({ cwd: repo.root, targets: ['data/images/sub/deep/bird.txt'], linkType, ...quiet });
      expect((await lstat(sub)).isDirectory()).toBe(true);
      expect(await readFile(join(sub, 'deep/bird.txt'))).toEqual(repo.expected['data/images/sub/deep/bird.txt']);
    },
  );

  it('a first pull counts every file it writes, those copied while downloads ran included', async () => {
    const repo = await buildFixture();
    const result = await pull({ cwd: repo.root, ...quiet });
    const rels = Object.keys(repo.expected);
    expect(result.changedFiles).toBe(rels.length);
    for (const o of result.outputs)
      expect([o.path, o.changed]).toEqual([
        o.path,
        rels.filter((r) => r === o.path || r.startsWith(`${o.path}/`)).length,
      ]);
    for (const rel of rels) expect(await readFile(join(repo.root, rel))).toEqual(repo.expected[rel]);
  });

  it('files rewritten with their own bytes are hashed and kept, not replaced: DVC 3, DVC 2 CRLF text, an executable', async () => {
    const repo = await buildFixture();
    const script = Buffer.from('#!/bin/sh\necho hi\n');
    await put(repo.remote, objectPath(md5(script), false), script);
    await put(
      repo.root,
      'run.sh.dvc',
      `outs:\n- md5: ${md5(script)}\n  size: ${script.length}\n  isexec: true\n  hash: md5\n  path: run.sh\n`,
    );
    await pull({ cwd: repo.root, ...quiet });
    const files = {
      'models/model.bin': repo.expected['models/model.bin']!,
      'data/raw.csv': repo.expected['data/raw.csv']!,
      'run.sh': script,
    };
    const inodes: Record<string, number> = {};
    for (const [rel, bytes] of Object.entries(files)) {
      // same bytes, new mtime: the recorded state no longer vouches for the file, its hash must
      await writeFile(join(repo.root, rel), bytes);
      inodes[rel] = (await stat(join(repo.root, rel))).ino;
    }
    const again = await pull({ cwd: repo.root, ...quiet });
    expect(again.changedFiles).toBe(0);
    for (const [rel, bytes] of Object.entries(files)) {
      const st = await stat(join(repo.root, rel));
      expect([rel, st.ino, await readFile(join(repo.root, rel))]).toEqual([rel, inodes[rel], bytes]);
    }
    expect((await stat(join(repo.root, 'run.sh'))).mode & 0o100).toBe(0o100);
  });

  it('DVC 2 outputs: a file or an extra file whose content the cache holds under its dos2unix name goes without asking', async () => {
    const repo = await buildFixture();
    await pull({ cwd: repo.root, ...quiet });
    // raw.csv now holds legacy/t.txt's CRLF bytes (another size), cached under their DVC 2 name
    await writeFile(join(repo.root, 'data/raw.csv'), repo.expected['legacy/t.txt']!);
    // an extra file in the DVC 2 folder holding raw.csv's CRLF bytes
    await writeFile(join(repo.root, 'legacy/extra.csv'), repo.expected['data/raw.csv']!);
    const result = await pull({ cwd: repo.root, ...quiet });
    expect(result.changedFiles).toBe(1);
    expect(await readFile(join(repo.root, 'data/raw.csv'))).toEqual(repo.expected['data/raw.csv']);
    await expect(lstat(join(repo.root, 'legacy/extra.csv'))).rejects.toThrow(/ENOENT/);
  });

  it('a tracked executable that lost its x bit gets it back, as a change; a hardlink to the cache is unchanged', async () => {
    const repo = await buildFixture();
    const script = Buffer.from('#!/bin/sh\necho hi\n');
    await put(repo.remote, objectPath(md5(script), false), script);
    await put(
      repo.root,
      'run.sh.dvc',
      `outs:\n- md5: ${md5(script)}\n  size: ${script.length}\n  isexec: true\n  hash: md5\n  path: run.sh\n`,
    );
    await pull({ cwd: repo.root, targets: ['run.sh'], ...quiet });
    await chmod(join(repo.root, 'run.sh'), 0o644);
    const again = await pull({ cwd: repo.root, targets: ['run.sh'], ...quiet });
    expect(again.changedFiles).toBe(1);
    expect((await stat(join(repo.root, 'run.sh'))).mode & 0o100).toBe(0o100);
    expect(await readFile(join(repo.root, 'run.sh'))).toEqual(script);

    const linked = await buildFixture();
    await pull({ cwd: linked.root, targets: ['models/model.bin'], linkType: 'symlink', ...quiet });
    const target = await readlink(join(linked.root, 'models/model.bin'));
    await rm(join(linked.root, 'models/model.bin'));
    await link(target, join(linked.root, 'models/model.bin'));
    const unchanged = await pull({ cwd: linked.root, targets: ['models/model.bin'], linkType: 'copy', ...quiet });
    expect(unchanged.changedFiles).toBe(0);
    expect((await stat(join(linked.root, 'models/model.bin'))).nlink).toBe(2);
  });
});

describe('Checkout.diff and apply, called directly', () => {
  const cached = {
    'a.txt': Buffer.from('alpha\n'),
    'b.txt': Buffer.from('beta\n'),
    'old.txt': Buffer.from('an older version whose content the cache holds\n'),
    'run.sh': Buffer.from('#!/bin/sh\necho hi\n'),
  };
  /** A repository whose cache holds every object (read-only), a folder output and an executable output. */
  async function setup() {
    const root = await tempDir('dvc-checkout-direct-');
    const cacheDir = join(root, '.dvc/cache');
    for (const body of Object.values(cached)) {
      const path = await put(cacheDir, objectPath(md5(body), false), body);
      await chmod(path, 0o444);
    }
    const dir = dirObject({ 'a.txt': md5(cached['a.txt']), 'sub/b.txt': md5(cached['b.txt']) });
    await put(cacheDir, objectPath(dir.oid, false), dir.bytes);
    const out = (path: string, oid: string, isexec = false): TrackedOutput => ({
      path,
      md5: oid,
      hashName: 'md5',
      isexec,
      cache: true,
      declaredIn: { file: `${path}.dvc`, line: 2 },
      declaredInRepo: `${path}.dvc`,
    });
    const config: DvcConfig = { cacheDir, sharedGroup: false, remotes: new Map(), files: [], secrets: [] };
    const stores = new RemoteStores(config, { jobs: 2, remoteUrl: join(root, 'unused-remote') }, root);
    const plans = [
      await planOutput({ output: out('data', dir.oid) }, cacheDir, stores, undefined),
      await planOutput({ output: out('run.sh', md5(cached['run.sh']), true) }, cacheDir, stores, undefined),
    ];
    const checkout = (force = false) =>
      new Checkout({
        root,
        cacheDir,
        linkType: 'copy',
        force,
        limit: pool(2),
        dirs: new DirMaker(),
        bodies: new BodyCache(0),
      });
    return { root, plans, checkout };
  }
  const snapshot = async (root: string) => {
    const names = (await readdir(root, { recursive: true })).filter((n) => !n.startsWith('.dvc')).sort();
    return Promise.all(
      names.map(async (n) => {
        const st = await lstat(join(root, n));
        return [n, st.isFile() ? (await readFile(join(root, n))).toString() : 'dir', st.mode & 0o777];
      }),
    );
  };

  it('diff lists create, replace, delete and chmod, writing nothing; apply then makes the workspace match', async () => {
    const { root, plans, checkout } = await setup();
    await put(root, 'data/sub/b.txt', cached['old.txt']); // differs, its content is in the cache: replaced
    await put(root, 'data/extra.txt', cached['old.txt']); // not tracked, content in the cache: deleted
    await put(root, 'run.sh', cached['run.sh']); // right bytes, no x bit: chmod
    await chmod(join(root, 'run.sh'), 0o644);
    const before = await snapshot(root);
    const c = checkout();
    const changes = await c.diff(plans);
    expect(await snapshot(root)).toEqual(before);
    expect(changes.list.map((ch) => [ch.path.slice(root.length + 1), ch.action]).sort()).toEqual([
      ['data/a.txt', 'create'],
      ['data/extra.txt', 'delete'],
      ['data/sub/b.txt', 'replace'],
      ['run.sh', 'chmod'],
    ]);
    // counted: files written or replaced (PulledOutput.changed), not deletions
    expect(changes.total).toBe(3);
    expect([changes.changedByOutput.get(plans[0]!), changes.changedByOutput.get(plans[1]!)]).toEqual([2, 1]);
    await c.apply(changes);
    expect(await readFile(join(root, 'data/a.txt'))).toEqual(cached['a.txt']);
    expect(await readFile(join(root, 'data/sub/b.txt'))).toEqual(cached['b.txt']);
    await expect(lstat(join(root, 'data/extra.txt'))).rejects.toThrow(/ENOENT/);
    expect((await stat(join(root, 'run.sh'))).mode & 0o100).toBe(0o100);
    expect((await checkout().diff(plans)).list).toEqual([]); // now in step
  });

  it('diff refuses files whose content the cache lacks, listing their paths sorted, unless forced', async () => {
    const { root, plans, checkout } = await setup();
    await put(root, 'data/sub/b.txt', 'my own edit');
    await put(root, 'data/a.txt', 'another edit');
    await put(root, 'data/notes.md', 'untracked notes');
    const before = await snapshot(root);
    const error = (await failure(checkout().diff(plans))) as Error & { title?: string };
    expect(error.message).toBe(
      `${UNSAVED}\n${[join(root, 'data/a.txt'), join(root, 'data/notes.md'), join(root, 'data/sub/b.txt')].join('\n')}`,
    );
    expect(error.title).toBe('Workspace files differ from the tracked data');
    expect(await snapshot(root)).toEqual(before);
    const forced = await checkout(true).diff(plans);
    expect(forced.list.map((ch) => [ch.path.slice(root.length + 1), ch.action]).sort()).toEqual([
      ['data/a.txt', 'replace'],
      ['data/notes.md', 'delete'],
      ['data/sub/b.txt', 'replace'],
      ['run.sh', 'create'],
    ]);
  });
});
