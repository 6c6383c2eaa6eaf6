import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@mlops-gha/common';
import { openStore } from '@mlops-gha/storage';
import { logisticClassifierModel, writeModel } from '../../../test/harness/onnx-models.js';
import { finishExisting, push } from './push.js';
import { collectModelFiles } from './sources.js';
import type { PushStep } from './types.js';
import { AT, contextOn } from '../../../test/fixtures/registry-context.js';

// The files pushed and their digests from coreutils (printf 'weights-a' > a.bin; printf 'config-b' > b.bin):
//   sha256sum a.bin b.bin -> SHA_A, SHA_B;   sha256sum a.bin b.bin | sha256sum -> LISTING
const SHA_A = '1761859e16f9a0a8a14419a2a7dd5eb3639b2beb40f01ff3c73942fd37f7ea26';
const SHA_B = '652de45506943503f44fbea64dc4e811c62220493bd1c6a0e9d1d8bfd261a952';
const LISTING = '81272ea9d8f4742613966e786d4c7b59cd5add245e0c0c574a9ac5862d37b810';
let work: string;
let n = 0;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'registry-push-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));
const folder = () => join(work, `reg-${n++}`);
const json = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
const list = async (path: string) => (await readdir(path).catch(() => [] as string[])).sort();

/** A folder with a.bin and b.bin, collected as the action collects `model: <folder>`. */
async function twoFiles() {
  const dir = join(work, `files-${n++}`);
  await mkdir(dir);
  await writeFile(join(dir, 'a.bin'), 'weights-a');
  await writeFile(join(dir, 'b.bin'), 'config-b');
  return { dir, files: await collectModelFiles([dir]) };
}

