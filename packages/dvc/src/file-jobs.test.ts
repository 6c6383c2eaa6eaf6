import { afterAll, describe, expect, it } from '@jest/globals';
import { lstatSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { md5, tempDir } from '../../../test/fixtures/dvc-repo.js';
import { DONE, EXISTS, PENDING, STAT_FIELDS, WORKER_KIND, type FileRound } from './file-worker.js';
import type { RecordedStats } from './state.js';
import { fetchSmallFiles, copySmallFiles, type SmallFetch, type WorkspaceFile } from './file-jobs.js';

/** A whole list as the work of one call. */
const all = <Job>(jobs: Job[]) => ({ jobs, count: jobs.length });

/** n cache-like source files with distinct bytes, and a fresh destination folder. */
async function sources(n: number): Promise<{ jobs: WorkspaceFile[]; bodies: Buffer[]; dest: string }> {
  const src = await tempDir('file-jobs-src-');
  const dest = await tempDir('file-jobs-dest-');
  const jobs: WorkspaceFile[] = [];
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
      const seen = new Map<WorkspaceFile, RecordedStats | undefined>();
      const left = await copySmallFiles(
        all(jobs),
        (j) => j,
        (job, st) => seen.set(job, st),
        { helpers, round: 64 },
      );
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
    const made: WorkspaceFile[] = [];
    const left = await copySmallFiles(
      all(jobs),
      (j) => j,
      (job) => made.push(job),
      { helpers: 1, round: 16 },
    );
    expect(left).toEqual([jobs[7]]);
    expect(await readFile(jobs[7]!.dest, 'utf8')).toBe('mine\n');
    expect(made.length).toBe(49);
  });

  it('stops at a copy that fails, leaves no file for it, and hands back every job not made', async () => {
    const { jobs, dest } = await sources(40);
    jobs[5] = { ...jobs[5]!, src: join(dest, 'no-such-cache-file') };
    const made = new Set<WorkspaceFile>();
    const left = await copySmallFiles(
      all(jobs),
      (j) => j,
      (job) => made.add(job),
      { helpers: 0 },
    );
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

  it('takes the jobs from a generator one round at a time (no list of every job is held)', async () => {
    const { jobs } = await sources(200);
    let produced = 0;
    let producedAtFirstWrite = -1;
    const lazily = function* () {
      for (const job of jobs) {
        produced++;
        yield job;
      }
    };
    const first = () => {
      if (producedAtFirstWrite < 0) producedAtFirstWrite = produced;
    };
    const left = await copySmallFiles({ jobs: lazily(), count: jobs.length }, (j) => j, first, {
      helpers: 1,
      round: 50,
    });
    expect(left).toEqual([]);
    expect([producedAtFirstWrite, produced]).toEqual([50, 200]);
  });

  it('makes nothing of an empty list', async () => {
    expect(
      await copySmallFiles(
        all([]),
        (j) => j,
        () => undefined,
        { helpers: 1 },
      ),
    ).toEqual([]);
  });
});

/** n objects named by their md5 in a remote-like folder, and a cache folder for them. */
async function objects(n: number): Promise<{ jobs: SmallFetch[]; bodies: Buffer[]; remote: string; cache: string }> {
  const remote = await tempDir('file-jobs-remote-');
  const cache = await tempDir('file-jobs-cache-');
  const jobs: SmallFetch[] = [];
  const bodies: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const body = Buffer.from(`object ${i}\n`.repeat(1 + (i % 5)));
    const oid = md5(body);
    bodies.push(body);
    await writeFile(join(remote, oid), body);
    jobs.push({ src: join(remote, oid), dest: join(cache, oid), md5: oid });
  }
  return { jobs, bodies, remote, cache };
}

