/**
 * `npm run bench:data-pull`: our DVC pull against rclone and the server's own ceiling.
 *
 * One s3rver on loopback (in its own process, so it does not share our event loop):
 *  (a) 5,000 files of 32 KB in one tracked directory, (b) 4 files of 64 MB.
 * Cold pulls with ours vs `rclone copy` (Debian's rclone, --transfers/--checkers tuned) of the
 * same objects vs raw keep-alive HTTP GETs of the same keys at the same concurrency, writing the
 * files: once with node:http, once with our lean HTTP/1.1 client (wire.ts, the one pulls use),
 * both unsigned and unhashed: the second is the ceiling of what our client can fetch. Then a warm pull (all in the cache, workspace deleted) and a no-op pull with 10,000
 * files, and a pull from a local-folder remote vs `cp -r` of the same objects.
 * For (a) and (c) it also measures this machine's own file-creation cost (N empty files made
 * in the same folder layout, in the same run), so the ratios can be read against the limit.
 * Every figure is the best of BENCH_ROUNDS rounds (default 3), tools alternating. For the S3
 * cases each line also says how busy the server's process was (its CPU seconds over the wall
 * time: near 100% means s3rver's single thread, not the client, set the pace) and the
 * client's CPU per object (ours, or the rclone child), so the ratios can be read against them.
 * Prints files/s, MB/s and the ratios. Environment: BENCH_JOBS (default 32), BENCH_SMALL (5000),
 * BENCH_CASES (default a,b,c: the cases to run).
 * Nothing is deleted between timed runs (bench/spent.ts says why): what each run wrote is set
 * aside and removed when the benchmark ends, so it needs about 3 GB free in the temp folder.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createWriteStream, mkdirSync, openSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { Agent, get } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pLimit from 'p-limit';
import { silentLogger } from '@mlops-gha/common';
import { pull } from '@mlops-gha/dvc';
import { WireClient } from '@mlops-gha/storage';
import { startS3Server } from '../test/doubles/s3.js';
import { discard, setAside } from './spent.js';
import { cpuLine, faster, NONE, rate, timed as timedRun, type Timing } from './data-pull-timing.js';

const JOBS = Number(process.env.BENCH_JOBS ?? 32);
const SMALL = Number(process.env.BENCH_SMALL ?? 5000);
const BUCKET = 'bench';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Which cases to run (all by default): a, b, c (c: warm, no-op and the local remote). */
const CASES = new Set((process.env.BENCH_CASES ?? 'a,b,c').split(','));

if (process.argv[2] === '--serve') {
  const s3 = await startS3Server({ buckets: [BUCKET] });
  process.stdout.write(`${JSON.stringify({ endpoint: s3.endpoint, env: s3.env })}\n`);
  process.on('SIGTERM', () => void s3.stop().then(() => process.exit(0)));
  await new Promise(() => undefined);
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const key = (oid: string) => `files/md5/${oid.slice(0, 2)}/${oid.slice(2)}`;

interface Dataset {
  name: string;
  files: { rel: string; oid: string; size: number }[];
  dirOid: string;
  dirBytes: Buffer;
  bytes: number;
}

function makeDataset(name: string, count: number, size: number): { dataset: Dataset; bodies: Map<string, Buffer> } {
  const bodies = new Map<string, Buffer>();
  const files: Dataset['files'] = [];
  for (let i = 0; i < count; i++) {
    const body = randomBytes(size);
    const oid = md5(body);
    bodies.set(oid, body);
    files.push({ rel: `part-${String(i).padStart(5, '0')}.bin`, oid, size });
  }
  files.sort((a, b) => (a.rel < b.rel ? -1 : 1));
  const dirBytes = Buffer.from(`[${files.map((f) => `{"md5": "${f.oid}", "relpath": "${f.rel}"}`).join(', ')}]`);
  return { dataset: { name, files, dirOid: `${md5(dirBytes)}.dir`, dirBytes, bytes: count * size }, bodies };
}

async function repoFor(dataset: Dataset, config: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), `bench-${dataset.name}-`));
  await mkdir(join(root, '.dvc'), { recursive: true });
  await writeFile(join(root, '.dvc/config'), config);
  await writeFile(
    join(root, `${dataset.name}.dvc`),
    `outs:\n- md5: ${dataset.dirOid}\n  size: ${dataset.bytes}\n  nfiles: ${dataset.files.length}\n  hash: md5\n  path: ${dataset.name}\n`,
  );
  return root;
}

