/**
 * A bootstrap worker thread: resamples `from` to `to` of the paired bootstrap, with the same
 * functions the serial path calls (drawResample, specValue). A module of its own, bundled as
 * dist/metric-gate/bootstrap-worker.js beside the action (scripts/build.mjs); from sources it
 * runs under tsx (bootstrap.ts starts it so).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { drawResample, streamState } from './resample.js';
import { specValue, type KernelSpec } from './spec-value.js';

/** What the parent sends: the rows, the resamples to draw, and shared buffers for the results. */
export interface BootstrapWork {
  n: number;
  seed: number;
  from: number;
  to: number;
  joint: Uint8Array | Int32Array | undefined;
  jointSize: number;
  specs: KernelSpec[];
  /** samples x jointSize joint confusion counts (SharedArrayBuffer). */
  outJoint: Int32Array;
  /** Per spec, samples values (SharedArrayBuffer). */
  outValues: Float64Array[];
}

/** Progress is reported every this many resamples. */
export const PROGRESS_EVERY = 50;

function run(work: BootstrapWork): void {
  const { n, seed, from, to, joint, jointSize, specs, outJoint, outValues } = work;
  const weights = new Uint16Array(n);
  const jointCounts = new Int32Array(jointSize);
  for (let b = from; b < to; b++) {
    drawResample(streamState(seed, b), n, weights, joint, jointCounts);
    if (joint) outJoint.set(jointCounts, b * jointSize);
    for (let j = 0; j < specs.length; j++) outValues[j]![b] = specValue(specs[j]!, weights);
    if ((b - from) % PROGRESS_EVERY === PROGRESS_EVERY - 1) parentPort!.postMessage({ progress: PROGRESS_EVERY });
  }
  parentPort!.postMessage({ done: (to - from) % PROGRESS_EVERY });
}

if (parentPort && workerData) run(workerData as BootstrapWork);
