/**
 * Fetch (dvc-data's "transfer"): which needed objects the cache already holds (read-only
 * files are trusted, as DVC does; others are re-hashed and removed when corrupt), then the
 * download of the rest into the cache, each verified against its md5 before it is renamed
 * into place. Small verified bodies stay in memory (BodyCache) for checkout and early copies.
 */
import { chmod, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ProgressMeter } from '@mlops-gha/common';
import {
  IntegrityError,
  LocalStore,
  ObjectNotFoundError,
  SMALL_OBJECT,
  tempBeside,
  type ObjectStore,
} from '@mlops-gha/storage';
import type { DirMaker } from './fs-util.js';
import { existingInCache } from './current.js';
import { fetchSmallFiles, type HelperThreads } from './file-jobs.js';
import { statOrUndefined } from './fs-util.js';
import { digestMatches, hashFileBoth, ObjectHasher } from './hash.js';
import type { ObjectNeed, OutputPlan } from './plan.js';
import type { Pool } from './pool.js';
import type { RemoteStores } from './remotes.js';

/**
 * Verified bodies of small objects, kept for the workspace copies up to a byte budget. A body
 * is handed out once (`take` forgets it): whoever takes it writes every file of that object,
 * and a later reader falls back to the cache file. A budget of 0 keeps nothing (links).
 */
export class BodyCache {
  private readonly bodies = new Map<ObjectNeed, Buffer>();
  private used = 0;
  constructor(private readonly budget: number) {}
  offer(o: ObjectNeed, body: Buffer): void {
    if (this.used + body.length > this.budget) return;
    this.used += body.length;
    this.bodies.set(o, body);
  }
  take(o: ObjectNeed): Buffer | undefined {
    const body = this.bodies.get(o);
    if (body) {
      this.bodies.delete(o);
      this.used -= body.length;
    }
    return body;
  }
}

const KEEP_BODY = 256 * 1024;

/** Workspace copies written from a large object's bytes as they arrive (EagerCopies.stream). */
export interface ChunkTee {
  write(chunk: Buffer): void;
  commit(): void;
  discard(): void;
}

