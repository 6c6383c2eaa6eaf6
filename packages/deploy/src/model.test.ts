/**
 * The registry side of a deploy, on a real folder registry holding two pushed ONNX versions with
 * stored samples: resolving by number, alias or newest; refusing a version whose files no longer
 * match the manifest; reading the sample; the release's bad revisions from the audit events.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Registry } from '@mlops-gha/registry';
import { MODEL, seedRegistry } from '../../../test/e2e/deploy-fixtures.js';
import { knownBadRevisions, parseSample, readVersionSample, resolveModel } from './model.js';

let registry: Registry;
let root = '';
beforeAll(async () => {
  ({ registry, root } = await seedRegistry(2));
  await registry.moveAlias(MODEL, 'production', 1, { expected: null, reason: 'test' });
}, 120_000);
afterAll(() => registry?.close());

describe('resolveModel', () => {
  it('resolves a number, an alias, or the newest version, with the manifest and the stored sample', async () => {
    expect((await resolveModel(registry, MODEL, { version: 1 })).resolved.version).toBe(1);
    expect((await resolveModel(registry, MODEL, { alias: 'production' })).resolved.version).toBe(1);
    const newest = await resolveModel(registry, MODEL, {});
    expect(newest.resolved.version).toBe(2);
    expect(newest.manifest.name).toBe(MODEL);
    expect(newest.sample).toMatchObject({ format: 'mlops-gha.sample/v1', rows: 16 });
    expect(newest.sample!.inputs[0]).toMatchObject({ name: 'input', datatype: 'FP32', shape: [16, 4] });
  });

  it('refuses a version whose file no longer matches its manifest, naming the registry, and telling not to deploy it', async () => {
    const files = join(root, MODEL, 'versions', '2', 'files');
    const [model] = (await readdir(files)).filter((f) => f.endsWith('.onnx'));
    await writeFile(join(files, model!), 'not the pushed bytes');
    await expect(resolveModel(registry, MODEL, { version: 2 })).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringMatching(new RegExp(`^${MODEL}/2 in the registry .+ failed verification: `)),
      fix: 'Do not deploy it: push the model again (a new version), or deploy another version.',
      title: 'model artifact does not match its manifest',
    });
  });
});

describe('samples', () => {
  it('readVersionSample is undefined for a version pushed without one', async () => {
    const manifest = (await registry.resolve(`${MODEL}/1`)).manifest;
    expect(await readVersionSample(registry, { ...manifest, sample: undefined })).toBeUndefined();
    expect((await readVersionSample(registry, manifest))!.outputs.map((o) => o.name).sort()).toEqual([
      'label',
      'probabilities',
    ]);
  });
  it('parseSample refuses documents that are not mlops-gha.sample/v1 with inputs and outputs', () => {
    const good = {
      format: 'mlops-gha.sample/v1',
      rows: 1,
      inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: [1] }],
      outputs: [{ name: 'y', datatype: 'FP32', shape: [1], data: [2] }],
    };
    expect(parseSample(good, 'iris/3')).toBe(good);
    for (const bad of [
      null,
      'text',
      { ...good, format: 'v2' },
      { ...good, inputs: [] },
      { ...good, outputs: [{ name: 'y' }] },
      { ...good, inputs: [{ ...good.inputs[0], shape: '1' }] },
    ])
      expect(() => parseSample(bad, 'iris/3')).toThrow(
        expect.objectContaining({
          message: 'The sample of iris/3 is not a mlops-gha.sample/v1 document with inputs and outputs',
          fix: 'Push the model again with `sample-data`.',
        }),
      );
  });
});

describe('knownBadRevisions', () => {
  it("lists this release's revisions whose smoke test failed, from the registry's events, and only those", async () => {
    const id = await registry.appendEvent(MODEL, {
      type: 'smoke-test-failed',
      release: 'iris',
      namespace: 'ml',
      revision: 4,
    });
    await registry.appendEvent(MODEL, {
      type: 'smoke-test-failed',
      release: 'iris',
      namespace: 'staging',
      revision: 5,
    });
    await registry.appendEvent(MODEL, { type: 'smoke-test-failed', release: 'other', namespace: 'ml', revision: 6 });
    await registry.appendEvent(MODEL, { type: 'deployed', release: 'iris', namespace: 'ml', revision: 7 });
    expect(await knownBadRevisions(registry, MODEL, 'iris', 'ml')).toEqual([
      { revision: 4, why: `its smoke test failed (registry event ${id})` },
    ]);
  });
  it('is empty for a model the registry has no events of', async () => {
    expect(await knownBadRevisions(registry, 'never-pushed', 'iris', 'ml')).toEqual([]);
  });
});
