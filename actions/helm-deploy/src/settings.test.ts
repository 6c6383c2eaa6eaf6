import { describe, expect, it } from '@jest/globals';
import { readSettings } from './settings.js';
import { actionEnv, refusal } from '../../../test/harness/action-env.js';

const { inputs } = actionEnv();

const ENV = {
  GITHUB_WORKSPACE: '/home/runner/work/iris',
  RUNNER_TEMP: '/home/runner/_temp',
  GITHUB_REPOSITORY: 'acme/iris',
  GITHUB_SHA: 'd'.repeat(40),
  GITHUB_ACTOR: 'octocat',
  GITHUB_RUN_ID: '7',
  GITHUB_RUN_ATTEMPT: '1',
};
const required = { release: 'iris-prod', chart: 'charts/model-server' };

describe('helm-deploy settings', () => {
  it('reads every input into one object, values files in the workspace', () => {
    inputs({
      ...required,
      'chart-version': ' 1.2.3 ',
      namespace: 'serving',
      'create-namespace': 'true',
      'values-files': 'deploy/prod.yaml\n/etc/shared.yaml\n',
      values: 'replicas: 3\n', // the runner's getInput trims it
      'model-name': 'iris',
      'model-alias': 'production',
      registry: 's3://models/registry',
      'model-values-key': 'server.model',
      wait: 'false',
      timeout: '1h30m',
      'rollback-on-failure': 'false',
      'history-max': '0',
      'kube-context': 'kind-ci',
      'dry-run': 'true',
      'smoke-test-url': 'https://iris.example.com',
      'promote-alias': 'champion',
      environment: 'production',
      'github-token': 'ghs_secret',
      helm: '/usr/local/bin/helm',
      'recover-pending': 'true',
    });
    expect(readSettings(ENV)).toEqual({
      release: 'iris-prod',
      namespace: 'serving',
      chart: 'charts/model-server',
      chartVersion: '1.2.3',
      createNamespace: true,
      valuesFiles: ['/home/runner/work/iris/deploy/prod.yaml', '/etc/shared.yaml'],
      values: 'replicas: 3',
      modelValuesKey: 'server.model',
      model: { name: 'iris', alias: 'production' },
      registry: 's3://models/registry',
      wait: false,
      timeout: '1h30m',
      rollbackOnFailure: false,
      historyMax: 0,
      kubeContext: 'kind-ci',
      dryRun: true,
      smokeTestUrl: 'https://iris.example.com',
      promoteAlias: 'champion',
      environment: 'production',
      recoverPending: true,
      helm: '/usr/local/bin/helm',
      workDir: '/home/runner/_temp',
      github: {
        token: 'ghs_secret',
        apiUrl: 'https://api.github.com',
        owner: 'acme',
        repo: 'iris',
        ref: 'd'.repeat(40),
        actor: 'octocat',
        runUrl: 'https://github.com/acme/iris/actions/runs/7',
      },
    });
  });

  it('reads a model version instead of an alias', () => {
    inputs({ ...required, 'model-name': 'iris', 'model-version': '3', registry: '/srv/registry' });
    expect(readSettings(ENV)).toMatchObject({ model: { name: 'iris', version: 3 }, registry: '/srv/registry' });
  });

  it('takes the defaults the action.yml documents', () => {
    inputs(required);
    expect(readSettings(ENV)).toEqual({
      release: 'iris-prod',
      namespace: 'default',
      chart: 'charts/model-server',
      createNamespace: false,
      valuesFiles: [],
      modelValuesKey: 'model',
      wait: true,
      timeout: '5m',
      rollbackOnFailure: true,
      historyMax: 20,
      dryRun: false,
      recoverPending: false,
      helm: 'helm',
      workDir: '/home/runner/_temp',
      github: {
        apiUrl: 'https://api.github.com',
        owner: 'acme',
        repo: 'iris',
        ref: 'd'.repeat(40),
        actor: 'octocat',
        runUrl: 'https://github.com/acme/iris/actions/runs/7',
      },
    });
  });

  it.each([
    [{ release: '' }, 'Input required and not supplied: release', 'Add `release:`'],
    [{ chart: '' }, 'Input required and not supplied: chart', 'Add `chart:`'],
    [{ release: 'Iris_Prod' }, 'Input `release` "Iris_Prod" is not a valid Helm release name', 'e.g. `iris-prod`'],
    [{ release: 'a'.repeat(54) }, `Input \`release\` "${'a'.repeat(54)}" is not a valid Helm release name`, '53'],
    [{ namespace: 'ml/prod' }, 'Input `namespace` "ml/prod" is not a valid Kubernetes namespace', 'lower-case'],
    [
      { 'model-name': 'iris', registry: '/r', 'model-version': '3', 'model-alias': 'production' },
      'Inputs `model-version` and `model-alias` are both set',
      'Set one of them',
    ],
    [{ 'model-version': '3' }, 'Input `model-version` is set but `model-name` is not', 'Add `model-name:`'],
    [{ 'model-alias': 'production' }, 'Input `model-alias` is set but `model-name` is not', 'Add `model-name:`'],
    [
      { 'model-name': 'iris', registry: '/r', 'model-version': '0' },
      'Input `model-version` must be an integer of at least 1, got "0"',
      'Set `model-version:`',
    ],
    [
      { 'model-name': '../iris', registry: '/r' },
      'Invalid model name "../iris" in the `model-name` input',
      'e.g. iris-classifier',
    ],
    [
      { 'model-name': 'iris', registry: '/r', 'model-alias': 'latest' },
      'The alias "latest" is reserved (it reads as a version reference)',
      'Choose another alias name',
    ],
    [
      { 'model-name': 'iris', registry: '/r', 'promote-alias': 'prod/eu' },
      'Invalid alias "prod/eu" in the `promote-alias` input',
      'starting with a letter',
    ],
    [{ 'promote-alias': 'champion' }, 'Input `promote-alias` needs `model-name`', 'Deploy a registry model'],
    [{ 'model-name': 'iris' }, 'Input `model-name` is set but `registry` is not', 'Set `registry:`'],
    [{ timeout: '5 minutes' }, 'Input `timeout` must be a duration such as 5m, 90s or 1h30m, got "5 minutes"', '5m'],
    [{ timeout: '0s' }, 'Input `timeout` must be a duration such as 5m, 90s or 1h30m, got "0s"', 'Set `timeout:`'],
    [
      { 'smoke-test-url': 'iris.example.com' },
      'Input `smoke-test-url` "iris.example.com" is not an http(s) URL',
      'https://iris.example.com',
    ],
    [
      { 'history-max': '-1' },
      'Input `history-max` must be an integer between 0 and 10000, got "-1"',
      'Set `history-max:`',
    ],
    [{ wait: 'yes' }, 'Input `wait` must be true or false, got "yes"', 'Set `wait: true`'],
    [{ 'dry-run': 'on' }, 'Input `dry-run` must be true or false, got "on"', 'Set `dry-run: true`'],
  ])('refuses %j before helm runs, saying how to fix it', (bad, message, fix) => {
    inputs({ ...required, ...bad });
    const error = refusal(() => readSettings(ENV));
    expect(error.message).toBe(message);
    expect(error.fix).toContain(fix);
  });
});
