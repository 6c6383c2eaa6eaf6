/**
 * Many small files made by the main thread and helper threads at once (file-jobs.ts starts the
 * helpers and hands out rounds of jobs): workspace copies of cache files, and objects fetched
 * from a local-folder remote into the cache. Every thread runs the same loop over a
 * round, taking job numbers from a counter in shared memory, so none waits for another and a
 * helper that starts late (or not at all) only leaves more to the main thread. Making a file
 * is mostly kernel time; two threads make ~1.3-1.5x the files per second of one here, where
 * async calls on libuv's pool were slower than one synchronous loop (a promise and a pool
 * round trip per 4 KB file).
 *
 * A job that cannot be done here the simple way (something stands at the destination, the
 * source is missing, large or not what its name says, a write fails) is left PENDING: the
 * caller's general path does it and reports its errors, so those exist only once.
 *
 * This module is also the helpers' entry point (bundled as dist/data-pull/file-worker.js; from
 * sources Node runs this file itself, stripping its types), so it uses only erasable
 * TypeScript and imports only Node's own modules and storage's `small-files` (which does too).
 */
import { createHash } from 'node:crypto';
import { closeSync, fchmodSync, fstatSync, openSync, readFileSync, renameSync, rmSync, type Stats } from 'node:fs';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
// its own subpath: Node's own modules only, so this thread can load it from sources too
import { readSmallFile, writeAllSync } from '@mlops-gha/storage/small-files';

/** What each job ended as, in FileRound.status (PENDING: not done, see above). */
export const PENDING = 0;
export const DONE = 1;
/** Something stood at a copy's destination: the caller's path decides what to do with it. */
export const EXISTS = 2;

/** Fields per job in FileRound.stats: the fstat of the file written (a fetch fills only the size). */
export const STAT_FIELDS = 4; // size, mtimeMs, ctimeMs, ino

/** One round of jobs; the typed arrays live in shared memory, seen by every thread. */
export interface FileRound {
  /**
   * copy: `dests[i]` created exclusively with the bytes of the file `srcs[i]`.
   * fetch: the object file `srcs[i]` (a local remote's), if regular, at most `maxSize` bytes
   * and with the md5 `oids[i]`, written to `temps[i]` (mode `mode`) and renamed to `dests[i]`.
   */
  kind: 'copy' | 'fetch';
  srcs: string[];
  dests: string[];
  temps?: string[];
  oids?: string[];
  maxSize?: number;
  mode?: number;
  /** [0]: the next job to take; [1]: 1 once a job failed (every thread stops taking jobs). */
  control: Int32Array;
  status: Int32Array;
  stats: Float64Array;
}

/** The helper threads' marker in workerData: other code bundled with this module never starts it by mistake. */
export const WORKER_KIND = 'mlops-dvc-file-jobs';

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
    writeAllSync(fd, typeof body === 'string' ? readFileSync(body) : body);
    const st = fstatSync(fd);
    closeSync(fd);
    return st;
  } catch (error) {
    closeSync(fd);
    rmSync(dest, { force: true });
    throw error;
  }
}

function copyJob(round: FileRound, i: number): number {
  const st = writeNewFile(round.dests[i]!, round.srcs[i]!);
  return st === undefined ? EXISTS : report(round, i, st);
}

/** The stats of the file job `i` wrote, for the state. */
function report(round: FileRound, i: number, st: Stats): number {
  const at = i * STAT_FIELDS;
  round.stats[at] = st.size;
  round.stats[at + 1] = st.mtimeMs;
  round.stats[at + 2] = st.ctimeMs;
  round.stats[at + 3] = st.ino;
  return DONE;
}

function fetchJob(round: FileRound, i: number): number {
  let body: Buffer | 'large' | 'missing';
  try {
    body = readSmallFile(round.srcs[i]!, round.maxSize!);
  } catch {
    return PENDING; // unreadable: the general path says why
  }
  if (typeof body === 'string' || createHash('md5').update(body).digest('hex') !== round.oids![i]) return PENDING;
  const temp = round.temps![i]!;
  const fd = openSync(temp, 'wx', round.mode);
  try {
    try {
      writeAllSync(fd, body);
      fchmodSync(fd, round.mode!); // the mode whatever the umask took from it
    } finally {
      closeSync(fd);
    }
    renameSync(temp, round.dests[i]!);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  round.stats[i * STAT_FIELDS] = body.length;
  return DONE;
}

/**
 * Takes jobs of `round` until none is left. The first failure (in any thread) stops every
 * thread: its job stays PENDING, and the caller's general path meets the same error and reports it.
 */
export function runJobs(round: FileRound): void {
  const { control, status } = round;
  const job = round.kind === 'copy' ? copyJob : fetchJob;
  while (Atomics.load(control, 1) === 0) {
    const i = Atomics.add(control, 0, 1);
    if (i >= round.srcs.length) return;
    let outcome: number;
    try {
      outcome = job(round, i);
    } catch {
      Atomics.store(control, 1, 1);
      return;
    }
    Atomics.store(status, i, outcome);
  }
}

// A helper thread: takes its share of each round it is sent, then says so.
if (!isMainThread && (workerData as { kind?: string } | null)?.kind === WORKER_KIND) {
  parentPort?.on('message', (round: FileRound) => {
    runJobs(round);
    parentPort?.postMessage('done');
  });
}
