import { describe, expect, it } from '@jest/globals';
import { readSettings } from './settings.js';
import { actionEnv, refusal } from '../../../test/harness/action-env.js';

const { inputs } = actionEnv();

const ENV = {
  RUNNER_TEMP: '/home/runner/_temp',
  GITHUB_REPOSITORY: 'acme/iris',
  GITHUB_SHA: 'e'.repeat(40),
  GITHUB_API_URL: 'https://ghe.example.com/api/v3',
  GITHUB_RUN_ID: '9',
  GITHUB_RUN_ATTEMPT: '3',
};
const required = { release: 'iris-prod', reason: 'p95 latency doubled after v4' };

describe('rollback settings', () => {
  it('reads every input into one object', () => {
    inputs({
      ...required,
      namespace: 'serving',
      'to-model-version': '3',
      'dry-run': 'true',
      registry: 's3://models/registry',
      'model-name': 'iris',
      alias: 'production',
      'smoke-test-url': ' https://iris.example.com ',
      environment: 'production',
      'github-token': 'ghs_secret',
      helm: '/opt/helm',
      'kube-context': 'kind-ci',
      timeout: '90s',
    });
    expect(readSettings(ENV)).toEqual({
      release: 'iris-prod',
      namespace: 'serving',
      kubeContext: 'kind-ci',
      toModelVersion: 3,
      reason: 'p95 latency doubled after v4',
      dryRun: true,
      registry: 's3://models/registry',
      modelName: 'iris',
      alias: 'production',
      smokeTestUrl: 'https://iris.example.com',
      environment: 'production',
      helm: '/opt/helm',
      wait: true,
      timeout: '90s',
      workDir: '/home/runner/_temp',
      github: {
        token: 'ghs_secret',
        apiUrl: 'https://ghe.example.com/api/v3',
        owner: 'acme',
        repo: 'iris',
        ref: 'e'.repeat(40),
        runUrl: 'https://github.com/acme/iris/actions/runs/9/attempts/3',
      },
    });
  });

  it('reads a helm revision to go back to', () => {
    inputs({ ...required, 'to-revision': '12' });
    expect(readSettings(ENV)).toMatchObject({ toRevision: 12 });
    expect(readSettings(ENV).toModelVersion).toBeUndefined();
  });

  it('takes the defaults the action.yml documents: the newest good revision, helm from PATH', () => {
    inputs(required);
    expect(readSettings(ENV)).toEqual({
      release: 'iris-prod',
      namespace: 'default',
      reason: 'p95 latency doubled after v4',
      dryRun: false,
      helm: 'helm',
      wait: true,
      timeout: '5m',
      workDir: '/home/runner/_temp',
      github: {
        apiUrl: 'https://ghe.example.com/api/v3',
        owner: 'acme',
        repo: 'iris',
        ref: 'e'.repeat(40),
        runUrl: 'https://github.com/acme/iris/actions/runs/9/attempts/3',
      },
    });
  });

  it.each([
    [{ release: '' }, 'Input required and not supplied: release', 'Add `release:`'],
    [{ reason: '' }, 'Input required and not supplied: reason', 'Add `reason:`'],
    [{ reason: ' \n ' }, 'Input required and not supplied: reason', 'Add `reason:`'],
    [{ release: 'iris.prod' }, 'Input `release` "iris.prod" is not a valid Helm release name', 'e.g. `iris-prod`'],
    [{ namespace: '-serving' }, 'Input `namespace` "-serving" is not a valid Kubernetes namespace', 'lower-case'],
    [
      { 'to-revision': '4', 'to-model-version': '3' },
      'Inputs `to-revision` and `to-model-version` are both set',
      'Set one of them',
    ],
    [{ 'to-revision': '0' }, 'Input `to-revision` must be an integer of at least 1, got "0"', 'Set `to-revision:`'],
    [
      { 'to-model-version': 'v3' },
      'Input `to-model-version` must be an integer of at least 1, got "v3"',
      'Set `to-model-version:`',
    ],
    [{ 'model-name': 'iris/eu' }, 'Invalid model name "iris/eu" in the `model-name` input', 'no "/"'],
    [{ alias: 'v2', registry: '/r' }, 'The alias "v2" is reserved (it reads as a version reference)', 'Choose'],
    [{ alias: 'production' }, 'Input `alias` needs `registry`', 'Set `registry:`'],
    [{ timeout: '5' }, 'Input `timeout` must be a duration such as 5m, 90s or 1h30m, got "5"', 'Set `timeout:`'],
    [{ 'dry-run': 'maybe' }, 'Input `dry-run` must be true or false, got "maybe"', 'Set `dry-run: true`'],
  ])('refuses %j before helm runs, saying how to fix it', (bad, message, fix) => {
    inputs({ ...required, ...bad });
    const error = refusal(() => readSettings(ENV));
    expect(error.message).toBe(message);
    expect(error.fix).toContain(fix);
  });
});
