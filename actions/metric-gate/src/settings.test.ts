import { describe, expect, it } from '@jest/globals';
import { readSettings } from './settings.js';
import { actionEnv, refusal } from '../../../test/harness/action-env.js';

// The lineage comes from the runner's GITHUB_* variables, restored after each test.
const { env, inputs } = actionEnv();

const RUNNER = {
  GITHUB_SERVER_URL: undefined,
  GITHUB_REPOSITORY: 'acme/churn',
  GITHUB_SHA: 'f'.repeat(40),
  GITHUB_REF: 'refs/pull/12/merge',
  GITHUB_RUN_ID: '77',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_RUN_NUMBER: '15',
  GITHUB_WORKFLOW: 'gate',
};
const rules = 'accuracy >= 0.8\nf1 >= baseline - 0.01';

describe('metric-gate settings', () => {
  it('reads every input into one object, the lineage from the runner', () => {
    env(RUNNER);
    inputs({
      model: 'model.onnx',
      dataset: 'data/holdout.csv',
      'label-column': 'churned',
      'feature-columns': 'age, income\ntenure',
      task: 'binary',
      'pos-label': 'yes',
      'zero-division': 'NaN',
      'missing-values': 'nan',
      'force-finite': 'False',
      multioutput: 'raw_values',
      'confusion-normalize': 'pred',
      metrics: 'metrics.json',
      baseline: 'registry://churn@production',
      registry: 's3://models/registry',
      'endpoint-url': 'http://127.0.0.1:9000',
      region: 'eu-west-1',
      rules: `\n${rules}\n`,
      confidence: '0.99',
      'bootstrap-samples': '500',
      seed: '42',
      'interval-method': 'percentile',
      comment: 'true',
      'comment-key': 'churn/model-a',
      'github-token': 'ghs_secret',
      'fail-on': 'inconclusive',
      'data-version': 'abc123',
    });
    expect(readSettings()).toEqual({
      gate: {
        model: 'model.onnx',
        dataset: 'data/holdout.csv',
        labelColumn: 'churned',
        labelColumns: undefined,
        featureColumns: ['age', 'income', 'tenure'],
        task: 'binary',
        positiveLabel: 'yes',
        zeroDivision: 'nan',
        missingValues: 'nan',
        forceFinite: false,
        multioutput: 'raw_values',
        confusionNormalize: 'pred',
        metrics: 'metrics.json',
        baseline: 'registry://churn@production',
        rules,
        confidence: 0.99,
        bootstrapSamples: 500,
        seed: '42',
        intervalMethod: 'percentile',
        failOn: 'inconclusive',
        lineage: {
          dataVersion: 'abc123',
          commit: 'f'.repeat(40),
          ref: 'refs/pull/12/merge',
          runUrl: 'https://github.com/acme/churn/actions/runs/77',
          runLabel: 'gate #15',
        },
      },
      registry: 's3://models/registry',
      endpointUrl: 'http://127.0.0.1:9000',
      region: 'eu-west-1',
      comment: true,
      commentKey: 'churn/model-a',
      token: 'ghs_secret',
    });
  });

  it('takes the defaults the action.yml documents, with no runner lineage outside a run', () => {
    env({ GITHUB_SHA: undefined, GITHUB_REF: undefined, GITHUB_RUN_ID: undefined, GITHUB_REPOSITORY: undefined });
    inputs({ rules });
    expect(readSettings()).toEqual({
      gate: {
        model: undefined,
        dataset: undefined,
        labelColumn: 'label',
        labelColumns: undefined,
        featureColumns: undefined,
        task: 'auto',
        positiveLabel: undefined,
        zeroDivision: 0,
        missingValues: 'error',
        forceFinite: true,
        multioutput: 'uniform_average',
        confusionNormalize: 'true',
        metrics: undefined,
        baseline: undefined,
        rules,
        confidence: 0.95,
        bootstrapSamples: 2000,
        seed: '0',
        intervalMethod: 'bca',
        failOn: 'fail',
        lineage: { dataVersion: undefined, commit: undefined, ref: undefined, runUrl: undefined, runLabel: undefined },
      },
      registry: undefined,
      endpointUrl: undefined,
      region: undefined,
      comment: undefined,
      commentKey: 'default',
      token: undefined,
    });
  });

  it('reads several label columns as a multilabel or multi-output target, the first as the label', () => {
    inputs({ rules, 'label-column': 'cat,\ndog, bird' });
    expect(readSettings().gate).toMatchObject({ labelColumn: 'cat', labelColumns: ['cat', 'dog', 'bird'] });
  });

  it.each([
    ['auto', undefined],
    ['AUTO', undefined],
    ['false', false],
    ['TRUE', true],
  ])('reads comment: %s', (value, comment) => {
    inputs({ rules, comment: value });
    expect(readSettings().comment).toBe(comment);
  });

  it.each([
    ['1', 1],
    ['1.0', 1],
    ['0.0', 0],
  ])('reads zero-division: %s', (value, zeroDivision) => {
    inputs({ rules, 'zero-division': value });
    expect(readSettings().gate.zeroDivision).toBe(zeroDivision);
  });

  it.each([
    [{ comment: 'yes' }, 'Input `comment` must be true, false or auto, got "yes"', 'Set `comment: true`'],
    [{ 'zero-division': '0.5' }, 'Input `zero-division` must be 0, 1 or nan, got "0.5"', 'Set `zero-division: 0`'],
    [{ 'force-finite': 'no' }, 'Input `force-finite` must be true or false, got "no"', 'Set `force-finite: false`'],
    [
      { 'comment-key': 'a b' },
      'Input `comment-key` must be 1-100 letters, digits, ., -, _ or /, got "a b"',
      'Use a short key such as `default`',
    ],
    [
      { 'comment-key': 'k'.repeat(101) },
      `Input \`comment-key\` must be 1-100 letters, digits, ., -, _ or /, got "${'k'.repeat(101)}"`,
      'Use a short key',
    ],
    [
      { task: 'classification' },
      'Input `task` must be one of auto, binary, multiclass, multilabel, regression, got "classification"',
      'Set `task:`',
    ],
    [{ 'missing-values': 'drop' }, 'Input `missing-values` must be one of error, nan, got "drop"', 'Set'],
    [
      { multioutput: 'mean' },
      'Input `multioutput` must be one of uniform_average, variance_weighted, raw_values, got "mean"',
      'Set `multioutput:`',
    ],
    [
      { 'confusion-normalize': 'none' },
      'Input `confusion-normalize` must be one of true, pred, all, got "none"',
      'Set `confusion-normalize:`',
    ],
    [{ confidence: '0.4' }, 'Input `confidence` must be a number between 0.5 and 0.999, got "0.4"', 'Set'],
    [{ confidence: '1' }, 'Input `confidence` must be a number between 0.5 and 0.999, got "1"', 'Set `confidence:`'],
    [
      { 'bootstrap-samples': '1e7' },
      'Input `bootstrap-samples` must be an integer between 0 and 1000000, got "1e7"',
      'Set `bootstrap-samples:`',
    ],
    [
      { 'bootstrap-samples': '100.5' },
      'Input `bootstrap-samples` must be an integer between 0 and 1000000, got "100.5"',
      'Set `bootstrap-samples:`',
    ],
    [
      { 'interval-method': 'bootstrap' },
      'Input `interval-method` must be one of bca, percentile, got "bootstrap"',
      'Set `interval-method:`',
    ],
    [{ 'fail-on': 'warn' }, 'Input `fail-on` must be one of fail, inconclusive, never, got "warn"', 'Set `fail-on:`'],
  ])('refuses %j before the model is read, saying how to fix it', (bad, message, fix) => {
    inputs({ rules, ...bad });
    const error = refusal(() => readSettings());
    expect(error.message).toBe(message);
    expect(error.fix).toContain(fix);
  });
});
