import * as core from '@actions/core';
import { UserError } from '@mlops-gha/common';

/**
 * Typed readers over `core.getInput`. Every parse error names the input and says what a valid
 * value looks like, so a user can fix the workflow file without reading our source.
 */

export function getString(name: string, options: { required?: boolean; default?: string } = {}): string {
  const value = core.getInput(name);
  if (value === '') {
    if (options.required) {
      throw new UserError(`Input required and not supplied: ${name}`, {
        fix: `Add \`${name}:\` under \`with:\` in the step that uses this action.`,
      });
    }
    return options.default ?? '';
  }
  return value;
}

/** An optional input: undefined when empty. */
export function getOptional(name: string): string | undefined {
  const value = core.getInput(name);
  return value === '' ? undefined : value;
}

const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

/** A boolean in YAML 1.2 core-schema spelling, as `core.getBooleanInput` accepts, with a default. */
export function getBoolean(name: string, defaultValue: boolean): boolean {
  const value = core.getInput(name);
  if (value === '') return defaultValue;
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  throw new UserError(`Input \`${name}\` must be true or false, got ${JSON.stringify(value)}`, {
    fix: `Set \`${name}: true\` or \`${name}: false\`.`,
  });
}

/** `auto`, `true` or `false` (e.g. require-gpu). Empty reads as the default. */
export function getTriState(name: string, defaultValue: 'auto' | boolean = 'auto'): 'auto' | boolean {
  const value = core.getInput(name);
  if (value === '') return defaultValue;
  if (value.toLowerCase() === 'auto') return 'auto';
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  throw new UserError(`Input \`${name}\` must be auto, true or false, got ${JSON.stringify(value)}`, {
    fix: `Set \`${name}: auto\`, \`${name}: true\` or \`${name}: false\`.`,
  });
}

/** A finite number, optionally bounded. */
export function getNumber(
  name: string,
  options: { default?: number; min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  const raw = core.getInput(name);
  if (raw === '') return options.default;
  const value = Number(raw);
  const kind = options.integer ? 'an integer' : 'a number';
  const bounds =
    options.min !== undefined && options.max !== undefined
      ? ` between ${options.min} and ${options.max}`
      : options.min !== undefined
        ? ` of at least ${options.min}`
        : options.max !== undefined
          ? ` of at most ${options.max}`
          : '';
  if (
    !Number.isFinite(value) ||
    (options.integer && !Number.isInteger(value)) ||
    (options.min !== undefined && value < options.min) ||
    (options.max !== undefined && value > options.max)
  ) {
    throw new UserError(`Input \`${name}\` must be ${kind}${bounds}, got ${JSON.stringify(raw)}`, {
      fix: `Set \`${name}:\` to ${kind}${bounds}, or remove it to use the default.`,
    });
  }
  return value;
}

/** A multi-line input: one entry per non-empty line, trimmed; `#` starts a comment line. */
export function getList(name: string): string[] {
  return core
    .getInput(name)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** A multi-line `key=value` input (e.g. tags). Keys must be non-empty. */
export function getKeyValues(name: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const line of getList(name)) {
    const eq = line.indexOf('=');
    if (eq <= 0) {
      throw new UserError(`Input \`${name}\`: ${JSON.stringify(line)} is not key=value`, {
        fix: `Write one \`key=value\` per line under \`${name}:\`, e.g. \`team=vision\`.`,
      });
    }
    result[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return result;
}

/** One of a fixed set of words. */
export function getChoice<T extends string>(name: string, choices: readonly T[], defaultValue: T): T {
  const value = core.getInput(name);
  if (value === '') return defaultValue;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new UserError(`Input \`${name}\` must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`, {
    fix: `Set \`${name}:\` to one of ${choices.join(', ')}.`,
  });
}

/** An input holding a secret: masked in the log before anything else can print it. */
export function getSecret(name: string): string | undefined {
  const value = core.getInput(name);
  if (value === '') return undefined;
  core.setSecret(value);
  return value;
}
