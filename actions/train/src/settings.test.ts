import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSettings } from './settings.js';
import { actionEnv } from '../../../test/harness/action-env.js';

const { inputs } = actionEnv();

let workspace: string;
beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'train-settings-'));
  await mkdir(join(workspace, 'project'));
});
afterAll(() => rm(workspace, { recursive: true, force: true }));

describe('train settings', () => {
  it('reads every input, resolving the working directory in the workspace', () => {
    inputs({
      run: 'python train.py',
      'working-directory': 'project',
      'require-gpu': 'true',
      gpus: '0,2',
      'timeout-minutes': '1.5',
      outputs: 'model.onnx\nreports/*.json',
      'artifact-name': 'model',
      'sample-interval': '2',
    });
    expect(readSettings({ GITHUB_WORKSPACE: workspace, DATA_VERSION: 'abc' })).toEqual({
      run: 'python train.py',
      workingDirectory: join(workspace, 'project'),
      workspace,
      requireGpu: true,
      gpus: '0,2',
      timeoutMinutes: 1.5,
      metricsFile: 'metrics.json',
      paramsFile: 'params.yaml',
      outputs: ['model.onnx', 'reports/*.json'],
      artifactName: 'model',
      sampleIntervalSeconds: 2,
      dataVersion: 'abc',
    });
  });

  it('takes the defaults the action.yml documents', () => {
    inputs({ run: 'make train' });
    expect(readSettings({ GITHUB_WORKSPACE: workspace })).toMatchObject({
      workingDirectory: workspace,
      requireGpu: 'auto',
      gpus: 'all',
      timeoutMinutes: undefined,
      outputs: [],
      artifactName: undefined,
      sampleIntervalSeconds: 5,
      dataVersion: undefined,
    });
  });

  it.each([
    [{ run: '' }, 'Input required and not supplied: run'],
    [{ run: '  \n' }, 'Input required and not supplied: run'],
    [{ 'working-directory': 'missing' }, 'Input `working-directory`: missing is not a directory in the workspace'],
    [{ 'timeout-minutes': '0' }, 'Input `timeout-minutes` must be greater than 0, got "0"'],
    [{ 'timeout-minutes': 'soon' }, 'Input `timeout-minutes` must be a number of at least 0, got "soon"'],
    [{ 'require-gpu': 'yes' }, 'Input `require-gpu` must be auto, true or false, got "yes"'],
    [{ gpus: 'two' }, '`gpus`'],
  ])('refuses %j before the command starts', (bad, message) => {
    inputs({ run: 'python train.py', ...bad });
    expect(() => readSettings({ GITHUB_WORKSPACE: workspace })).toThrow(message);
  });
});
