/**
 * Many small files made by this thread and helper threads at once (file-worker.ts says how
 * they share the work): workspace copies from the cache (a warm pull, a checkout after a local
 * fetch) and objects fetched from a local-folder remote into the cache. Small sets, or a machine with one core, stay on this thread: starting a helper
 * (~20-50 ms) costs more than it saves there.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerModuleBeside } from '@mlops-gha/common';
import { tempBeside } from '@mlops-gha/storage';
import type { RecordedStats } from './state.js';
import { DONE, runJobs, STAT_FIELDS, WORKER_KIND, type FileRound } from './file-worker.js';

/** Below this many files one thread is faster (the helpers' start is not paid back). */
export const HELPER_THRESHOLD = 2048;
/**
 * Jobs per round: bounds the paths made and copied to the helpers at a time (~1 MB of them);
 * a round ends when every thread has finished its last job, a wait of about one job.
 */
const ROUND_SIZE = 4096;

/**
 * `threads`: the pull's helpers. Without them the call starts its own and stops them when done:
 * `helpers` of them whatever the number of jobs (tests), by default HelperThreads' defaults.
 * `round`: jobs per round (tests).
 */
export interface ThreadOptions {
  threads?: HelperThreads;
  helpers?: number;
  round?: number;
}

/**
 * The jobs, taken a round at a time (a generator: no list of every job is held), and how many
 * there will be, about (it decides the helpers and sizes the shared memory).
 */
export interface Work<Job> {
  jobs: Iterable<Job>;
  count: number;
}

export interface WorkspaceFile {
  /** The cache file. */
  src: string;
  /** Where the workspace file is created (its folder exists). */
  dest: string;
}

/**
 * Creates each job's workspace file (`locate` gives its paths) where nothing stands, a copy of
 * the cache file (small files only, read whole), and calls `written` with the stats of each
 * one made. Returns the jobs not made (something stood at the destination, or one failed):
 * the caller's general path makes those and reports their errors. (Links gain nothing from
 * threads: made in one folder they wait on its lock, and libuv's pool already runs them.)
 */
export function copySmallFiles<Job>(
  work: Work<Job>,
  locate: (job: Job) => WorkspaceFile,
  written: (job: Job, stats: RecordedStats) => void,
  options: ThreadOptions = {},
): Promise<Job[]> {
  return runInThreads(
    work,
    locate,
    () => ({ kind: 'copy' }),
    (job, stats, at) =>
      written(job, { size: stats[at]!, mtimeMs: stats[at + 1]!, ctimeMs: stats[at + 2]!, ino: stats[at + 3]! }),
    options,
  );
}

export interface SmallFetch {
  /** The object's file in the local remote. */
  src: string;
  /** Its cache path (its folder exists). */
  dest: string;
  /** Its md5, lowercase hex. */
  md5: string;
}

/**
 * Copies each object that is a regular file of at most `maxSize` bytes with the md5 it is
 * named by into the cache (a temporary file, then a rename: readers never see part of one),
 * with `mode` (read-only: verified), and calls `fetched` with its size. `locate` gives a job's
 * paths when its round comes (the paths of one round at a time are held). Returns the jobs not
 * done (missing, large, another md5, a failed write): the caller's general path fetches those
 * and reports their errors.
 */
export function fetchSmallFiles<Job>(
  work: Work<Job>,
  locate: (job: Job) => SmallFetch,
  target: { mode: number; maxSize: number },
  fetched: (job: Job, size: number) => void,
  options: ThreadOptions = {},
): Promise<Job[]> {
  return runInThreads(
    work,
    locate,
    (where) => ({
      kind: 'fetch',
      temps: where.map((w) => tempBeside(w.dest)),
      oids: where.map((w) => w.md5),
      ...target,
    }),
    (job, stats, at) => fetched(job, stats[at]!),
    options,
  );
}

/**
 * The helper threads of one pull, started once (by `warm`, or on the first job list large
 * enough) and shared by its fetch and checkout rounds, so their start is paid once and early.
 */
export class HelperThreads {
  private started?: Helper[];

