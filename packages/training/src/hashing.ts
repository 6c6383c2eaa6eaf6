import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { hashFile, workerModuleBeside } from '@mlops-gha/common';
import type { HashReply } from './hash-worker.js';

export interface FileDigest {
  sha256: string;
  size: number;
}

/**
 * The worker module: `hash-worker.js` beside the bundle (scripts/build.mjs builds it into
 * dist/train/), or `hash-worker.ts` beside this file when running from sources (it uses only
 * erasable TypeScript, which Node >= 22.18 strips); undefined: hash on this thread.
 */
const workerUrl = () => workerModuleBeside(import.meta.url, 'hash-worker')?.url;

/** Below this total, hashing on the main thread is faster than starting workers. */
const PARALLEL_THRESHOLD = 64 << 20;

/**
 * The sha256 and size of each file, in the order given. Large sets are hashed in worker
 * threads, one file per worker at a time, so several checkpoint shards use several cores.
 */
export async function hashFiles(
  paths: string[],
  options: { concurrency?: number; onFile?: (size: number) => void } = {},
): Promise<FileDigest[]> {
  const sizes = await Promise.all(paths.map(async (p) => (await stat(p)).size));
  const total = sizes.reduce((a, b) => a + b, 0);
  // One core stays with the main thread (and the runner): on a 2-core machine, one stream is as fast.
  const workers = Math.min(options.concurrency ?? availableParallelism() - 1, paths.length);
  const url = workerUrl();
  if (workers <= 1 || total < PARALLEL_THRESHOLD || !url) {
    const out: FileDigest[] = [];
    for (const p of paths) {
      const sha256 = await hashFile(p, 'sha256');
      const size = (await stat(p)).size;
      out.push({ sha256, size });
      options.onFile?.(size);
    }
    return out;
  }
  // Biggest first, so that one huge file does not start last.
  const order = paths.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]!);
  const results: FileDigest[] = new Array(paths.length);
  let next = 0;
  const pool = Array.from({ length: workers }, () => new Worker(url));
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              if (next >= order.length) return resolve();
              const id = order[next++]!;
              worker.postMessage({ id, path: paths[id] });
            };
            worker.on('message', (m: HashReply) => {
              if ('error' in m) return reject(new Error(`Could not hash ${paths[m.id]}: ${m.error}`));
              results[m.id] = { sha256: m.sha256, size: m.size };
              options.onFile?.(m.size);
              feed();
            });
            worker.on('error', reject);
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}
