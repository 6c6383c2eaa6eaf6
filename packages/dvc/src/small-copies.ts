/**
 * Many small workspace files created from their cache files (a warm pull, a checkout after the
 * workspace was cleaned) by this thread and a helper thread at once: copy-worker.ts says how
 * they share the work. Small sets, or a machine with one core, stay on this thread: starting a
 * helper (~20-30 ms) costs more than it saves there.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerModuleBeside } from '@mlops-gha/common';
import type { RecordedStats } from './state.js';
import { copyJobs, DONE, STAT_FIELDS, WORKER_KIND, type CopyRound } from './copy-worker.js';

export interface SmallCopy {
  /** The cache file. */
  src: string;
  /** Where the workspace file is created (its folder exists). */
  dest: string;
}

/** Below this many files one thread is faster (the helper's start is not paid back). */
export const HELPER_THRESHOLD = 2048;
/** Jobs per round: bounds the paths copied to the helper (and its memory) at a time. */
const ROUND_SIZE = 16_384;

/**
 * Creates each job's file (exclusively, from the cache file's bytes) and calls `written` with
 * the stats of each one made. Returns the jobs not made (something stood at the destination,
 * or a copy failed): the caller's general path makes those and reports their errors.
 * `helpers`: threads beside this one (default: one per other core, at most 3, for 2,048 files
 * or more); `round`: jobs per round (tests).
 */
export async function copySmallFiles<Job extends SmallCopy>(
  jobs: Job[],
  written: (job: Job, stats: RecordedStats) => void,
  options: { helpers?: number; round?: number } = {},
): Promise<Job[]> {
  const ROUND = options.round ?? ROUND_SIZE;
  const wanted = options.helpers ?? (jobs.length >= HELPER_THRESHOLD ? Math.min(availableParallelism() - 1, 3) : 0);
  const helpers = wanted > 0 ? startHelpers(wanted) : [];
  const size = Math.min(ROUND, jobs.length);
  const control = new Int32Array(new SharedArrayBuffer(8));
  const status = new Int32Array(new SharedArrayBuffer(Math.max(1, size) * 4));
  const stats = new Float64Array(new SharedArrayBuffer(Math.max(1, size) * STAT_FIELDS * 8));
  const left: Job[] = [];
  try {
    for (let from = 0; from < jobs.length; from += ROUND) {
      const part = jobs.slice(from, from + ROUND);
      status.fill(0);
      control.fill(0);
      const round: CopyRound = {
        srcs: part.map((j) => j.src),
        dests: part.map((j) => j.dest),
        control,
        status,
        stats,
      };
      const replies = helpers.map((h) => h.run(round));
      copyJobs(round);
      await Promise.all(replies);
      part.forEach((job, i) => {
        if (Atomics.load(status, i) !== DONE) return void left.push(job);
        const at = i * STAT_FIELDS;
        written(job, { size: stats[at]!, mtimeMs: stats[at + 1]!, ctimeMs: stats[at + 2]!, ino: stats[at + 3]! });
      });
    }
  } finally {
    await Promise.all(helpers.map((h) => h.stop()));
  }
  return left;
}

/** A helper thread; one that fails to start or dies only stops helping (its jobs stay PENDING). */
interface Helper {
  /** Resolves when the helper has done its share of the round, or is gone. */
  run(round: CopyRound): Promise<void>;
  stop(): Promise<void>;
}

function startHelpers(count: number): Helper[] {
  const module = workerModuleBeside(import.meta.url, 'copy-worker');
  if (!module) return []; // a bundle built without its worker: this thread does it all
  return Array.from({ length: count }, () => {
    // not unref'd: a round's reply is what this thread awaits; stop() ends it
    const worker = new Worker(module.url, { workerData: { kind: WORKER_KIND } });
    let gone = false;
    let wake: (() => void) | undefined;
    const end = () => {
      gone = true;
      wake?.();
    };
    worker.on('error', end);
    worker.on('exit', end);
    worker.on('message', () => wake?.());
    return {
      run: (round) =>
        gone
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              wake = resolve;
              worker.postMessage(round);
            }),
      stop: async () => {
        gone = true;
        await worker.terminate();
      },
    };
  });
}
