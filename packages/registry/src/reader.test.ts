import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@mlops-gha/common';
import { openStore, type ObjectStore } from '@mlops-gha/storage';
import { NotFoundInRegistryError, VersionIntegrityError } from './errors.js';
import { layout } from './layout.js';
import { contentDigest } from './manifest.js';
import {
  claimedVersions,
  latestVersion,
  listAliases,
  listModels,
  listVersionNumbers,
  listVersions,
  readAlias,
  readManifest,
  readProfile,
  readSample,
  resolve,
  tryReadManifest,
} from './reader.js';
import { AT, contextOn, putVersion } from '../../../test/fixtures/registry-context.js';

let work: string;
let n = 0;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'registry-reader-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));
const folder = () => join(work, `reg-${n++}`);

async function putAlias(store: ObjectStore, name: string, alias: string, version: number, event = 'e1') {
  await store.put(
    layout.alias(name, alias),
    JSON.stringify({
      schema: 'mlops-gha/registry-alias@1',
      name,
      alias,
      version,
      event,
      updated_at: AT,
      updated_by: null,
    }),
  );
}

/** A registry with iris 1..3 (v2 claimed but never published, v10 published), aliases prod -> 1, staging -> 3. */
async function populated() {
  const store = openStore(folder());
  for (const v of [1, 2, 3, 10]) await store.put(layout.claim('iris', v), '{}');
  await putVersion(store, 'iris', 1, { 'model.bin': 'one' });
  await putVersion(store, 'iris', 3, { 'model.bin': 'three', 'config.json': '{}' });
  await putVersion(store, 'iris', 10, { 'model.bin': 'ten' });
  await putAlias(store, 'iris', 'prod', 1);
  await putAlias(store, 'iris', 'staging', 3);
  await putAlias(store, 'iris', 'canary', 3);
  await store.put(layout.claim('wine', 1), '{}');
  await store.put('notes/readme.txt', 'not a model');
  return { store, ...contextOn(store) };
}

describe('listing', () => {
  it('listModels: the names that have claims, sorted', async () => {
    const { ctx } = await populated();
    expect(await listModels(ctx)).toEqual(['iris', 'wine']);
    expect(await listModels(contextOn(openStore(folder())).ctx)).toEqual([]);
  });

  it('claimedVersions: every claim (published or not), in numeric order', async () => {
    const { ctx } = await populated();
    expect(await claimedVersions(ctx, 'iris')).toEqual([1, 2, 3, 10]);
    expect(await claimedVersions(ctx, 'none')).toEqual([]);
    await expect(claimedVersions(ctx, '..')).rejects.toThrow('Invalid model name ".."');
  });

  it('listVersionNumbers and latestVersion: only versions with a manifest, in numeric order', async () => {
    const { ctx } = await populated();
    expect(await listVersionNumbers(ctx, 'iris')).toEqual([1, 3, 10]);
    expect(await latestVersion(ctx, 'iris')).toBe(10);
    expect(await latestVersion(ctx, 'wine')).toBeUndefined();
  });

  it('every reader refuses a model name that could leave the registry, with the registry’s own message', async () => {
    const { ctx } = await populated();
    for (const read of [
      () => listVersionNumbers(ctx, '../outside'),
      () => latestVersion(ctx, '../outside'),
      () => tryReadManifest(ctx, '../outside', 1),
      () => listVersions(ctx, 'a/b'),
      () => listAliases(ctx, '..'),
    ]) {
      const error = (await read().catch((e: unknown) => e)) as UserError;
      expect(error).toBeInstanceOf(UserError);
      expect(error.message).toMatch(/^Invalid model name "(\.\.\/outside|a\/b|\.\.)" in the model name$/);
    }
    await expect(tryReadManifest(ctx, 'iris', 0)).rejects.toThrow('Invalid version 0 in the version');
  });

  it('listVersions: when, who, digest, total size and the aliases on each version (sorted)', async () => {
    const { ctx } = await populated();
    const three = createHash('sha256').update('three').digest('hex');
    const curly = createHash('sha256').update('{}').digest('hex');
    expect(await listVersions(ctx, 'iris')).toEqual([
      {
        version: 1,
        created_at: AT,
        created_by: 'octocat',
        sha256: createHash('sha256').update('one').digest('hex'),
        size: 3,
        aliases: ['prod'],
      },
      {
        version: 3,
        created_at: AT,
        created_by: 'octocat',
        sha256: contentDigest([
          { path: 'model.bin', sha256: three },
          { path: 'config.json', sha256: curly },
        ]),
        size: 7,
        aliases: ['canary', 'staging'],
      },
      {
        version: 10,
        created_at: AT,
        created_by: 'octocat',
        sha256: createHash('sha256').update('ten').digest('hex'),
        size: 3,
        aliases: [],
      },
    ]);
  });

  it('listAliases: every alias document by name', async () => {
    const { ctx } = await populated();
    const aliases = await listAliases(ctx, 'iris');
    expect(Object.keys(aliases).sort()).toEqual(['canary', 'prod', 'staging']);
    expect(aliases.prod).toMatchObject({ alias: 'prod', version: 1, event: 'e1' });
  });
});

