import { describe, expect, it } from '@jest/globals';
import { readSettings } from './settings.js';
import { actionEnv, refusal } from '../../../test/harness/action-env.js';

const { inputs } = actionEnv();

const required = { current: 'data/current.csv', reference: 'data/reference.csv' };

describe('drift-check settings', () => {
  it('reads every input into one object, a registry:// reference with its registry', () => {
    inputs({
      current: ' data/current.parquet ',
      reference: 'registry://churn@production',
      registry: 's3://models/registry',
      'endpoint-url': 'http://127.0.0.1:9000',
      region: 'eu-west-1',
      model: 'churn',
      'label-column': 'label',
      columns: 'age\nincome\n# not plan\n',
      methods: 'age: ks\nincome = psi\n*: wasserstein',
      threshold: '0.2',
      'drift-share': '0.3',
      'multiple-testing': 'benjamini-hochberg',
      'fail-on-drift': 'true',
      'github-token': 'ghs_secret',
    });
    expect(readSettings()).toEqual({
      current: 'data/current.parquet',
      reference: { kind: 'registry', ref: 'registry://churn@production' },
      registry: 's3://models/registry',
      endpoint: 'http://127.0.0.1:9000',
      region: 'eu-west-1',
      model: 'churn',
      labelColumn: 'label',
      columns: ['age', 'income'],
      methods: { age: 'ks', income: 'psi', '*': 'wasserstein' },
      threshold: 0.2,
      driftShare: 0.3,
      correction: 'benjamini-hochberg',
      failOnDrift: true,
      token: 'ghs_secret',
    });
  });

  it('takes the defaults the action.yml documents, a file reference needing no registry', () => {
    inputs(required);
    expect(readSettings()).toEqual({
      current: 'data/current.csv',
      reference: { kind: 'file', path: 'data/reference.csv' },
      registry: undefined,
      endpoint: undefined,
      region: undefined,
      model: undefined,
      labelColumn: undefined,
      columns: undefined,
      methods: undefined,
      threshold: undefined,
      driftShare: 0.5,
      correction: 'none',
      failOnDrift: false,
      token: undefined,
    });
  });

  it('reads one method name alone as the method for every column, in any case', () => {
    inputs({ ...required, methods: 'PSI' });
    expect(readSettings().methods).toEqual({ '*': 'psi' });
  });

  it('keeps a column name holding a colon: the method follows the last separator', () => {
    inputs({ ...required, methods: 'time: of day: chisquare' });
    expect(readSettings().methods).toEqual({ 'time: of day': 'chisquare' });
  });

  it.each([
    [{ current: '' }, 'Input required and not supplied: current', 'Add `current:`'],
    [{ reference: '' }, 'Input required and not supplied: reference', 'Add `reference:`'],
    [
      { reference: 'registry://churn@production' },
      '`reference` is registry://churn@production, but `registry` is empty',
      'Set `registry:`',
    ],
    [
      { methods: 'age: t-test' },
      '`methods`: unknown method "t-test" in "age: t-test"',
      'Use one of ks, chisquare, z, wasserstein, jensenshannon, psi.',
    ],
    [{ methods: 'bogus' }, '`methods`: unknown method "bogus" in "bogus"', 'Use one of'],
    [{ methods: 'age: ks\n: psi' }, '`methods`: ": psi" is not COLUMN: METHOD', 'one `COLUMN: METHOD` per line'],
    [{ methods: 'age: ks\nage: psi' }, '`methods` names the column "age" twice', 'Give each column one method.'],
    [{ threshold: '0' }, 'Input `threshold` must be above 0, got 0', 'Set `threshold:` to a number above 0'],
    [{ threshold: '-0.1' }, 'Input `threshold` must be above 0, got -0.1', 'Set `threshold:`'],
    [{ threshold: '11' }, 'Input `threshold` must be a number of at most 10, got "11"', 'Set `threshold:`'],
    [{ threshold: 'NaN' }, 'Input `threshold` must be a number of at most 10, got "NaN"', 'Set `threshold:`'],
    [{ 'drift-share': '0' }, 'Input `drift-share` must be above 0, got 0', 'Set `drift-share:` to a number above 0'],
    [{ 'drift-share': '1.5' }, 'Input `drift-share` must be a number of at most 1, got "1.5"', 'Set `drift-share:`'],
    [
      { 'multiple-testing': 'holm' },
      'Input `multiple-testing` must be one of none, bonferroni, benjamini-hochberg, got "holm"',
      'Set `multiple-testing:`',
    ],
    [{ 'fail-on-drift': 'yes' }, 'Input `fail-on-drift` must be true or false, got "yes"', 'Set `fail-on-drift: true`'],
  ])('refuses %j before any data is read, saying how to fix it', (bad, message, fix) => {
    inputs({ ...required, ...bad });
    const error = refusal(() => readSettings());
    expect(error.message).toBe(message);
    expect(error.fix).toContain(fix);
  });
});
