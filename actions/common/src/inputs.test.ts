import { describe, expect, it } from '@jest/globals';
import {
  getBoolean,
  getChoice,
  getKeyValues,
  getList,
  getNumber,
  getOptional,
  getSecret,
  getString,
  getTriState,
} from './inputs.js';
import { actionEnv, refusal } from '../../../test/harness/action-env.js';
import { captureLog } from '../../../test/harness/workflow-log.js';

const { inputs } = actionEnv();

describe('getString and getOptional', () => {
  it('read an input as the runner passes it (INPUT_<NAME>, dashes kept), trimmed', () => {
    inputs({ 'model-name': '  iris  ' });
    expect(getString('model-name')).toBe('iris');
    expect(getOptional('model-name')).toBe('iris');
  });

  it('give the default, or undefined, for an empty or blank input', () => {
    inputs({ namespace: '', helm: ' \n ' });
    expect(getString('namespace', { default: 'default' })).toBe('default');
    expect(getString('namespace')).toBe('');
    expect(getString('helm', { default: 'helm' })).toBe('helm');
    expect(getOptional('namespace')).toBeUndefined();
    expect(getOptional('never-set')).toBeUndefined();
  });

  it('refuse a required input that is empty, saying where to add it', () => {
    inputs({ release: '   ' });
    const error = refusal(() => getString('release', { required: true }));
    expect(error.message).toBe('Input required and not supplied: release');
    expect(error.fix).toBe('Add `release:` under `with:` in the step that uses this action.');
  });
});

describe('getBoolean', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false],
  ])('reads %j as %p (the YAML 1.2 core schema spellings)', (value, expected) => {
    inputs({ 'dry-run': value });
    expect(getBoolean('dry-run', !expected)).toBe(expected);
  });

  it('gives the default for an empty input', () => {
    inputs({ 'dry-run': '' });
    expect(getBoolean('dry-run', true)).toBe(true);
    expect(getBoolean('dry-run', false)).toBe(false);
  });

  it.each(['yes', '1', 'tRue', 'on'])('refuses %j, naming the input and the two values', (value) => {
    inputs({ 'dry-run': value });
    const error = refusal(() => getBoolean('dry-run', false));
    expect(error.message).toBe(`Input \`dry-run\` must be true or false, got ${JSON.stringify(value)}`);
    expect(error.fix).toBe('Set `dry-run: true` or `dry-run: false`.');
  });
});

describe('getTriState', () => {
  it('reads auto in any case, the boolean spellings, and the default when empty', () => {
    const read = (value: string, defaultValue?: 'auto' | boolean) => {
      inputs({ 'require-gpu': value });
      return getTriState('require-gpu', defaultValue);
    };
    expect(read('AUTO', false)).toBe('auto');
    expect(read('Auto', true)).toBe('auto');
    expect(read('true')).toBe(true);
    expect(read('FALSE')).toBe(false);
    expect(read('')).toBe('auto');
    expect(read('', true)).toBe(true);
  });

  it('refuses anything else, naming the three values', () => {
    inputs({ 'require-gpu': 'maybe' });
    const error = refusal(() => getTriState('require-gpu'));
    expect(error.message).toBe('Input `require-gpu` must be auto, true or false, got "maybe"');
    expect(error.fix).toBe('Set `require-gpu: auto`, `require-gpu: true` or `require-gpu: false`.');
  });
});