describe('manifests', () => {
  it('tryReadManifest: the validated manifest, or undefined for a version not (yet) visible', async () => {
    const { ctx } = await populated();
    expect(await tryReadManifest(ctx, 'iris', 3)).toMatchObject({ name: 'iris', version: 3 });
    expect(await tryReadManifest(ctx, 'iris', 2)).toBeUndefined();
  });

  it('a manifest stored under another version’s key is an integrity error, not that version', async () => {
    const { store, ctx } = await populated();
    await store.put(layout.manifest('iris', 4), await store.getBytes(layout.manifest('iris', 3)).then((g) => g!.body));
    const error = (await tryReadManifest(ctx, 'iris', 4).catch((e: unknown) => e)) as VersionIntegrityError;
    expect(error).toBeInstanceOf(VersionIntegrityError);
    expect(error.message).toBe('iris/4 failed verification: its manifest names iris/3');
  });

  it('a damaged manifest is a UserError naming its URL', async () => {
    const { store, ctx } = await populated();
    await store.put(layout.manifest('iris', 5), '{"schema": "mlops');
    await expect(readManifest(ctx, 'iris', 5)).rejects.toThrow(
      `The registry manifest ${store.urlOf(layout.manifest('iris', 5))} is not valid JSON`,
    );
  });

  it('readManifest of a missing version lists the versions there are, or says there are none', async () => {
    const { ctx, store } = await populated();
    const error = (await readManifest(ctx, 'iris', 2).catch((e: unknown) => e)) as NotFoundInRegistryError;
    expect(error).toBeInstanceOf(NotFoundInRegistryError);
    expect(error.message).toBe(`iris/2 does not exist in the registry ${store.location}`);
    expect(error.fix).toBe('Versions of iris: 1, 3, 10.');
    const none = (await readManifest(ctx, 'wine', 1).catch((e: unknown) => e)) as NotFoundInRegistryError;
    expect(none.fix).toBe('The registry has no versions of wine: push one first, or check the name and registry.');
  });

  it('readManifest checks the name and version before reading', async () => {
    const { ctx } = await populated();
    await expect(readManifest(ctx, 'iris/../wine', 1)).rejects.toThrow('Invalid model name "iris/../wine"');
    await expect(readManifest(ctx, 'iris', -1)).rejects.toThrow('Invalid version -1');
  });
});

