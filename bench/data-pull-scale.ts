/**
 * `npm run bench:data-pull-scale`: one tracked directory of N tiny files from a local-folder
 * remote, pulled by `mlops-dvc pull` in its own process under `/usr/bin/time -v` (wall time
 * and peak RSS): cold pull, no-op re-pull, warm pull (cache full, workspace deleted). Beside
 * it, in the same run, the machine's own figures: `cp -r` of the remote, `cp -r` of the
 * cache, and `find -printf '%s %T@'` (a stat of every file) over the workspace.
 *
 * BENCH_SCALE: comma-separated file counts (default 10000,100000; add 1000000 by hand, it
 * needs ~10 GB of inodes and minutes to generate). Goals (issue 15): peak RSS <= 1 KB per
 * tracked file plus a constant; time linear in N; no-op <= 3x find; warm <= 1.5x cp -r cache.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const counts = (process.env.BENCH_SCALE ?? '10000,100000').split(',').map(Number);
const cli = new URL('../packages/dvc/bin/mlops-dvc.mjs', import.meta.url).pathname;

/** Runs a command under /usr/bin/time -v: wall seconds and peak RSS in MB. */
function measure(cmd: string, args: string[], cwd?: string): { s: number; rssMb: number } {
  spawnSync('sync');
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  if (!wall || !rss) throw new Error(`no /usr/bin/time figures in: ${r.stderr.slice(-500)}`);
  return { s: Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]), rssMb: Number(rss[1]) / 1024 };
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

const f = (x: { s: number; rssMb: number }) => `${x.s.toFixed(2)} s, ${x.rssMb.toFixed(0)} MB`;
console.log(
  `data-pull scale benchmark: ${process.platform} ${process.arch}, Node ${process.version}; mlops-dvc runs on Node 24 (tools/node24)`,
);
console.log(
  '| N files | cold pull | no-op re-pull | warm pull | RSS per file (cold) | cp -r remote | cp -r cache | find -printf | no-op / find | warm / cp cache |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
let base: number | undefined;
for (const n of counts) {
  const { root, remote } = await generate(n);
  const pullArgs = [cli, 'pull', '-q', '-C', root];
  const cold = measure(process.execPath, pullArgs);
  const noop = measure(process.execPath, pullArgs);
  await rm(join(root, 'data'), { recursive: true, force: true });
  const warm = measure(process.execPath, pullArgs);
  const cpRemote = await (async () => {
    const dest = await mkdtemp(join(tmpdir(), 'scale-cp-'));
    const m = measure('cp', ['-r', join(remote, 'files'), dest]);
    await rm(dest, { recursive: true, force: true });
    return m;
  })();
  const cpCache = await (async () => {
    const dest = await mkdtemp(join(tmpdir(), 'scale-cp-'));
    const m = measure('cp', ['-r', join(root, '.dvc/cache'), dest]);
    await rm(dest, { recursive: true, force: true });
    return m;
  })();
  const find = measure('find', [join(root, 'data'), '-printf', '%s %T@\n']);
  // peak RSS per file beyond a constant: the node process alone (N=0) is ~60-80 MB; the
  // first size measured serves as the constant's estimate when more than one is run
  base ??= counts.length > 1 ? cold.rssMb : 0;
  const perFile =
    n === counts[0]
      ? `${((cold.rssMb * 1024 * 1024) / n).toFixed(0)} B (total/N)`
      : `${(((cold.rssMb - base) * 1024 * 1024) / (n - counts[0]!)).toFixed(0)} B (marginal)`;
  console.log(
    `| ${n.toLocaleString('en')} | ${f(cold)} | ${f(noop)} | ${f(warm)} | ${perFile} | ${cpRemote.s.toFixed(2)} s | ${cpCache.s.toFixed(2)} s | ${find.s.toFixed(2)} s | ${(noop.s / find.s).toFixed(1)}x | ${(warm.s / cpCache.s).toFixed(2)}x |`,
  );
  await rm(root, { recursive: true, force: true });
  await rm(remote, { recursive: true, force: true });
}
