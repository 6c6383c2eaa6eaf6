import * as core from '@actions/core';
import type { Logger } from '@mlops-gha/common';

/** The package Logger over @actions/core: warnings become annotations on their file and line. */
export function actionsLogger(): Logger {
  return {
    info: (message) => core.info(message),
    debug: (message) => core.debug(message),
    warning: (message, location) =>
      core.warning(
        message,
        location
          ? {
              file: location.file,
              startLine: location.line,
              endLine: location.endLine,
              startColumn: location.column,
              endColumn: location.endColumn,
            }
          : undefined,
      ),
  };
}