function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv): void {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: env ?? process.env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr?.toString()}`);
}

// ---- the server, in its own process
const server = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--serve'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
process.on('exit', () => server.kill('SIGTERM')); // also when the benchmark fails
const timed = <T>(fn: () => Promise<T>) => timedRun(fn, server.pid);
const info = await new Promise<{ endpoint: string; env: Record<string, string> }>((resolve) => {
  server.stdout!.once('data', (d: Buffer) => resolve(JSON.parse(d.toString().split('\n')[0]!)));
});
for (const [k, v] of Object.entries(info.env)) process.env[k] = v;
const { S3Client } = await import('@aws-sdk/client-s3');
const client = new S3Client({
  endpoint: info.endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
});

async function upload(prefix: string, dataset: Dataset, bodies: Map<string, Buffer>): Promise<void> {
  const limit = pLimit(32);
  await Promise.all([
    ...[...bodies].map(([oid, body]) =>
      limit(() =>
        client.send(
          new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}/${key(oid)}`, Body: body, ACL: 'public-read' }),
        ),
      ),
    ),
    limit(() =>
      client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: `${prefix}/${key(dataset.dirOid)}`,
          Body: dataset.dirBytes,
          ACL: 'public-read',
        }),
      ),
    ),
  ]);
}

async function writeLocal(remote: string, dataset: Dataset, bodies: Map<string, Buffer>): Promise<void> {
  const limit = pLimit(16);
  await Promise.all(
    [...bodies, [dataset.dirOid, dataset.dirBytes] as const].map(([oid, body]) =>
      limit(async () => {
        const p = join(remote, key(oid));
        await mkdir(dirname(p), { recursive: true });
        await writeFile(p, body);
      }),
    ),
  );
}

/**
 * Runs `getInto(oid, path)` for every file of the dataset, JOBS at a time, into a fresh folder
 * in the cache layout: one mkdir per folder, and every GET into it waits for that mkdir.
 */
async function rawRun(
  name: string,
  dataset: Dataset,
  getInto: (oid: string, path: string) => Promise<void>,
): Promise<Timing> {
  const dest = await mkdtemp(join(tmpdir(), `bench-${name}-`));
  const limit = pLimit(JOBS);
  const dirs = new Map<string, Promise<unknown>>();
  const timing = await timed(() =>
    Promise.all(
      dataset.files.map((f) =>
        limit(async () => {
          const path = join(dest, key(f.oid));
          const d = dirname(path);
          if (!dirs.has(d)) dirs.set(d, mkdir(d, { recursive: true }));
          await dirs.get(d);
          await getInto(f.oid, path);
        }),
      ),
    ),
  );
  await discard(dest, dataset.files.length);
  return timing;
}

/** Plain keep-alive node:http GETs, each piped to its file. */
async function rawGets(prefix: string, dataset: Dataset): Promise<Timing> {
  const agent = new Agent({ keepAlive: true, maxSockets: JOBS });
  const timing = await rawRun(
    'raw',
    dataset,
    (oid, path) =>
      new Promise<void>((resolve, reject) => {
        get(`${info.endpoint}/${BUCKET}/${prefix}/${key(oid)}`, { agent }, (res) => {
          if (res.statusCode !== 200) reject(new Error(`GET ${res.statusCode}`));
          pipeline(res, createWriteStream(path)).then(resolve, reject);
        }).on('error', reject);
      }),
  );
  agent.destroy();
  return timing;
}

/** The same GETs on the lean client the pulls use, each body written as it comes (as pulls do). */
async function leanGets(prefix: string, dataset: Dataset): Promise<Timing> {
  const url = new URL(info.endpoint);
  const client = new WireClient({ secure: false, host: url.hostname, port: Number(url.port) }, { maxSockets: JOBS });
  const timing = await rawRun('lean', dataset, async (oid, path) => {
    const res = await client.get(`/${BUCKET}/${prefix}/${key(oid)}`, { host: url.host });
    if (res.statusCode !== 200) throw new Error(`GET ${res.statusCode}`);
    const fd = openSync(path, 'w');
    try {
      await res.read((chunk) => void writeSync(fd, chunk));
    } finally {
      closeSync(fd);
    }
  });
  client.close();
  return timing;
}

function rclone(prefix: string, files: number): Promise<Timing> {
  return (async () => {
    const dest = await mkdtemp(join(tmpdir(), 'bench-rclone-'));
    const env = { ...process.env };
    delete env.AWS_CA_BUNDLE;
    Object.assign(env, {
      RCLONE_CONFIG_BENCH_TYPE: 's3',
      RCLONE_CONFIG_BENCH_PROVIDER: 'Other',
      RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: 'S3RVER',
      RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: 'S3RVER',
      RCLONE_CONFIG_BENCH_ENDPOINT: info.endpoint,
      RCLONE_CONFIG_BENCH_REGION: 'us-east-1',
    });
    const timing = await timed(async () =>
      run(
        'rclone',
        [
          'copy',
          `bench:${BUCKET}/${prefix}/files/md5`,
          dest,
          '--transfers',
          String(JOBS),
          '--checkers',
          String(JOBS),
          '--fast-list',
          '--no-traverse',
        ],
        env,
      ),
    );
    await discard(dest, files);
    return timing;
  })();
}

