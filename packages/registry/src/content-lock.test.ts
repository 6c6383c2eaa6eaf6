import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type ObjectStore } from '@mlops-gha/storage';
import { acquireContentLock, findPublished } from './content-lock.js';
import { layout } from './layout.js';
import { MANIFEST_SCHEMA_ID, serializeManifest, type Manifest } from './manifest.js';
import { AT, contextOn } from '../../../test/fixtures/registry-context.js';

let work: string;
let n = 0;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'registry-content-lock-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));
const folder = () => join(work, `reg-${n++}`);

const DIGEST = 'cd'.repeat(32);
const OTHER_DIGEST = 'ef'.repeat(32);
const record = (fields: Record<string, unknown>) =>
  `${JSON.stringify({ schema: 'mlops-gha/registry-content@1', state: 'pending', push_id: 'other', version: null, beat: 0, ...fields })}\n`;

/** Writes a manifest of iris/`version` whose content is `digest`: the version is visible. */
async function putManifest(store: ObjectStore, version: number, digest: string): Promise<Manifest> {
  const manifest: Manifest = {
    schema: MANIFEST_SCHEMA_ID,
    name: 'iris',
    version,
    created_at: AT,
    created_by: null,
    uri: 'file:///x/',
    sha256: digest,
    content_digest: digest,
    files: [{ path: 'model.bin', sha256: digest, size: 1 }],
    signature: null,
    metrics: {},
    params: {},
    lineage: { git_sha: null, git_ref: null, repository: null, run_url: null, run_id: null, data_version: null },
    tags: {},
    description: null,
  };
  await store.put(layout.manifest('iris', version), serializeManifest(manifest));
  return manifest;
}

const readRecord = async (location: string) =>
  JSON.parse(await readFile(join(location, `iris/content/${DIGEST}.json`), 'utf8')) as Record<string, unknown>;

