import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';
import { RecordingLogger, UserError } from '@mlops-gha/common';
import { RUN_RECORD_SCHEMA, type RunRecord } from './record.js';
import { train, type TrainOptions } from './train.js';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/nvidia-smi');
const Ajv = ((AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule) as unknown as new (
  o: object,
) => {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown };
};
const validate = new Ajv({ allErrors: true, strict: true }).compile(RUN_RECORD_SCHEMA);

function expectValid(record: unknown): void {
  const ok = validate(record);
  expect(validate.errors ?? null).toBeNull();
  expect(ok).toBe(true);
}

const ENV = {
  GITHUB_REPOSITORY: 'octo-org/octo-repo',
  GITHUB_SHA: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_RUN_ID: '1658821493',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_ACTOR: 'octocat',
  GITHUB_WORKFLOW: 'ml',
  GITHUB_JOB: 'train',
  GITHUB_SERVER_URL: 'https://github.com',
  RUNNER_OS: 'Linux',
};

/** Literal paths only: the package takes its globbing from the caller (the action uses @actions/glob). */
const literal = async (patterns: string[], cwd: string) =>
  patterns.map((p) => join(cwd, p)).filter((p) => existsSync(p));

async function setup(overrides: Partial<TrainOptions> = {}, gpu = 'two-gpus') {
  const workspace = await mkdtemp(join(tmpdir(), 'train-ws-'));
  const logger = new RecordingLogger();
  const options: TrainOptions = {
    run: 'echo training',
    workingDirectory: workspace,
    workspace,
    requireGpu: 'auto',
    metricsFile: 'metrics.json',
    paramsFile: 'params.yaml',
    outputs: [],
    sampleIntervalSeconds: 5,
    env: { ...process.env, ...ENV },
    scriptDir: join(workspace, '.tmp'),
    recordPath: join(workspace, 'run.json'),
    expandOutputs: literal,
    logger,
    output: () => {},
    nvidiaSmi: join(fixtures, gpu, 'nvidia-smi'),
    ...overrides,
  };
  return { workspace, logger, options };
}

