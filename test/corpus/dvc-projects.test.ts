/**
 * Pulls the ten real DVC projects of ../shared/corpus/dvc from their committed objects,
 * served by a local-folder remote (read in place) and by s3rver. Only the DVC metafiles are
 * copied into a temporary workspace at test time; nothing of the corpus enters the repository.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import {
  copyFile,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RecordingLogger } from '@mlops-gha/common';
import { hashBytesAs, pull, type PullOptions } from '@mlops-gha/dvc';
import { startS3Server, type S3TestServer } from '../doubles/s3.js';

const corpusDir =
  process.env.DVC_CORPUS_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus/dvc');

interface ExpectedOut {
  declared_in: string;
  path: string;
  md5: string;
  size: number | null;
  hash_field: string | null;
  object: string | null;
  files?: { relpath: string; md5: string; object: string | null; size: number | null }[];
  complete: boolean;
  bytes_verified: boolean;
}

const PROJECTS: { name: string; objects: string }[] = [
  { name: 'Alex03366__HW5_MLOps', objects: '.dvc/cache' },
  { name: 'MaheshJakkala__MLOPs-Project', objects: '.dvc/cache' },
  { name: 'fmqbl__dvc-test', objects: '.dvc/cache' },
  { name: 'abiart__mlops101', objects: '.dvc/cache' },
  { name: 'pollyya__ML-using-dvc', objects: '.dvc/cache' },
  { name: 'jordantoaster__dvc-exemplar', objects: '.dvc/cache' },
  { name: 'chekanskiy__covid-19-data-exploration', objects: '.dvc/cache' },
  { name: 'AmineHached__MLops-with-Titanic-dataset__AUTOCRLF-NEGATIVE', objects: 'dvc_remote' },
];

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const expectedOf = (name: string) =>
  JSON.parse(readFileSync(join(corpusDir, name, 'EXPECTED-outs.json'), 'utf8')) as ExpectedOut[];

/** Copies a project's DVC metafiles (.dvc files, dvc.yaml, dvc.lock, .dvc/config) into a fresh workspace. */
async function workspaceOf(name: string, skip: string[]): Promise<string> {
  const src = join(corpusDir, name);
  const dest = await mkdtemp(join(tmpdir(), 'corpus-'));
  const entries = await readdir(src, { recursive: true, withFileTypes: true });
  for (const e of entries) {
    if (!e.isFile()) continue;
    const rel = join(e.parentPath, e.name).slice(src.length + 1);
    if (skip.some((s) => rel.startsWith(`${s}/`))) continue;
    const meta =
      e.name.endsWith('.dvc') ||
      e.name === 'dvc.yaml' ||
      e.name === 'dvc.lock' ||
      rel === '.dvc/config' ||
      rel.endsWith('/.dvc/config');
    if (!meta) continue;
    await mkdir(join(dest, dirname(rel)), { recursive: true });
    await copyFile(join(src, rel), join(dest, rel));
  }
  await mkdir(join(dest, '.dvc'), { recursive: true });
  return dest;
}

/** Every workspace file of a complete output equals its object, with the md5 and size recorded. */
async function expectPulled(root: string, name: string, out: ExpectedOut): Promise<void> {
  const legacy = out.hash_field !== 'md5';
  const check = async (rel: string, oid: string, object: string, size: number | null) => {
    const bytes = await readFile(join(root, rel));
    expect([rel, bytes.equals(readFileSync(join(corpusDir, name, object)))]).toEqual([rel, true]);
    const names = legacy ? [md5(bytes), hashBytesAs(bytes, 'md5-dos2unix')] : [md5(bytes)];
    expect([rel, names.includes(oid)]).toEqual([rel, true]);
    if (size !== null) expect([rel, bytes.length]).toEqual([rel, size]);
  };
  if (out.files) {
    for (const f of out.files) await check(`${out.path}/${f.relpath}`, f.md5, f.object!, f.size);
    const listed = (await readdir(join(root, out.path), { recursive: true, withFileTypes: true })).filter((e) =>
      e.isFile(),
    ).length;
    expect([out.path, listed]).toEqual([out.path, out.files.length]);
  } else {
    await check(out.path, out.md5, out.object!, out.size);
  }
}

let s3: S3TestServer;
beforeAll(async () => {
  s3 = await startS3Server({ buckets: ['corpus'] });
});
afterAll(() => s3.stop());

async function uploadObjects(dir: string, prefix: string): Promise<void> {
  const client = s3.client();
  const entries = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  await Promise.all(
    entries.map(async (e) => {
      const path = join(e.parentPath, e.name);
      await client.send(
        new PutObjectCommand({
          Bucket: 'corpus',
          Key: `${prefix}/${path.slice(dir.length + 1)}`,
          Body: await readFile(path),
        }),
      );
    }),
  );
}

async function attempt(options: PullOptions): Promise<{ error?: Error & { location?: unknown } }> {
  try {
    await pull(options);
    return {};
  } catch (error) {
    return { error: error as Error };
  }
}