/** Polls `check` until it holds (at most ~5 s); a lock's waiting has no event to await. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the condition never held');
}

describe('findPublished', () => {
  it('finds the version a content record names when its manifest holds that content', async () => {
    const store = openStore(folder());
    const manifest = await putManifest(store, 2, DIGEST);
    await store.put(layout.content('iris', DIGEST), record({ state: 'published', version: 2 }));
    expect(await findPublished(contextOn(store).ctx, 'iris', DIGEST)).toEqual(manifest);
  });

  it('finds nothing without a record, for a pending or damaged record, or one naming a version of other content', async () => {
    const store = openStore(folder());
    const { ctx } = contextOn(store);
    expect(await findPublished(ctx, 'iris', DIGEST)).toBeUndefined();
    await store.put(layout.content('iris', DIGEST), record({}));
    expect(await findPublished(ctx, 'iris', DIGEST)).toBeUndefined();
    await store.put(layout.content('iris', DIGEST), '{"state": "publ');
    expect(await findPublished(ctx, 'iris', DIGEST)).toBeUndefined();
    await putManifest(store, 3, OTHER_DIGEST);
    await store.put(layout.content('iris', DIGEST), record({ state: 'published', version: 3 }));
    expect(await findPublished(ctx, 'iris', DIGEST)).toBeUndefined();
    // a record naming a version that is not visible (claimed, never published)
    await store.put(layout.content('iris', DIGEST), record({ version: 9 }));
    expect(await findPublished(ctx, 'iris', DIGEST)).toBeUndefined();
  });
});

describe('acquireContentLock', () => {
  it('takes a free lock with an exclusive create; beat and publish update the record it owns', async () => {
    const location = folder();
    const { ctx } = contextOn(openStore(location), { contentLock: { heartbeatMs: 60_000 } });
    const lock = await acquireContentLock(ctx, 'iris', DIGEST);
    expect(lock.published).toBeUndefined();
    expect(await readRecord(location)).toEqual({
      schema: 'mlops-gha/registry-content@1',
      state: 'pending',
      push_id: lock.pushId,
      version: null,
      beat: 0,
    });
    lock.version = 4;
    await lock.beat();
    expect(await readRecord(location)).toMatchObject({ state: 'pending', version: 4, beat: 1 });
    await lock.publish(4);
    expect(await readRecord(location)).toMatchObject({ state: 'published', push_id: lock.pushId, version: 4 });
    lock.stop();
  });

  it('refreshes its record on its own while held (the heartbeat), and stops when told', async () => {
    const location = folder();
    const { ctx } = contextOn(openStore(location), { contentLock: { heartbeatMs: 5 } });
    const lock = await acquireContentLock(ctx, 'iris', DIGEST);
    await eventually(async () => ((await readRecord(location)).beat as number) >= 2);
    await lock.publish(1);
    const published = await readRecord(location);
    expect(published).toMatchObject({ state: 'published', version: 1 });
    // after publishing, no heartbeat rewrites the record
    await new Promise((r) => setTimeout(r, 50));
    expect(await readRecord(location)).toEqual(published);
  });

  it('waits for a live holder and returns the version it publishes, writing nothing itself', async () => {
    const location = folder();
    const store = openStore(location);
    await store.put(layout.content('iris', DIGEST), record({}));
    const { ctx, logger } = contextOn(store, { contentLock: { pollMs: 5, staleMs: 60_000 } });
    const waiting = acquireContentLock(ctx, 'iris', DIGEST);
    await eventually(async () => logger.messages('info').length > 0);
    const manifest = await putManifest(store, 2, DIGEST);
    await store.put(layout.content('iris', DIGEST), record({ state: 'published', version: 2 }));
    const lock = await waiting;
    expect(lock.published).toEqual(manifest);
    expect(logger.messages('info')).toEqual([
      'Another push of identical files is in progress: waiting for it to publish',
    ]);
    expect(await readRecord(location)).toMatchObject({ push_id: 'other', state: 'published' });
    await lock.publish(7); // a lock that found the content published never writes
    expect(await readRecord(location)).toMatchObject({ push_id: 'other', version: 2 });
  });

  it('takes over a record that stops changing (its holder died), with If-Match on the stale etag', async () => {
    const location = folder();
    const store = openStore(location);
    await store.put(layout.content('iris', DIGEST), record({ version: 3 }));
    const { ctx, logger } = contextOn(store, { contentLock: { pollMs: 1, staleMs: 30, heartbeatMs: 60_000 } });
    const lock = await acquireContentLock(ctx, 'iris', DIGEST);
    expect(lock.published).toBeUndefined();
    expect(await readRecord(location)).toMatchObject({ push_id: lock.pushId, state: 'pending', version: null });
    expect(logger.messages('info')).toContain(
      `The push that held ${store.urlOf(layout.content('iris', DIGEST))} stopped (no heartbeat for 0 s): taking over`,
    );
    lock.stop();
  });

  it('a damaged record is held by nobody known: taken over once stale', async () => {
    const location = folder();
    const store = openStore(location);
    await store.put(layout.content('iris', DIGEST), '{"schema": "mlops-gha/regis');
    const { ctx } = contextOn(store, { contentLock: { pollMs: 1, staleMs: 30, heartbeatMs: 60_000 } });
    const lock = await acquireContentLock(ctx, 'iris', DIGEST);
    expect(await readRecord(location)).toMatchObject({ push_id: lock.pushId });
    lock.stop();
  });

  it('a record deleted while waiting is created anew by the waiter', async () => {
    const location = folder();
    const store = openStore(location);
    await store.put(layout.content('iris', DIGEST), record({}));
    const { ctx, logger } = contextOn(store, { contentLock: { pollMs: 5, staleMs: 60_000, heartbeatMs: 60_000 } });
    const waiting = acquireContentLock(ctx, 'iris', DIGEST);
    await eventually(async () => logger.messages('info').length > 0);
    await store.delete(layout.content('iris', DIGEST));
    const lock = await waiting;
    expect(await readRecord(location)).toMatchObject({ push_id: lock.pushId, state: 'pending' });
    lock.stop();
  });

  it('a holder whose record was taken over warns once and leaves the new holder’s record alone', async () => {
    const location = folder();
    const store = openStore(location);
    const { ctx, logger } = contextOn(store, { contentLock: { heartbeatMs: 60_000 } });
    const lock = await acquireContentLock(ctx, 'iris', DIGEST);
    await store.put(layout.content('iris', DIGEST), record({ push_id: 'taker' }));
    await lock.beat();
    await lock.beat();
    await lock.publish(5);
    expect(await readRecord(location)).toEqual(JSON.parse(record({ push_id: 'taker' })));
    expect(logger.messages('warning')).toEqual([
      `Another push took over ${store.urlOf(layout.content('iris', DIGEST))}; this push goes on and may duplicate identical content`,
    ]);
  });
});
