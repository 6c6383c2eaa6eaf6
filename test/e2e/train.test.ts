import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactServiceDouble } from '../doubles/artifact-service.js';
import {
  NODE_VERSIONS,
  repoRoot,
  runAction,
  startAction,
  type ActionResult,
  type NodeChoice,
  type RunningAction,
} from '../harness/run-action.js';
import { readRunRecord } from './run-record-contract.js';

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const fakeSmi = (name: string) => join(repoRoot, 'test/fixtures/nvidia-smi', name);
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

let service: ArtifactServiceDouble;
beforeAll(async () => {
  service = await ArtifactServiceDouble.start();
});
afterAll(async () => {
  await service.close();
});

let counter = 0;
/** A workspace with params.yaml, an env with the fake nvidia-smi first on PATH and the artifact service. */
async function project(gpu: string | null = 'two-gpus') {
  const workspace = await mkdtemp(join(tmpdir(), 'train-e2e-'));
  await writeFile(join(workspace, 'params.yaml'), 'train:\n  lr: 0.01\n  epochs: 3\nseed: 7\n');
  const state = join(workspace, '..', `${workspace.split('/').pop()}-smi-state`);
  const env: Record<string, string> = {
    ...service.env(),
    PATH: gpu ? `${fakeSmi(gpu)}:${process.env.PATH}` : process.env.PATH!,
    NVIDIA_SMI_FAKE_STATE: state,
  };
  counter += 1;
  return { workspace, env, artifact: `run-${counter}-${Date.now()}` };
}