async function ours(dataset: Dataset, prefix: string, linkType: 'copy' | 'hardlink' = 'copy'): Promise<Timing> {
  const root = await repoFor(
    dataset,
    `[core]\n  remote = s3\n['remote "s3"']\n  url = s3://${BUCKET}/${prefix}\n  endpointurl = ${info.endpoint}\n`,
  );
  const timing = await timed(() =>
    pull({ cwd: root, jobs: JOBS, linkType, logger: silentLogger, includeGlobalConfig: false }),
  );
  if (timing.value.files !== dataset.files.length || timing.value.downloadedFiles !== dataset.files.length)
    throw new Error('incomplete pull');
  await discard(root, dataset.files.length);
  return timing;
}

/** The machine's own cost of creating `oids.length` empty files in the cache's folder layout (open O_CREAT|O_EXCL + close). */
async function fileCreation(oids: string[]): Promise<number> {
  const dest = await mkdtemp(join(tmpdir(), 'bench-create-'));
  const { ms } = await timed(async () => {
    const made = new Set<string>();
    for (const oid of oids) {
      const dir = join(dest, oid.slice(0, 2));
      if (!made.has(dir)) {
        mkdirSync(dir);
        made.add(dir);
      }
      closeSync(openSync(join(dir, oid.slice(2)), 'wx'));
    }
  });
  setAside(dest);
  return ms;
}

const results: string[] = [];
const line = (s: string) => {
  results.push(s);
  console.log(s);
};

console.log(
  `data-pull benchmark: s3rver on loopback, concurrency ${JOBS}, ${process.platform} ${process.arch}, Node ${process.version}`,
);
for (const [name, count, size] of [
  ['a', SMALL, 32 * 1024],
  ['b', 4, 64 * 1024 * 1024],
] as const) {
  if (!CASES.has(name)) continue;
  const { dataset, bodies } = makeDataset(name, count, size);
  process.stdout.write(`uploading (${name}) ${count} x ${size / 1024} KB ...`);
  const up = await timed(() => upload(name, dataset, bodies));
  console.log(` ${(up.ms / 1000).toFixed(1)} s`);
  bodies.clear();
  // alternate the order over two rounds and keep the best of each, to even out warm-up effects
  const best = { ours: NONE, hardlink: NONE, rclone: NONE, raw: NONE, lean: NONE, create: Infinity };
  for (let round = 0; round < ROUNDS; round++) {
    if (count > 100) best.create = Math.min(best.create, await fileCreation(dataset.files.map((f) => f.oid)));
    best.raw = faster(best.raw, await rawGets(name, dataset));
    best.lean = faster(best.lean, await leanGets(name, dataset));
    best.rclone = faster(best.rclone, await rclone(name, count));
    best.ours = faster(best.ours, await ours(dataset, name));
    best.hardlink = faster(best.hardlink, await ours(dataset, name, 'hardlink'));
  }
  line(`(${name}) ${count} x ${size >= 1 << 20 ? `${size >> 20} MB` : `${size >> 10} KB`}, cold pull from S3`);
  line(
    `  ours      ${rate(count, dataset.bytes, best.ours.ms)}   ${cpuLine(best.ours, count)}   (link-type copy: cache + workspace copy)`,
  );
  line(
    `  ours hl   ${rate(count, dataset.bytes, best.hardlink.ms)}   ${cpuLine(best.hardlink, count)}   (link-type hardlink)`,
  );
  line(`  rclone    ${rate(count, dataset.bytes, best.rclone.ms)}   ${cpuLine(best.rclone, count)}`);
  line(
    `  raw GETs  ${rate(count, dataset.bytes, best.raw.ms)}   ${cpuLine(best.raw, count)}   (node:http, unsigned, no hashing)`,
  );
  line(
    `  lean GETs ${rate(count, dataset.bytes, best.lean.ms)}   ${cpuLine(best.lean, count)}   (our HTTP client, unsigned, no hashing)`,
  );
  if (count > 100)
    line(
      `  this machine: ${count} empty-file creations ${(best.create / 1000).toFixed(2)} s (ours writes 2 files per object with copy)`,
    );
  line(
    `  ours/rclone ${(best.rclone.ms / best.ours.ms).toFixed(2)}x   ours/raw-GET ceiling ${((best.raw.ms / best.ours.ms) * 100).toFixed(0)}%` +
      ` (lean ${((best.lean.ms / best.ours.ms) * 100).toFixed(0)}%)` +
      `   (hardlink: ${(best.rclone.ms / best.hardlink.ms).toFixed(2)}x, ${((best.raw.ms / best.hardlink.ms) * 100).toFixed(0)}%, lean ${((best.lean.ms / best.hardlink.ms) * 100).toFixed(0)}%)`,
  );
}