describe('train', () => {
  it('records params, metrics, outputs, GPU, git and timings in a run.json that matches the schema', async () => {
    const { workspace, options } = await setup({
      run: 'echo "{\\"accuracy\\": 0.93}" > metrics.json\nprintf model > model.onnx\necho "$CUDA_VISIBLE_DEVICES $CUDA_DEVICE_ORDER $MLOPS_RUN_ID $DATA_VERSION ${INPUT_RUN:-none} $PYTHONUNBUFFERED" > env.txt',
      outputs: ['model.onnx'],
      gpus: '1,',
      dataVersion: 'd41d8cd98f00b204e9800998ecf8427e',
      env: { ...process.env, ...ENV, INPUT_RUN: 'leaked?', PYTHONUNBUFFERED: undefined },
    });
    await writeFile(join(workspace, 'params.yaml'), 'train:\n  lr: 0.01\n');
    const outcome = await train(options);
    const record = JSON.parse(await readFile(join(workspace, 'run.json'), 'utf8')) as RunRecord;
    expectValid(record);
    expect(record).toEqual(outcome.record);
    expect(record).toMatchObject({
      command: options.run,
      working_directory: '.',
      repository: 'octo-org/octo-repo',
      git: { sha: ENV.GITHUB_SHA, ref: 'refs/heads/main' },
      workflow: {
        name: 'ml',
        job: 'train',
        run_id: '1658821493',
        run_attempt: '2',
        run_url: 'https://github.com/octo-org/octo-repo/actions/runs/1658821493/attempts/2',
      },
      actor: 'octocat',
      data_version: 'd41d8cd98f00b204e9800998ecf8427e',
      params_file: 'params.yaml',
      params: { train: { lr: 0.01 } },
      metrics_file: 'metrics.json',
      metrics: { accuracy: 0.93 },
      outputs: [{ path: 'model.onnx', size: 5, sha256: createHash('sha256').update('model').digest('hex') }],
      gpu: {
        probe: 'ok',
        driver_version: '550.90.07',
        cuda_version: '12.4',
        visible_devices: '1',
        summary: { count: 1, name: 'NVIDIA H100 80GB HBM3', memory_mib: 81559, driver: '550.90.07', cuda: '12.4' },
        utilization: [{ index: 1, samples: 1 }],
      },
      exit: { status: 'succeeded', code: 0, signal: null, signals_sent: [], timeout_minutes: null },
      warnings: [],
    });
    expect(record.run_id).toMatch(/^1658821493-2-[0-9a-f]{8}$/);
    expect(outcome.failure).toBeUndefined();
    // The command saw the selected GPU, the run id and the data version, but not the action's inputs.
    expect(await readFile(join(workspace, 'env.txt'), 'utf8')).toBe(
      `1 PCI_BUS_ID ${record.run_id} d41d8cd98f00b204e9800998ecf8427e none 1\n`,
    );
  });

  it('keeps a record of a failed command, with the exit code in the failure', async () => {
    const { workspace, options } = await setup({ run: 'printf partial > model.onnx\nexit 3', outputs: ['model.onnx'] });
    const outcome = await train(options);
    expect(outcome.failure?.message).toBe(
      'The training command failed with exit code 3. The run record and outputs were kept.',
    );
    const record = JSON.parse(await readFile(join(workspace, 'run.json'), 'utf8')) as RunRecord;
    expectValid(record);
    expect(record.exit).toMatchObject({ status: 'failed', code: 3 });
    expect(record.outputs.map((o) => o.path)).toEqual(['model.onnx']);
    expect(record.warnings).toEqual([
      'metrics-file metrics.json does not exist after the run: metrics recorded as {}.',
    ]);
  });

  it('warns and records when the metrics file is absent, and fails after recording when it is malformed', async () => {
    const absent = await setup();
    const ok = await train(absent.options);
    expect(ok.failure).toBeUndefined();
    expect(absent.logger.messages('warning')).toEqual([
      'metrics-file metrics.json does not exist after the run: metrics recorded as {}.',
    ]);

    const bad = await setup({
      run: 'mkdir -p out && printf "{\\n  \\"acc\\": 0.9,\\n}\\n" > out/metrics.json',
      metricsFile: 'out/metrics.json',
    });
    const outcome = await train(bad.options);
    expect(outcome.failure).toBeInstanceOf(UserError);
    expect(outcome.failure!.message).toMatch(/^metrics-file out\/metrics.json is not valid JSON at line 3, column 1: /);
    expect(outcome.failure!.location).toEqual({ file: 'out/metrics.json', line: 3, column: 1 });
    const record = JSON.parse(await readFile(join(bad.workspace, 'run.json'), 'utf8')) as RunRecord;
    expectValid(record);
    expect(record.metrics).toEqual({});
    expect(record.warnings[0]).toMatch(/^metrics-file out\/metrics.json is not valid JSON/);
  });

  it("warns when the metrics file predates the run (a stale file, not this run's result)", async () => {
    const { workspace, options, logger } = await setup({ run: 'echo not writing metrics' });
    await writeFile(join(workspace, 'metrics.json'), '{"accuracy": 0.5}');
    await utimes(join(workspace, 'metrics.json'), new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
    const outcome = await train(options);
    expect(outcome.record.metrics).toEqual({ accuracy: 0.5 });
    expect(logger.messages('warning')).toEqual([
      'metrics-file metrics.json was not written by this run (last modified 2026-01-01T00:00:00.000Z, before the command started): recorded anyway.',
    ]);
  });

  it('fails before running when params-file is malformed, gpus names a missing GPU, or a required GPU is absent', async () => {
    const params = await setup({ run: 'touch ran' });
    await writeFile(join(params.workspace, 'params.yaml'), 'lr: 0.01\nlr: 0.02\n');
    await expect(train(params.options)).rejects.toThrow(/^params-file params.yaml is not valid YAML at line 2/);
    expect(existsSync(join(params.workspace, 'ran'))).toBe(false);

    const gpus = await setup({ run: 'touch ran', gpus: '0,2' });
    await expect(train(gpus.options)).rejects.toThrow(
      'Input `gpus` names GPU index 2, which does not exist: this runner has 2 GPUs',
    );
    expect(existsSync(join(gpus.workspace, 'ran'))).toBe(false);

    const required = await setup({ run: 'touch ran', requireGpu: true }, 'no-driver');
    await expect(train(required.options)).rejects.toThrow(
      "require-gpu is true but this runner has no usable GPU: nvidia-smi failed with exit code 9: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
    );
    expect(existsSync(join(required.workspace, 'ran'))).toBe(false);
  });

  it('runs on CPU when a GPU is optional, warning about a broken driver', async () => {
    const { options, logger, workspace } = await setup({ gpus: '1' }, 'no-driver');
    const outcome = await train(options);
    expect(outcome.failure).toBeUndefined();
    expect(logger.messages('warning').slice(0, 2)).toEqual([
      "No usable GPU, running on CPU: nvidia-smi failed with exit code 9: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
      'Input `gpus: 1` is ignored: this runner has no usable GPU.',
    ]);
    const record = JSON.parse(await readFile(join(workspace, 'run.json'), 'utf8')) as RunRecord;
    expectValid(record);
    expect(record.gpu).toMatchObject({
      probe: 'no-driver',
      devices: [],
      summary: { count: 0 },
      utilization: [],
      sample_interval_seconds: null,
    });
  });

  it('records a timeout with the signals sent', async () => {
    const { options, workspace } = await setup({
      run: 'printf part > ckpt.pt\nsleep 30',
      timeoutMinutes: 0.005,
      outputs: ['ckpt.pt'],
    });
    const outcome = await train(options);
    expect(outcome.failure?.message).toBe(
      'The training command timed out after 0.005 minutes (SIGTERM sent; it ended with signal SIGTERM). The run record and outputs were kept.',
    );
    const record = JSON.parse(await readFile(join(workspace, 'run.json'), 'utf8')) as RunRecord;
    expectValid(record);
    expect(record.exit).toEqual({
      status: 'timed-out',
      code: null,
      signal: 'SIGTERM',
      signals_sent: ['SIGTERM'],
      timeout_minutes: 0.005,
    });
    expect(record.outputs).toHaveLength(1);
  });
});
