import { describe, expect, it } from '@jest/globals';
import {
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readlink,
  readdir,
  rm,
  stat,
  symlink,
  writeFile,
  chmod,
} from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingLogger } from '@mlops-gha/common';
import { defaultJobs, preparePull, pull } from './pull.js';
import { hashBytesAs, hashFileBoth } from './hash.js';
import { buildFixture, dirObject, md5, objectPath, put } from '../../../test/fixtures/dvc-repo.js';

type Failure = Error & { location?: unknown };
async function failure(p: Promise<unknown>): Promise<Failure> {
  try {
    await p;
  } catch (error) {
    return error as Failure;
  }
  throw new Error('expected the pull to fail');
}

async function readTree(root: string, rel: string): Promise<string[]> {
  const entries = await readdir(join(root, rel), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    .sort();
}

describe('pull from a local remote', () => {
  it('writes every output byte for byte and fills the cache in both layouts', async () => {
    const repo = await buildFixture();
    const logger = new RecordingLogger();
    const result = await pull({ cwd: repo.root, logger, includeGlobalConfig: false });
    for (const [rel, bytes] of Object.entries(repo.expected)) {
      expect([rel, (await readFile(join(repo.root, rel))).equals(bytes)]).toEqual([rel, true]);
    }
    // cache: false metric is not pulled
    await expect(stat(join(repo.root, 'pipeline/metrics.json'))).rejects.toThrow(/ENOENT/);
    const cache = await readTree(repo.root, '.dvc/cache');
    expect(cache).toEqual(repo.cacheObjects.map((p) => `.dvc/cache/${p}`).sort());
    for (const p of cache) expect((await stat(join(repo.root, p))).mode & 0o777).toBe(0o444);
    // copies are writable like DVC's (0o666 & ~umask)
    expect((await stat(join(repo.root, 'models/model.bin'))).mode & 0o777).toBe(0o666 & ~process.umask());
    expect(result.files).toBe(9);
    expect(result.fromCache).toBe(0);
    expect(result.downloadedFiles).toBe(9);
    expect(result.outputs.map((o) => o.path).sort()).toEqual([
      'data/images',
      'data/raw.csv',
      'legacy',
      'models/model.bin',
      'pipeline/features.csv',
      'pipeline/scores.json',
    ]);
    expect(result.dataVersion).toMatch(/^[0-9a-f]{40}$/);

    // a second pull is a no-op served from the cache, with the same data version
    const again = await pull({ cwd: repo.root, logger, includeGlobalConfig: false });
    expect(again.changedFiles).toBe(0);
    expect(again.fromCache).toBe(9);
    expect(again.downloadedBytes).toBe(0);
    expect(again.dataVersion).toBe(result.dataVersion);
  });

  it('pulls only the file asked for inside a tracked directory', async () => {
    const repo = await buildFixture();
    const result = await pull({
      cwd: repo.root,
      targets: ['data/images/sub/deep'],
      logger: new RecordingLogger(),
      includeGlobalConfig: false,
    });
    expect(await readTree(repo.root, 'data')).toEqual([
      'data/images.dvc',
      'data/images/sub/deep/bird.txt',
      'data/raw.csv.dvc',
    ]);
    expect(result.files).toBe(1);
    expect(result.outputs[0]).toMatchObject({ path: 'data/images', subpaths: ['sub/deep'] });
  });

  it('accepts .dvc files, outputs and stage names as targets', async () => {
    const repo = await buildFixture();
    const result = await pull({
      cwd: repo.root,
      targets: ['models/model.bin.dvc', 'legacy', 'featurize'],
      logger: new RecordingLogger(),
      includeGlobalConfig: false,
    });
    expect(result.outputs.map((o) => o.path).sort()).toEqual(['legacy', 'models/model.bin', 'pipeline/features.csv']);
    await expect(stat(join(repo.root, 'data/raw.csv'))).rejects.toThrow(/ENOENT/);
  });

  it('links with symlinks and hardlinks as dvc does', async () => {
    const repo = await buildFixture();
    await pull({ cwd: repo.root, linkType: 'symlink', logger: new RecordingLogger(), includeGlobalConfig: false });
    const link = join(repo.root, 'models/model.bin');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe(
      join(repo.root, '.dvc/cache', objectPath(md5(repo.expected['models/model.bin']!), false)),
    );
    // unchanged files are not relinked (dvc needs `checkout --relink` for that)
    const again = await pull({
      cwd: repo.root,
      linkType: 'hardlink',
      logger: new RecordingLogger(),
      includeGlobalConfig: false,
    });
    expect(again.changedFiles).toBe(0);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    await rm(join(repo.root, 'models/model.bin'));
    await pull({ cwd: repo.root, linkType: 'hardlink', logger: new RecordingLogger(), includeGlobalConfig: false });
    const st = await lstat(link);
    expect(st.isFile()).toBe(true);
    expect(st.nlink).toBe(2);
    expect(st.mode & 0o777).toBe(0o444);
  });

  it('replaces a differing workspace file whose content is in the cache, and refuses unsaved ones unless forced', async () => {
    const repo = await buildFixture();
    const logger = new RecordingLogger();
    await pull({ cwd: repo.root, logger, includeGlobalConfig: false });
    const target = join(repo.root, 'models/model.bin');
    const csvPath = join(repo.root, 'data/raw.csv');
    // content that the cache knows (the raw.csv object, a legacy one) is not "unsaved" for a DVC 3 output? use a known DVC 3 object
    await writeFile(target, repo.expected['pipeline/features.csv']!);
    const r1 = await pull({ cwd: repo.root, logger, includeGlobalConfig: false });
    expect(await readFile(target)).toEqual(repo.expected['models/model.bin']);
    expect(r1.changedFiles).toBe(1);

    await writeFile(target, 'edited by hand\n');
    await writeFile(join(repo.root, 'data/images/extra.txt'), 'not tracked\n');
    const refused = pull({ cwd: repo.root, logger, includeGlobalConfig: false });
    await expect(refused).rejects.toThrow(
      /Can't remove the following unsaved files without confirmation\. Use `--force` to force\.\n.*data\/images\/extra\.txt\n.*models\/model\.bin/,
    );
    expect(await readFile(target, 'utf8')).toBe('edited by hand\n');

    const forced = await pull({ cwd: repo.root, logger, force: true, includeGlobalConfig: false });
    expect(await readFile(target)).toEqual(repo.expected['models/model.bin']);
    await expect(stat(join(repo.root, 'data/images/extra.txt'))).rejects.toThrow(/ENOENT/);
    expect(forced.changedFiles).toBe(1);
    // a CRLF-identical legacy file stays as is
    expect(await readFile(csvPath)).toEqual(repo.expected['data/raw.csv']);
  });

  it('on a cold pull refused for an unsaved file, leaves no copies of the downloaded objects in the workspace', async () => {
    const repo = await buildFixture();
    await mkdir(join(repo.root, 'data/images'), { recursive: true });
    await writeFile(join(repo.root, 'data/images/extra.txt'), 'not tracked\n');
    const before = (await readdir(repo.root, { recursive: true })).filter((p) => !p.startsWith('.dvc')).sort();
    await expect(
      pull({ cwd: repo.root, linkType: 'copy', logger: new RecordingLogger(), includeGlobalConfig: false }),
    ).rejects.toThrow(/unsaved files.*\n.*data\/images\/extra\.txt/s);
    expect((await readdir(repo.root, { recursive: true })).filter((p) => !p.startsWith('.dvc')).sort()).toEqual(before);
    // the objects did reach the cache, so the forced pull downloads nothing
    const forced = await pull({
      cwd: repo.root,
      force: true,
      logger: new RecordingLogger(),
      includeGlobalConfig: false,
    });
    expect(forced.downloadedFiles).toBe(0);
    for (const [rel, bytes] of Object.entries(repo.expected))
      expect([rel, await readFile(join(repo.root, rel))]).toEqual([rel, bytes]);
  });

  it('never writes through a link that stands where a tracked folder should be', async () => {
    const repo = await buildFixture();
    const outside = await mkdtemp(join(tmpdir(), 'outside-'));
    await symlink(outside, join(repo.root, 'data/images'));
    await pull({ cwd: repo.root, linkType: 'copy', logger: new RecordingLogger(), includeGlobalConfig: false });
    expect(await readdir(outside)).toEqual([]);
    expect((await lstat(join(repo.root, 'data/images'))).isDirectory()).toBe(true);
    for (const [rel, bytes] of Object.entries(repo.expected))
      expect([rel, await readFile(join(repo.root, rel))]).toEqual([rel, bytes]);
  });

  it('reports missing objects by output and hash, completing the other outputs and writing nothing partial', async () => {
    const repo = await buildFixture();
    const dog = md5('woof\n');
    await rm(join(repo.remote, objectPath(dog, false)));
    const error = await failure(pull({ cwd: repo.root, logger: new RecordingLogger(), includeGlobalConfig: false }));
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain('1 output could not be pulled (missing objects)');
    expect(error.message).toContain(`md5: ${dog} (data/images/sub/dog.txt)`);
    expect(error.location).toEqual({ file: 'data/images.dvc', line: 2, column: 3 });
    await expect(stat(join(repo.root, 'data/images'))).rejects.toThrow(/ENOENT/);
    expect(await readFile(join(repo.root, 'models/model.bin'))).toEqual(repo.expected['models/model.bin']);
  });

  it('refuses a corrupt object and never links it', async () => {
    const repo = await buildFixture();
    const key = objectPath(md5(repo.expected['models/model.bin']!), false);
    await chmod(join(repo.remote, key), 0o644);
    await writeFile(join(repo.remote, key), 'tampered\n');
    const error = await failure(
      pull({
        cwd: repo.root,
        targets: ['models/model.bin'],
        logger: new RecordingLogger(),
        includeGlobalConfig: false,
      }),
    );
    expect(error.message).toMatch(/corrupt on the remote \(bytes do not match the md5\)/);
    await expect(stat(join(repo.root, 'models/model.bin'))).rejects.toThrow(/ENOENT/);
    await expect(stat(join(repo.root, '.dvc/cache', key))).rejects.toThrow(/ENOENT/);
  });

  it('refuses .dir manifests whose relpaths are absolute or climb out, writing nothing', async () => {
    for (const evil of ['../escape.txt', '/etc/evil', 'a/../../x']) {
      const repo = await buildFixture();
      const body = Buffer.from('owned\n');
      const dir = dirObject({ [evil]: md5(body) });
      await put(repo.remote, objectPath(md5(body), false), body);
      await put(repo.remote, objectPath(dir.oid, false), dir.bytes);
      await put(repo.root, 'evil.dvc', `outs:\n- md5: ${dir.oid}\n  hash: md5\n  path: evil\n`);
      const before = await readTree(repo.root, '.');
      const error = await failure(pull({ cwd: repo.root, logger: new RecordingLogger(), includeGlobalConfig: false }));
      expect(error.message).toContain(
        `lists the path ${JSON.stringify(evil)}, which is absolute or climbs out of evil/`,
      );
      expect((error as { location?: unknown }).location).toEqual({ file: 'evil.dvc', line: 2, column: 3 });
      // nothing was written anywhere in the repository (where `../` and `a/../../` land), nor at the absolute path
      expect(await readTree(repo.root, '.')).toEqual(before);
      await expect(lstat(join(repo.root, 'evil'))).rejects.toThrow(/ENOENT/);
      await expect(lstat('/etc/evil')).rejects.toThrow(/ENOENT/);
      await expect(stat(join(repo.root, '.dvc/cache'))).rejects.toThrow(/ENOENT/);
      await expect(stat(join(repo.root, 'models/model.bin'))).rejects.toThrow(/ENOENT/);
    }
  });

  it('hashes DVC 2 text files with CRLF normalisation', async () => {
    // the production hashers, judged by node:crypto over the bytes DVC 2 hashes (CRLF -> LF)
    expect(hashBytesAs(Buffer.from('a\r\nb\r\n'), 'md5-dos2unix')).toBe(md5('a\nb\n'));
    expect(hashBytesAs(Buffer.from('a\r\nb\r\n'), 'md5')).toBe(md5('a\r\nb\r\n'));
    // binary content (a NUL byte) is hashed as is
    const binary = Buffer.from([0, 13, 10, 65]);
    expect(hashBytesAs(binary, 'md5-dos2unix')).toBe(md5(binary));
    const file = join(await mkdtemp(join(tmpdir(), 'crlf-')), 'f.txt');
    await writeFile(file, 'x\r\ny\r\n');
    expect(await hashFileBoth(file, true)).toEqual({ md5: md5('x\r\ny\r\n'), legacy: md5('x\ny\n') });
  });

  it('re-hashes a writable object already in the cache and replaces it when corrupt', async () => {
    const repo = await buildFixture();
    const oid = md5(repo.expected['models/model.bin']!);
    // a writable cache file (not made read-only by a verified pull) whose bytes are not its md5
    await put(join(repo.root, '.dvc/cache'), objectPath(oid, false), 'corrupt cache\n');
    const result = await pull({
      cwd: repo.root,
      targets: ['models/model.bin'],
      logger: new RecordingLogger(),
      includeGlobalConfig: false,
    });
    expect(await readFile(join(repo.root, 'models/model.bin'))).toEqual(repo.expected['models/model.bin']);
    expect(await readFile(join(repo.root, '.dvc/cache', objectPath(oid, false)))).toEqual(
      repo.expected['models/model.bin'],
    );
    expect(result.downloadedFiles).toBe(1);
    expect(result.fromCache).toBe(0);
  });

  it('serves a writable cached object that matches its md5 without downloading it, and makes it read-only', async () => {
    const repo = await buildFixture();
    const oid = md5(repo.expected['models/model.bin']!);
    await put(join(repo.root, '.dvc/cache'), objectPath(oid, false), repo.expected['models/model.bin']!);
    await rm(join(repo.remote, objectPath(oid, false)), { force: true });
    const result = await pull({
      cwd: repo.root,
      targets: ['models/model.bin'],
      logger: new RecordingLogger(),
      includeGlobalConfig: false,
    });
    expect(await readFile(join(repo.root, 'models/model.bin'))).toEqual(repo.expected['models/model.bin']);
    expect(result.fromCache).toBe(1);
    expect((await stat(join(repo.root, '.dvc/cache', objectPath(oid, false)))).mode & 0o777).toBe(0o444);
  });

  it('gives a different data version for different data, and for the same data at another path', async () => {
    const a = await buildFixture();
    const b = await buildFixture();
    const changed = Buffer.from('model weights, retrained\n');
    await put(b.remote, objectPath(md5(changed), false), changed);
    await put(
      b.root,
      'models/model.bin.dvc',
      `outs:\n- md5: ${md5(changed)}\n  size: ${changed.length}\n  hash: md5\n  path: model.bin\n`,
    );
    const options = { logger: new RecordingLogger(), includeGlobalConfig: false };
    const va = (await pull({ cwd: a.root, ...options })).dataVersion;
    const vb = (await pull({ cwd: b.root, ...options })).dataVersion;
    expect(vb).not.toBe(va);
    // another checkout of the same data (another folder) has the same version
    expect((await pull({ cwd: (await buildFixture()).root, ...options })).dataVersion).toBe(va);
    // one output, or a subtree of a directory, is a different selection: a different version
    const onlyModel = (await pull({ cwd: a.root, targets: ['models/model.bin'], ...options })).dataVersion;
    const onlyDeep = (await pull({ cwd: a.root, targets: ['data/images/sub/deep'], ...options })).dataVersion;
    const onlySub = (await pull({ cwd: a.root, targets: ['data/images/sub'], ...options })).dataVersion;
    expect(new Set([va, onlyModel, onlyDeep, onlySub]).size).toBe(4);
    // the same selection named in another order is the same data
    const ab = (await pull({ cwd: a.root, targets: ['models/model.bin', 'legacy'], ...options })).dataVersion;
    const ba = (await pull({ cwd: a.root, targets: ['legacy', 'models/model.bin'], ...options })).dataVersion;
    expect(ba).toBe(ab);
    // the documented value (data-pull README: one hash over every pulled output's md5 and path),
    // which Actions-cache keys depend on across releases: sha256 of the sorted `md5  path` lines, 40 hex
    const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 40);
    const model = `${md5(a.expected['models/model.bin']!)}  models/model.bin\n`;
    expect(onlyModel).toBe(sha(model));
    const legacyDvc = await readFile(join(a.root, 'legacy.dvc'), 'utf8');
    const legacy = `${/md5: (\S+)/.exec(legacyDvc)![1]}  legacy\n`;
    expect(ab).toBe(sha([model, legacy].sort().join('')));
  });

  it('makes isexec files executable and honours a per-output remote', async () => {
    const repo = await buildFixture();
    const script = Buffer.from('#!/bin/sh\necho hi\n');
    const other = join(repo.root, '..', `${repo.root.split('/').pop()}-other-remote`);
    await put(other, objectPath(md5(script), false), script);
    await writeFile(
      join(repo.root, '.dvc/config'),
      `[core]\n    remote = storage\n['remote "storage"']\n    url = ${repo.remote}\n['remote "Tools"']\n    url = ${other}\n`,
    );
    await put(
      repo.root,
      'run.sh.dvc',
      `outs:\n- md5: ${md5(script)}\n  size: ${script.length}\n  isexec: true\n  hash: md5\n  path: run.sh\n  remote: tools\n`,
    );
    await pull({ cwd: repo.root, targets: ['run.sh'], logger: new RecordingLogger(), includeGlobalConfig: false });
    expect(await readFile(join(repo.root, 'run.sh'))).toEqual(script);
    expect((await stat(join(repo.root, 'run.sh'))).mode & 0o777).toBe((0o666 & ~process.umask()) | 0o100);
  });

  it('names the input or the config key that holds an s3:// URL without a bucket', async () => {
    const repo = await buildFixture({
      config: `[core]\n    remote = storage\n['remote "storage"']\n    url = s3:///data\n`,
    });
    const options = {
      cwd: repo.root,
      targets: ['models/model.bin'],
      logger: new RecordingLogger(),
      includeGlobalConfig: false,
    };
    const fromConfig = await failure(pull(options));
    expect(fromConfig.message).toBe(
      'Not an S3 URL: "s3:///data" (url of [remote "storage"] in .dvc/config) has no bucket name after s3://',
    );
    const fromInput = await failure(pull({ ...options, remoteUrl: 's3://' }));
    expect(fromInput.message).toBe('Not an S3 URL: "s3://" (the remote-url input) has no bucket name after s3://');
  });

  it('points at the line of a malformed dvc.lock and of an unknown per-output remote', async () => {
    const repo = await buildFixture();
    const lock = await readFile(join(repo.root, 'dvc.lock'), 'utf8');
    await writeFile(join(repo.root, 'dvc.lock'), lock.replace('      size: 13\n', '      size: [13\n'));
    const broken = await failure(pull({ cwd: repo.root, logger: new RecordingLogger(), includeGlobalConfig: false }));
    expect(broken.message).toMatch(/^dvc\.lock:\d+: invalid YAML/);
    expect((broken.location as { file: string; line: number }).file).toBe('dvc.lock');

    const repo2 = await buildFixture();
    await put(
      repo2.root,
      'models/model.bin.dvc',
      `outs:\n- md5: ${md5(repo2.expected['models/model.bin']!)}\n  hash: md5\n  path: model.bin\n  remote: gone\n`,
    );
    const unknown = await failure(pull({ cwd: repo2.root, logger: new RecordingLogger(), includeGlobalConfig: false }));
    expect(unknown.message).toBe('Unknown remote "gone" (named by models/model.bin.dvc)');
    expect(unknown.location).toEqual({ file: 'models/model.bin.dvc', line: 2, column: 3 });
  });
});