describe('readAlias', () => {
  it('returns the document and its etag, or undefined', async () => {
    const { ctx } = await populated();
    const got = await readAlias(ctx, 'iris', 'prod');
    expect(got?.doc).toMatchObject({ alias: 'prod', version: 1 });
    expect(typeof got?.etag).toBe('string');
    expect(await readAlias(ctx, 'iris', 'missing')).toBeUndefined();
  });

  it('a document that is not JSON, or names another alias or no version, is refused with the fix', async () => {
    const { store, ctx } = await populated();
    await store.put(layout.alias('iris', 'broken'), 'not json');
    const broken = (await readAlias(ctx, 'iris', 'broken').catch((e: unknown) => e)) as UserError;
    expect(broken.message).toBe(`The alias document ${store.urlOf(layout.alias('iris', 'broken'))} is not valid JSON`);
    expect(broken.fix).toBe(
      'Alias documents are written by the registry only: move the alias again with `alias set` after deleting the damaged file.',
    );
    await store.put(layout.alias('iris', 'copied'), JSON.stringify({ alias: 'prod', version: 1 }));
    await store.put(layout.alias('iris', 'noversion'), JSON.stringify({ alias: 'noversion', version: '1' }));
    await store.put(layout.alias('iris', 'null'), 'null');
    for (const alias of ['copied', 'noversion', 'null']) {
      const error = (await readAlias(ctx, 'iris', alias).catch((e: unknown) => e)) as UserError;
      expect(error.message).toBe(`The alias document ${store.urlOf(layout.alias('iris', alias))} is malformed`);
      expect(error.fix).toBe('Move the alias again with `alias set`.');
    }
  });
});

describe('resolve', () => {
  it('resolves NAME/VERSION, NAME@ALIAS and NAME@latest (a string or a parsed reference)', async () => {
    const { ctx, store } = await populated();
    const three = await resolve(ctx, 'iris/3');
    expect(three).toMatchObject({ name: 'iris', version: 3, uri: `${store.urlOf('iris/versions/3/files')}/` });
    expect(three.sha256).toBe(three.manifest.sha256);
    expect(three).not.toHaveProperty('alias');
    expect(await resolve(ctx, 'registry://iris@staging')).toMatchObject({ version: 3, alias: 'staging' });
    expect(await resolve(ctx, 'iris@latest')).toMatchObject({ version: 10 });
    expect(await resolve(ctx, { name: 'iris', kind: 'alias', alias: 'prod' })).toMatchObject({
      version: 1,
      alias: 'prod',
    });
  });

  it('a missing alias lists the aliases there are, or says how to set one', async () => {
    const { ctx, store } = await populated();
    const error = (await resolve(ctx, 'iris@champion').catch((e: unknown) => e)) as NotFoundInRegistryError;
    expect(error).toBeInstanceOf(NotFoundInRegistryError);
    expect(error.message).toBe(`The alias champion of iris does not exist in the registry ${store.location}`);
    expect(error.fix).toBe('Aliases of iris: canary, prod, staging.');
    const none = (await resolve(ctx, 'wine@prod').catch((e: unknown) => e)) as NotFoundInRegistryError;
    expect(none.fix).toBe("wine has no aliases: set one with registry-push's `alias` input or `alias set`.");
  });

  it('latest of a model without versions, and an alias on a version that is gone, are not found', async () => {
    const { ctx, store } = await populated();
    await expect(resolve(ctx, 'wine@latest')).rejects.toThrow(`wine has no versions in the registry ${store.location}`);
    await putAlias(store, 'iris', 'ghost', 2);
    await expect(resolve(ctx, 'iris@ghost')).rejects.toThrow(`iris/2 does not exist in the registry ${store.location}`);
  });

  it('a malformed reference is refused before any read', async () => {
    const { ctx } = await populated();
    await expect(resolve(ctx, 'iris')).rejects.toThrow('Not a model reference: "iris"');
  });
});

describe('readSample and readProfile', () => {
  it('read the version’s attachment through its manifest, or say it was pushed without one', async () => {
    const { ctx, store } = await populated();
    const body = Buffer.from('{"format":"mlops-gha.sample/v1","rows":1}');
    await store.put(layout.sample('iris', 7), body);
    await putVersion(
      store,
      'iris',
      7,
      { 'model.bin': 'seven' },
      {
        sample: {
          path: 'sample.json',
          sha256: createHash('sha256').update(body).digest('hex'),
          size: body.length,
          rows: 1,
        },
      },
    );
    expect(await readSample(ctx, 'iris', 7)).toEqual({ format: 'mlops-gha.sample/v1', rows: 1 });
    await expect(readProfile(ctx, 'iris', 7)).rejects.toThrow(
      'iris/7 has no data profile: it was pushed without `profile-data`',
    );
    await expect(readSample(ctx, 'iris', 2)).rejects.toThrow('iris/2 does not exist');
  });
});