/** Waits until the command has written `started` in the workspace (so a cancel reaches it running). */
async function untilStarted(running: RunningAction, workspace: string): Promise<void> {
  let failed: unknown;
  running.result.catch((error: unknown) => (failed = error ?? 'failed'));
  const deadline = Date.now() + 20_000;
  while (!existsSync(join(workspace, 'started')) && !failed && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  if (failed) throw failed;
}

const errors = (result: ActionResult) => result.annotations.filter((a) => a.level === 'error');
const warnings = (result: ActionResult) =>
  result.annotations.filter((a) => a.level === 'warning').map((a) => a.message);

const TRAIN = [
  'echo "epoch 1/3 loss=0.9"',
  'mkdir -p out',
  'printf "ONNX-MODEL-BYTES" > out/model.onnx',
  'printf "tokenizer" > out/vocab.txt',
  'printf "{\\"accuracy\\": 0.931, \\"f1\\": 0.905, \\"confusion\\": [[5, 1], [0, 4]]}" > metrics.json',
  'echo "visible=$CUDA_VISIBLE_DEVICES" > env.txt',
].join('\n');

describe.each(NODE_VERSIONS)('train on Node %s', (node: NodeChoice) => {
  it('runs the command, records the run, uploads run.json and the outputs, and sets every output', async () => {
    const { workspace, env, artifact } = await project();
    const result = await runAction('train', {
      node,
      cwd: workspace,
      env,
      inputs: {
        run: TRAIN,
        outputs: 'out/model.onnx\nout/*\n!out/*.tmp',
        'artifact-name': artifact,
        gpus: '0,1',
        'data-version': 'md5:0f3e1d2c',
        'sample-interval': '1',
      },
    });
    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);

    const run = await readRunRecord(workspace);
    expect(run.command).toBe(TRAIN);
    expect(run.params).toEqual({ train: { lr: 0.01, epochs: 3 }, seed: 7 });
    expect(run.metrics).toEqual({
      accuracy: 0.931,
      f1: 0.905,
      confusion: [
        [5, 1],
        [0, 4],
      ],
    });
    expect(run.outputs).toEqual([
      { path: 'out/model.onnx', sha256: sha256('ONNX-MODEL-BYTES'), size: 16 },
      { path: 'out/vocab.txt', sha256: sha256('tokenizer'), size: 9 },
    ]);
    expect(run).toMatchObject({
      repository: 'octo-org/octo-repo',
      git: { sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e', ref: 'refs/heads/main' },
      workflow: { run_url: 'https://github.com/octo-org/octo-repo/actions/runs/1658821493', job: 'test' },
      actor: 'octocat',
      data_version: 'md5:0f3e1d2c',
      exit: { status: 'succeeded', code: 0, signal: null },
      gpu: {
        probe: 'ok',
        cuda_version: '12.4',
        driver_version: '550.90.07',
        visible_devices: '0,1',
        sample_interval_seconds: 1,
      },
    });
    expect(run.gpu.utilization.map((u) => u.index)).toEqual([0, 1]);
    // Recorded readings of GPU 0 cycle 97, 88, 100 %: however many samples a loaded machine takes.
    expect(run.gpu.utilization[0]!.samples).toBeGreaterThanOrEqual(1);
    expect([97, 100]).toContain(run.gpu.utilization[0]!.utilization_percent.max);
    expect(await readFile(join(workspace, 'env.txt'), 'utf8')).toBe('visible=0,1\n');

    expect(result.outputs).toEqual({
      'run-id': run.run_id,
      metrics: JSON.stringify(run.metrics),
      'model-path': 'out/model.onnx',
      'run-record': 'run.json',
      'artifact-id': String(service.artifact(artifact)!.id),
      gpu: JSON.stringify({
        count: 2,
        name: 'NVIDIA H100 80GB HBM3',
        memory_mib: 81559,
        driver: '550.90.07',
        cuda: '12.4',
      }),
      'duration-seconds': String(run.duration_seconds),
    });

    // The bytes that reached the artifact service.
    const files = service.files(artifact);
    expect([...files.keys()].sort()).toEqual(['out/model.onnx', 'out/vocab.txt', 'run.json']);
    expect(files.get('out/model.onnx')!.toString()).toBe('ONNX-MODEL-BYTES');
    expect(files.get('run.json')!.toString()).toBe(await readFile(join(workspace, 'run.json'), 'utf8'));

    // The command's output is folded into a group; the summary has the four tables.
    const start = result.log.findIndex((l) => l.startsWith('##[group]Run echo "epoch 1/3 loss=0.9"'));
    expect(start).toBeGreaterThanOrEqual(0);
    expect(result.log[start + 1]).toBe('epoch 1/3 loss=0.9');
    expect(result.log[start + 2]).toBe('##[endgroup]');
    expect(result.summary).toContain('Training run succeeded in');
    expect(result.summary).toContain('<td>train.lr</td><td>0.01</td>');
    expect(result.summary).toContain('<td>accuracy</td><td>0.931</td>');
    expect(result.summary).toContain('<td>0</td><td>NVIDIA H100 80GB HBM3</td><td>81559</td>');
    expect(result.summary).toContain(`<td>out/model.onnx</td><td>16 B</td><td>${sha256('ONNX-MODEL-BYTES')}</td>`);
  });

  it('forwards a workflow cancel to the command and still records and uploads the run', async () => {
    const { workspace, env, artifact } = await project();
    // A Python training loop under bash: the signal must reach the grandchild.
    await writeFile(
      join(workspace, 'train.py'),
      [
        'import pathlib, time',
        "pathlib.Path('checkpoint.pt').write_text('partial')",
        "pathlib.Path('started').touch()",
        'try:',
        '    while True:',
        '        time.sleep(0.1)',
        'except KeyboardInterrupt:',
        "    pathlib.Path('signal.txt').write_text('KeyboardInterrupt\\n')",
        '    raise SystemExit(130)',
        '',
      ].join('\n'),
    );
    const running = startAction('train', {
      node,
      cwd: workspace,
      env,
      inputs: { run: `${PYTHON} train.py`, outputs: 'checkpoint.pt', 'artifact-name': artifact },
    });
    await untilStarted(running, workspace);
    const result = await running.cancel();
    // Only the action's node process was signalled (as the runner does): the command heard it through us.
    expect(await readFile(join(workspace, 'signal.txt'), 'utf8')).toBe('KeyboardInterrupt\n');
    expect(result.signal).toBeNull();
    expect(result.exitCode).toBe(1);
    expect(errors(result).map((a) => a.message)).toEqual([
      'The training command was cancelled (SIGINT forwarded; it ended with exit code 130). The run record and outputs were kept.',
    ]);
    const run = await readRunRecord(workspace);
    expect(run.exit).toMatchObject({ status: 'cancelled', code: 130, signals_sent: ['SIGINT'] });
    expect(run.outputs).toEqual([{ path: 'checkpoint.pt', sha256: sha256('partial'), size: 7 }]);
    expect([...service.files(artifact).keys()].sort()).toEqual(['checkpoint.pt', 'run.json']);
    expect(result.outputs['artifact-id']).toBe(String(service.artifact(artifact)!.id));
  });
});

describe('train on Node 20: failures and bad input', () => {
  it("fails with the command's exit code, keeping the record and the partial outputs in the artifact", async () => {
    const { workspace, env, artifact } = await project();
    const result = await runAction('train', {
      cwd: workspace,
      env,
      inputs: {
        run: 'printf half > model.onnx\necho "CUDA out of memory" >&2\nexit 3\necho unreachable',
        outputs: 'model.onnx',
        'artifact-name': artifact,
      },
    });
    expect(result.exitCode).toBe(1);
    expect(errors(result)).toEqual([
      {
        level: 'error',
        title: 'Training failed',
        message:
          'The training command failed with exit code 3. The run record and outputs were kept.\nFix: Read the command\'s output in the "Run ..." group above; run it locally with `bash -e` to reproduce.',
      },
    ]);
    expect(result.log).toContain('CUDA out of memory');
    expect(result.log).not.toContain('unreachable');
    const run = await readRunRecord(workspace);
    expect(run.exit).toMatchObject({ status: 'failed', code: 3 });
    expect(service.files(artifact).get('model.onnx')!.toString()).toBe('half');
    expect(result.outputs['model-path']).toBe('model.onnx');
  });

  it('stops a command that ignores SIGINT once the runner sends SIGTERM, and still records the run', async () => {
    const { workspace, env } = await project();
    const running = startAction('train', {
      cwd: workspace,
      env,
      inputs: { run: 'trap "" INT\ntouch started\nwhile true; do sleep 0.1 || true; done' },
    });
    await untilStarted(running, workspace);
    const result = await running.cancel({ sigtermAfterMs: 1000, killAfterMs: 10_000 });
    expect(result.signal).toBeNull(); // the action ended by itself before the runner's kill
    expect(result.exitCode).toBe(1);
    const run = await readRunRecord(workspace);
    expect(run.exit).toMatchObject({ status: 'cancelled', signal: 'SIGTERM', signals_sent: ['SIGINT', 'SIGTERM'] });
    expect(errors(result)[0]!.message).toMatch(
      /^The training command was cancelled \(SIGINT, SIGTERM forwarded; it ended with signal SIGTERM\)/,
    );
  });

  it('fails on a missing run input', async () => {
    const { workspace, env } = await project();
    const result = await runAction('train', { cwd: workspace, env, inputs: {} });
    expect(result.exitCode).toBe(1);
    expect(errors(result)[0]!.message).toMatch(/^Input required and not supplied: run/);
    expect(existsSync(join(workspace, 'run.json'))).toBe(false);
  });

  it('warns when metrics-file is absent after the run, and still succeeds', async () => {
    const { workspace, env } = await project();
    const result = await runAction('train', { cwd: workspace, env, inputs: { run: 'echo no metrics today' } });
    expect(result.exitCode).toBe(0);
    expect(warnings(result)).toEqual([
      'metrics-file metrics.json does not exist after the run: metrics recorded as {}.',
    ]);
    expect(result.outputs.metrics).toBe('{}');
    expect((await readRunRecord(workspace)).warnings).toEqual([
      'metrics-file metrics.json does not exist after the run: metrics recorded as {}.',
    ]);
  });

  it('fails on malformed metrics with the file and line, after recording and uploading the run', async () => {
    const { workspace, env, artifact } = await project();
    await mkdir(join(workspace, 'ml'));
    const result = await runAction('train', {
      cwd: workspace,
      env,
      inputs: {
        run: 'printf "epoch,loss\\n1,0.9\\n2,0.5,oops\\n" > history.csv',
        'working-directory': 'ml',
        'metrics-file': 'history.csv',
        'artifact-name': artifact,
      },
    });
    expect(result.exitCode).toBe(1);
    expect(errors(result)).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          /^metrics-file ml\/history.csv line 3: 3 values for 2 columns \(epoch, loss\)\nFix: /,
        ),
        file: 'ml/history.csv',
        line: 3,
      }),
    ]);
    const run = await readRunRecord(workspace, 'ml/run.json');
    expect(run.working_directory).toBe('ml');
    expect(result.outputs['run-record']).toBe('ml/run.json');
    expect([...service.files(artifact).keys()]).toEqual(['run.json']);
  });

  it('fails on a malformed params-file before running anything', async () => {
    const { workspace, env } = await project();
    await writeFile(join(workspace, 'params.json'), '{"lr": 0.01,\n "epochs": }\n');
    const result = await runAction('train', {
      cwd: workspace,
      env,
      inputs: { run: 'touch ran', 'params-file': 'params.json' },
    });
    expect(result.exitCode).toBe(1);
    expect(errors(result)).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^params-file params.json is not valid JSON at line 2, column 12: /),
        file: 'params.json',
        line: 2,
        col: 12,
      }),
    ]);
    expect(existsSync(join(workspace, 'ran'))).toBe(false);
  });

  it.each<{ what: string; gpu: string; inputs: Record<string, string>; message: unknown }>([
    {
      what: 'a gpus index that does not exist, naming the GPUs there are',
      gpu: 'two-gpus',
      inputs: { gpus: '1,2' },
      message:
        'Input `gpus` names GPU index 2, which does not exist: this runner has 2 GPUs: 0 (NVIDIA H100 80GB HBM3), 1 (NVIDIA H100 80GB HBM3)\nFix: Use indices from the list above (nvidia-smi numbering), e.g. `gpus: 0,1`.',
    },
    {
      what: 'a timeout-minutes that is not a number',
      gpu: 'two-gpus',
      inputs: { 'timeout-minutes': 'ten' },
      message:
        'Input `timeout-minutes` must be a number of at least 0, got "ten"\nFix: Set `timeout-minutes:` to a number of at least 0, or remove it to use the default.',
    },
    {
      what: 'require-gpu: true when the driver is missing',
      gpu: 'no-driver',
      inputs: { 'require-gpu': 'true' },
      message: expect.stringMatching(
        /^require-gpu is true but this runner has no usable GPU: nvidia-smi failed with exit code 9: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver/,
      ),
    },
  ])('fails fast on $what, without running the command', async ({ gpu, inputs, message }) => {
    const { workspace, env } = await project(gpu);
    const result = await runAction('train', { cwd: workspace, env, inputs: { run: 'touch ran', ...inputs } });
    expect(result.exitCode).toBe(1);
    expect(errors(result)[0]!.message).toEqual(message);
    expect(existsSync(join(workspace, 'ran'))).toBe(false);
  });

  it('stops a command that runs past timeout-minutes, and records it as timed out', async () => {
    const { workspace, env, artifact } = await project(null);
    const result = await runAction('train', {
      cwd: workspace,
      env,
      inputs: {
        run: 'printf ep1 > ckpt.pt\nsleep 60',
        'timeout-minutes': '0.02',
        outputs: 'ckpt.pt',
        'artifact-name': artifact,
      },
    });
    expect(result.exitCode).toBe(1);
    expect(errors(result)[0]!.message).toMatch(
      /^The training command timed out after 0.02 minutes \(SIGTERM sent; it ended with signal SIGTERM\)/,
    );
    const run = await readRunRecord(workspace);
    expect(run.exit).toMatchObject({ status: 'timed-out', signal: 'SIGTERM', timeout_minutes: 0.02 });
    // A CPU runner: no nvidia-smi at all.
    expect(run.gpu).toMatchObject({ probe: 'not-installed', summary: { count: 0 } });
    expect(result.outputs.gpu).toBe(
      JSON.stringify({ count: 0, name: null, memory_mib: null, driver: null, cuda: null }),
    );
    expect(service.files(artifact).get('ckpt.pt')!.toString()).toBe('ep1');
  });
});
