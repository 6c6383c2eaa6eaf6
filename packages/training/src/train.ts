import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import {
  ProgressMeter,
  UserError,
  describeError,
  formatBytes,
  formatDuration,
  isUserError,
  startProgressTicker,
  type Logger,
} from '@mlops-gha/common';
import { describeExit, runCommand, type CommandOptions, type CommandResult } from './command.js';
import { readValuesFile, type Values } from './files.js';
import { gpuIdentity, parseGpuSpec, probeGpus, selectGpus, type GpuDevice, type GpuProbe } from './gpu.js';
import { OutputHashCache } from './output-cache.js';
import {
  newRunId,
  recordDevices,
  runContextFromEnv,
  writeRunRecord,
  type RecordedOutput,
  type RunContext,
  type RunRecord,
} from './record.js';
import { GpuSampler, type GpuUtilization } from './sampler.js';
import type { Cancellation } from './signals.js';

export interface TrainOptions {
  /** The training command (the `run` input), run as a bash script. */
  run: string;
  /** Absolute; the command's cwd, and the base of metrics-file, params-file and outputs. */
  workingDirectory: string;
  /** Absolute; paths in messages and annotations are relative to it (GITHUB_WORKSPACE). */
  workspace: string;
  requireGpu: 'auto' | boolean;
  /** The `gpus` input: all, a count, or indices. */
  gpus?: string;
  timeoutMinutes?: number;
  /** SIGTERM-to-SIGKILL grace on a timeout [10 s]. */
  graceMs?: number;
  metricsFile: string;
  paramsFile: string;
  /** Glob patterns of the files to keep, relative to the working directory. */
  outputs: string[];
  /** 0 turns sampling off. */
  sampleIntervalSeconds: number;
  dataVersion?: string;
  /** The environment the command starts from (the action's own). */
  env: NodeJS.ProcessEnv;
  /** Where the script file goes (RUNNER_TEMP). */
  scriptDir: string;
  /** Absolute path of run.json. */
  recordPath: string;
  /** Expands the output patterns to absolute file paths, the first pattern's matches first. */
  expandOutputs: (patterns: string[], cwd: string) => Promise<string[]>;
  /** Log folding around the command's output (`::group::` in Actions). */
  groups?: { start(title: string): void; end(): void };
  cancellation?: Cancellation;
  logger: Logger;
  nvidiaSmi?: string;
  output?: CommandOptions['output'];
  /** How often outputs are looked for and hashed during the run [1 s]. */
  outputScanIntervalMs?: number;
  context?: RunContext;
  runId?: string;
}

export interface TrainOutcome {
  record: RunRecord;
  recordPath: string;
  /** Absolute paths of the recorded outputs, in record order (the first is the model). */
  outputFiles: string[];
  command: CommandResult;
  /** Why the step must fail (the command failed, was cancelled or timed out; malformed metrics), if it must. */
  failure?: UserError;
}

const toPosix = (p: string) => p.split(sep).join('/');

/** Environment variables a `run:` step does not see and the training command must not either. */
const WITHHELD =
  /^(INPUT_|STATE_)|^(ACTIONS_RUNTIME_TOKEN|ACTIONS_ID_TOKEN_REQUEST_TOKEN|ACTIONS_ID_TOKEN_REQUEST_URL|ACTIONS_RESULTS_URL|ACTIONS_RUNTIME_URL|ACTIONS_CACHE_URL)$/;

