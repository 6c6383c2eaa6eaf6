/**
 * Small workspace copies made from cache files, by the main thread and a helper thread at once
 * (small-copies.ts starts the helper and hands out rounds of jobs). Both threads run the same
 * loop over one round, taking job numbers from a counter in shared memory, so neither waits
 * for the other and a helper that starts late (or not at all) only leaves more to the main
 * thread. Creating a file is mostly kernel time; on this kind of job two threads make ~1.3x
 * the files per second of one, where async copies on libuv's pool were slower than one
 * synchronous loop (a promise and a pool round trip per 4 KB file).
 *
 * This module is also the helper thread's entry point (bundled as dist/data-pull/copy-worker.js;
 * from sources Node runs this file itself, stripping its types), so it imports only Node's own
 * modules and uses only erasable TypeScript.
 */
import { closeSync, fstatSync, openSync, readFileSync, rmSync, writeSync, type Stats } from 'node:fs';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

/** What each job ended as, in CopyRound.status. PENDING after a round: not done (never taken, failed, or taken by a helper that died): the caller makes it by its slower path, which reports any error itself. */
export const PENDING = 0;
export const DONE = 1;
/** Something stood at the destination: the caller's slower path decides what to do with it. */
export const EXISTS = 2;

/** Fields per job in CopyRound.stats: what the state records of the file written. */
export const STAT_FIELDS = 4; // size, mtimeMs, ctimeMs, ino

/** One round of jobs; the typed arrays live in shared memory, seen by both threads. */
export interface CopyRound {
  srcs: string[];
  dests: string[];
  /** [0]: the next job to take; [1]: 1 once a job failed (every thread stops taking jobs). */
  control: Int32Array;
  status: Int32Array;
  stats: Float64Array;
}

/** The helper thread's marker in workerData: other code bundled with this module never starts it by mistake. */
export const WORKER_KIND = 'mlops-dvc-small-copies';

/**
 * Creates `dest` exclusively with `body` (or the bytes of the file `body` names), mode 0o666
 * less the umask, and returns its fstat; undefined when something already stood there. A
 * failure removes the file it created and throws.
 */
export function writeNewFile(dest: string, body: Buffer | string): Stats | undefined {
  let fd: number;
  try {
    fd = openSync(dest, 'wx', 0o666);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  }
  try {
    const bytes = typeof body === 'string' ? readFileSync(body) : body;
    // a write may take fewer bytes than given
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
    const st = fstatSync(fd);
    closeSync(fd);
    return st;
  } catch (error) {
    closeSync(fd);
    rmSync(dest, { force: true });
    throw error;
  }
}

/**
 * Takes jobs of `round` until none is left. The first failure (in any thread) stops every
 * thread: its job stays PENDING, and the caller's slower path meets the same error and reports it.
 */
export function copyJobs(round: CopyRound): void {
  const { srcs, dests, control, status, stats } = round;
  while (Atomics.load(control, 1) === 0) {
    const i = Atomics.add(control, 0, 1);
    if (i >= srcs.length) return;
    let st: Stats | undefined;
    try {
      st = writeNewFile(dests[i]!, srcs[i]!);
    } catch {
      Atomics.store(control, 1, 1);
      return;
    }
    if (st === undefined) {
      Atomics.store(status, i, EXISTS);
      continue;
    }
    const at = i * STAT_FIELDS;
    stats[at] = st.size;
    stats[at + 1] = st.mtimeMs;
    stats[at + 2] = st.ctimeMs;
    stats[at + 3] = st.ino;
    Atomics.store(status, i, DONE);
  }
}

// The helper thread: takes its share of each round it is sent, then says so.
if (!isMainThread && (workerData as { kind?: string } | null)?.kind === WORKER_KIND) {
  parentPort?.on('message', (round: CopyRound) => {
    copyJobs(round);
    parentPort?.postMessage('done');
  });
}
