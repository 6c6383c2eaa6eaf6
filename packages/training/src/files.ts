import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import { UserError } from '@mlops-gha/common';
import { metricsFromCsv } from '@mlops-gha/metrics-file';
import { locateJsonError } from './json-error.js';

export type Values = Record<string, unknown>;
export type FileFormat = 'json' | 'yaml' | 'csv';

/** The format a params or metrics file is read as, from its extension (JSON for unknown ones that look like it). */
export function formatOf(path: string, text: string): FileFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  if (ext === '.csv') return 'csv';
  return /^\s*[[{]/.test(text) ? 'json' : 'yaml';
}

function lineColumnAt(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column };
}

/** `kind` is `params` or `metrics`, `file` the path as the user wrote it (used in messages and annotations). */
interface Source {
  kind: 'params-file' | 'metrics-file';
  file: string;
}

function example(kind: Source['kind'], format: FileFormat): string {
  if (kind === 'params-file') return format === 'json' ? '{"lr": 0.01, "epochs": 10}' : '`lr: 0.01` on its own line';
  if (format === 'csv')
    return 'a header row such as `epoch,loss,accuracy` and one row per epoch, or `metric,value` rows';
  return format === 'json' ? '{"accuracy": 0.93, "f1": 0.91}' : '`accuracy: 0.93` on its own line';
}

function parseJson(text: string, source: Source): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const located = locateJsonError(text);
    const where = located ? lineColumnAt(text, located.position) : undefined;
    const reason =
      text.trim() === ''
        ? 'the file is empty'
        : (located?.reason ?? (error instanceof Error ? error.message : String(error)));
    throw new UserError(
      `${source.kind} ${source.file} is not valid JSON${where ? ` at line ${where.line}, column ${where.column}` : ''}: ${reason}`,
      {
        fix: `Write ${source.file} as one JSON object, e.g. ${example(source.kind, 'json')}.`,
        location: { file: source.file, line: where?.line, column: where?.column },
        title: `Malformed ${source.kind}`,
      },
    );
  }
}

function parseYaml(text: string, source: Source): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const at = error.linePos?.[0];
    throw new UserError(
      `${source.kind} ${source.file} is not valid YAML${at ? ` at line ${at.line}, column ${at.col}` : ''}: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
      {
        fix: `Write ${source.file} as a YAML mapping, e.g. ${example(source.kind, 'yaml')}.`,
        location: { file: source.file, line: at?.line, column: at?.col },
        title: `Malformed ${source.kind}`,
      },
    );
  }
  return doc.toJS() ?? {};
}

export { parseCsv } from '@mlops-gha/metrics-file';

function csvValue(raw: string): unknown {
  const v = raw.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) return Number(v);
  if (/^(nan|NaN)$/.test(v)) return null;
  if (v === 'true' || v === 'false') return v === 'true';
  return v;
}

/** Metrics from CSV by the one rule every action shares (the last row is the run's result). */
function parseMetricsCsv(text: string, source: Source): Values {
  const cells = metricsFromCsv(text, { file: source.file, label: `${source.kind} ${source.file}` });
  return Object.fromEntries(Object.entries(cells).map(([name, cell]) => [name, csvValue(cell)]));
}

function requireMapping(value: unknown, source: Source, format: FileFormat): Values {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new UserError(
      `${source.kind} ${source.file} must hold a mapping of names to values, but holds ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}`,
      {
        fix: `Write ${source.file} as ${example(source.kind, format)}.`,
        location: { file: source.file, line: 1 },
        title: `Malformed ${source.kind}`,
      },
    );
  }
  return value as Values;
}

/** Parses a params or metrics file's text. Errors name the file and, where known, the line. */
export function parseValues(text: string, source: Source, format = formatOf(source.file, text)): Values {
  if (format === 'csv') {
    if (source.kind === 'params-file') {
      throw new UserError(`params-file ${source.file}: CSV is not a params format`, {
        fix: 'Keep params in YAML (params.yaml, as DVC does) or JSON.',
        location: { file: source.file },
      });
    }
    return parseMetricsCsv(text, source);
  }
  const value = format === 'json' ? parseJson(text, source) : parseYaml(text, source);
  return requireMapping(value, source, format);
}

export interface ReadValues {
  found: boolean;
  values: Values;
}

/**
 * Reads a params or metrics file. An absent file is `{ found: false }`, not an error: the
 * caller decides whether that deserves a warning. `path` is where to read, `display` how to
 * name it (relative to the workspace, as annotations need).
 */
export async function readValuesFile(path: string, source: Source): Promise<ReadValues> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { found: false, values: {} };
    if (code === 'EISDIR') {
      throw new UserError(`${source.kind} ${source.file} is a directory`, {
        fix: `Point \`${source.kind}:\` at a file.`,
      });
    }
    throw error;
  }
  return { found: true, values: parseValues(text, source) };
}

/** Nested values as dotted keys (`train.lr`), for tables. Lists are shown as JSON. */
export function flatten(values: Values, prefix = ''): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [key, value] of Object.entries(values)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      out.push(...flatten(value as Values, name));
    else out.push([name, value]);
  }
  return out;
}
