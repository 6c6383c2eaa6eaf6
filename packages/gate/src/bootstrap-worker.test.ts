/**
 * The bootstrap worker as bootstrap.ts starts it: a real worker thread running this module
 * (from sources, under tsx), resamples `from` to `to` written into shared buffers, progress
 * reported in steps that add up to the resamples it drew.
 */
import { describe, expect, it } from '@jest/globals';
import { Worker } from 'node:worker_threads';
import { PROGRESS_EVERY, type BootstrapWork } from './bootstrap-worker.js';
import { drawResample, streamState } from './resample.js';
import { specValue, type KernelSpec } from './spec-value.js';

function runWorker(work: BootstrapWork): Promise<number[]> {
  const worker = new Worker(new URL('./bootstrap-worker.ts', import.meta.url), {
    workerData: work,
    execArgv: [...process.execArgv, '--import', 'tsx'],
  });
  const progress: number[] = [];
  return new Promise((resolve, reject) => {
    worker.on('message', (m: { progress?: number; done?: number }) => {
      if (m.progress !== undefined) progress.push(m.progress);
      if (m.done !== undefined) {
        progress.push(m.done);
        void worker.terminate().then(() => resolve(progress));
      }
    });
    worker.once('error', reject);
  });
}

describe('bootstrap worker', () => {
  it('draws resamples from..to with the serial functions, into the shared buffers, and reports its progress', async () => {
    const n = 30;
    const rows = Float64Array.from({ length: n }, (_, i) => (i * 7) % 5);
    const specs: KernelSpec[] = [
      { kind: 'mean', rows, sqrt: false },
      { kind: 'sum', rows },
    ];
    const samples = 130;
    const joint = Uint8Array.from({ length: n }, (_, i) => i % 4);
    const work: BootstrapWork = {
      n,
      seed: 17,
      from: 10,
      to: 125,
      joint,
      jointSize: 4,
      specs,
      outJoint: new Int32Array(new SharedArrayBuffer(samples * 4 * 4)),
      outValues: specs.map(() => new Float64Array(new SharedArrayBuffer(samples * 8))),
    };
    const progress = await runWorker(work);
    // 115 resamples: two steps of PROGRESS_EVERY (50), then the 15 left over with the done message
    expect(progress).toEqual([PROGRESS_EVERY, PROGRESS_EVERY, 115 - 2 * PROGRESS_EVERY]);
    expect(progress).toEqual([50, 50, 15]);

    const weights = new Uint16Array(n);
    const counts = new Int32Array(4);
    for (let b = 0; b < samples; b++) {
      const inRange = b >= 10 && b < 125;
      if (!inRange) {
        expect([b, work.outValues[0]![b], Array.from(work.outJoint.subarray(b * 4, b * 4 + 4))]).toEqual([
          b,
          0,
          [0, 0, 0, 0],
        ]);
        continue;
      }
      drawResample(streamState(17, b), n, weights, joint, counts);
      expect([b, work.outValues[0]![b], work.outValues[1]![b]]).toEqual([
        b,
        specValue(specs[0]!, weights),
        specValue(specs[1]!, weights),
      ]);
      expect(Array.from(work.outJoint.subarray(b * 4, b * 4 + 4))).toEqual(Array.from(counts));
    }
  });
});