// ---- warm, no-op, and local remote vs cp -r
if (CASES.has('c')) {
  const { dataset, bodies } = makeDataset('c', 10_000, 4 * 1024);
  const remote = await mkdtemp(join(tmpdir(), 'bench-local-remote-'));
  await writeLocal(remote, dataset, bodies);
  bodies.clear();
  const root = await repoFor(dataset, '');
  // rounds alternating, best of each (small-file creation times vary a lot here)
  const best = {
    cold: Infinity,
    hardlink: Infinity,
    symlink: Infinity,
    cp: Infinity,
    create: Infinity,
    warm: Infinity,
    cpCache: Infinity,
    noop: Infinity,
    find: Infinity,
  };
  const fresh = async () => {
    setAside(join(root, 'c'));
    setAside(join(root, '.dvc'));
    await mkdir(join(root, '.dvc'));
    await writeFile(join(root, '.dvc/config'), `[core]\n  remote = local\n['remote "local"']\n  url = ${remote}\n`);
  };
  const pullHere = (linkType?: 'copy' | 'hardlink' | 'symlink') =>
    timed(() => pull({ cwd: root, jobs: JOBS, linkType, logger: silentLogger, includeGlobalConfig: false }));
  const cpTo = async (src: string) => {
    const dest = await mkdtemp(join(tmpdir(), 'bench-cp-'));
    const copy = await timed(async () => run('cp', ['-r', src, dest]));
    setAside(dest);
    return copy.ms;
  };
  for (let round = 0; round < ROUNDS; round++) {
    best.create = Math.min(best.create, await fileCreation(dataset.files.map((f) => f.oid)));
    for (const linkType of ['hardlink', 'symlink'] as const) {
      await fresh();
      const t = await pullHere(linkType);
      if (t.value.downloadedFiles !== 10_000) throw new Error(`${linkType} pull did not fetch every object`);
      best[linkType] = Math.min(best[linkType], t.ms);
    }
    await fresh();
    const cold = await pullHere();
    if (cold.value.downloadedFiles !== 10_000) throw new Error('cold pull did not fetch every object');
    best.cold = Math.min(best.cold, cold.ms);
    best.cp = Math.min(best.cp, await cpTo(join(remote, 'files')));
    const noop = await pullHere();
    if (noop.value.changedFiles !== 0) throw new Error('no-op pull changed files');
    best.noop = Math.min(best.noop, noop.ms);
    best.find = Math.min(
      best.find,
      (await timed(async () => run('find', [join(root, 'c'), '-printf', '%s %T@\n']))).ms,
    );
    setAside(join(root, 'c'));
    const warm = await pullHere();
    if (warm.value.fromCache !== 10_000 || warm.value.changedFiles !== 10_000)
      throw new Error('warm pull did not check out from the cache');
    best.warm = Math.min(best.warm, warm.ms);
    best.cpCache = Math.min(best.cpCache, await cpTo(join(root, '.dvc/cache')));
  }
  line('(c) 10,000 x 4 KB from a local-folder remote');
  line(`  ours cold ${rate(10_000, dataset.bytes, best.cold)}   (copy: cache + workspace)`);
  line(`  ours hl   ${rate(10_000, dataset.bytes, best.hardlink)}`);
  line(`  ours sym  ${rate(10_000, dataset.bytes, best.symlink)}`);
  line(`  cp -r     ${rate(10_000, dataset.bytes, best.cp)}`);
  line(`  this machine: 10000 empty-file creations ${(best.create / 1000).toFixed(2)} s`);
  line(
    `  ours/cp -r: copy ${(best.cp / best.cold).toFixed(2)}x, hardlink ${(best.cp / best.hardlink).toFixed(2)}x, symlink ${(best.cp / best.symlink).toFixed(2)}x (ours also verifies every md5 and fills the cache)`,
  );
  line(
    `  warm pull (cache full, workspace deleted) ${rate(10_000, dataset.bytes, best.warm)}; cp -r of the cache ${(best.cpCache / 1000).toFixed(2)} s: warm/cp ${(best.warm / best.cpCache).toFixed(2)}x`,
  );
  line(
    `  no-op pull (workspace current) ${(best.noop / 1000).toFixed(2)} s; find -printf '%s %T@' ${(best.find / 1000).toFixed(2)} s: no-op/find ${(best.noop / best.find).toFixed(1)}x`,
  );
  setAside(root);
  setAside(remote);
}

client.destroy();
server.kill('SIGTERM');