describe('getNumber', () => {
  it('reads finite numbers, and the default (or undefined) when empty', () => {
    inputs({ confidence: '0.95', resamples: '1e4', empty: '' });
    expect(getNumber('confidence', { min: 0, max: 1 })).toBe(0.95);
    expect(getNumber('resamples', { integer: true })).toBe(10000);
    expect(getNumber('empty', { default: 5 })).toBe(5);
    expect(getNumber('empty')).toBeUndefined();
  });

  it('accepts the bounds themselves', () => {
    inputs({ a: '0', b: '1' });
    expect(getNumber('a', { min: 0, max: 1 })).toBe(0);
    expect(getNumber('b', { min: 0, max: 1 })).toBe(1);
  });

  it.each<[string, Parameters<typeof getNumber>[1], string]>([
    ['NaN', {}, 'must be a number'],
    ['Infinity', {}, 'must be a number'],
    ['-Infinity', { max: 10 }, 'must be a number of at most 10'],
    ['ten', { min: 1 }, 'must be a number of at least 1'],
    ['1.5', { integer: true }, 'must be an integer'],
    ['0x10', { integer: true, min: 100 }, 'must be an integer of at least 100'],
    ['1.01', { min: 0, max: 1 }, 'must be a number between 0 and 1'],
    ['-0.5', { min: 0, max: 1 }, 'must be a number between 0 and 1'],
    ['3', { integer: true, min: 5, max: 9 }, 'must be an integer between 5 and 9'],
  ])('refuses %j with %j, saying what a valid value is', (value, options, must) => {
    inputs({ 'to-revision': value });
    const error = refusal(() => getNumber('to-revision', options));
    expect(error.message).toBe(`Input \`to-revision\` ${must}, got ${JSON.stringify(value)}`);
    expect(error.fix).toBe(
      `Set \`to-revision:\` to ${must.slice('must be '.length)}, or remove it to use the default.`,
    );
  });
});

describe('getList and getKeyValues', () => {
  it('read one entry per non-empty line, trimmed, skipping # comment lines and CRLF endings', () => {
    inputs({ outputs: 'model/*.onnx\r\n  # the checkpoints too\r\n\r\n  ckpt/**  \r\nreport#1.md' });
    expect(getList('outputs')).toEqual(['model/*.onnx', 'ckpt/**', 'report#1.md']);
    inputs({ outputs: '' });
    expect(getList('outputs')).toEqual([]);
  });

  it('split key=value lines at the first =, trimming both sides', () => {
    inputs({ tags: 'team = vision\nquery=a=b\nempty=\n# owner=nobody' });
    expect(getKeyValues('tags')).toEqual({ team: 'vision', query: 'a=b', empty: '' });
  });

  it.each(['team', '=vision'])('refuses %j, showing the line and an example', (line) => {
    inputs({ tags: `ok=1\n${line}` });
    const error = refusal(() => getKeyValues('tags'));
    expect(error.message).toBe(`Input \`tags\`: ${JSON.stringify(line)} is not key=value`);
    expect(error.fix).toBe('Write one `key=value` per line under `tags:`, e.g. `team=vision`.');
  });
});

describe('getChoice', () => {
  it('reads one of the words, exactly as spelled, or the default when empty', () => {
    inputs({ direction: 'lower' });
    expect(getChoice('direction', ['higher', 'lower'] as const, 'higher')).toBe('lower');
    inputs({ direction: '' });
    expect(getChoice('direction', ['higher', 'lower'] as const, 'higher')).toBe('higher');
  });

  it('refuses another word, listing the choices', () => {
    inputs({ direction: 'Lower' });
    const error = refusal(() => getChoice('direction', ['higher', 'lower'] as const, 'higher'));
    expect(error.message).toBe('Input `direction` must be one of higher, lower, got "Lower"');
    expect(error.fix).toBe('Set `direction:` to one of higher, lower.');
  });
});

describe('getSecret', () => {
  it('masks the value in the log before returning it', async () => {
    inputs({ 'github-token': 'ghs_16C7e42F292c6912E7710c838347Ae178B4a' });
    let token: string | undefined;
    const log = await captureLog(() => {
      token = getSecret('github-token');
    });
    expect(token).toBe('ghs_16C7e42F292c6912E7710c838347Ae178B4a');
    expect(log.commands).toEqual([
      { command: 'add-mask', properties: {}, data: 'ghs_16C7e42F292c6912E7710c838347Ae178B4a' },
    ]);
  });

  it('is undefined, masking nothing, when the input is empty', async () => {
    inputs({ 'github-token': '' });
    let token: string | undefined = 'unset';
    const log = await captureLog(() => {
      token = getSecret('github-token');
    });
    expect(token).toBeUndefined();
    expect(log.lines).toEqual([]);
  });
});
