import { describe, expect, it } from '@jest/globals';
import { UserError } from '@mlops-gha/common';
import { reportFailure, runMain } from './run.js';
import { captureLog } from '../../../test/harness/workflow-log.js';

describe('runMain', () => {
  it('prints nothing and leaves the exit code alone when main succeeds', async () => {
    let ran = false;
    const log = await captureLog(() =>
      runMain(async () => {
        ran = true;
      }),
    );
    expect(ran).toBe(true);
    expect(log.lines).toEqual([]);
    expect(log.exitCode).toBeUndefined();
  });

  it('turns a UserError into an error annotation on its file and line, with the fix, and exit code 1', async () => {
    const error = new UserError('metrics.json is not valid JSON at line 2, column 12', {
      fix: 'Write metrics.json as one JSON object.',
      title: 'Malformed metrics-file',
      location: { file: 'out/metrics.json', line: 2, column: 12, endLine: 2, endColumn: 13 },
    });
    const log = await captureLog(() =>
      runMain(async () => {
        throw error;
      }),
    );
    expect(log.annotations).toEqual([
      {
        level: 'error',
        message: 'metrics.json is not valid JSON at line 2, column 12\nFix: Write metrics.json as one JSON object.',
        title: 'Malformed metrics-file',
        file: 'out/metrics.json',
        line: 2,
        endLine: 2,
        col: 12,
        endColumn: 13,
      },
    ]);
    expect(log.exitCode).toBe(1);
    // a user's mistake is not a bug: no stack trace in the log
    expect(log.lines.join('\n')).not.toContain('    at ');
  });

  it('annotates a UserError without a location or fix with its message alone', async () => {
    const log = await captureLog(() => reportFailure(new UserError('Input required and not supplied: release')));
    expect(log.annotations).toEqual([{ level: 'error', message: 'Input required and not supplied: release' }]);
    expect(log.exitCode).toBe(1);
  });

  it('reports an error known as a UserError by its name alone (another copy of the module) with its fix', async () => {
    const copy = Object.assign(new Error('Model name "../x" is not valid'), {
      name: 'UserError',
      fix: 'Use letters, digits, dots, dashes and underscores.',
    });
    const log = await captureLog(() => reportFailure(copy));
    expect(log.annotations).toEqual([
      {
        level: 'error',
        message: 'Model name "../x" is not valid\nFix: Use letters, digits, dots, dashes and underscores.',
      },
    ]);
    expect(log.exitCode).toBe(1);
  });

  it('fails on any other error with its message, keeping the stack for the debug log', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'sha256')");
    const log = await captureLog(() =>
      runMain(async () => {
        throw bug;
      }),
    );
    expect(log.annotations).toEqual([{ level: 'error', message: bug.message }]);
    const debug = log.commands.filter((c) => c.command === 'debug').map((c) => c.data);
    expect(debug).toEqual([bug.stack]);
    expect(log.exitCode).toBe(1);
  });

  it('fails on a thrown value that is not an Error, showing it as text', async () => {
    const log = await captureLog(() =>
      runMain(async () => {
        throw 'disk full';
      }),
    );
    expect(log.annotations).toEqual([{ level: 'error', message: 'disk full' }]);
    expect(log.exitCode).toBe(1);
  });
});
