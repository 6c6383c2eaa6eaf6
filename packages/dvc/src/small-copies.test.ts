import { afterAll, describe, expect, it } from '@jest/globals';
import { lstatSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { tempDir } from '../../../test/fixtures/dvc-repo.js';
import { DONE, EXISTS, PENDING, STAT_FIELDS, WORKER_KIND, type CopyRound } from './copy-worker.js';
import { copySmallFiles, type SmallCopy } from './small-copies.js';

/** n cache-like source files with distinct bytes, and a fresh destination folder. */
async function sources(n: number): Promise<{ jobs: SmallCopy[]; bodies: Buffer[]; dest: string }> {
  const src = await tempDir('small-copies-src-');
  const dest = await tempDir('small-copies-dest-');
  const jobs: SmallCopy[] = [];
  const bodies: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const body = Buffer.from(`file ${i}\n`.repeat(1 + (i % 7)));
    bodies.push(body);
    await writeFile(join(src, `s${i}`), body);
    jobs.push({ src: join(src, `s${i}`), dest: join(dest, `part-${i}.bin`) });
  }
  return { jobs, bodies, dest };
}

describe('copySmallFiles', () => {
  for (const helpers of [0, 1, 2]) {
    it(`with ${helpers} helper thread(s), over several rounds: every file has its bytes and the stats reported are its own`, async () => {
      const { jobs, bodies } = await sources(300);
      const seen = new Map<SmallCopy, { size: number; mtimeMs: number; ctimeMs: number; ino: number }>();
      const left = await copySmallFiles(jobs, (job, st) => seen.set(job, st), { helpers, round: 64 });
      expect(left).toEqual([]);
      expect(seen.size).toBe(jobs.length);
      for (const [i, job] of jobs.entries()) {
        expect(await readFile(job.dest)).toEqual(bodies[i]);
        const st = lstatSync(job.dest);
        expect(seen.get(job)).toEqual({ size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino });
        expect(st.mode & 0o777).toBe(0o666 & ~process.umask());
      }
    });
  }

  it('leaves a file that already stands at a destination alone and hands its job back', async () => {
    const { jobs } = await sources(50);
    await writeFile(jobs[7]!.dest, 'mine\n');
    const made: SmallCopy[] = [];
    const left = await copySmallFiles(jobs, (job) => made.push(job), { helpers: 1, round: 16 });
    expect(left).toEqual([jobs[7]]);
    expect(await readFile(jobs[7]!.dest, 'utf8')).toBe('mine\n');
    expect(made.length).toBe(49);
  });

  it('stops at a copy that fails, leaves no file for it, and hands back every job not made', async () => {
    const { jobs, dest } = await sources(40);
    jobs[5] = { ...jobs[5]!, src: join(dest, 'no-such-cache-file') };
    const made = new Set<SmallCopy>();
    const left = await copySmallFiles(jobs, (job) => made.add(job), { helpers: 0 });
    // one thread: jobs 0-4 made, the sixth failed, and no thread took another job after it
    expect(left).toEqual(jobs.slice(5));
    expect([...made]).toEqual(jobs.slice(0, 5));
    expect((await readdir(dest)).sort()).toEqual([
      'part-0.bin',
      'part-1.bin',
      'part-2.bin',
      'part-3.bin',
      'part-4.bin',
    ]);
  });

  it('makes nothing of an empty list', async () => {
    expect(await copySmallFiles([], () => undefined, { helpers: 1 })).toEqual([]);
  });
});

// The helper thread as small-copies.ts starts it: from sources (Node strips the types), and as
// scripts/build.mjs bundles it beside the data-pull action. Given a whole round to itself, it
// alone makes every file and marks each job.
describe.each([
  ['from sources', new URL('./copy-worker.ts', import.meta.url)],
  ['bundled (dist/data-pull/copy-worker.js)', new URL('../../../dist/data-pull/copy-worker.js', import.meta.url)],
])('copy-worker, as a thread %s', (_, url) => {
  const worker = new Worker(url, { workerData: { kind: WORKER_KIND } });
  afterAll(async () => {
    await worker.terminate();
  });
  it('takes every job of a round it is sent, writes the bytes, reports stats and statuses, and says done', async () => {
    const { jobs, bodies } = await sources(20);
    await mkdir(join(jobs[3]!.dest, '..'), { recursive: true });
    await writeFile(jobs[3]!.dest, 'in the way\n');
    const round: CopyRound = {
      srcs: jobs.map((j) => j.src),
      dests: jobs.map((j) => j.dest),
      control: new Int32Array(new SharedArrayBuffer(8)),
      status: new Int32Array(new SharedArrayBuffer(jobs.length * 4)),
      stats: new Float64Array(new SharedArrayBuffer(jobs.length * STAT_FIELDS * 8)),
    };
    const reply = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.postMessage(round);
    });
    expect(reply).toBe('done');
    for (const [i, job] of jobs.entries()) {
      if (i === 3) {
        expect(round.status[i]).toBe(EXISTS);
        expect(await readFile(job.dest, 'utf8')).toBe('in the way\n');
        continue;
      }
      expect(round.status[i]).toBe(DONE);
      expect(await readFile(job.dest)).toEqual(bodies[i]);
      const st = lstatSync(job.dest);
      expect([...round.stats.subarray(i * STAT_FIELDS, (i + 1) * STAT_FIELDS)]).toEqual([
        st.size,
        st.mtimeMs,
        st.ctimeMs,
        st.ino,
      ]);
    }
    expect(round.status.includes(PENDING)).toBe(false);
  });
});
