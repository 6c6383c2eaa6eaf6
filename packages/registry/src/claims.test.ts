import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, PreconditionFailedError, type ObjectStore } from '@mlops-gha/storage';
import { claimNextVersion } from './claims.js';
import { layout } from './layout.js';
import { AT, contextOn } from '../../../test/fixtures/registry-context.js';

let work: string;
let n = 0;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'registry-claims-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));
const folder = () => join(work, `reg-${n++}`);
const claims = async (location: string) =>
  (await readdir(join(location, 'iris/claims')).catch(() => [] as string[])).sort();
const claimOf = (pushId: string) => `${JSON.stringify({ push_id: pushId, at: AT, actor: null })}\n`;

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

describe('claimNextVersion', () => {
  it('claims 1 for a new model, recording the push, the time and the actor', async () => {
    const location = folder();
    const { ctx } = contextOn(openStore(location), { actor: 'octocat' });
    expect(await claimNextVersion(ctx, 'iris', 'push-a')).toBe(1);
    expect(await readFile(join(location, 'iris/claims/1.json'), 'utf8')).toBe(
      `${JSON.stringify({ push_id: 'push-a', at: AT, actor: 'octocat' })}\n`,
    );
  });

  it('claims one above the highest claim (numerically, not as text), never filling a gap', async () => {
    const location = folder();
    const store = openStore(location);
    for (const v of [1, 2, 9, 10]) await store.put(layout.claim('iris', v), claimOf(`old-${v}`));
    const { ctx } = contextOn(store);
    expect(await claimNextVersion(ctx, 'iris', 'push-a')).toBe(11);
    expect(await claims(location)).toEqual(['1.json', '10.json', '11.json', '2.json', '9.json']);
  });

  it('a number another push takes between the listing and the create moves this push up by one', async () => {
    const location = folder();
    const store = openStore(location);
    let raced = false;
    const racing = withPut(store, async (put, key, body, options) => {
      if (key === layout.claim('iris', 1) && !raced) {
        raced = true;
        await put(key, claimOf('push-b'), { ifNoneMatch: '*' });
      }
      return put(key, body, options);
    });
    const { ctx } = contextOn(racing);
    expect(await claimNextVersion(ctx, 'iris', 'push-a')).toBe(2);
    expect(JSON.parse(await readFile(join(location, 'iris/claims/1.json'), 'utf8'))).toMatchObject({
      push_id: 'push-b',
    });
    expect(JSON.parse(await readFile(join(location, 'iris/claims/2.json'), 'utf8'))).toMatchObject({
      push_id: 'push-a',
    });
  });

  it('a create whose response was lost (412 though it landed) is this push’s claim: no second number', async () => {
    const location = folder();
    const store = openStore(location);
    const losing = withPut(store, async (put, key, body, options) => {
      await put(key, body, options);
      throw new PreconditionFailedError(store.urlOf(key), 'if-none-match');
    });
    const { ctx } = contextOn(losing);
    expect(await claimNextVersion(ctx, 'iris', 'push-a')).toBe(1);
    expect(await claims(location)).toEqual(['1.json']);
  });

  it('concurrent claims get 1..N, one number each', async () => {
    const location = folder();
    const { ctx } = contextOn(openStore(location));
    const got = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => claimNextVersion(ctx, 'iris', id)));
    expect([...got].sort()).toEqual([1, 2, 3, 4, 5]);
    const owners = await Promise.all(
      got.map(
        async (v) =>
          (JSON.parse(await readFile(join(location, `iris/claims/${v}.json`), 'utf8')) as { push_id: string }).push_id,
      ),
    );
    expect(owners).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('a store failure is the push’s error, and no number is taken', async () => {
    const location = folder();
    const failing = withPut(openStore(location), async () => {
      throw new Error('store unavailable');
    });
    const { ctx } = contextOn(failing);
    await expect(claimNextVersion(ctx, 'iris', 'push-a')).rejects.toThrow('store unavailable');
    expect(await claims(location)).toEqual([]);
  });

  it('a hostile model name is refused before anything is listed or written', async () => {
    const location = folder();
    const { ctx } = contextOn(openStore(location));
    await expect(claimNextVersion(ctx, '../iris', 'push-a')).rejects.toThrow('Invalid model name "../iris"');
    expect(await readdir(location).catch(() => [])).toEqual([]);
  });
});
