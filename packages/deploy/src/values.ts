import { readFile } from 'node:fs/promises';
import { UserError } from '@mlops-gha/common';
import { parseDocument, stringify } from 'yaml';

/**
 * The values helm gets, as one generated file: the user's `values-files` (left to right),
 * then the inline `values` YAML, then the model block under `model-values-key`. Merged as
 * helm merges `-f` files (maps deep, everything else replaced), so the result is what helm
 * would compute from the same files, and nothing is ever passed as a `--set` string.
 */

export type Values = Record<string, unknown>;

const isMap = (v: unknown): v is Values => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Sets an own key. Plain assignment of a key named `__proto__` would replace the object's
 * prototype instead, silently dropping a value helm would pass to the templates.
 */
const put = (o: Values, key: string, value: unknown) =>
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });

/** Parses YAML that must be a mapping; a syntax error names the file (or input), line and column. */
export function parseValuesYaml(text: string, where: { file?: string; input?: string }): Values {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const label = where.file ?? `the \`${where.input}\` input`;
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    throw new UserError(
      `${label} is not valid YAML: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}${pos ? ` (line ${pos.line}, column ${pos.col})` : ''}`,
      {
        fix: where.file
          ? `Fix the YAML in ${where.file}.`
          : `Fix the YAML under \`${where.input}:\` (indent it as a block: \`${where.input}: |\`).`,
        ...(where.file && pos ? { location: { file: where.file, line: pos.line, column: pos.col } } : {}),
        title: 'values are not YAML',
      },
    );
  }
  const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (value === null || value === undefined) return {};
  if (!isMap(value)) {
    throw new UserError(
      `${label} must be a YAML mapping (key: value), got ${Array.isArray(value) ? 'a list' : typeof value}`,
      {
        fix: 'Write values as a mapping, e.g. `replicaCount: 2`.',
        ...(where.file ? { location: { file: where.file, line: 1 } } : {}),
      },
    );
  }
  return value;
}

export async function readValuesFile(path: string): Promise<Values> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      `The values file ${path} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}`,
      {
        fix: "Check `values-files`: paths are relative to the workspace (or the step's working directory).",
      },
    );
  }
  return parseValuesYaml(text, { file: path });
}

/** Helm's coalescing of -f files: later maps merge into earlier ones, other values replace. */
export function mergeValues(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const prev = Object.hasOwn(out, k) ? out[k] : undefined;
    put(out, k, isMap(prev) && isMap(v) ? mergeValues(prev, v) : v);
  }
  return out;
}

/** Sets `value` at a dotted key (`model`, `serving.model`), creating maps on the way. */
export function setAtKey(values: Values, key: string, value: Values): Values {
  const parts = key.split('.');
  if (parts.some((p) => !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(p))) {
    throw new UserError(`\`model-values-key\` ${JSON.stringify(key)} is not a values path`, {
      fix: 'Use a key such as `model` or `serving.model` (letters, digits, _ and -, dot-separated).',
    });
  }
  const root: Values = { ...values };
  let node = root;
  for (const [i, part] of parts.entries()) {
    const prev = Object.hasOwn(node, part) ? node[part] : undefined;
    if (i === parts.length - 1) {
      put(node, part, isMap(prev) ? mergeValues(prev, value) : value);
    } else {
      put(node, part, isMap(prev) ? { ...prev } : {});
      node = node[part] as Values;
    }
  }
  return root;
}

export interface ModelValues {
  name: string;
  version: number;
  storageUri: string;
  sha256: string;
}

export async function buildValues(options: {
  files: string[];
  inline?: string;
  modelKey: string;
  model?: ModelValues;
}): Promise<Values> {
  let values: Values = {};
  for (const file of options.files) values = mergeValues(values, await readValuesFile(file));
  if (options.inline?.trim()) values = mergeValues(values, parseValuesYaml(options.inline, { input: 'values' }));
  if (options.model) values = setAtKey(values, options.modelKey, { ...options.model });
  return values;
}

export function valuesYaml(values: Values): string {
  return stringify(values, { lineWidth: 0 });
}
