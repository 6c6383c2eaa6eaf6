import * as core from '@actions/core';
import { describeError, isUserError, type UserError } from '@mlops-gha/common';

/**
 * Runs an action's main function and turns a thrown error into what the runner shows: an
 * error annotation (on the file and line when the error knows them) and exit code 1. User
 * errors print their fix; other errors are bugs, so their stack goes to the debug log.
 */
export async function runMain(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    reportFailure(error);
  }
}

export function reportFailure(error: unknown): void {
  if (isUserError(error)) {
    const userError = error as UserError;
    const location = userError.location;
    // describeError, not describe(): an error known by its name alone (another copy of
    // @mlops-gha/common in a bundle) has the fields but not the method.
    core.error(describeError(userError), {
      title: userError.title,
      file: location?.file,
      startLine: location?.line,
      endLine: location?.endLine,
      startColumn: location?.column,
      endColumn: location?.endColumn,
    });
    process.exitCode = 1;
    return;
  }
  const err = error instanceof Error ? error : new Error(String(error));
  if (err.stack) core.debug(err.stack);
  core.setFailed(err.message);
}