describe('preparePull: what a pull needs, read before anything is written', () => {
  const quiet = () => ({ logger: new RecordingLogger(), includeGlobalConfig: false });

  it('reads the repository and targets, gives the data version the pull then reports, and writes nothing', async () => {
    const repo = await buildFixture();
    const before = (await readdir(repo.root, { recursive: true })).sort();
    const prepared = await preparePull({ cwd: join(repo.root, 'data'), targets: ['raw.csv'], ...quiet() });
    expect(prepared.root).toBe(repo.root);
    expect(prepared.cacheDir).toBe(join(repo.root, '.dvc/cache'));
    expect(prepared.selections.map((s) => s.output.path)).toEqual(['data/raw.csv']);
    expect((await readdir(repo.root, { recursive: true })).sort()).toEqual(before);
    // the action keys the Actions cache on this value before pulling: it must be the output's
    const result = await pull({ cwd: join(repo.root, 'data'), targets: ['raw.csv'], ...quiet() }, prepared);
    expect(result.dataVersion).toBe(prepared.dataVersion);
  });

  it('a cache-dir option is relative to the working directory', async () => {
    const repo = await buildFixture();
    const prepared = await preparePull({ cwd: repo.root, cacheDir: 'ci-cache', ...quiet() });
    expect(prepared.cacheDir).toBe(join(repo.root, 'ci-cache'));
  });

  it('collects the keys to mask: from the config files and from AWS_* variables', async () => {
    const repo = await buildFixture();
    await writeFile(
      join(repo.root, '.dvc/config.local'),
      `['remote "storage"']\n    secret_access_key = from-config-local\n`,
    );
    const prepared = await preparePull({
      cwd: repo.root,
      env: {
        AWS_SECRET_ACCESS_KEY: 'from-env-secret',
        AWS_SESSION_TOKEN: 'from-env-token',
        AWS_REGION: 'not-a-secret',
      },
      ...quiet(),
    });
    expect(prepared.secrets.sort()).toEqual(['from-config-local', 'from-env-secret', 'from-env-token']);
  });

  it('outside a DVC repository: refused, saying where to point working-directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'not-a-dvc-repo-'));
    const error = await failure(preparePull({ cwd: dir, ...quiet() }));
    expect(error.message).toBe(`${dir} is not inside a DVC repository (no .dvc folder found here or above)`);
    expect((error as Failure & { title?: string }).title).toBe('Not a DVC repository');
  });

  it('without .dvc/config: refused at that file unless remote-url is given', async () => {
    const repo = await buildFixture();
    await rm(join(repo.root, '.dvc/config'));
    const error = await failure(preparePull({ cwd: join(repo.root, 'data'), locationBase: repo.root, ...quiet() }));
    expect(error.message).toBe('.dvc/config is missing, so there is no remote to pull from');
    expect(error.location).toEqual({ file: '.dvc/config' });
    expect((error as Failure & { fix?: string }).fix).toBe(
      'Commit .dvc/config (created by `dvc init`, with `dvc remote add -d <name> <url>`), or set `remote-url:` on the step.',
    );
    const prepared = await preparePull({ cwd: repo.root, remoteUrl: repo.remote, ...quiet() });
    expect(prepared.selections.length).toBeGreaterThan(0);
  });
});

describe('defaultJobs', () => {
  it('is 8 per core, at least 16 and at most 128 (the documented default of --jobs)', () => {
    expect(defaultJobs()).toBe(Math.min(128, Math.max(16, cpus().length * 8)));
  });
});
