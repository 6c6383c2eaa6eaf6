import { UserError } from '@mlops-gha/common';

/**
 * Names in the registry become parts of store keys, so they are checked before anything is
 * read or written: a name can never add a `/`, climb with `..`, or collide with a reserved word.
 */

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const ALIAS_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Checks a model name: letters, digits, `.`, `_`, `-`, starting with a letter or digit; no `..`. */
export function checkModelName(name: string, where = 'the model name'): string {
  if (!MODEL_NAME.test(name) || name.includes('..')) {
    throw new UserError(`Invalid model name ${JSON.stringify(name)} in ${where}`, {
      fix: 'Use letters, digits, ".", "_" or "-" (at most 128, starting with a letter or digit, no "/" or ".."), e.g. iris-classifier.',
    });
  }
  return name;
}

/**
 * Checks an alias name as MLflow does (`[\w-]`), starting with a letter; `latest` and
 * `v<digits>` are reserved because they read as version references.
 */
export function checkAliasName(alias: string, where = 'the alias'): string {
  if (!ALIAS_NAME.test(alias)) {
    throw new UserError(`Invalid alias ${JSON.stringify(alias)} in ${where}`, {
      fix: 'Use letters, digits, "_" or "-", starting with a letter (no "/", "." or ".."), e.g. staging or production.',
    });
  }
  if (alias === 'latest' || /^v\d+$/.test(alias)) {
    throw new UserError(`The alias ${JSON.stringify(alias)} is reserved (it reads as a version reference)`, {
      fix: 'Choose another alias name, e.g. staging, production or champion.',
    });
  }
  return alias;
}

export function checkVersionNumber(version: number, where = 'the version'): number {
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new UserError(`Invalid version ${JSON.stringify(version)} in ${where}`, {
      fix: 'Versions are whole numbers from 1.',
    });
  }
  return version;
}

/** What a reference names: one version, an alias, or the newest version. */
export type ModelRef =
  | { name: string; kind: 'version'; version: number }
  | { name: string; kind: 'alias'; alias: string }
  | { name: string; kind: 'latest' };

/**
 * Parses `NAME/VERSION`, `NAME@ALIAS`, `NAME@latest`, `NAME/latest` (and the same with a
 * `registry://` prefix, as metric-gate's `baseline` input writes them).
 */
export function parseModelRef(text: string): ModelRef {
  const ref = text.trim().replace(/^registry:\/\//, '');
  const usage = 'Write NAME/VERSION (e.g. iris/3), NAME@ALIAS (e.g. iris@production) or NAME@latest.';
  const at = ref.indexOf('@');
  if (at >= 0) {
    const name = checkModelName(ref.slice(0, at), JSON.stringify(text));
    const alias = ref.slice(at + 1);
    if (alias === 'latest') return { name, kind: 'latest' };
    return { name, kind: 'alias', alias: checkAliasName(alias, JSON.stringify(text)) };
  }
  const slash = ref.indexOf('/');
  if (slash < 0) throw new UserError(`Not a model reference: ${JSON.stringify(text)}`, { fix: usage });
  const name = checkModelName(ref.slice(0, slash), JSON.stringify(text));
  const rest = ref.slice(slash + 1).replace(/^v(?=\d)/, '');
  if (rest === 'latest') return { name, kind: 'latest' };
  if (!/^\d+$/.test(rest)) throw new UserError(`Not a version number in ${JSON.stringify(text)}`, { fix: usage });
  return { name, kind: 'version', version: checkVersionNumber(Number(rest), JSON.stringify(text)) };
}

export function formatModelRef(ref: ModelRef): string {
  if (ref.kind === 'version') return `${ref.name}/${ref.version}`;
  if (ref.kind === 'alias') return `${ref.name}@${ref.alias}`;
  return `${ref.name}@latest`;
}

/** Tags: keys `[A-Za-z0-9_.:/-]`, values any text without newlines. */
export function checkTags(tags: Record<string, string>): Record<string, string> {
  for (const [key, value] of Object.entries(tags)) {
    if (!/^[A-Za-z0-9_.:/-]{1,128}$/.test(key)) {
      throw new UserError(`Invalid tag key ${JSON.stringify(key)}`, {
        fix: 'Tag keys use letters, digits and _ . : / - (e.g. team=vision).',
      });
    }
    if (/[\r\n]/.test(value) || value.length > 1024) {
      throw new UserError(`Invalid value for tag ${key}`, {
        fix: 'Tag values are one line of at most 1024 characters.',
      });
    }
  }
  return tags;
}

/** Parses `key=value` lines (the action's `tags` input, the CLI's --tag). */
export function parseTags(lines: string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) {
      throw new UserError(`Tag ${JSON.stringify(line)} is not key=value`, {
        fix: 'Write one key=value per line, e.g. team=vision.',
      });
    }
    tags[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return checkTags(tags);
}
