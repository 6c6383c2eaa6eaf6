/**
 * The registry's concurrency guarantees, judged from the bytes on disk (a folder registry read
 * with node:fs, not with the package's readers): version claims, the content lock and the
 * alias compare-and-swap, including a write whose response was lost (its retry answers 412).
 * Files are plain bytes (no ONNX), so each push is quick.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingLogger } from '@mlops-gha/common';
import { openStore, PreconditionFailedError, type ObjectStore } from '@mlops-gha/storage';
import { collectModelFiles, Registry, type RegistryOptions } from './index.js';
import { withStepHook } from './testing.js';

let work: string;
let n = 0;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'registry-cas-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function weights(bytes: Buffer = randomBytes(64)): Promise<string> {
  const dir = join(work, `w${n++}`);
  await mkdir(dir);
  await writeFile(join(dir, 'weights.bin'), bytes);
  return join(dir, 'weights.bin');
}

/**
 * A folder store whose first `put` of each key matching `lose` lands but answers 412, as a
 * retried PUT does when its first attempt landed and the response was lost.
 */
function losingResponses(location: string, lose: RegExp): ObjectStore {
  const inner = openStore(location);
  const lost = new Set<string>();
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'put') {
        return async (...args: Parameters<ObjectStore['put']>) => {
          const result = await target.put(...args);
          const key = args[0];
          if (lose.test(key) && !lost.has(key)) {
            lost.add(key);
            throw new PreconditionFailedError(target.urlOf(key), 'if-none-match');
          }
          return result;
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The content digest of one file pushed as weights.bin: sha256 of its `sha256sum` line. */
async function digestOf(path: string): Promise<string> {
  const line = `${createHash('sha256')
    .update(await readFile(path))
    .digest('hex')}  weights.bin\n`;
  return createHash('sha256').update(line).digest('hex');
}

/** A folder store whose `put` and `putFile` fail (a store error, not a lost race) for keys matching `fail`. */
function failingWrites(location: string, fail: RegExp): ObjectStore {
  const inner = openStore(location);
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'put' || property === 'putFile') {
        return async (key: string, ...rest: unknown[]) => {
          if (fail.test(key)) throw new Error(`store unavailable writing ${key}`);
          return (target[property] as (...a: unknown[]) => unknown).call(target, key, ...rest);
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const folder = () => join(work, `reg-${n++}`);
const open = (location: string, options: RegistryOptions = {}) =>
  Registry.open(location, { actor: 'octocat', ...options });
const json = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
const list = async (path: string) => (await readdir(path).catch(() => [] as string[])).sort();
async function events(location: string, name: string) {
  const dir = join(location, name, 'events');
  return Promise.all((await list(dir)).map((f) => json(join(dir, f))));
}

describe('version claims', () => {
  it('a claim whose response was lost (its retry answers 412) is still this push’s: no gap, no second claim', async () => {
    const location = folder();
    const registry = new Registry(losingResponses(location, /\/claims\/1\.json$/), { actor: 'octocat' });
    const result = await registry.push({ name: 'm', files: await collectModelFiles([await weights()]) });
    expect(result).toMatchObject({ version: 1, created: true });
    expect(await list(join(location, 'm/claims'))).toEqual(['1.json']);
    expect(await list(join(location, 'm/versions'))).toEqual(['1']);
    expect(await json(join(location, 'm/claims/1.json'))).toMatchObject({ actor: 'octocat' });
    registry.close();
  });

  it('a store failure while claiming is the push’s error, not a taken number', async () => {
    const location = folder();
    await open(location).push({ name: 'm', files: await collectModelFiles([await weights()]) });
    const registry = new Registry(failingWrites(location, /\/claims\//), { actor: 'octocat' });
    await expect(registry.push({ name: 'm', files: await collectModelFiles([await weights()]) })).rejects.toThrow(
      'store unavailable writing m/claims/2.json',
    );
    expect(await list(join(location, 'm/claims'))).toEqual(['1.json']);
    registry.close();
  });

  it('a re-push of identical files only reads: it succeeds on a store that refuses every write', async () => {
    const location = folder();
    const path = await weights();
    const first = await open(location).push({ name: 'm', files: await collectModelFiles([path]) });
    const readOnly = new Registry(failingWrites(location, /./), { actor: 'octocat' });
    const again = await readOnly.push({ name: 'm', files: await collectModelFiles([path]) });
    expect(again).toMatchObject({ version: first.version, created: false, uploadedBytes: 0 });
    readOnly.close();
  });

  it('a claim taken by another push moves this one up: concurrent pushes get 1..N, one number each', async () => {
    const location = folder();
    const registries = [0, 1, 2, 3].map(() => open(location));
    const files = await Promise.all(registries.map(async () => collectModelFiles([await weights()])));
    const results = await Promise.all(registries.map((r, i) => r.push({ name: 'm', files: files[i]! })));
    expect(results.map((r) => r.version).sort()).toEqual([1, 2, 3, 4]);
    expect(await list(join(location, 'm/claims'))).toEqual(['1.json', '2.json', '3.json', '4.json']);
    const pushIds = await Promise.all(
      [1, 2, 3, 4].map(async (v) => (await json(join(location, `m/claims/${v}.json`))).push_id),
    );
    expect(new Set(pushIds).size).toBe(4);
    // each version holds the files of the push that claimed it
    for (const [i, r] of results.entries()) {
      expect(await readFile(join(location, `m/versions/${r.version}/files/weights.bin`))).toEqual(
        await readFile(files[i]![0]!.source),
      );
    }
    for (const r of registries) r.close();
  });
});

describe('alias compare-and-swap', () => {
  async function twoVersions(location: string) {
    const registry = open(location);
    for (let i = 0; i < 2; i++) await registry.push({ name: 'm', files: await collectModelFiles([await weights()]) });
    registry.close();
  }

  it('a move whose response was lost is recognised as landed: moved once, one event, not retried', async () => {
    const location = folder();
    await twoVersions(location);
    const registry = new Registry(losingResponses(location, /\/aliases\/prod\.json$/), { actor: 'octocat' });
    const move = await registry.moveAlias('m', 'prod', 2);
    expect(move).toMatchObject({ alias: 'prod', from: null, to: 2, moved: true });
    const doc = await json(join(location, 'm/aliases/prod.json'));
    expect(doc).toMatchObject({ alias: 'prod', version: 2, updated_by: 'octocat' });
    const moves = (await events(location, 'm')).filter((e) => e.type === 'alias-moved');
    expect(moves).toHaveLength(1);
    expect(moves[0]).toMatchObject({ alias: 'prod', from: null, to: 2, previous_event: null });
    expect(`${move.event}`).toBe(doc.event);
    registry.close();
  });

  it('a store failure while writing the alias is the move’s error, not a lost race retried', async () => {
    const location = folder();
    await twoVersions(location);
    const registry = new Registry(failingWrites(location, /\/aliases\//), { actor: 'octocat' });
    await expect(registry.moveAlias('m', 'prod', 1)).rejects.toThrow('store unavailable writing m/aliases/prod.json');
    expect((await events(location, 'm')).filter((e) => e.type === 'alias-moved')).toHaveLength(1);
    registry.close();
  });

  it('a move to where the alias already points writes nothing', async () => {
    const location = folder();
    await twoVersions(location);
    const registry = open(location);
    const first = await registry.moveAlias('m', 'prod', 1);
    const before = await readFile(join(location, 'm/aliases/prod.json'));
    const eventsBefore = await list(join(location, 'm/events'));
    const again = await registry.moveAlias('m', 'prod', 1, { expected: 1 });
    expect(again).toEqual({ alias: 'prod', from: 1, to: 1, moved: false, event: first.event });
    expect(await readFile(join(location, 'm/aliases/prod.json'))).toEqual(before);
    expect(await list(join(location, 'm/events'))).toEqual(eventsBefore);
    registry.close();
  });

  it('a move expecting the current version lands, chaining its event to the previous one', async () => {
    const location = folder();
    await twoVersions(location);
    const registry = open(location);
    const first = await registry.moveAlias('m', 'prod', 1, { expected: null, reason: 'first release' });
    const second = await registry.moveAlias('m', 'prod', 2, {
      expected: 1,
      reason: 'promoted',
      extra: { run_url: 'https://github.com/o/r/actions/runs/7' },
    });
    expect(second).toMatchObject({ from: 1, to: 2, moved: true });
    const doc = await json(join(location, 'm/aliases/prod.json'));
    expect(doc).toMatchObject({ schema: 'mlops-gha/registry-alias@1', version: 2, event: second.event });
    const moved = (await events(location, 'm')).filter((e) => e.type === 'alias-moved');
    expect(moved.map((e) => [e.from, e.to, e.reason, e.previous_event])).toEqual([
      [null, 1, 'first release', null],
      [1, 2, 'promoted', first.event],
    ]);
    expect(moved[1]).toMatchObject({ run_url: 'https://github.com/o/r/actions/runs/7' });
    registry.close();
  });
});

describe('the content lock', () => {
  it('pushes of identical files at once upload them once and share one version', async () => {
    const location = folder();
    const path = await weights();
    const registries = [0, 1, 2].map(() => open(location, { contentLock: { pollMs: 10 } }));
    const results = await Promise.all(
      registries.map(async (r) => r.push({ name: 'm', files: await collectModelFiles([path]) })),
    );
    expect(results.map((r) => r.version)).toEqual([1, 1, 1]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await list(join(location, 'm/claims'))).toEqual(['1.json']);
    const digest = await digestOf(path);
    const record = await json(join(location, `m/content/${digest}.json`));
    expect(record).toMatchObject({ state: 'published', version: 1 });
    for (const r of registries) r.close();
  });

  it('a holder whose heartbeat goes on is waited for, never taken over, however long its upload takes', async () => {
    const location = folder();
    const path = await weights();
    const contentLock = { heartbeatMs: 25, staleMs: 600, pollMs: 20 };
    let holderClaimed!: () => void;
    const claimed = new Promise<void>((resolve) => (holderClaimed = resolve));
    const holder = open(
      location,
      withStepHook({ contentLock }, async (step) => {
        if (step !== 'claimed') return;
        holderClaimed();
        // a slow upload: three times the stale time, with the heartbeat running
        await new Promise((r) => setTimeout(r, 1800));
      }),
    );
    const logger = new RecordingLogger();
    const waiter = open(location, { contentLock, logger });
    const first = holder.push({ name: 'm', files: await collectModelFiles([path]) });
    await claimed;
    const second = await waiter.push({ name: 'm', files: await collectModelFiles([path]) });
    expect(await first).toMatchObject({ version: 1, created: true });
    expect(second).toMatchObject({ version: 1, created: false, uploadedBytes: 0 });
    expect(logger.messages('info').join('\n')).toContain('Another push of identical files is in progress');
    expect(logger.messages('info').join('\n')).not.toContain('taking over');
    expect(await list(join(location, 'm/claims'))).toEqual(['1.json']);
    holder.close();
    waiter.close();
  });

  it('a content record that names a version holding other files is not a match: the push makes its own version', async () => {
    const location = folder();
    const registry = open(location, { contentLock: { staleMs: 200, pollMs: 10 } });
    const other = await registry.push({ name: 'm', files: await collectModelFiles([await weights()]) });
    const path = await weights();
    const digest = await digestOf(path);
    // a stale (or forged) record claiming that version 1 holds these files
    await writeFile(
      join(location, `m/content/${digest}.json`),
      JSON.stringify({
        schema: 'mlops-gha/registry-content@1',
        state: 'published',
        push_id: 'x',
        version: other.version,
        beat: 0,
      }),
    );
    const result = await registry.push({ name: 'm', files: await collectModelFiles([path]) });
    expect(result).toMatchObject({ version: 2, created: true });
    expect(await readFile(join(location, 'm/versions/2/files/weights.bin'))).toEqual(await readFile(path));
    expect(await json(join(location, `m/content/${digest}.json`))).toMatchObject({ state: 'published', version: 2 });
    registry.close();
  });

  it('a damaged content record is taken over once it stops changing, and the push publishes', async () => {
    const location = folder();
    const path = await weights();
    const digest = await digestOf(path);
    await mkdir(join(location, 'm/content'), { recursive: true });
    await writeFile(join(location, `m/content/${digest}.json`), '{ half a record');
    const logger = new RecordingLogger();
    const registry = open(location, { logger, contentLock: { staleMs: 200, pollMs: 10 } });
    const result = await registry.push({ name: 'm', files: await collectModelFiles([path]) });
    expect(result).toMatchObject({ version: 1, created: true });
    expect(logger.messages('info').join('\n')).toContain('taking over');
    expect(await json(join(location, `m/content/${digest}.json`))).toMatchObject({ state: 'published', version: 1 });
    registry.close();
  });
});