describe('push', () => {
  it('creates version 1: files under uri, content record, claim, manifest last, then its event', async () => {
    const location = folder();
    const store = openStore(location);
    const { files } = await twoFiles();
    const { ctx, steps } = contextOn(store, { actor: 'octocat', runUrl: 'https://run/1' });
    const result = await push(ctx, {
      name: 'iris',
      files,
      metrics: { accuracy: 0.93 },
      params: { lr: 0.1 },
      lineage: { git_sha: 'abc123', run_id: undefined },
      tags: { team: 'vision' },
      description: 'first',
    });
    const uri = `${store.urlOf('iris/versions/1/files')}/`;
    expect(result).toMatchObject({ name: 'iris', version: 1, created: true, uri, sha256: LISTING, uploadedBytes: 17 });
    expect(result).not.toHaveProperty('alias');
    expect(steps).toEqual(['hashed', 'locked', 'claimed', 'uploaded', 'manifest-written', 'event-written']);
    expect(await list(join(location, 'iris'))).toEqual(['claims', 'content', 'events', 'versions']);
    expect(await list(join(location, 'iris/versions/1'))).toEqual(['files', 'manifest.json']);
    expect(await readFile(join(location, 'iris/versions/1/files/a.bin'), 'utf8')).toBe('weights-a');
    expect(await readFile(join(location, 'iris/versions/1/files/b.bin'), 'utf8')).toBe('config-b');
    const manifest = await json(join(location, 'iris/versions/1/manifest.json'));
    expect(manifest).toEqual({
      schema: 'mlops-gha/registry-manifest@1',
      name: 'iris',
      version: 1,
      created_at: AT,
      created_by: 'octocat',
      uri,
      sha256: LISTING,
      content_digest: LISTING,
      files: [
        { path: 'a.bin', sha256: SHA_A, size: 9 },
        { path: 'b.bin', sha256: SHA_B, size: 8 },
      ],
      signature: null,
      metrics: { accuracy: 0.93 },
      params: { lr: 0.1 },
      lineage: { git_sha: 'abc123', git_ref: null, repository: null, run_url: null, run_id: null, data_version: null },
      tags: { team: 'vision' },
      description: 'first',
    });
    expect(result.manifest).toEqual(manifest);
    expect(await json(join(location, `iris/content/${LISTING}.json`))).toMatchObject({
      state: 'published',
      version: 1,
    });
    expect(await json(join(location, 'iris/claims/1.json'))).toMatchObject({ actor: 'octocat' });
    const [event] = await list(join(location, 'iris/events'));
    expect(await json(join(location, 'iris/events', event!))).toMatchObject({
      type: 'version-created',
      version: 1,
      sha256: LISTING,
      uri,
      actor: 'octocat',
      run_url: 'https://run/1',
    });
  });

  it('a single file’s version sha256 is the file’s own digest', async () => {
    const location = folder();
    const { dir } = await twoFiles();
    const { ctx } = contextOn(openStore(location));
    const result = await push(ctx, { name: 'iris', files: await collectModelFiles([join(dir, 'a.bin')]) });
    expect(result.sha256).toBe(SHA_A);
    expect(result.manifest.content_digest).not.toBe(SHA_A);
  });

  it('identical files again: the existing version, nothing uploaded, the alias still moved', async () => {
    const location = folder();
    const store = openStore(location);
    const { files } = await twoFiles();
    const first = await push(contextOn(store).ctx, { name: 'iris', files });
    const { ctx, steps, logger } = contextOn(store);
    const again = await push(ctx, { name: 'iris', files: (await twoFiles()).files, alias: 'prod' });
    expect(again).toMatchObject({ version: 1, created: false, uploadedBytes: 0, sha256: first.sha256 });
    expect(again.manifest).toEqual(first.manifest);
    expect(again.alias).toMatchObject({ alias: 'prod', from: null, to: 1, moved: true });
    expect(steps).toEqual(['hashed', 'alias-event-written', 'alias-moved']);
    expect(await list(join(location, 'iris/claims'))).toEqual(['1.json']);
    expect(logger.messages('info')).toContain('iris/1 already holds identical files: nothing uploaded');
  });

  it('with an alias, moves it to the new version after the version-created event', async () => {
    const location = folder();
    const { files } = await twoFiles();
    const { ctx, steps } = contextOn(openStore(location));
    const result = await push(ctx, { name: 'iris', files, alias: 'staging' });
    expect(result.alias).toEqual({ alias: 'staging', from: null, to: 1, moved: true, event: result.alias!.event });
    expect(steps.slice(-3)).toEqual(['event-written', 'alias-event-written', 'alias-moved']);
    expect(await json(join(location, 'iris/aliases/staging.json'))).toMatchObject({ version: 1 });
  });

  it('stores the attachments beside the manifest, which records them', async () => {
    const location = folder();
    const { files } = await twoFiles();
    const { ctx } = contextOn(openStore(location));
    const sample = Buffer.from('{"format":"mlops-gha.sample/v1","rows":2}');
    const result = await push(ctx, { name: 'iris', files, attachments: { sample: { body: sample, rows: 2 } } });
    expect(result.manifest.sample).toEqual({
      path: 'sample.json',
      sha256: 'd7160b5c8b2808c87aa1b889de25bcdee6bdf3149783571c8bb941419d8ac0d4', // printf '<body>' | sha256sum
      size: 41,
      rows: 2,
    });
    expect(await readFile(join(location, 'iris/versions/1/sample.json'))).toEqual(sample);
    expect(result.manifest).not.toHaveProperty('profile');
  });

  it('records an ONNX file’s signature on the file and as the version’s signature', async () => {
    const location = folder();
    const path = await writeModel(
      join(work, `onnx-${n++}`, 'model.onnx'),
      logisticClassifierModel({ weights: [1, 2, 3], bias: 0 }),
    );
    const { ctx } = contextOn(openStore(location));
    const result = await push(ctx, { name: 'iris', files: await collectModelFiles([path]) });
    const signature = {
      inputs: [{ name: 'input', type: 'float32', shape: ['N', 3] }],
      outputs: [
        { name: 'label', type: 'int64', shape: ['N'] },
        { name: 'probabilities', type: 'float32', shape: ['N', 2] },
      ],
    };
    expect(result.manifest.signature).toEqual(signature);
    expect(result.manifest.files[0]).toMatchObject({ path: 'model.onnx', signature });
  });

  it('refuses bad input before anything is written: no files, names, aliases, tags, NaN or infinite metrics', async () => {
    const location = folder();
    const { files } = await twoFiles();
    const { ctx, probes } = contextOn(openStore(location));
    const cases: [Parameters<typeof push>[1], string][] = [
      [{ name: 'iris', files: [] }, 'No model files to push'],
      [{ name: '../iris', files }, 'Invalid model name "../iris" in the model name'],
      [{ name: 'iris', files, alias: 'v2' }, 'The alias "v2" is reserved (it reads as a version reference)'],
      [{ name: 'iris', files, tags: { 'bad key': 'x' } }, 'Invalid tag key "bad key"'],
      [
        { name: 'iris', files, metrics: { loss: Number.NaN } },
        'Cannot push iris: the metric "loss" is NaN, not a finite number',
      ],
      [
        { name: 'iris', files, metrics: { loss: Infinity } },
        'Cannot push iris: the metric "loss" is Infinity, not a finite number',
      ],
    ];
    for (const [request, message] of cases) {
      const error = await push(ctx, request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).toBe(message);
    }
    expect(probes()).toBe(0);
    expect(await list(location)).toEqual([]);
  });

  it('a file whose name cannot be a path in a version (a backslash) is refused before any claim or upload', async () => {
    const location = folder();
    const dir = join(work, `odd-${n++}`);
    await mkdir(dir);
    await writeFile(join(dir, 'ok.bin'), 'fine');
    await writeFile(join(dir, 'we\\ird.bin'), 'odd');
    const { ctx, probes } = contextOn(openStore(location));
    await expect(push(ctx, { name: 'iris', files: await collectModelFiles([dir]) })).rejects.toThrow(
      `The file ${join(dir, 'we\\ird.bin')} cannot be stored as "we\\\\ird.bin"`,
    );
    expect(probes()).toBe(0);
    expect(await list(location)).toEqual([]);
  });

  it('a .onnx file that is not ONNX is refused before the first write', async () => {
    const location = folder();
    const dir = join(work, `fake-${n++}`);
    await mkdir(dir);
    await writeFile(join(dir, 'model.onnx'), 'not a model');
    const { ctx } = contextOn(openStore(location));
    await expect(push(ctx, { name: 'iris', files: await collectModelFiles([dir]) })).rejects.toThrow(
      `${join(dir, 'model.onnx')} is not a valid ONNX model`,
    );
    expect(await list(location)).toEqual([]);
  });

  it('a file rewritten during the upload fails the push, and no version becomes visible', async () => {
    const location = folder();
    const { dir, files } = await twoFiles();
    const rewrite = async (step: PushStep) => {
      if (step === 'claimed') await writeFile(join(dir, 'b.bin'), 'config-B');
    };
    const { ctx } = contextOn(openStore(location), {}, rewrite);
    await expect(push(ctx, { name: 'iris', files })).rejects.toThrow(
      `${join(dir, 'b.bin')} changed while it was being pushed`,
    );
    expect(await list(join(location, 'iris/versions/1'))).toEqual(['files']);
  });
});

describe('finishExisting', () => {
  it('returns the existing version and warns that attachments given now are not stored', async () => {
    const location = folder();
    const store = openStore(location);
    const { files } = await twoFiles();
    const first = await push(contextOn(store).ctx, { name: 'iris', files });
    const { ctx, logger } = contextOn(store);
    const body = Buffer.from('{}');
    const result = await finishExisting(ctx, first.manifest, {
      name: 'iris',
      files,
      attachments: { sample: { body, rows: 1 }, profile: { body, rows: 1, columns: 1 } },
    });
    expect(result).toEqual({
      name: 'iris',
      version: 1,
      created: false,
      uri: first.uri,
      sha256: first.sha256,
      manifest: first.manifest,
      uploadedBytes: 0,
    });
    expect(logger.messages('warning')).toEqual([
      'iris/1 is immutable: its sample stays absent; the one given now was not stored',
      'iris/1 is immutable: its data profile stays absent; the one given now was not stored',
    ]);
    expect(await list(join(location, 'iris/versions/1'))).toEqual(['files', 'manifest.json']);
  });
});
