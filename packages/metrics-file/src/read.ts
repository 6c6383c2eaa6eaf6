import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { UserError } from '@mlops-gha/common';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { metricsFromCsv } from './csv.js';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Records a finite value (text such as "1e400" reads as Infinity: left out like any non-number)
 * as an own property even for a hostile name: `out.__proto__ = 1` would set nothing and drop it.
 */
function setMetric(out: Record<string, number>, name: string, value: number): void {
  if (!Number.isFinite(value)) return;
  Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
}

/** Numbers, nested objects flattened with dots (`per_class.a`); numeric strings count, other values are skipped. */
export function flattenMetrics(value: unknown, prefix = '', out: Record<string, number> = {}): Record<string, number> {
  if (typeof value === 'number' && Number.isFinite(value)) setMetric(out, prefix, value);
  else if (typeof value === 'string' && prefix && NUMBER.test(value.trim())) setMetric(out, prefix, Number(value));
  else if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flattenMetrics(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

/**
 * Parses a metrics file's text: JSON or YAML (an object of numbers, nested objects flattened
 * with dots; a top-level `metrics` object, as in the train action's run.json, is used
 * directly), or CSV by the rule of `metricsFromCsv` (the last row counts). Non-numeric values
 * are left out. Errors name the file and, where known, the line.
 */
export function parseMetrics(text: string, file: string): Record<string, number> {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') {
    const cells = metricsFromCsv(text, { file });
    const out: Record<string, number> = {};
    for (const [name, cell] of Object.entries(cells)) if (NUMBER.test(cell)) setMetric(out, name, Number(cell));
    return out;
  }
  let doc: unknown;
  try {
    doc = ext === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const location: { file: string; line?: number; column?: number } = { file };
    if (error instanceof YAMLParseError && error.linePos) {
      location.line = error.linePos[0].line;
      location.column = error.linePos[0].col;
    } else {
      const pos = /position (\d+)/.exec((error as Error).message);
      if (pos) {
        const before = text.slice(0, Number(pos[1]));
        location.line = before.split('\n').length;
        location.column = before.length - before.lastIndexOf('\n');
      }
    }
    throw new UserError(`Metrics file ${file} cannot be parsed: ${(error as Error).message}`, {
      fix: 'Write the metrics as a JSON or YAML object of numbers, e.g. {"accuracy": 0.91, "f1": 0.88}.',
      location,
    });
  }
  if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
    const inner = (doc as Record<string, unknown>).metrics;
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) doc = inner;
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new UserError(`Metrics file ${file} does not hold an object of metric names and values`, {
      fix: 'Write the metrics as an object, e.g. {"accuracy": 0.91, "f1": 0.88}.',
      location: { file, line: 1 },
    });
  }
  return flattenMetrics(doc);
}

/** Reads a metrics file (see `parseMetrics`); a missing file or one without numbers is a `UserError`. */
export async function readMetricsFile(path: string): Promise<Record<string, number>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UserError(
      `Metrics file ${path} cannot be read: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message}`,
      {
        fix: 'Point the input at a metrics file written by training (JSON, YAML or CSV), e.g. metrics.json.',
      },
    );
  }
  const metrics = parseMetrics(text, path);
  if (Object.keys(metrics).length === 0) {
    throw new UserError(`Metrics file ${path} holds no numeric metrics`, {
      fix: 'Write at least one metric with a numeric value, e.g. {"accuracy": 0.91}.',
      location: { file: path },
    });
  }
  return metrics;
}
