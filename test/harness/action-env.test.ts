import { describe, expect, it } from '@jest/globals';
import { UserError } from '@mlops-gha/common';
import { actionEnv, refusal } from './action-env.js';

const NAME = 'MLOPS_GHA_ACTION_ENV_PROBE';

describe('actionEnv', () => {
  const runner = actionEnv();
  // The tests below run in order: the second sees what the afterEach of the first put back.
  it('sets inputs as the runner names them and runner variables, and unsets one given undefined', () => {
    process.env[NAME] = 'before';
    runner.inputs({ 'metrics-file': 'm.json', 'my input': 'x' });
    runner.env({ [NAME]: undefined, RUNNER_TEMP: '/tmp/runner' });
    expect(process.env['INPUT_METRICS-FILE']).toBe('m.json');
    expect(process.env.INPUT_MY_INPUT).toBe('x');
    expect(process.env[NAME]).toBeUndefined();
    expect(process.env.RUNNER_TEMP).toBe('/tmp/runner');
  });

  it('puts every variable back after each test', () => {
    expect([process.env['INPUT_METRICS-FILE'], process.env.INPUT_MY_INPUT]).toEqual([undefined, undefined]);
    expect(process.env[NAME]).toBe('before');
    delete process.env[NAME];
  });
});

describe('refusal', () => {
  it('returns the UserError a call throws', () => {
    const error = refusal(() => {
      throw new UserError('bad lr', { fix: 'Write lr: 0.01' });
    });
    expect([error.message, error.fix]).toEqual(['bad lr', 'Write lr: 0.01']);
  });

  it('passes any other error on, and fails when nothing is thrown', () => {
    expect(() =>
      refusal(() => {
        throw new TypeError('a bug');
      }),
    ).toThrow(TypeError);
    expect(() => refusal(() => 1)).toThrow('expected a UserError, nothing was thrown');
  });
});
