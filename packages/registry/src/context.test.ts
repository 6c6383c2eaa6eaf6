import { describe, expect, it } from '@jest/globals';
import { PreconditionFailedError } from '@mlops-gha/storage';
import { isPrecondition } from './context.js';

describe('isPrecondition', () => {
  it('is true for a lost conditional write: 412, or If-Match on a key deleted meanwhile (404 NoSuchKey)', () => {
    expect(isPrecondition(new PreconditionFailedError('s3://b/k', 'if-none-match'))).toBe(true);
    // the same error from another copy of the storage package (a bundle) is recognised by name
    expect(isPrecondition(Object.assign(new Error('412'), { name: 'PreconditionFailedError' }))).toBe(true);
    expect(isPrecondition(Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' }))).toBe(
      true,
    );
  });

  it('is false for any other failure, which the caller must not retry as a lost race', () => {
    expect(isPrecondition(new Error('store unavailable'))).toBe(false);
    expect(isPrecondition(Object.assign(new Error('denied'), { name: 'AccessDenied' }))).toBe(false);
    expect(isPrecondition(undefined)).toBe(false);
    expect(isPrecondition(null)).toBe(false);
    expect(isPrecondition('PreconditionFailedError')).toBe(false);
  });
});