function firstLine(run: string): string {
  const line =
    run
      .split(/\r?\n/)
      .find((l) => l.trim() !== '')
      ?.trim() ?? run.trim();
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

/**
 * Probes the GPUs, runs the command while sampling them, and writes run.json: what ran, on
 * what data, with which params, on which GPU, how long, what it produced. Bad inputs that can
 * be known before the run (params-file, gpus, require-gpu) throw before the command starts; a
 * failed, cancelled or timed-out command still produces a record (and `failure`).
 */
export async function train(options: TrainOptions): Promise<TrainOutcome> {
  const { logger } = options;
  if (options.run.trim() === '') {
    throw new UserError('Input `run` is empty: there is no training command to run', {
      fix: 'Set `run:` to the training command, e.g. `run: python train.py`.',
    });
  }
  const wd = options.workingDirectory;
  const display = (abs: string) => toPosix(relative(options.workspace, abs) || '.');
  const context = options.context ?? runContextFromEnv(options.env);
  const runId = options.runId ?? newRunId(context);
  const warnings: string[] = [];
  const warn = (message: string, file?: string) => {
    warnings.push(message);
    logger.warning(message, file ? { file } : undefined);
  };

  const gpuSpec = parseGpuSpec(options.gpus);

  // Params are an input of the run: a malformed file fails before any GPU time is spent.
  const paramsPath = resolve(wd, options.paramsFile);
  const params = await readValuesFile(paramsPath, { kind: 'params-file', file: display(paramsPath) });
  if (!params.found) logger.info(`No params file at ${display(paramsPath)}: params recorded as {}.`);

  const probe = await probeGpus({ nvidiaSmi: options.nvidiaSmi, env: options.env });
  let selected: GpuDevice[] = [];
  let visibleDevices: string | null = null;
  if (probe.status === 'ok') {
    const selection = selectGpus(gpuSpec, probe.devices);
    selected = selection.selected;
    visibleDevices = selection.visibleDevices;
    const inherited = options.env.CUDA_VISIBLE_DEVICES;
    if (visibleDevices === null && inherited !== undefined && /^\d+(,\d+)*$/.test(inherited)) {
      // The runner already narrows the GPUs (e.g. a self-hosted runner per GPU): record those.
      const indices = inherited.split(',').map(Number);
      selected = probe.devices.filter((d) => indices.includes(d.index));
      visibleDevices = inherited;
    }
    logger.info(
      `GPU: ${selected.length} of ${probe.devices.length} (${selected.map((d) => `${d.index}: ${d.name}, ${d.memoryTotalMiB ?? '?'} MiB`).join('; ')}), driver ${probe.driverVersion ?? 'unknown'}, CUDA ${probe.cudaVersion ?? 'unknown'}`,
    );
  } else {
    explainNoGpu(options, probe, gpuSpec.kind !== 'all', warn, logger);
  }

  const childEnv: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(options.env)) if (!WITHHELD.test(k)) childEnv[k] = v;
  if (visibleDevices !== null && options.env.CUDA_VISIBLE_DEVICES !== visibleDevices) {
    childEnv.CUDA_VISIBLE_DEVICES = visibleDevices;
    // nvidia-smi numbers GPUs in PCI bus order; CUDA's default order is fastest first.
    childEnv.CUDA_DEVICE_ORDER ??= 'PCI_BUS_ID';
  }
  childEnv.MLOPS_RUN_ID = runId;
  // Python block-buffers stdout into a pipe: without this the log shows nothing until the end.
  childEnv.PYTHONUNBUFFERED ??= '1';
  if (options.dataVersion) childEnv.DATA_VERSION ??= options.dataVersion;

  const sampler =
    selected.length > 0 && options.sampleIntervalSeconds > 0
      ? new GpuSampler({
          indices: selected.map((d) => d.index),
          intervalMs: options.sampleIntervalSeconds * 1000,
          nvidiaSmi: options.nvidiaSmi,
          env: options.env,
        })
      : undefined;

  // Outputs written during a long run are hashed while it runs (verified again after it).
  const outputCache =
    options.outputs.length > 0
      ? new OutputHashCache({
          expand: () => options.expandOutputs(options.outputs, wd),
          intervalMs: options.outputScanIntervalMs ?? 1000,
        })
      : undefined;

  const timeoutMs = options.timeoutMinutes === undefined ? undefined : options.timeoutMinutes * 60_000;
  options.groups?.start(`Run ${firstLine(options.run)}`);
  sampler?.start();
  outputCache?.start();
  let command: CommandResult;
  try {
    command = await runCommand({
      run: options.run,
      cwd: wd,
      env: childEnv,
      scriptDir: options.scriptDir,
      timeoutMs,
      graceMs: options.graceMs,
      output: options.output,
      cancellation: options.cancellation,
    });
  } finally {
    options.groups?.end();
  }
  const [utilization] = await Promise.all([
    sampler ? sampler.stop() : Promise.resolve([] as GpuUtilization[]),
    outputCache?.stop(),
  ]);
  logger.info(
    `The training command ended with ${describeExit(command)} after ${formatDuration(command.durationMs)} (${command.status}).`,
  );

  // Metrics are a product of the run: problems are recorded, and a malformed file fails the
  // step only after the record and the artifact exist.
  const metricsPath = resolve(wd, options.metricsFile);
  let metrics: Values = {};
  let metricsFound = false;
  let metricsError: UserError | undefined;
  try {
    const read = await readValuesFile(metricsPath, { kind: 'metrics-file', file: display(metricsPath) });
    metrics = read.values;
    metricsFound = read.found;
    if (!read.found) {
      warn(`metrics-file ${display(metricsPath)} does not exist after the run: metrics recorded as {}.`);
    } else {
      const modified = (await stat(metricsPath)).mtimeMs;
      // A file left from before (committed, or an earlier step's) is not this run's result.
      if (modified < command.startedAt.getTime() - 1000) {
        warn(
          `metrics-file ${display(metricsPath)} was not written by this run (last modified ${new Date(modified).toISOString()}, before the command started): recorded anyway.`,
        );
      }
    }
  } catch (error) {
    if (!isUserError(error)) throw error;
    metricsError = error as UserError;
    warnings.push(metricsError.message);
  }

  const outputs: RecordedOutput[] = [];
  const outputFiles: string[] = [];
  if (options.outputs.length > 0) {
    let files: string[] = [];
    try {
      files = (await options.expandOutputs(options.outputs, wd)).filter(
        (f) => resolve(f) !== resolve(options.recordPath),
      );
    } catch (error) {
      warn(`outputs: ${describeError(error)}`);
    }
    if (files.length === 0) {
      warn(`outputs: no file matches ${options.outputs.join(', ')} in ${display(wd)} after the run.`);
    }
    // Large outputs take a while to hash: say so every few seconds (Actions logs are no TTY).
    const meter = new ProgressMeter('train: hashing outputs', 'files', files.length);
    const stopTicker = startProgressTicker(meter, (line) => logger.info(line), 5000);
    const digests = await outputCache!.digest(files, (size) => meter.add(1, size)).finally(stopTicker);
    if (files.length > 0) {
      const bytes = digests.reduce((sum, d) => sum + d.size, 0);
      logger.info(
        `Outputs: ${files.length} file(s), ${formatBytes(bytes)} (sha256: ${outputCache!.stats.reused} hashed while the command ran, ${outputCache!.stats.hashedAfterRun} after it).`,
      );
    }
    files.forEach((file, i) => {
      outputFiles.push(file);
      const rel = relative(wd, file);
      outputs.push({ path: toPosix(rel.startsWith('..') || isAbsolute(rel) ? display(file) : rel), ...digests[i]! });
    });
  }

  const record: RunRecord = {
    schema: 'mlops-gha/run-record@1',
    run_id: runId,
    command: options.run,
    working_directory: display(wd),
    repository: context.repository,
    git: { sha: context.sha, ref: context.ref },
    workflow: {
      name: context.workflow,
      job: context.job,
      run_id: context.runId,
      run_attempt: context.runAttempt,
      run_url: context.runUrl,
    },
    actor: context.actor,
    data_version: options.dataVersion ?? null,
    params_file: params.found ? display(paramsPath) : null,
    params: params.values,
    metrics_file: metricsFound ? display(metricsPath) : null,
    metrics,
    outputs,
    gpu: {
      required: String(options.requireGpu) as 'auto' | 'true' | 'false',
      probe: probe.status,
      message: probe.message ?? null,
      driver_version: probe.driverVersion,
      cuda_version: probe.cudaVersion,
      visible_devices: visibleDevices,
      devices: recordDevices(probe.devices),
      summary: gpuIdentity(probe, selected),
      sample_interval_seconds: sampler ? options.sampleIntervalSeconds : null,
      utilization,
    },
    started_at: command.startedAt.toISOString(),
    ended_at: command.endedAt.toISOString(),
    duration_seconds: Math.round(command.durationMs) / 1000,
    exit: {
      status: command.status,
      code: command.exitCode,
      signal: command.signal,
      signals_sent: command.signalsSent,
      timeout_minutes: options.timeoutMinutes ?? null,
    },
    runner: context.runner,
    warnings,
  };
  await writeRunRecord(options.recordPath, record);
  logger.info(`Run record written to ${display(options.recordPath)}.`);

  return {
    record,
    recordPath: options.recordPath,
    outputFiles,
    command,
    failure: failureOf(command, options, metricsError),
  };
}

