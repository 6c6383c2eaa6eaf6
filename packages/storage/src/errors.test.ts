import { describe, expect, it } from '@jest/globals';
import { describeError, isUserError } from '@mlops-gha/common';
import { IntegrityError, ObjectNotFoundError, PreconditionFailedError } from './errors.js';

describe('ObjectNotFoundError', () => {
  it('is a UserError naming the object URL, with the fix to check where the data was pushed', () => {
    const error = new ObjectNotFoundError('s3://bucket/files/md5/ab/cdef');
    expect(isUserError(error)).toBe(true);
    expect(error.name).toBe('ObjectNotFoundError');
    expect(error.url).toBe('s3://bucket/files/md5/ab/cdef');
    expect(describeError(error)).toBe(
      'Object not found: s3://bucket/files/md5/ab/cdef\nFix: Check the remote or registry URL and that the data was pushed there.',
    );
  });
});

describe('IntegrityError', () => {
  it('is a UserError naming the object, both digests and the algorithm, with the fix to push again', () => {
    const error = new IntegrityError(
      'file:///remote/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8',
      'acbd18db4cc2f85cedef654fccc4a4d8',
      '37b51d194a7513e45b56f6524f2d51f2',
      'md5',
    );
    expect(isUserError(error)).toBe(true);
    expect(error.name).toBe('IntegrityError');
    expect(error).toMatchObject({
      expected: 'acbd18db4cc2f85cedef654fccc4a4d8',
      actual: '37b51d194a7513e45b56f6524f2d51f2',
    });
    expect(error.message).toBe(
      'Corrupt object file:///remote/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8: its md5 is 37b51d194a7513e45b56f6524f2d51f2, expected acbd18db4cc2f85cedef654fccc4a4d8',
    );
    expect(error.fix).toBe('The remote copy is damaged: push the data again from a machine that has a good copy.');
  });
});

describe('PreconditionFailedError', () => {
  it('says which condition lost on which URL, and is not a user error (callers handle it: a lost race)', () => {
    const none = new PreconditionFailedError('s3://reg/iris/versions/3.json', 'if-none-match');
    expect(none.message).toBe('Precondition failed (if-none-match) writing s3://reg/iris/versions/3.json');
    expect(none.condition).toBe('if-none-match');
    expect(none.name).toBe('PreconditionFailedError');
    expect(isUserError(none)).toBe(false);
    expect(new PreconditionFailedError('u', 'if-match').message).toBe('Precondition failed (if-match) writing u');
  });
});
