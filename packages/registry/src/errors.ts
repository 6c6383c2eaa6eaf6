import { UserError } from '@mlops-gha/common';

/** A version, alias or model that the registry does not have. */
export class NotFoundInRegistryError extends UserError {
  constructor(message: string, fix: string) {
    super(message, { fix });
    this.name = new.target.name;
  }
}

/** A version whose files do not match its manifest (or whose manifest was edited). */
export class VersionIntegrityError extends UserError {
  constructor(
    readonly ref: string,
    readonly problems: string[],
  ) {
    super(`${ref} failed verification: ${problems.join('; ')}`, {
      fix: 'Do not use this version: its files or manifest were changed after it was pushed. Push the model again to create a good version, and move aliases to it.',
    });
    this.name = new.target.name;
  }
}

/** An alias move whose expected current version did not hold (compare-and-swap lost). */
export class AliasConflictError extends UserError {
  constructor(
    readonly alias: string,
    readonly expected: number | null,
    readonly actual: number | null,
  ) {
    super(
      `The alias ${alias} points at ${actual === null ? 'nothing' : `version ${actual}`}, not ${expected === null ? 'nothing' : `version ${expected}`} as expected; it was not moved`,
      {
        fix: 'Someone else moved it meanwhile: check `events`, then retry with the current version as the expected one.',
      },
    );
    this.name = new.target.name;
  }
}
