/**
 * The content lock: `content/<digest>.json`, so that only one push uploads a given content and
 * a re-push of identical files finds the version that holds them (see the README's protocol).
 */
import { randomUUID } from 'node:crypto';
import { isPrecondition, sleep, type RegistryContext } from './context.js';
import { layout } from './layout.js';
import type { Manifest } from './manifest.js';
import { tryReadManifest } from './reader.js';

interface ContentRecord {
  schema: 'mlops-gha/registry-content@1';
  state: 'pending' | 'published';
  push_id: string;
  version: number | null;
  beat: number;
}

function parseContentRecord(body: Buffer): ContentRecord | undefined {
  try {
    return JSON.parse(body.toString()) as ContentRecord;
  } catch {
    return undefined; // damaged: treated as held by nobody known; it is taken over once stale
  }
}

/** The published version with this content digest, if any (via its content record). */
export async function findPublished(ctx: RegistryContext, name: string, digest: string): Promise<Manifest | undefined> {
  const got = await ctx.store.getBytes(layout.content(name, digest));
  if (!got) return undefined;
  const record = parseContentRecord(got.body);
  if (!record || record.version === null || record.version === undefined) return undefined;
  const manifest = await tryReadManifest(ctx, name, record.version);
  return manifest && manifest.content_digest === digest ? manifest : undefined;
}

/**
 * Takes the content record `content/<digest>.json` with an exclusive create. A push that
 * finds it held waits: if the holder publishes, the existing version is returned; if the
 * record stops changing (its holder's heartbeat stopped: it died) for `staleMs` by this
 * process's own clock, it is taken over with If-Match on the etag that went stale.
 */
export async function acquireContentLock(ctx: RegistryContext, name: string, digest: string) {
  const key = layout.content(name, digest);
  const heartbeatMs = ctx.options.contentLock?.heartbeatMs ?? 5000;
  const staleMs = ctx.options.contentLock?.staleMs ?? 30_000;
  const pollMs = ctx.options.contentLock?.pollMs ?? 250;
  const pushId = randomUUID();
  const record: ContentRecord = {
    schema: 'mlops-gha/registry-content@1',
    state: 'pending',
    push_id: pushId,
    version: null,
    beat: 0,
  };
  let etag: string | undefined;
  let lost = false;
  const body = () => `${JSON.stringify(record)}\n`;

  const tryCreate = async (): Promise<boolean> => {
    try {
      etag = (await ctx.store.put(key, body(), { ifNoneMatch: '*', contentType: 'application/json' })).etag;
      return true;
    } catch (error) {
      if (isPrecondition(error)) return false;
      throw error;
    }
  };
  let published: Manifest | undefined;
  if (!(await tryCreate())) {
    let seenEtag: string | undefined;
    let seenSince = Date.now();
    let announced = false;
    let waits = 0;
    for (;;) {
      const got = await ctx.store.getBytes(key);
      if (!got) {
        if (await tryCreate()) break;
        continue;
      }
      const other = parseContentRecord(got.body);
      if (other && other.version !== null && other.version !== undefined) {
        const manifest = await tryReadManifest(ctx, name, other.version);
        if (manifest && manifest.content_digest === digest) {
          published = manifest;
          break;
        }
      }
      if (got.etag !== seenEtag) {
        seenEtag = got.etag;
        seenSince = Date.now();
      } else if (Date.now() - seenSince > staleMs) {
        ctx.logger.info(
          `The push that held ${ctx.store.urlOf(key)} stopped (no heartbeat for ${Math.round(staleMs / 1000)} s): taking over`,
        );
        try {
          etag = (await ctx.store.put(key, body(), { ifMatch: got.etag, contentType: 'application/json' })).etag;
          break;
        } catch (error) {
          if (!isPrecondition(error)) throw error;
        }
      }
      if (!announced) {
        ctx.logger.info('Another push of identical files is in progress: waiting for it to publish');
        announced = true;
      }
      // Back off (up to 2 s) so that many waiters do not load the store.
      await sleep(Math.min(2000, pollMs * 1.5 ** Math.min(waits, 8)) * (0.5 + Math.random()));
      waits += 1;
    }
  }
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let beating: Promise<void> = Promise.resolve();
  const beat = async () => {
    if (lost || published) return;
    record.beat += 1;
    try {
      etag = (await ctx.store.put(key, body(), { ifMatch: etag, contentType: 'application/json' })).etag;
    } catch (error) {
      if (!isPrecondition(error)) throw error;
      lost = true;
      ctx.logger.warning(
        `Another push took over ${ctx.store.urlOf(key)}; this push goes on and may duplicate identical content`,
      );
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      beating = beat()
        .catch((error: unknown) => ctx.logger.debug(`content heartbeat failed: ${String(error)}`))
        .then(schedule);
    }, heartbeatMs);
    timer.unref();
  };
  if (!published) schedule();
  return {
    pushId,
    published,
    set version(v: number) {
      record.version = v;
    },
    beat: async () => {
      await beating;
      await beat();
    },
    publish: async (version: number) => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await beating;
      // Nothing to publish: another push took the record over, or this lock found the content
      // already published and never held the record (its etag is unset: a PUT would be unconditional).
      if (lost || published) return;
      record.version = version;
      record.state = 'published';
      try {
        await ctx.store.put(key, body(), { ifMatch: etag, contentType: 'application/json' });
      } catch (error) {
        if (!isPrecondition(error)) throw error;
      }
    },
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
