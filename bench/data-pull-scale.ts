/**
 * `npm run bench:data-pull-scale`: one tracked directory of N tiny files from a local-folder
 * remote, pulled by `mlops-dvc pull` in its own process under `/usr/bin/time -v` (wall time,
 * CPU time and peak RSS): cold pull, no-op re-pull, warm pull (cache full, workspace deleted).
 * The command is bundled with ncc first, as the actions are (packages/dvc/src/cli-main.ts), so
 * that Node runs plain JavaScript as on a runner rather than compiling TypeScript. Beside
 * it, in the same run, the machine's own figures: `cp -r` of the remote, `cp -r` of the
 * cache, and `find -printf '%s %T@'` (a stat of every file) over the workspace.
 *
 * BENCH_SCALE: comma-separated file counts (default 10000,100000; add 1000000 by hand, it
 * needs ~10 GB of inodes and minutes to generate). Goals (issue 15): peak RSS <= 1 KB per
 * tracked file plus a constant; time linear in N; no-op <= 3x find; warm <= 1.5x cp -r cache.
 * Nothing is deleted between timed runs (bench/spent.ts says why): the warm pull's workspace,
 * the copies and each N's repository are set aside and removed at the end (about 6 x N files).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setAside } from './spent.js';

const counts = (process.env.BENCH_SCALE ?? '10000,100000').split(',').map(Number);

/** `mlops-dvc` bundled from the current sources into a temporary folder: its index.js. */
async function bundleCli(): Promise<string> {
  const ncc = createRequire(import.meta.url)('@vercel/ncc') as (
    entry: string,
    options: Record<string, unknown>,
  ) => Promise<{ code: string }>;
  const bundle = async (source: string) =>
    (
      await ncc(new URL(`../packages/dvc/src/${source}`, import.meta.url).pathname, {
        quiet: true,
        cache: false,
        transpileOnly: true,
        sourceMap: false,
      })
    ).code;
  const dir = await mkdtemp(join(tmpdir(), 'scale-cli-'));
  writeFileSync(join(dir, 'package.json'), '{"type": "module"}\n');
  writeFileSync(join(dir, 'index.js'), await bundle('cli-main.ts'));
  // the helper threads' module, beside the command as scripts/build.mjs puts it beside data-pull
  writeFileSync(join(dir, 'file-worker.js'), await bundle('file-worker.ts'));
  return join(dir, 'index.js');
}
const cli = await bundleCli();

/** Runs a command under /usr/bin/time -v: wall seconds, CPU seconds (user + sys) and peak RSS in MB. */
function measure(cmd: string, args: string[], cwd?: string): { s: number; cpu: number; rssMb: number } {
  spawnSync('sync');
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const user = /User time \(seconds\): ([\d.]+)/.exec(r.stderr);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(r.stderr);
  if (!wall || !rss || !user || !sys) throw new Error(`no /usr/bin/time figures in: ${r.stderr.slice(-500)}`);
  return {
    s: Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]),
    cpu: Number(user[1]) + Number(sys[1]),
    rssMb: Number(rss[1]) / 1024,
  };
}

const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');

/** A DVC repo with one directory output of n files of ~16 bytes, and its local remote (DVC 3 layout). */
async function generate(n: number): Promise<{ root: string; remote: string }> {
  const remote = await mkdtemp(join(tmpdir(), 'scale-remote-'));
  const root = await mkdtemp(join(tmpdir(), 'scale-repo-'));
  const entries: string[] = [];
  const made = new Set<string>();
  for (let i = 0; i < n; i++) {
    const rel = `d${String(i % 100).padStart(2, '0')}/f${String(i).padStart(7, '0')}.txt`;
    const body = `row ${i} value ${i * 7}\n`;
    const oid = md5(body);
    const dir = join(remote, 'files/md5', oid.slice(0, 2));
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(join(dir, oid.slice(2)), body);
    entries.push(`{"md5": "${oid}", "relpath": "${rel}"}`);
  }
  entries.sort((a, b) => (a.slice(45) < b.slice(45) ? -1 : 1)); // by relpath, as DVC writes
  const dirBytes = `[${entries.join(', ')}]`;
  const dirOid = md5(dirBytes);
  mkdirSync(join(remote, 'files/md5', dirOid.slice(0, 2)), { recursive: true });
  writeFileSync(join(remote, 'files/md5', dirOid.slice(0, 2), `${dirOid.slice(2)}.dir`), dirBytes);
  mkdirSync(join(root, '.dvc'));
  writeFileSync(join(root, '.dvc/config'), `[core]\n  remote = local\n['remote "local"']\n  url = ${remote}\n`);
  writeFileSync(join(root, 'data.dvc'), `outs:\n- md5: ${dirOid}.dir\n  nfiles: ${n}\n  hash: md5\n  path: data\n`);
  return { root, remote };
}