function verifierFor(
  o: ObjectNeed,
  store: ObjectStore,
  bodies: BodyCache,
  tee?: (o: ObjectNeed) => ChunkTee | undefined,
) {
  const hasher = new ObjectHasher(o.hashName === 'md5-dos2unix');
  let chunks: Buffer[] | undefined = [];
  let length = 0;
  let copies: ChunkTee | undefined;
  return {
    update: (chunk: Buffer, owned?: boolean) => {
      hasher.update(chunk);
      length += chunk.length;
      if (chunks && length <= KEEP_BODY) {
        chunks.push(owned ? chunk : Buffer.from(chunk)); // a stream's chunk is a reused buffer's view
        return;
      }
      if (chunks) {
        // too large to keep: its workspace copies are written as it comes instead
        copies = tee?.(o);
        for (const kept of chunks) copies?.write(kept);
        chunks = undefined;
      }
      copies?.write(chunk);
    },
    finish: () => {
      const digest = hasher.digest();
      if (!digestMatches(o.hashName, o.oid, digest)) {
        copies?.discard();
        throw new IntegrityError(
          store.urlOf(o.key),
          o.oid,
          o.hashName === 'md5-dos2unix' ? `${digest.legacy} (dos2unix), ${digest.md5} (raw)` : digest.md5,
          'md5',
        );
      }
      if (chunks) bodies.offer(o, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
      copies?.commit();
    },
  };
}

export async function writeObject(path: string, bytes: Buffer, dirs: DirMaker): Promise<void> {
  await dirs.make(dirname(path));
  const temp = tempBeside(path);
  await writeFile(temp, bytes, { mode: 0o444 });
  await chmod(temp, 0o444);
  await rename(temp, path);
}

/** Writes the .dir manifests that came from the remote into the cache (read-only). */
export async function storeDirObjects(plans: OutputPlan[], dirs: DirMaker): Promise<void> {
  for (const plan of plans) {
    if (plan.dirObject && plan.dirBytes && plan.dirObject.state === 'downloaded')
      await writeObject(plan.dirObject.cachePath, plan.dirBytes, dirs);
    plan.dirBytes = undefined; // parsed already; not kept for the rest of the pull
  }
}

/**
 * Marks the objects the cache holds as 'cached'. Sync stats: one syscall each, no thread-pool
 * round trip (10,000 objects in ~0.1 s); only writable (untrusted) files are re-hashed. An
 * object whose workspace files are all current is only looked for (current.ts).
 */
export async function checkCache(objects: Iterable<ObjectNeed>, limit: Pool, meter?: ProgressMeter): Promise<void> {
  const rehash: ObjectNeed[] = [];
  const onlyExistence: ObjectNeed[] = [];
  for (const o of objects) {
    if (o.allCurrent) {
      onlyExistence.push(o);
      continue;
    }
    const s = statOrUndefined(o.cachePath);
    if (!s || !s.isFile()) continue;
    if ((s.mode & 0o222) !== 0) {
      rehash.push(o);
      continue;
    }
    o.size = s.size;
    o.state = 'cached';
    meter?.add(1);
  }
  // their workspace files are current: the cache needs only to hold them (current.ts)
  for (const o of existingInCache(onlyExistence, (path) => statOrUndefined(path)?.isFile() === true)) {
    o.state = 'cached';
    meter?.add(1);
  }
  await limit(rehash, async (o) => {
    const digest = await hashFileBoth(o.cachePath, o.hashName === 'md5-dos2unix');
    if (!digestMatches(o.hashName, o.oid, digest)) {
      await rm(o.cachePath, { force: true });
      return;
    }
    await chmod(o.cachePath, 0o444);
    o.size = (await stat(o.cachePath)).size;
    o.state = 'cached';
    meter?.add(1);
  });
}

export interface FetchContext {
  stores: RemoteStores;
  limit: Pool;
  dirs: DirMaker;
  bodies: BodyCache;
  meter?: ProgressMeter;
  /** Called as each object lands in the cache (early workspace copies). */
  onFetched?: (o: ObjectNeed) => void;
  /** Workspace copies of a large object made from its bytes as they arrive (copy link type). */
  tee?: (o: ObjectNeed) => ChunkTee | undefined;
  /** The pull's helper threads: many small objects of local remotes are fetched on them too. */
  threads?: HelperThreads;
}

/**
 * Downloads every object not yet in the cache. Failures are recorded on the object (state and
 * error, typed) rather than thrown, so that complete outputs can still be checked out.
 * Returns the bytes downloaded.
 */
export async function fetchMissing(objects: Iterable<ObjectNeed>, ctx: FetchContext): Promise<number> {
  const toFetch = [...objects].filter((o) => o.state === undefined);
  if (!toFetch.length) return 0;
  for (const dir of new Set(toFetch.map((o) => dirname(o.cachePath)))) await ctx.dirs.make(dir);
  let downloaded = await fetchLocalInThreads(toFetch, ctx);
  // what the threads left (all of it when they did nothing); an empty object fetched there adds no bytes
  await ctx.limit(
    toFetch.filter((o) => o.state === undefined),
    async (o) => {
      const store = await ctx.stores.forRemote(o.remote);
      try {
        const { bytes } = await store.downloadToFile(o.key, o.cachePath, {
          mode: 0o444,
          verifier: () => verifierFor(o, store, ctx.bodies, ctx.tee),
          onBytes: (n) => ctx.meter?.addBytes(n),
        });
        o.size = bytes;
        o.state = 'downloaded';
        downloaded += bytes;
        ctx.meter?.add(1);
        ctx.onFetched?.(o);
      } catch (error) {
        o.state =
          error instanceof ObjectNotFoundError ? 'missing' : error instanceof IntegrityError ? 'corrupt' : 'failed';
        o.error = error;
      }
    },
  );
  return downloaded;
}

/**
 * Many small objects of local-folder remotes (md5-named, DVC 3) are fetched by this thread and
 * helper threads at once (file-jobs.ts) when there are helpers to use. They get no eager
 * workspace copies (nothing to overlap with: no network wait); the checkout copies them from
 * the cache, also on several threads. What the threads did not do (missing, large, corrupt or
 * failed objects, DVC 2 names) is left to the general path, which reports its errors.
 * Returns the bytes fetched.
 */
async function fetchLocalInThreads(objects: ObjectNeed[], ctx: FetchContext): Promise<number> {
  const threads = ctx.threads;
  if (!threads?.worth(objects.length)) return 0;
  const local = new Map<string, LocalStore | undefined>(); // by remote name
  for (const o of objects) {
    if (local.has(o.remote)) continue;
    const store = await ctx.stores.forRemote(o.remote);
    local.set(o.remote, store instanceof LocalStore ? store : undefined);
  }
  const fromLocal = (o: ObjectNeed) => o.hashName === 'md5' && local.get(o.remote) !== undefined;
  let count = 0;
  for (const o of objects) if (fromLocal(o)) count++;
  if (!threads.worth(count)) return 0;
  const jobs = function* () {
    for (const o of objects) if (fromLocal(o)) yield o;
  };
  const locate = (o: ObjectNeed) => ({ src: local.get(o.remote)!.pathOf(o.key), dest: o.cachePath, md5: o.oid });
  let bytes = 0;
  const fetched = (o: ObjectNeed, size: number) => {
    o.size = size;
    o.state = 'downloaded';
    bytes += size;
    ctx.meter?.addBytes(size);
    ctx.meter?.add(1);
  };
  const target = { mode: 0o444, maxSize: SMALL_OBJECT };
  await fetchSmallFiles({ jobs: jobs(), count }, locate, target, fetched, { threads });
  return bytes;
}