describe('fetchSmallFiles', () => {
  for (const helpers of [0, 1]) {
    it(`with ${helpers} helper thread(s): every object lands read-only with its bytes, its size reported, no temporary left`, async () => {
      const { jobs, bodies, cache } = await objects(200);
      const sizes = new Map<SmallFetch, number>();
      const left = await fetchSmallFiles(
        all(jobs),
        (j) => j,
        { mode: 0o444, maxSize: 1 << 20 },
        (job, size) => sizes.set(job, size),
        {
          helpers,
          round: 48,
        },
      );
      expect(left).toEqual([]);
      for (const [i, job] of jobs.entries()) {
        expect(await readFile(job.dest)).toEqual(bodies[i]);
        expect(sizes.get(job)).toBe(bodies[i]!.length);
        expect(lstatSync(job.dest).mode & 0o777).toBe(0o444);
      }
      expect((await readdir(cache)).length).toBe(jobs.length);
    });
  }

  it('hands back, untouched, what is not a small regular file with the md5 it is named by; the rest lands', async () => {
    const { jobs, cache, remote } = await objects(12);
    await writeFile(jobs[1]!.src, 'not what the name says\n'); // corrupt
    await rm(jobs[2]!.src); // missing
    await rm(jobs[3]!.src);
    await mkdir(jobs[3]!.src); // a folder
    const big = Buffer.alloc(3000, 7); // over maxSize
    await writeFile(join(remote, md5(big)), big);
    const large = { src: join(remote, md5(big)), dest: join(cache, md5(big)), md5: md5(big) };
    const fifo = join(remote, 'fifo');
    spawnSync('mkfifo', [fifo]);
    const planted = { src: fifo, dest: join(cache, 'fifo'), md5: md5('') };
    const everything = [...jobs, large, planted];
    const done: SmallFetch[] = [];
    const left = await fetchSmallFiles(
      all(everything),
      (j) => j,
      { mode: 0o444, maxSize: 2048 },
      (job) => done.push(job),
      { helpers: 1 },
    );
    expect(new Set(left)).toEqual(new Set([jobs[1], jobs[2], jobs[3], large, planted]));
    expect(done.length).toBe(everything.length - 5);
    // the cache holds exactly the objects done: nothing for the others, no temporary
    expect((await readdir(cache)).sort()).toEqual(done.map((j) => basename(j.dest)).sort());
  });
});

// A helper thread as file-jobs.ts starts it: from sources (Node strips the types), and as
// scripts/build.mjs bundles it beside the data-pull action. Given a whole round to itself, it
// alone does every job and marks each one.
describe.each([
  ['from sources', new URL('./file-worker.ts', import.meta.url)],
  ['bundled (dist/data-pull/file-worker.js)', new URL('../../../dist/data-pull/file-worker.js', import.meta.url)],
])('file-worker, as a thread %s', (_, url) => {
  const worker = new Worker(url, { workerData: { kind: WORKER_KIND } });
  afterAll(async () => {
    await worker.terminate();
  });
  /** A round of `jobs` to send, its counters and results in fresh shared memory. */
  const roundOf = (kind: FileRound['kind'], jobs: { src: string; dest: string }[], extra: Partial<FileRound> = {}) => ({
    kind,
    srcs: jobs.map((j) => j.src),
    dests: jobs.map((j) => j.dest),
    control: new Int32Array(new SharedArrayBuffer(8)),
    status: new Int32Array(new SharedArrayBuffer(jobs.length * 4)),
    stats: new Float64Array(new SharedArrayBuffer(jobs.length * STAT_FIELDS * 8)),
    ...extra,
  });
  const send = (round: FileRound) =>
    new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.postMessage(round);
    });
  it('takes every job of a round it is sent, writes the bytes, reports stats and statuses, and says done', async () => {
    const { jobs, bodies } = await sources(20);
    await mkdir(join(jobs[3]!.dest, '..'), { recursive: true });
    await writeFile(jobs[3]!.dest, 'in the way\n');
    const round = roundOf('copy', jobs);
    expect(await send(round)).toBe('done');
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

  it('fetches the objects of a round: verified ones renamed into place read-only, the others left pending', async () => {
    const { jobs, bodies } = await objects(6);
    await writeFile(jobs[4]!.src, 'tampered\n');
    const round = roundOf('fetch', jobs, {
      temps: jobs.map((j) => `${j.dest}.tmp-test`),
      oids: jobs.map((j) => j.md5),
      maxSize: 1 << 20,
      mode: 0o444,
    });
    expect(await send(round)).toBe('done');
    expect([...round.status]).toEqual([DONE, DONE, DONE, DONE, PENDING, DONE]);
    for (const [i, job] of jobs.entries()) {
      if (i === 4) {
        await expect(readFile(job.dest)).rejects.toThrow(/ENOENT/);
        continue;
      }
      expect(await readFile(job.dest)).toEqual(bodies[i]);
      expect(round.stats[i * STAT_FIELDS]).toBe(bodies[i]!.length);
      expect(lstatSync(job.dest).mode & 0o777).toBe(0o444);
    }
  });
});
