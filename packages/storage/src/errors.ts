import { UserError } from '@mlops-gha/common';

/** The object does not exist in the store. */
export class ObjectNotFoundError extends UserError {
  constructor(readonly url: string) {
    super(`Object not found: ${url}`, { fix: 'Check the remote or registry URL and that the data was pushed there.' });
    this.name = 'ObjectNotFoundError';
  }
}

/** A conditional write lost: the key exists (If-None-Match) or changed (If-Match). */
export class PreconditionFailedError extends Error {
  constructor(
    readonly url: string,
    readonly condition: 'if-none-match' | 'if-match',
  ) {
    super(`Precondition failed (${condition}) writing ${url}`);
    this.name = 'PreconditionFailedError';
  }
}

/** The downloaded bytes do not have the digest the caller expected. */
export class IntegrityError extends UserError {
  constructor(
    readonly url: string,
    readonly expected: string,
    readonly actual: string,
    algorithm: string,
  ) {
    super(`Corrupt object ${url}: its ${algorithm} is ${actual}, expected ${expected}`, {
      fix: 'The remote copy is damaged: push the data again from a machine that has a good copy.',
    });
    this.name = 'IntegrityError';
  }
}
