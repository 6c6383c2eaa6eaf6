import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@mlops-gha/common';
import { openStore, PreconditionFailedError, type ObjectStore } from '@mlops-gha/storage';
import { readAttachment, writeAttachments } from './attachments.js';
import { VersionIntegrityError } from './errors.js';
import { layout } from './layout.js';
import type { Manifest } from './manifest.js';

let work: string;
let n = 0;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'registry-attachments-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));
const folder = () => join(work, `reg-${n++}`);

// Digests and sizes from coreutils: printf '<body>' | sha256sum; printf '<body>' | wc -c
const SAMPLE = Buffer.from('{"format":"mlops-gha.sample/v1","rows":2}');
const SAMPLE_SHA = 'd7160b5c8b2808c87aa1b889de25bcdee6bdf3149783571c8bb941419d8ac0d4';
const PROFILE = Buffer.from('{"rows":150,"columns":[]}');
const PROFILE_SHA = 'e09227bd62e8c7fc88eac2335abd4fed76079df5a624469f0c8abfc46c494dd6';

/** `inner` with its `put` replaced: `put(original, key, body, options)`. */
function withPut(
  inner: ObjectStore,
  put: (original: ObjectStore['put'], ...args: Parameters<ObjectStore['put']>) => ReturnType<ObjectStore['put']>,
): ObjectStore {
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'put') return (...args: Parameters<ObjectStore['put']>) => put(target.put.bind(target), ...args);
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The fields of a manifest readAttachment looks at. */
const manifestWith = (extra: Partial<Manifest>) => ({ name: 'iris', version: 4, ...extra }) as Manifest;

describe('writeAttachments', () => {
  it('writes sample.json and profile.json beside the manifest and returns their records', async () => {
    const location = folder();
    const records = await writeAttachments(openStore(location), 'iris', 4, {
      sample: { body: SAMPLE, rows: 2 },
      profile: { body: PROFILE, rows: 150, columns: 5 },
    });
    expect(records).toEqual({
      sample: { path: 'sample.json', sha256: SAMPLE_SHA, size: 41, rows: 2 },
      profile: { path: 'profile.json', sha256: PROFILE_SHA, size: 25, rows: 150, columns: 5 },
    });
    expect(await readFile(join(location, 'iris/versions/4/sample.json'))).toEqual(SAMPLE);
    expect(await readFile(join(location, 'iris/versions/4/profile.json'))).toEqual(PROFILE);
    expect(await readdir(join(location, 'iris/versions/4'))).toEqual(['profile.json', 'sample.json']);
  });

  it('writes nothing and returns no records when there are no attachments', async () => {
    const location = folder();
    expect(await writeAttachments(openStore(location), 'iris', 4, {})).toEqual({});
    expect(await readdir(location).catch(() => [])).toEqual([]);
  });

  it('a 412 on its own retried write that landed whole is success', async () => {
    const location = folder();
    const losing = withPut(openStore(location), async (put, key, body, options) => {
      await put(key, body, options);
      throw new PreconditionFailedError(key, 'if-none-match');
    });
    expect(await writeAttachments(losing, 'iris', 4, { sample: { body: SAMPLE, rows: 2 } })).toEqual({
      sample: { path: 'sample.json', sha256: SAMPLE_SHA, size: 41, rows: 2 },
    });
  });

  it('an existing object with other bytes is not overwritten: the 412 is the push’s error', async () => {
    const location = folder();
    const store = openStore(location);
    await store.put(layout.sample('iris', 4), 'someone else');
    await expect(writeAttachments(store, 'iris', 4, { sample: { body: SAMPLE, rows: 2 } })).rejects.toThrow(
      PreconditionFailedError,
    );
    expect(await readFile(join(location, 'iris/versions/4/sample.json'), 'utf8')).toBe('someone else');
  });

  it('a store failure is the push’s error', async () => {
    const failing = withPut(openStore(folder()), async () => {
      throw new Error('store unavailable');
    });
    await expect(
      writeAttachments(failing, 'iris', 4, { profile: { body: PROFILE, rows: 1, columns: 1 } }),
    ).rejects.toThrow('store unavailable');
  });
});

describe('readAttachment', () => {
  it('returns the parsed document when its bytes match the manifest record', async () => {
    const store = openStore(folder());
    await store.put(layout.profile('iris', 4), PROFILE);
    const manifest = manifestWith({
      profile: { path: 'profile.json', sha256: PROFILE_SHA, size: 25, rows: 150, columns: 5 },
    });
    expect(await readAttachment(store, manifest, 'profile')).toEqual({ rows: 150, columns: [] });
  });

  it('a version pushed without one is a UserError naming the push input to set', async () => {
    const store = openStore(folder());
    const sample = (await readAttachment(store, manifestWith({}), 'sample').catch((e: unknown) => e)) as UserError;
    expect(sample).toBeInstanceOf(UserError);
    expect(sample.message).toBe('iris/4 has no stored sample: it was pushed without `sample-data`');
    expect(sample.fix).toBe(
      "Push the model again with registry-push's `sample-data` set (a few rows of input data), then refer to the new version.",
    );
    expect(sample.title).toBe('No stored sample');
    const profile = (await readAttachment(store, manifestWith({}), 'profile').catch((e: unknown) => e)) as UserError;
    expect(profile.message).toBe('iris/4 has no data profile: it was pushed without `profile-data`');
    expect(profile.fix).toBe(
      "Push the model again with registry-push's `profile-data` set (the training data), then refer to the new version.",
    );
  });

  it('a missing, changed or unparsable attachment is an integrity error of the version', async () => {
    const store = openStore(folder());
    const record = { path: 'sample.json' as const, sha256: SAMPLE_SHA, size: 41, rows: 2 };
    const read = () => readAttachment(store, manifestWith({ sample: record }), 'sample').catch((e: unknown) => e);
    let error = (await read()) as VersionIntegrityError;
    expect(error).toBeInstanceOf(VersionIntegrityError);
    expect(error.problems).toEqual(['sample.json: missing from the store (the manifest names it)']);

    const changed = Buffer.from(SAMPLE.toString().replace('2', '3'));
    await store.put(layout.sample('iris', 4), changed);
    error = (await read()) as VersionIntegrityError;
    expect(error.message).toMatch(
      new RegExp(
        `^iris/4 failed verification: sample\\.json: 41 bytes with sha256 [0-9a-f]{64}, the manifest says 41 bytes with ${SAMPLE_SHA}$`,
      ),
    );

    // bytes that match their record but are not JSON (a manifest written over a bad attachment)
    const notJson = Buffer.from('{"rows": 2,');
    await store.put(layout.sample('iris', 5), notJson);
    const bad = manifestWith({
      version: 5,
      sample: { path: 'sample.json', sha256: createHash('sha256').update(notJson).digest('hex'), size: 11, rows: 2 },
    });
    error = (await readAttachment(store, bad, 'sample').catch((e: unknown) => e)) as VersionIntegrityError;
    expect(error).toBeInstanceOf(VersionIntegrityError);
    expect(error.problems[0]).toMatch(/^sample\.json: not valid JSON \(/);
  });
});