const f = (x: { s: number; cpu: number; rssMb: number }) =>
  `${x.s.toFixed(2)} s (cpu ${x.cpu.toFixed(2)} s), ${x.rssMb.toFixed(0)} MB`;
const t = (x: { s: number; cpu: number }) => `${x.s.toFixed(2)} s (cpu ${x.cpu.toFixed(2)} s)`;
const ratio = (a: { s: number; cpu: number }, b: { s: number; cpu: number }) =>
  `${(a.s / b.s).toFixed(2)}x (cpu ${(a.cpu / Math.max(b.cpu, 0.01)).toFixed(2)}x)`;
const load = () => loadavg()[0]!.toFixed(1);
console.log(
  `data-pull scale benchmark: ${process.platform} ${process.arch}, Node ${process.version} (mlops-dvc bundled by ncc, run by this Node)`,
);
// the constant: the bundle started, its usage printed, nothing pulled
const idle = measure(process.execPath, [cli, '--help']);
console.log(`mlops-dvc --help (start-up alone): ${f(idle)}; load average ${load()}`);
console.log(
  '| N files | cold pull | no-op re-pull | warm pull | peak RSS per file (beyond start-up; marginal from the previous N) | cp -r remote | cp -r cache | find -printf | no-op / find | warm / cp cache | load |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
let previous: { n: number; peak: number } | undefined;
for (const n of counts) {
  const { root, remote } = await generate(n);
  const pullArgs = [cli, 'pull', '-q', '-C', root];
  const cold = measure(process.execPath, pullArgs);
  const noop = measure(process.execPath, pullArgs);
  const find = measure('find', [join(root, 'data'), '-printf', '%s %T@\n']);
  setAside(join(root, 'data'));
  const warm = measure(process.execPath, pullArgs);
  const cpRemote = await (async () => {
    const dest = await mkdtemp(join(tmpdir(), 'scale-cp-'));
    const m = measure('cp', ['-r', join(remote, 'files'), dest]);
    setAside(dest);
    return m;
  })();
  const cpCache = await (async () => {
    const dest = await mkdtemp(join(tmpdir(), 'scale-cp-'));
    const m = measure('cp', ['-r', join(root, '.dvc/cache'), dest]);
    setAside(dest);
    return m;
  })();
  // peak RSS beyond the start-up constant, per tracked file (goal: <= 1 KB)
  const peak = Math.max(cold.rssMb, noop.rssMb, warm.rssMb);
  const perFile =
    `${(((peak - idle.rssMb) * 1024 * 1024) / n).toFixed(0)} B` +
    (previous ? `; ${(((peak - previous.peak) * 1024 * 1024) / (n - previous.n)).toFixed(0)} B marginal` : '');
  previous = { n, peak };
  console.log(
    `| ${n.toLocaleString('en')} | ${f(cold)} | ${f(noop)} | ${f(warm)} | ${perFile} | ${t(cpRemote)} | ${t(cpCache)} | ${t(find)} | ${ratio(noop, find)} | ${ratio(warm, cpCache)} | ${load()} |`,
  );
  setAside(root);
  setAside(remote);
}
await rm(join(cli, '..'), { recursive: true, force: true });
