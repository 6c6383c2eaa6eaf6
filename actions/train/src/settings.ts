import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { getList, getNumber, getOptional, getString, getTriState } from '@mlops-gha/action-common';
import { UserError } from '@mlops-gha/common';
import { parseGpuSpec } from '@mlops-gha/training';

/** The train action's inputs, read and validated once. */
export interface TrainSettings {
  run: string;
  /** Absolute. */
  workingDirectory: string;
  /** Absolute (GITHUB_WORKSPACE, or the current directory). */
  workspace: string;
  requireGpu: 'auto' | boolean;
  gpus: string;
  timeoutMinutes?: number;
  metricsFile: string;
  paramsFile: string;
  outputs: string[];
  artifactName?: string;
  sampleIntervalSeconds: number;
  dataVersion?: string;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): TrainSettings {
  const run = getString('run', { required: true });
  if (run.trim() === '') {
    throw new UserError('Input required and not supplied: run', {
      fix: 'Set `run:` to the training command, e.g. `run: python train.py`.',
    });
  }
  const workspace = resolve(env.GITHUB_WORKSPACE || process.cwd());
  const dir = getString('working-directory', { default: '.' });
  const workingDirectory = resolve(workspace, dir);
  let isDir = false;
  try {
    isDir = statSync(workingDirectory).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) {
    throw new UserError(
      `Input \`working-directory\`: ${dir} is not a directory in the workspace (${workingDirectory})`,
      {
        fix: 'Check out the repository first (actions/checkout), or point `working-directory:` at an existing folder.',
      },
    );
  }
  const gpus = getString('gpus', { default: 'all' });
  parseGpuSpec(gpus); // a malformed value fails before anything runs

  const timeoutMinutes = getNumber('timeout-minutes', { min: 0 });
  if (timeoutMinutes === 0) {
    throw new UserError('Input `timeout-minutes` must be greater than 0, got "0"', {
      fix: 'Set `timeout-minutes:` to a number of minutes such as `90` (fractions allowed), or remove it for no limit.',
    });
  }
  const sampleIntervalSeconds = getNumber('sample-interval', { default: 5, min: 0 }) ?? 5;
  const dataVersion = getOptional('data-version') ?? (env.DATA_VERSION || undefined);
  return {
    run,
    workingDirectory,
    workspace,
    requireGpu: getTriState('require-gpu', 'auto'),
    gpus,
    timeoutMinutes,
    metricsFile: getString('metrics-file', { default: 'metrics.json' }),
    paramsFile: getString('params-file', { default: 'params.yaml' }),
    outputs: getList('outputs'),
    artifactName: getOptional('artifact-name'),
    sampleIntervalSeconds,
    dataVersion,
  };
}