describe.each(['local', 's3'] as const)('real DVC projects pulled from a %s remote', (kind) => {
  it.each(PROJECTS.map((p) => [p.name, p] as const))('%s', async (name, project) => {
    const objects = join(corpusDir, name, project.objects);
    const remote: Partial<PullOptions> =
      kind === 'local'
        ? { remoteUrl: objects }
        : { remoteUrl: `s3://corpus/${name}`, endpointUrl: s3.endpoint, env: s3.env };
    if (kind === 's3') {
      await uploadObjects(objects, name);
      for (const [k, v] of Object.entries(s3.env)) process.env[k] = v;
    }
    const expected = expectedOf(name);
    const good = expected.filter((o) => o.complete && o.bytes_verified);
    const corrupt = expected.filter((o) => o.complete && !o.bytes_verified);
    const incomplete = expected.filter((o) => !o.complete);
    expect(good.length + corrupt.length + incomplete.length).toBeGreaterThan(0);

    const root = await workspaceOf(name, [project.objects]);
    const base = { cwd: root, logger: new RecordingLogger(), includeGlobalConfig: false, ...remote } as PullOptions;
    if (good.length) {
      const result = await pull({ ...base, targets: good.map((o) => o.path) });
      for (const out of good) await expectPulled(root, name, out);
      expect(result.outputs.map((o) => o.path).sort()).toEqual(good.map((o) => o.path).sort());
      // A second pull changes nothing and downloads nothing.
      const again = await pull({ ...base, targets: good.map((o) => o.path) });
      expect([again.changedFiles, again.downloadedBytes]).toEqual([0, 0]);
    }
    for (const out of corrupt) {
      const { error } = await attempt({ ...base, targets: [out.path] });
      expect(error?.message).toContain('corrupt on the remote (bytes do not match the md5)');
      expect(error?.message).toContain(`md5: ${out.md5} (${out.path})`);
      expect(existsSync(join(root, out.path))).toBe(false);
    }
    for (const out of incomplete) {
      const logger = new RecordingLogger();
      const { error } = await attempt({ ...base, logger, targets: [out.path] });
      if (!error) {
        // dvc.yaml marks it `cache: false`: DVC never pulls it.
        expect(logger.messages('warning').join('\n')).toContain('`cache: false` output');
        continue;
      }
      expect(error.message).toMatch(/could not be pulled \(missing objects\)/);
      const missing = out.files ? out.files.filter((f) => !f.object).map((f) => f.md5) : [out.md5];
      for (const oid of missing) expect(error.message).toContain(`md5: ${oid}`);
      expect((error as { location?: { file: string } }).location?.file).toBe(out.declared_in);
      expect(existsSync(join(root, out.path))).toBe(false);
    }
  });
});

describe('corpus projects with their own layout', () => {
  it('inf-0077: a subdir project whose relative remote, cache dir, symlinks and group-shared cache come from its config', async () => {
    const src = join(corpusDir, 'inf-0077__dvc-cache-example');
    const top = await mkdtemp(join(tmpdir(), 'corpus-inf-'));
    await mkdir(join(top, 'project/.dvc'), { recursive: true });
    await copyFile(join(src, 'project/ds.dvc'), join(top, 'project/ds.dvc'));
    await copyFile(join(src, 'project/.dvc/config'), join(top, 'project/.dvc/config'));
    await symlink(join(src, 'remote'), join(top, 'remote')); // `url = ../../remote`, read in place
    const result = await pull({ cwd: join(top, 'project'), logger: new RecordingLogger(), includeGlobalConfig: false });
    const out = expectedOf('inf-0077__dvc-cache-example')[0]!;
    expect(result.outputs).toEqual([expect.objectContaining({ path: 'ds', md5: out.md5, files: 5 })]);
    for (const f of out.files!) {
      const ws = join(top, 'project/ds', f.relpath);
      expect((await lstat(ws)).isSymbolicLink()).toBe(true);
      const target = await readlink(ws);
      expect(target).toBe(join(top, 'new-cache/files/md5', f.md5.slice(0, 2), f.md5.slice(2)));
      expect(await readFile(ws)).toEqual(readFileSync(join(src, f.object!)));
    }
    expect((await stat(join(top, 'new-cache/files/md5', out.md5.slice(0, 2)))).mode & 0o7777).toBe(0o2775);
    expect((await stat(join(top, 'new-cache/files/md5', out.md5.slice(0, 2), out.md5.slice(2)))).mode & 0o777).toBe(
      0o444,
    );
  });

  it('ckhire: a legacy cache with no pointer file: 124 images in nested folders from 103 objects', async () => {
    const cache = join(corpusDir, 'ckhire__video-analytics-labs/.dvc/cache');
    const oid = '8ed69f23988b42eafd349516022ae1ac';
    const manifest = JSON.parse(readFileSync(join(cache, oid.slice(0, 2), `${oid.slice(2)}.dir`), 'utf8')) as {
      md5: string;
      relpath: string;
    }[];
    const root = await mkdtemp(join(tmpdir(), 'corpus-ckhire-'));
    await mkdir(join(root, '.dvc'));
    await writeFile(join(root, 'images.dvc'), `outs:\n- md5: ${oid}.dir\n  path: images\n`);
    const result = await pull({
      cwd: root,
      remoteUrl: cache,
      logger: new RecordingLogger(),
      includeGlobalConfig: false,
    });
    expect(result.files).toBe(124);
    expect(manifest.length).toBe(124);
    for (const e of manifest) {
      const bytes = await readFile(join(root, 'images', e.relpath));
      expect([e.relpath, [md5(bytes), hashBytesAs(bytes, 'md5-dos2unix')].includes(e.md5)]).toEqual([e.relpath, true]);
    }
    expect(new Set(manifest.map((e) => e.md5)).size).toBe(103);
  });
});