function explainNoGpu(
  options: TrainOptions,
  probe: GpuProbe,
  gpusGiven: boolean,
  warn: (message: string) => void,
  logger: Logger,
): void {
  const what =
    probe.status === 'not-installed'
      ? 'nvidia-smi is not installed'
      : probe.status === 'no-gpu'
        ? `nvidia-smi lists no GPU (${probe.message})`
        : `nvidia-smi failed${probe.exitCode !== null && probe.exitCode !== undefined ? ` with exit code ${probe.exitCode}` : ''}: ${probe.message}`;
  if (options.requireGpu === true) {
    throw new UserError(`require-gpu is true but this runner has no usable GPU: ${what}`, {
      fix:
        probe.status === 'no-driver'
          ? 'Fix the NVIDIA driver on the runner (a driver/library mismatch needs a reboot), or start the job container with `options: --gpus all`.'
          : 'Run the job on a GPU runner (`runs-on:` a GPU larger runner label or a self-hosted runner with the NVIDIA driver; in a job container add `options: --gpus all`), or set `require-gpu: auto` to allow CPU runs.',
      title: 'No GPU',
    });
  }
  // A failing driver on a machine that has one deserves a warning even when a GPU is optional.
  if (probe.status === 'no-driver' && options.requireGpu === 'auto')
    warn(`No usable GPU, running on CPU: ${what.replace(/\.$/, '')}.`);
  else logger.info(`No GPU, running on CPU: ${what.replace(/\.$/, '')}.`);
  if (gpusGiven) warn(`Input \`gpus: ${options.gpus}\` is ignored: this runner has no usable GPU.`);
}

