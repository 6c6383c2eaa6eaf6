/**
 * train benchmark: the overhead of the action over the bare training command, in the same run.
 * The command sleeps 5 s and writes 1 GB of outputs; it runs
 *   bare:        bash -e <script>   (what a plain `run:` step does)
 *   the action:  node dist/train/index.js, as the runner starts it, with GPU sampling on
 *                (sample-interval 1 s against the recorded-output nvidia-smi on PATH), the
 *                outputs globbed and hashed (sha256) into run.json, and the job summary written.
 * Goal: overhead under 1 s + 1% of the command's time. Three orders and shapes: outputs written
 * before the sleep (the action hashes them while the command still runs, as it would a long
 * training's checkpoints), written at the very end (hashed after the run), and one 1 GB file at
 * the end (one sha256 stream after the run: bounded by sha256 throughput, ~0.8 s/GB here).
 * The 1 GB lives in a temporary folder that is deleted after each run.
 * Run: npm run bench:train
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '../..');
const bundle = join(root, 'dist/train/index.js');
const fakeSmi = join(root, 'test/fixtures/nvidia-smi/two-gpus');
const REPEATS = 5;

const SHARDS = 'mkdir -p out\nfor i in 0 1 2 3; do head -c 268435456 /dev/zero > out/shard-$i.bin; done';
const SHAPES = {
  'writes four 256 MB shards, then sleeps 5 s (outputs appear during the run)': `${SHARDS}\nsleep 5`,
  'sleeps 5 s, then writes four 256 MB shards (all outputs in the last seconds)': `sleep 5\n${SHARDS}`,
  'sleeps 5 s, then writes one 1 GB file (worst case: one sha256 stream after the run)':
    'sleep 5\nmkdir -p out\nhead -c 1073741824 /dev/zero > out/model.bin',
};

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${command} exited ${code}: ${stderr}`));
      else resolve(Number(process.hrtime.bigint() - started) / 1e9);
    });
  });
}

async function bare(script: string): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-train-bare-'));
  try {
    await writeFile(join(dir, 'train.sh'), `${script}\n`);
    return await run('bash', ['-e', join(dir, 'train.sh')], dir, process.env);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function action(script: string): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-train-action-'));
  try {
    const files = { output: join(dir, 'output.txt'), summary: join(dir, 'summary.md') };
    await writeFile(files.output, '');
    await writeFile(files.summary, '');
    const workspace = join(dir, 'ws');
    await rm(workspace, { recursive: true, force: true });
    await (await import('node:fs/promises')).mkdir(workspace);
    const env = {
      ...process.env,
      PATH: `${fakeSmi}:${process.env.PATH}`,
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      RUNNER_TEMP: dir,
      INPUT_RUN: script,
      INPUT_OUTPUTS: 'out/*',
      'INPUT_SAMPLE-INTERVAL': '1',
      'INPUT_REQUIRE-GPU': 'auto',
      INPUT_GPUS: 'all',
      'INPUT_METRICS-FILE': 'metrics.json',
      'INPUT_PARAMS-FILE': 'params.yaml',
      'INPUT_WORKING-DIRECTORY': '.',
    };
    return await run(process.execPath, [bundle], workspace, env);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const os = await import('node:os');
  console.log(
    `train overhead benchmark: ${REPEATS} runs each, interleaved (node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)} at start)`,
  );
  for (const [shape, script] of Object.entries(SHAPES)) {
    const bareTimes: number[] = [];
    const actionTimes: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      bareTimes.push(await bare(script));
      actionTimes.push(await action(script));
    }
    console.log(`\n${shape}`);
    console.log(`  bare command       runs: ${bareTimes.map((t) => t.toFixed(2)).join(', ')} s`);
    console.log(`  through the action runs: ${actionTimes.map((t) => t.toFixed(2)).join(', ')} s`);
    // Best-of-N is the cost of the work itself on a shared machine; the median includes other load.
    for (const [label, pick] of [
      ['best of runs', (xs: number[]) => Math.min(...xs)],
      ['median', median],
    ] as const) {
      const b = pick(bareTimes);
      const a = pick(actionTimes);
      const overhead = a - b;
      const budget = 1 + 0.01 * b;
      console.log(
        `  ${label.padEnd(12)} bare ${b.toFixed(2)} s, action ${a.toFixed(2)} s: overhead ${overhead.toFixed(2)} s (ratio action/bare ${(a / b).toFixed(3)}); goal < ${budget.toFixed(2)} s (1 s + 1%): ${overhead < budget ? 'met' : 'NOT met'}, overhead/goal ${(overhead / budget).toFixed(2)}`,
      );
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
