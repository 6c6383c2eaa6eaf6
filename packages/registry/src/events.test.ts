import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@mlops-gha/common';
import { openStore, PreconditionFailedError, type ObjectStore } from '@mlops-gha/storage';
import { appendEvent, listEvents } from './events.js';
import { layout } from './layout.js';
import { AT, contextOn } from '../../../test/fixtures/registry-context.js';

let work: string;
let n = 0;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'registry-events-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));
const folder = () => join(work, `reg-${n++}`);

/** A folder store whose puts of keys matching `match` throw `error` the first `times` times, writing nothing. */
function failingPuts(location: string, match: RegExp, error: () => Error, times = 1): ObjectStore {
  const inner = openStore(location);
  let left = times;
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'put')
        return async (...args: Parameters<ObjectStore['put']>) => {
          if (match.test(args[0]) && left > 0) {
            left -= 1;
            throw error();
          }
          return target.put(...args);
        };
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const eventFiles = async (location: string, name: string) =>
  (await readdir(join(location, name, 'events')).catch(() => [] as string[])).sort();

describe('appendEvent', () => {
  it('creates events/<id>.json with who, when and the run, after the conditional-write probe, and returns the id', async () => {
    const location = folder();
    const { ctx, probes } = contextOn(openStore(location), {
      actor: 'octocat',
      runUrl: 'https://github.com/o/r/actions/runs/7',
    });
    const id = await appendEvent(ctx, 'iris', { type: 'deployed', version: 3, environment: 'staging' });
    // the id: the instant without separators, then 10 random hex digits
    expect(id).toMatch(/^20260102T030405678Z-[0-9a-f]{10}$/);
    expect(await eventFiles(location, 'iris')).toEqual([`${id}.json`]);
    const text = await readFile(join(location, 'iris', 'events', `${id}.json`), 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual({
      schema: 'mlops-gha/registry-event@1',
      name: 'iris',
      at: AT,
      actor: 'octocat',
      run_url: 'https://github.com/o/r/actions/runs/7',
      type: 'deployed',
      version: 3,
      environment: 'staging',
    });
    expect(probes()).toBe(1);
  });

  it('without an actor or run URL records null for both', async () => {
    const location = folder();
    const { ctx } = contextOn(openStore(location));
    const id = await appendEvent(ctx, 'iris', { type: 'rollback', reason: 'smoke test failed' });
    expect(JSON.parse(await readFile(join(location, 'iris', 'events', `${id}.json`), 'utf8'))).toMatchObject({
      actor: null,
      run_url: null,
      reason: 'smoke test failed',
    });
  });

  it('events at the same instant get distinct ids; none overwrites another', async () => {
    const location = folder();
    const { ctx } = contextOn(openStore(location));
    const ids = await Promise.all([0, 1, 2, 3, 4].map(() => appendEvent(ctx, 'iris', { type: 'deployed' })));
    expect(new Set(ids).size).toBe(5);
    expect(await eventFiles(location, 'iris')).toEqual(ids.map((id) => `${id}.json`).sort());
  });

  it('events one process appends at the same instant are listed in the order they were appended', async () => {
    const location = folder();
    const { ctx } = contextOn(openStore(location)); // a clock that never moves
    const types = ['version-created', 'alias-moved', 'deployed', 'rollback', 'deployed-again'];
    for (const type of types) await appendEvent(ctx, 'iris', { type });
    expect((await listEvents(ctx, 'iris')).map((e) => e.type)).toEqual(types);
  });

  it('an id that is already taken (412) is retried under a new id', async () => {
    const location = folder();
    const store = failingPuts(location, /\/events\//, () => new PreconditionFailedError('x', 'if-none-match'));
    const { ctx } = contextOn(store);
    const id = await appendEvent(ctx, 'iris', { type: 'deployed' });
    expect(await eventFiles(location, 'iris')).toEqual([`${id}.json`]);
  });

  it('a store failure is the caller’s error, not retried', async () => {
    const location = folder();
    const store = failingPuts(location, /\/events\//, () => new Error('store unavailable'));
    const { ctx } = contextOn(store);
    await expect(appendEvent(ctx, 'iris', { type: 'deployed' })).rejects.toThrow('store unavailable');
    expect(await eventFiles(location, 'iris')).toEqual([]);
  });

  it('a model name that could climb out of its prefix is refused before anything is written', async () => {
    const location = folder();
    const { ctx, probes } = contextOn(openStore(location));
    await expect(appendEvent(ctx, '../x', { type: 'deployed' })).rejects.toThrow(UserError);
    await expect(appendEvent(ctx, '../x', { type: 'deployed' })).rejects.toThrow('Invalid model name "../x"');
    expect(probes()).toBe(0);
    expect(await readdir(location).catch(() => [])).toEqual([]);
  });
});

describe('listEvents', () => {
  async function put(store: ObjectStore, name: string, id: string, event: Record<string, unknown>) {
    await store.put(
      layout.event(name, id),
      JSON.stringify({ schema: 'mlops-gha/registry-event@1', name, at: AT, ...event }),
    );
  }
  async function alias(store: ObjectStore, name: string, aliasName: string, version: number, event: string) {
    await store.put(
      layout.alias(name, aliasName),
      JSON.stringify({ schema: 'mlops-gha/registry-alias@1', name, alias: aliasName, version, event }),
    );
  }

  it('lists oldest first (by id), marking alias moves on the alias chain applied and lost ones not', async () => {
    const store = openStore(folder());
    const { ctx } = contextOn(store);
    await put(store, 'iris', 'e3', { type: 'alias-moved', alias: 'prod', from: 1, to: 3, previous_event: 'e2' });
    await put(store, 'iris', 'e1', { type: 'version-created', version: 1 });
    await put(store, 'iris', 'e2', { type: 'alias-moved', alias: 'prod', from: null, to: 1, previous_event: null });
    await put(store, 'iris', 'e4', { type: 'alias-moved', alias: 'prod', from: 1, to: 2, previous_event: 'e2' });
    await put(store, 'iris', 'e5', { type: 'deployed', version: 3 });
    await alias(store, 'iris', 'prod', 3, 'e3'); // e4 lost its compare-and-swap to e3
    const events = await listEvents(ctx, 'iris');
    expect(events.map((e) => [e.id, e.type, e.applied])).toEqual([
      ['e1', 'version-created', undefined],
      ['e2', 'alias-moved', true],
      ['e3', 'alias-moved', true],
      ['e4', 'alias-moved', false],
      ['e5', 'deployed', undefined],
    ]);
    expect(events[2]).toEqual({
      schema: 'mlops-gha/registry-event@1',
      name: 'iris',
      at: AT,
      type: 'alias-moved',
      alias: 'prod',
      from: 1,
      to: 3,
      previous_event: 'e2',
      id: 'e3',
      applied: true,
    });
  });

  it('an alias move whose alias document was never written (the pusher died) is not applied', async () => {
    const store = openStore(folder());
    const { ctx } = contextOn(store);
    await put(store, 'iris', 'e1', { type: 'alias-moved', alias: 'prod', from: null, to: 1, previous_event: null });
    expect((await listEvents(ctx, 'iris')).map((e) => e.applied)).toEqual([false]);
  });

  it('a chain that loops back on itself (edited events) ends instead of hanging', async () => {
    const store = openStore(folder());
    const { ctx } = contextOn(store);
    await put(store, 'iris', 'e1', { type: 'alias-moved', alias: 'prod', to: 1, previous_event: 'e2' });
    await put(store, 'iris', 'e2', { type: 'alias-moved', alias: 'prod', to: 1, previous_event: 'e1' });
    await put(store, 'iris', 'e3', { type: 'alias-moved', alias: 'prod', to: 1, previous_event: null });
    await alias(store, 'iris', 'prod', 1, 'e2');
    expect((await listEvents(ctx, 'iris')).map((e) => [e.id, e.applied])).toEqual([
      ['e1', true],
      ['e2', true],
      ['e3', false],
    ]);
  });

  it('skips an unreadable event with a warning naming it, and ignores keys that are not events', async () => {
    const store = openStore(folder());
    const { ctx, logger } = contextOn(store);
    await put(store, 'iris', 'e1', { type: 'deployed' });
    await store.put(layout.event('iris', 'e2'), '{"type": ');
    await store.put('iris/events/notes.txt', 'not an event');
    await store.put('iris/events/sub/e3.json', '{"type": "deployed"}');
    expect((await listEvents(ctx, 'iris')).map((e) => e.id)).toEqual(['e1']);
    expect(logger.messages('warning')).toEqual([
      `Skipping the unreadable event ${store.urlOf(layout.event('iris', 'e2'))}`,
    ]);
  });

  it('a model without events has an empty trail; a hostile name is refused', async () => {
    const { ctx } = contextOn(openStore(folder()));
    expect(await listEvents(ctx, 'iris')).toEqual([]);
    await expect(listEvents(ctx, 'a/b')).rejects.toThrow('Invalid model name "a/b"');
  });
});
