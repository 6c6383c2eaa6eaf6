import { describe, expect, it } from '@jest/globals';
import { describeError, isUserError, UserError } from '@mlops-gha/common';
import { AliasConflictError, NotFoundInRegistryError, VersionIntegrityError } from './errors.js';

describe('registry errors', () => {
  it('are UserErrors with their own names, so actions print them as annotations with the fix', () => {
    const errors = [
      new NotFoundInRegistryError('iris/9 does not exist', 'Versions of iris: 1, 2.'),
      new VersionIntegrityError('iris/2', ['a.bin: missing']),
      new AliasConflictError('prod', 1, 2),
    ];
    expect(errors.map((e) => e.name)).toEqual([
      'NotFoundInRegistryError',
      'VersionIntegrityError',
      'AliasConflictError',
    ]);
    for (const e of errors) {
      expect(e).toBeInstanceOf(UserError);
      expect(isUserError(e)).toBe(true);
    }
    expect(describeError(errors[0])).toBe('iris/9 does not exist\nFix: Versions of iris: 1, 2.');
  });

  it('VersionIntegrityError lists every problem after the reference and says not to use the version', () => {
    const e = new VersionIntegrityError('iris/2', ['a.bin: missing from the store', 'b.bin: size 3, manifest says 4']);
    expect(e.message).toBe('iris/2 failed verification: a.bin: missing from the store; b.bin: size 3, manifest says 4');
    expect(e.ref).toBe('iris/2');
    expect(e.problems).toEqual(['a.bin: missing from the store', 'b.bin: size 3, manifest says 4']);
    expect(e.fix).toBe(
      'Do not use this version: its files or manifest were changed after it was pushed. Push the model again to create a good version, and move aliases to it.',
    );
  });

  it('AliasConflictError words a missing alias as "nothing" on either side', () => {
    expect(new AliasConflictError('prod', 1, 2).message).toBe(
      'The alias prod points at version 2, not version 1 as expected; it was not moved',
    );
    expect(new AliasConflictError('prod', null, 3).message).toBe(
      'The alias prod points at version 3, not nothing as expected; it was not moved',
    );
    const e = new AliasConflictError('prod', 4, null);
    expect(e.message).toBe('The alias prod points at nothing, not version 4 as expected; it was not moved');
    expect([e.alias, e.expected, e.actual]).toEqual(['prod', 4, null]);
    expect(e.fix).toBe(
      'Someone else moved it meanwhile: check `events`, then retry with the current version as the expected one.',
    );
  });
});