  /**
   * `count`: helpers beside this thread (default: one per other core, at most 3); `threshold`:
   * the fewest files worth them (below it this thread is faster: their start is not paid back).
   */
  constructor(
    private readonly count = Math.min(availableParallelism() - 1, 3),
    private readonly threshold = HELPER_THRESHOLD,
  ) {}

  /** Whether `jobs` files are worth the helpers: there are some, and enough files. */
  worth(jobs: number): boolean {
    return this.count > 0 && jobs >= this.threshold;
  }

  /** Starts the helpers now, when it is known that many files will be made. */
  warm(): void {
    this.started ??= this.count > 0 ? startHelpers(this.count) : [];
  }

  /** The helpers for `jobs` files (none when not worth it). */
  for(jobs: number): Helper[] {
    if (!this.worth(jobs)) return [];
    this.warm();
    return this.started!;
  }

  async close(): Promise<void> {
    await Promise.all((this.started ?? []).map((h) => h.stop()));
    this.started = undefined;
  }
}

/**
 * Runs the jobs in rounds over this thread and the helpers: `locate` gives each job's paths
 * when its round comes, `describe` the rest of the round; `done` for each job made. Returns
 * the others.
 */
async function runInThreads<Job, Where extends WorkspaceFile>(
  work: Work<Job>,
  locate: (job: Job) => Where,
  describe: (where: Where[]) => Omit<FileRound, 'srcs' | 'dests' | 'control' | 'status' | 'stats'>,
  done: (job: Job, stats: Float64Array, at: number) => void,
  options: ThreadOptions,
): Promise<Job[]> {
  const own = options.threads
    ? undefined
    : new HelperThreads(options.helpers, options.helpers === undefined ? HELPER_THRESHOLD : 0);
  const helpers = (options.threads ?? own!).for(work.count);
  const size = Math.max(1, Math.min(options.round ?? ROUND_SIZE, work.count));
  const control = new Int32Array(new SharedArrayBuffer(8));
  const status = new Int32Array(new SharedArrayBuffer(size * 4));
  const stats = new Float64Array(new SharedArrayBuffer(size * STAT_FIELDS * 8));
  const jobs = work.jobs[Symbol.iterator]();
  const left: Job[] = [];
  try {
    for (;;) {
      const part: Job[] = [];
      for (let next = jobs.next(); !next.done; next = jobs.next()) if (part.push(next.value) === size) break;
      if (!part.length) break;
      status.fill(0);
      control.fill(0);
      const where = part.map(locate);
      const paths = { srcs: where.map((w) => w.src), dests: where.map((w) => w.dest) };
      const round: FileRound = { ...describe(where), ...paths, control, status, stats };
      const replies = helpers.map((h) => h.run(round));
      runJobs(round);
      await Promise.all(replies);
      part.forEach((job, i) => {
        if (Atomics.load(status, i) === DONE) done(job, stats, i * STAT_FIELDS);
        else left.push(job);
      });
    }
  } finally {
    await own?.close();
  }
  return left;
}

/** A helper thread; one that fails to start or dies only stops helping (its jobs stay PENDING). */
interface Helper {
  /** Resolves when the helper has done its share of the round, or is gone. */
  run(round: FileRound): Promise<void>;
  stop(): Promise<void>;
}

function startHelpers(count: number): Helper[] {
  const module = workerModuleBeside(import.meta.url, 'file-worker');
  if (!module) return []; // a bundle built without its worker: this thread does it all
  const helpers: Helper[] = [];
  for (let i = 0; i < count; i++) {
    // Not unref'd: a round's reply is what this thread awaits; stop() ends it. No execArgv:
    // from sources Node strips the worker's types itself, and a loader the parent runs under
    // (tsx) would double its start. A small heap: a helper holds one round's paths at a time.
    const resourceLimits = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 16 };
    let worker: Worker;
    try {
      worker = new Worker(module.url, { workerData: { kind: WORKER_KIND }, execArgv: [], resourceLimits });
    } catch {
      break; // a Node that refuses the options: this thread does it all
    }
    helpers.push(helper(worker));
  }
  return helpers;
}

/** A started worker as a Helper: a round's reply (or its end) resolves `run`. */
function helper(worker: Worker): Helper {
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
}