function failureOf(command: CommandResult, options: TrainOptions, metricsError?: UserError): UserError | undefined {
  const where = 'The run record and outputs were kept';
  if (command.spawnError) {
    return new UserError(`The training command could not be started: ${command.spawnError}`, {
      fix: 'Make sure bash is installed on the runner.',
    });
  }
  if (command.status === 'failed') {
    return new UserError(`The training command failed with ${describeExit(command)}. ${where}.`, {
      fix: 'Read the command\'s output in the "Run ..." group above; run it locally with `bash -e` to reproduce.',
      title: 'Training failed',
    });
  }
  if (command.status === 'cancelled') {
    return new UserError(
      `The training command was cancelled (${command.signalsSent.join(', ') || 'before it started'} forwarded; it ended with ${describeExit(command)}). ${where}.`,
      { title: 'Training cancelled' },
    );
  }
  if (command.status === 'timed-out') {
    return new UserError(
      `The training command timed out after ${options.timeoutMinutes} minutes (${command.signalsSent.join(' then ')} sent; it ended with ${describeExit(command)}). ${where}.`,
      {
        fix: 'Raise `timeout-minutes`, or make the training shorter (fewer epochs, a smaller sample).',
        title: 'Training timed out',
      },
    );
  }
  return metricsError;
}

/** The working directory for `working-directory`, relative to the workspace. */
export function resolveWorkingDirectory(workspace: string, dir: string): string {
  return resolve(workspace, dir || '.');
}
