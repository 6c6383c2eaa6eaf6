import { describe, expect, it } from '@jest/globals';
import { readSettings } from './settings.js';
import { actionEnv } from '../../../test/harness/action-env.js';

const { inputs } = actionEnv();

const ENV = {
  GITHUB_ACTOR: 'octocat',
  GITHUB_REPOSITORY: 'acme/churn',
  GITHUB_SHA: 'c'.repeat(40),
  GITHUB_REF: 'refs/heads/main',
  GITHUB_RUN_ID: '42',
  GITHUB_RUN_ATTEMPT: '2',
};
const required = { name: 'churn', model: 'model.onnx', registry: 's3://models/registry' };

describe('registry-push settings', () => {
  it('reads every input into one object, with the defaults and the run from the environment', () => {
    inputs({
      ...required,
      model: 'model.onnx\n# a comment\nvocab.json\n',
      alias: ' staging ',
      tags: 'team=ml\nstage=beta',
      'sample-data': 'data/holdout.csv',
      'label-column': 'churn',
      description: 'first model',
    });
    const settings = readSettings(ENV);
    expect(settings).toMatchObject({
      name: 'churn',
      model: ['model.onnx', 'vocab.json'],
      registry: 's3://models/registry',
      alias: 'staging',
      tags: { team: 'ml', stage: 'beta' },
      sampleData: 'data/holdout.csv',
      sampleRows: 32,
      labelColumn: 'churn',
      description: 'first model',
    });
    expect(settings.profileData).toBeUndefined();
    expect(settings.here).toMatchObject({
      actor: 'octocat',
      repository: 'acme/churn',
      sha: 'c'.repeat(40),
      runUrl: 'https://github.com/acme/churn/actions/runs/42/attempts/2',
    });
  });

  it.each([
    [{ registry: '' }, 'Input required and not supplied: registry'],
    [{ model: '' }, 'Input required and not supplied: model'],
    [{ name: 'churn model' }, 'Invalid model name "churn model" in the `name` input'],
    [{ alias: 'v2' }, 'The alias "v2" is reserved'],
    [{ alias: 'prod/eu' }, 'Invalid alias "prod/eu" in the `alias` input'],
    [{ tags: 'team' }, 'Input `tags`: "team" is not key=value'],
    [{ 'sample-rows': '0' }, 'Input `sample-rows` must be an integer between 1 and 1000, got "0"'],
    [{ 'sample-rows': '2.5' }, 'Input `sample-rows` must be an integer between 1 and 1000, got "2.5"'],
  ])('refuses %j before anything is read or written', (bad, message) => {
    inputs({ ...required, ...bad });
    expect(() => readSettings(ENV)).toThrow(message);
  });
});
