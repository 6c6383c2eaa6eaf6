import { describe, expect, it, jest } from '@jest/globals';
import { UserError, describeError, isUserError } from './errors.js';

describe('UserError', () => {
  it('carries the fix and the location, and describes itself with both', () => {
    const error = new UserError('data.dvc: outs[0] has no md5', {
      fix: 'Run dvc commit data.dvc.',
      location: { file: 'data.dvc', line: 2 },
    });
    expect(isUserError(error)).toBe(true);
    expect(describeError(error)).toBe('data.dvc: outs[0] has no md5\nFix: Run dvc commit data.dvc.');
    expect(describeError(new Error('plain'))).toBe('plain');
    expect(error.location).toEqual({ file: 'data.dvc', line: 2 });
  });

  it('is an Error named UserError, with its title and cause kept for the annotation and the stack', () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:9');
    const error = new UserError('Cannot reach the S3 endpoint', { title: 'S3 unreachable', cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('UserError');
    expect(error.title).toBe('S3 unreachable');
    expect(error.cause).toBe(cause);
    expect(error.fix).toBeUndefined();
    expect(error.location).toBeUndefined();
  });

  it('sets no cause when none is given, and describes itself by its message alone without a fix', () => {
    const error = new UserError('`jobs` must be a whole number');
    expect('cause' in error).toBe(false);
    expect(error.describe()).toBe('`jobs` must be a whole number');
    expect(new UserError('m', { fix: '' }).describe()).toBe('m');
  });
});

describe('isUserError', () => {
  it('recognises a UserError from another copy of this module (another bundle) by its name', async () => {
    jest.resetModules();
    const other = await import('./errors.js');
    const error = new other.UserError('No DVC remote', { fix: 'Set `remote-url`.' });
    expect(error instanceof UserError).toBe(false);
    expect(isUserError(error)).toBe(true);
    expect(describeError(error)).toBe('No DVC remote\nFix: Set `remote-url`.');
  });

  it('describes an Error that only carries the name, without a describe method, by its message and fix', () => {
    const bare = Object.assign(new Error('bucket not found'), { name: 'UserError', fix: 'Check `remote-url`.' });
    expect(isUserError(bare)).toBe(true);
    expect(describeError(bare)).toBe('bucket not found\nFix: Check `remote-url`.');
    expect(describeError(Object.assign(new Error('no fix'), { name: 'UserError' }))).toBe('no fix');
  });

  it('is false for plain errors and for thrown values that are not errors', () => {
    for (const value of [new Error('x'), new TypeError('x'), 'UserError', { name: 'UserError', message: 'x' }, null, 7])
      expect(isUserError(value)).toBe(false);
  });
});

describe('describeError', () => {
  it('turns any thrown value into text', () => {
    expect(describeError('a string')).toBe('a string');
    expect(describeError(42)).toBe('42');
    expect(describeError(undefined)).toBe('undefined');
    expect(describeError(null)).toBe('null');
  });
});
