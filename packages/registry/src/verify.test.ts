import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@mlops-gha/storage';
import { VersionIntegrityError } from './errors.js';
import { layout } from './layout.js';
import { contentDigest, serializeManifest } from './manifest.js';
import { download, manifestProblems, verify } from './verify.js';
import { contextOn, putVersion } from '../../../test/fixtures/registry-context.js';

let work: string;
let n = 0;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'registry-verify-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));
const folder = () => join(work, `reg-${n++}`);
const sha = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

const FILES = { 'model.onnx': 'weights', 'tokenizer/vocab.txt': 'a\nb\nc\n' };

async function stored() {
  const location = folder();
  const store = openStore(location);
  const manifest = await putVersion(store, 'iris', 1, FILES);
  return { location, store, manifest, ...contextOn(store) };
}

describe('verify', () => {
  it('a version as pushed: every listed file present, of its size and sha256', async () => {
    const { ctx } = await stored();
    expect(await verify(ctx, 'iris', 1)).toEqual({
      ref: 'iris/1',
      ok: true,
      files: [
        { path: 'model.onnx', sha256: sha('weights'), size: 7, ok: true },
        { path: 'tokenizer/vocab.txt', sha256: sha('a\nb\nc\n'), size: 6, ok: true },
      ],
      problems: [],
    });
  });

  it('reports a file changed in place, one truncated, one missing and one added, each by path', async () => {
    const { location, ctx } = await stored();
    const files = join(location, 'iris/versions/1/files');
    await writeFile(join(files, 'model.onnx'), 'WEIGHTS');
    await writeFile(join(files, 'tokenizer/vocab.txt'), 'a\n');
    await writeFile(join(files, 'extra.bin'), 'x');
    const report = await verify(ctx, 'iris', 1);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      `model.onnx: sha256 ${sha('WEIGHTS')}, manifest says ${sha('weights')}`,
      'tokenizer/vocab.txt: size 2, manifest says 6',
      'extra.bin: in the store but not in the manifest',
    ]);
    expect(report.files.map((f) => [f.path, f.ok, f.problem])).toEqual([
      ['model.onnx', false, `sha256 ${sha('WEIGHTS')}, manifest says ${sha('weights')}`],
      ['tokenizer/vocab.txt', false, 'size 2, manifest says 6'],
    ]);
    await rm(join(files, 'model.onnx'));
    expect((await verify(ctx, 'iris', 1)).problems[0]).toBe('model.onnx: missing from the store');
  });

  it('a manifest whose file list was edited (digests no longer agree) is reported as edited', async () => {
    const { store, ctx, manifest } = await stored();
    const edited = { ...manifest, files: [manifest.files[0]!, { ...manifest.files[1]!, sha256: sha('other') }] };
    await store.put(layout.manifest('iris', 1), serializeManifest(edited));
    const report = await verify(ctx, 'iris', 1);
    expect(report.problems.slice(0, 2)).toEqual([
      `the manifest's content_digest ${manifest.content_digest} does not match its file list (${contentDigest(edited.files)}): the manifest was edited`,
      "the manifest's sha256 does not match its file list: the manifest was edited",
    ]);
  });

  it('includes a damaged attachment among the problems', async () => {
    const location = folder();
    const store = openStore(location);
    const body = '{"rows": 1}';
    await store.put(layout.sample('iris', 1), 'tampered!!!');
    await putVersion(store, 'iris', 1, FILES, {
      sample: { path: 'sample.json', sha256: sha(body), size: 11, rows: 1 },
    });
    const report = await verify(contextOn(store).ctx, 'iris', 1);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      `sample.json: 11 bytes with sha256 ${sha('tampered!!!')}, the manifest says 11 bytes with ${sha(body)}`,
    ]);
  });
});

describe('manifestProblems', () => {
  it('none for a manifest whose digests agree with its files; one per digest that does not', async () => {
    const { manifest } = await stored();
    expect(manifestProblems(manifest)).toEqual([]);
    expect(manifestProblems({ ...manifest, sha256: sha('x') })).toEqual([
      "the manifest's sha256 does not match its file list: the manifest was edited",
    ]);
  });
});

describe('download', () => {
  it('writes each file at its path in the destination, counting the bytes, and leaves no staging folder', async () => {
    const { ctx } = await stored();
    const parent = join(work, `dl-${n++}`);
    await mkdir(parent);
    const dest = join(parent, 'model');
    let counted = 0;
    const got = await download(ctx, 'iris', 1, dest, { onBytes: (b) => (counted += b) });
    expect(got.bytes).toBe(13);
    expect(counted).toBe(13);
    expect(got.files).toEqual([join(dest, 'model.onnx'), join(dest, 'tokenizer', 'vocab.txt')]);
    expect(got.manifest.version).toBe(1);
    expect(await readFile(join(dest, 'model.onnx'), 'utf8')).toBe('weights');
    expect(await readFile(join(dest, 'tokenizer', 'vocab.txt'), 'utf8')).toBe('a\nb\nc\n');
    expect(await readdir(parent)).toEqual(['model']);
  });

  it('a file whose bytes do not match is refused, and nothing of the version appears in the destination', async () => {
    const { location, ctx } = await stored();
    await writeFile(join(location, 'iris/versions/1/files/tokenizer/vocab.txt'), 'a\nb\nX\n');
    const parent = join(work, `dl-${n++}`);
    await mkdir(parent);
    const error = (await download(ctx, 'iris', 1, join(parent, 'model')).catch(
      (e: unknown) => e,
    )) as VersionIntegrityError;
    expect(error).toBeInstanceOf(VersionIntegrityError);
    expect(error.message).toMatch(/^iris\/1 failed verification: tokenizer\/vocab\.txt: /);
    expect(await readdir(parent)).toEqual([]);
  });

  it('an edited manifest is refused before any file is fetched', async () => {
    const { store, ctx, manifest } = await stored();
    await store.put(layout.manifest('iris', 1), serializeManifest({ ...manifest, content_digest: sha('x') }));
    const parent = join(work, `dl-${n++}`);
    await mkdir(parent);
    await expect(download(ctx, 'iris', 1, join(parent, 'model'))).rejects.toThrow(
      `iris/1 failed verification: the manifest's content_digest ${sha('x')} does not match its file list`,
    );
    expect(await readdir(parent)).toEqual([]);
  });

  it('a version that does not exist is not found, and writes nothing', async () => {
    const { ctx } = await stored();
    const parent = join(work, `dl-${n++}`);
    await mkdir(parent);
    await expect(download(ctx, 'iris', 2, join(parent, 'model'))).rejects.toThrow('iris/2 does not exist');
    expect(await readdir(parent)).toEqual([]);
  });
});
