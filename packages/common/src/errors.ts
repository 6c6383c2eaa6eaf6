/**
 * Where in a user's file a problem sits. Lines and columns are 1-based, as editors and
 * GitHub annotations count them.
 */
export interface FileLocation {
  file: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

export interface UserErrorDetails {
  /** How to fix it, in one sentence a user can act on. */
  fix?: string;
  /** The file (and line) the problem is in, for an annotation. */
  location?: FileLocation;
  /** A short title for the annotation. */
  title?: string;
  cause?: unknown;
}

/**
 * An error caused by the user's input or environment rather than by a bug: its message says
 * what is wrong and where, `fix` says what to do. Actions turn it into a failed step with an
 * annotation on `location`; CLIs print it without a stack trace.
 */
export class UserError extends Error {
  readonly fix?: string;
  readonly location?: FileLocation;
  readonly title?: string;

  constructor(message: string, details: UserErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'UserError';
    this.fix = details.fix;
    this.location = details.location;
    this.title = details.title;
  }

  /** The message followed by the fix, as printed to a user. */
  describe(): string {
    return describeError(this);
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError || (error instanceof Error && error.name === 'UserError');
}

/**
 * A message for any thrown value: the user-facing description for a UserError, else the message.
 * Built from the fields, not by calling `describe()`: an error recognised by its name alone
 * (another copy of this module, or one rebuilt from its fields) may not have the method.
 */
export function describeError(error: unknown): string {
  if (isUserError(error)) {
    const fix = (error as Partial<UserError>).fix;
    return fix ? `${error.message}\nFix: ${fix}` : error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
