/**
 * Settings-reader tests: set inputs and runner variables the way the runner passes them, and
 * put every variable back after each test.
 */
import { afterEach } from '@jest/globals';
import { UserError } from '@mlops-gha/common';
import { inputEnvName } from './run-action.js';

export interface ActionEnv {
  /** Runner variables (`GITHUB_*`, `RUNNER_TEMP`, ...); `undefined` unsets one for the test. */
  env(values: Record<string, string | undefined>): void;
  /** Inputs as the runner passes them: INPUT_<NAME>, spaces to `_`, upper-cased, dashes kept. */
  inputs(values: Record<string, string>): void;
}

/** Call once at the top of a test file: registers the afterEach that restores the environment. */
export function actionEnv(): ActionEnv {
  const saved = new Map<string, string | undefined>();
  const env = (values: Record<string, string | undefined>): void => {
    for (const [key, value] of Object.entries(values)) {
      if (!saved.has(key)) saved.set(key, process.env[key]);
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  afterEach(() => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    saved.clear();
  });
  return {
    env,
    inputs: (values) =>
      env(Object.fromEntries(Object.entries(values).map(([name, value]) => [inputEnvName(name), value]))),
  };
}

/** The UserError a call throws (a user sees its message and its fix); fails when none is thrown. */
export function refusal(read: () => unknown): UserError {
  try {
    read();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError, nothing was thrown');
}
