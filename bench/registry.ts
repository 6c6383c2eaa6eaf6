/**
 * registry-push vs `aws s3 cp` on one S3 server on loopback (`npm run bench:registry`).
 *
 * The server is the conditional-write S3 double (s3rver behind a proxy that honours
 * If-None-Match/If-Match): the registry refuses servers without conditional writes, and both
 * tools go through the same proxy. In the same run:
 *   1. `aws s3 cp` of a 512 MB model file (Debian's awscli, multipart, its default 10 threads);
 *   2. registry push of the same file (the committed bundle's CLI: hash, probe, claim, upload, manifest);
 *   3. an identical re-push (must upload nothing and cost about one sha256 of the file);
 *   4. one sha256 of the file alone, for comparison.
 * Prints MB/s and ratios. BENCH_MB changes the size; BENCH_ROUNDS the repetitions (best kept).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { hashFile } from '@mlops-gha/common';
import { startConditionalS3Server } from '../test/doubles/s3-conditional.js';

const MB = Number(process.env.BENCH_MB ?? 512);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const root = join(process.cwd(), '.bench', 'registry');
const bundle = join(process.cwd(), 'dist/registry-push/index.js');

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ ms: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${stdout}\n${stderr}`));
      else resolve({ ms, stdout, stderr });
    });
  });
}

async function makeFile(path: string, mb: number): Promise<void> {
  const out = createWriteStream(path);
  const chunk = randomBytes(1 << 20);
  for (let i = 0; i < mb; i++) {
    chunk[0] = i & 0xff;
    chunk[1] = i >> 8;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
}

function findAws(): string {
  for (const p of ['/usr/bin/aws', '/usr/local/bin/aws']) if (existsSync(p)) return p;
  throw new Error('The aws CLI is not installed: apt-get install -y awscli');
}

const rate = (ms: number) => (MB * 1.048576) / (ms / 1000); // MB/s (10^6 bytes)

async function main(): Promise<void> {
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  const file = join(root, 'model.bin');
  await makeFile(file, MB);
  const aws = findAws();
  const s3 = await startConditionalS3Server({ buckets: ['bench'] });
  const env: NodeJS.ProcessEnv = { ...process.env, ...s3.env };
  delete env.AWS_CA_BUNDLE; // the machine's custom CA bundle is irrelevant on http://127.0.0.1
  try {
    const awsVersion = (await run(aws, ['--version'], env)).stdout.trim() || '(unknown)';
    const results = { aws: Infinity, ours: Infinity, repush: Infinity, hash: Infinity, start: Infinity };
    let repushOutput = '';
    for (let round = 0; round < ROUNDS; round++) {
      const a = await run(
        aws,
        ['--endpoint-url', s3.endpoint, 's3', 'cp', file, `s3://bench/aws-${round}/model.bin`, '--only-show-errors'],
        env,
      );
      results.aws = Math.min(results.aws, a.ms);
      const o = await run(
        process.execPath,
        [bundle, '--registry', `s3://bench/reg-${round}`, '--endpoint-url', s3.endpoint, 'push', 'big-model', file],
        env,
      );
      results.ours = Math.min(results.ours, o.ms);
      const before = await s3.client().send(new ListObjectsV2Command({ Bucket: 'bench', Prefix: `reg-${round}/` }));
      const writesBefore = s3.stats.accepted;
      const r = await run(
        process.execPath,
        [bundle, '--registry', `s3://bench/reg-${round}`, '--endpoint-url', s3.endpoint, 'push', 'big-model', file],
        env,
      );
      const after = await s3.client().send(new ListObjectsV2Command({ Bucket: 'bench', Prefix: `reg-${round}/` }));
      if (
        !r.stdout.includes('(existing, identical content)') ||
        (after.KeyCount ?? 0) !== (before.KeyCount ?? 0) ||
        s3.stats.accepted !== writesBefore
      ) {
        throw new Error(`The identical re-push wrote something:\n${r.stdout}\n${r.stderr}`);
      }
      repushOutput = r.stdout.trim();
      results.repush = Math.min(results.repush, r.ms);
      results.start = Math.min(results.start, (await run(process.execPath, [bundle, '--help'], env)).ms);
      const h0 = process.hrtime.bigint();
      await hashFile(file, 'sha256');
      results.hash = Math.min(results.hash, Number(process.hrtime.bigint() - h0) / 1e6);
    }
    const line = (label: string, ms: number) =>
      `${label.padEnd(44)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${rate(ms).toFixed(0).padStart(5)} MB/s`;
    console.log(
      `registry bench: ${MB} MiB file, S3 double (s3rver + conditional proxy) on loopback, best of ${ROUNDS}`,
    );
    console.log(`peer: ${awsVersion}`);
    console.log(line('aws s3 cp', results.aws));
    console.log(line('registry push (new version)', results.ours));
    console.log(line('registry push (identical re-push)', results.repush));
    console.log(line('sha256 of the file (in-process)', results.hash));
    console.log(`${'bundle start-up alone (--help)'.padEnd(44)} ${(results.start / 1000).toFixed(2).padStart(7)} s`);
    console.log(`ratio push/aws throughput:              ${(results.aws / results.ours).toFixed(2)}x (goal >= 1.0x)`);
    console.log(
      `identical re-push / one sha256:          ${(results.repush / results.hash).toFixed(2)}x; without start-up ${((results.repush - results.start) / results.hash).toFixed(2)}x (uploads nothing)`,
    );
    console.log(`re-push said: ${repushOutput}`);
  } finally {
    await s3.stop();
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
