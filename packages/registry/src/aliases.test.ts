import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, PreconditionFailedError, type ObjectStore } from '@mlops-gha/storage';
import { moveAlias } from './aliases.js';
import { AliasConflictError, NotFoundInRegistryError } from './errors.js';
import { layout } from './layout.js';
import { AT, contextOn, putManifest } from '../../../test/fixtures/registry-context.js';

let work: string;
let n = 0;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'registry-aliases-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));
const folder = () => join(work, `reg-${n++}`);
const json = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
const eventFiles = async (location: string, name: string) =>
  (await readdir(join(location, name, 'events')).catch(() => [] as string[])).sort();

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

async function registryWith(versions: number[]) {
  const location = folder();
  const store = openStore(location);
  for (const v of versions) await putManifest(store, 'iris', v);
  return { location, store };
}

describe('moveAlias', () => {
  it('creates an alias: its event first, then the alias document naming that event', async () => {
    const { location, store } = await registryWith([1]);
    const { ctx, steps, probes } = contextOn(store, { actor: 'octocat', runUrl: 'https://run/1' });
    const move = await moveAlias(ctx, 'iris', 'prod', 1, { reason: 'first release' });
    expect(move).toEqual({ alias: 'prod', from: null, to: 1, moved: true, event: move.event });
    expect(await json(join(location, 'iris/aliases/prod.json'))).toEqual({
      schema: 'mlops-gha/registry-alias@1',
      name: 'iris',
      alias: 'prod',
      version: 1,
      event: move.event,
      updated_at: AT,
      updated_by: 'octocat',
    });
    expect(await eventFiles(location, 'iris')).toEqual([`${move.event}.json`]);
    expect(await json(join(location, `iris/events/${move.event}.json`))).toMatchObject({
      type: 'alias-moved',
      alias: 'prod',
      from: null,
      to: 1,
      previous_event: null,
      reason: 'first release',
      actor: 'octocat',
      run_url: 'https://run/1',
    });
    expect(steps).toEqual(['alias-event-written', 'alias-moved']);
    expect(probes()).toBeGreaterThan(0);
  });

  it('moves it on, the new event chained to the one it replaces, extra fields recorded', async () => {
    const { location, store } = await registryWith([1, 2]);
    const { ctx } = contextOn(store);
    const first = await moveAlias(ctx, 'iris', 'prod', 1);
    const second = await moveAlias(ctx, 'iris', 'prod', 2, { expected: 1, extra: { deployment: 'helm-7' } });
    expect(second).toEqual({ alias: 'prod', from: 1, to: 2, moved: true, event: second.event });
    expect(await json(join(location, `iris/events/${second.event}.json`))).toMatchObject({
      from: 1,
      to: 2,
      previous_event: first.event,
      deployment: 'helm-7',
    });
    expect(await json(join(location, 'iris/aliases/prod.json'))).toMatchObject({ version: 2, event: second.event });
  });

  it('a move to where the alias already points writes nothing and reports the current event', async () => {
    const { location, store } = await registryWith([1]);
    const { ctx, steps } = contextOn(store);
    const first = await moveAlias(ctx, 'iris', 'prod', 1);
    const before = await readFile(join(location, 'iris/aliases/prod.json'));
    expect(await moveAlias(ctx, 'iris', 'prod', 1)).toEqual({
      alias: 'prod',
      from: 1,
      to: 1,
      moved: false,
      event: first.event,
    });
    expect(await readFile(join(location, 'iris/aliases/prod.json'))).toEqual(before);
    expect(await eventFiles(location, 'iris')).toHaveLength(1);
    expect(steps).toEqual(['alias-event-written', 'alias-moved']);
  });

  it('an expectation that does not hold is an AliasConflictError and writes nothing', async () => {
    const { location, store } = await registryWith([1, 2]);
    const { ctx } = contextOn(store);
    await moveAlias(ctx, 'iris', 'prod', 1);
    const conflict = (await moveAlias(ctx, 'iris', 'prod', 2, { expected: null }).catch(
      (e: unknown) => e,
    )) as AliasConflictError;
    expect(conflict).toBeInstanceOf(AliasConflictError);
    expect(conflict.message).toBe('The alias prod points at version 1, not nothing as expected; it was not moved');
    await expect(moveAlias(ctx, 'iris', 'staging', 2, { expected: 1 })).rejects.toThrow(
      'The alias staging points at nothing, not version 1 as expected; it was not moved',
    );
    expect(await json(join(location, 'iris/aliases/prod.json'))).toMatchObject({ version: 1 });
    expect(await readdir(join(location, 'iris/aliases'))).toEqual(['prod.json']);
    expect(await eventFiles(location, 'iris')).toHaveLength(1);
  });

  it('a version that does not exist is refused with the versions that do, before any write', async () => {
    const { location, store } = await registryWith([1, 2]);
    const { ctx, probes } = contextOn(store);
    const error = (await moveAlias(ctx, 'iris', 'prod', 5).catch((e: unknown) => e)) as NotFoundInRegistryError;
    expect(error).toBeInstanceOf(NotFoundInRegistryError);
    expect(error.message).toBe(`iris/5 does not exist in the registry ${location}`);
    expect(error.fix).toBe('Versions of iris: 1, 2.');
    expect(probes()).toBe(0);
    expect(await readdir(join(location, 'iris'))).toEqual(['versions']);
  });

  it('hostile or reserved alias names, bad versions and model names are refused before any read', async () => {
    const { location, store } = await registryWith([1]);
    const { ctx } = contextOn(store);
    await expect(moveAlias(ctx, 'iris', '../../x', 1)).rejects.toThrow('Invalid alias "../../x" in the alias');
    await expect(moveAlias(ctx, 'iris', 'latest', 1)).rejects.toThrow('The alias "latest" is reserved');
    await expect(moveAlias(ctx, 'iris', 'prod', 0)).rejects.toThrow('Invalid version 0 in the version');
    await expect(moveAlias(ctx, 'iris', 'prod', Number.NaN)).rejects.toThrow('Invalid version null in the version');
    await expect(moveAlias(ctx, 'a/b', 'prod', 1)).rejects.toThrow('Invalid model name "a/b"');
    expect(await readdir(join(location, 'iris'))).toEqual(['versions']);
  });

  it('a compare-and-swap lost to another writer is retried on the fresh value; the lost event stays, unapplied', async () => {
    const { location, store } = await registryWith([1, 2, 3]);
    const { ctx: other } = contextOn(store);
    let armed = false;
    // Another writer moves the alias between our read and our write (once, once armed).
    const racing = withPut(store, async (put, key, body, options) => {
      if (key === layout.alias('iris', 'prod') && armed) {
        armed = false;
        await moveAlias(other, 'iris', 'prod', 3);
      }
      return put(key, body, options);
    });
    const { ctx, logger } = contextOn(racing);
    await moveAlias(ctx, 'iris', 'prod', 1);
    armed = true;
    const move = await moveAlias(ctx, 'iris', 'prod', 2);
    expect(move).toMatchObject({ from: 3, to: 2, moved: true });
    expect(await json(join(location, 'iris/aliases/prod.json'))).toMatchObject({ version: 2, event: move.event });
    // our create, the racer's move, our lost move, our retried move
    const events = await Promise.all(
      (await eventFiles(location, 'iris')).map((f) => json(join(location, 'iris/events', f))),
    );
    // (one fixed clock: the ids share their instant, so their order is random)
    expect(events.map((e) => `${String(e.from)}->${String(e.to)}`).sort()).toEqual(['1->2', '1->3', '3->2', 'null->1']);
    expect(logger.messages('info')).toContain('The alias prod changed while moving it; retrying on its new value');
  });

  it('an alias write whose response was lost (412, but it landed) is recognised as ours: moved once', async () => {
    const { location, store } = await registryWith([1]);
    const losing = withPut(store, async (put, key, body, options) => {
      const result = await put(key, body, options);
      if (key === layout.alias('iris', 'prod')) throw new PreconditionFailedError(store.urlOf(key), 'if-none-match');
      return result;
    });
    const { ctx, steps } = contextOn(losing);
    const move = await moveAlias(ctx, 'iris', 'prod', 1);
    expect(move).toEqual({ alias: 'prod', from: null, to: 1, moved: true, event: move.event });
    expect(await eventFiles(location, 'iris')).toEqual([`${move.event}.json`]);
    expect(steps).toEqual(['alias-event-written', 'alias-moved']);
  });

  it('a store failure writing the alias is the move’s error, not a race to retry', async () => {
    const { location, store } = await registryWith([1]);
    const failing = withPut(store, async (put, key, body, options) => {
      if (key === layout.alias('iris', 'prod')) throw new Error('store unavailable');
      return put(key, body, options);
    });
    const { ctx } = contextOn(failing);
    await expect(moveAlias(ctx, 'iris', 'prod', 1)).rejects.toThrow('store unavailable');
    expect(await readdir(join(location, 'iris'))).toEqual(['events', 'versions']);
  });
});
