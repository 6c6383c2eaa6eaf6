import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { UserError } from '@mlops-gha/common';
import { parse as parseYaml, YAMLParseError } from 'yaml';

/**
 * Reads a metrics file as the train action writes it: JSON or YAML (an object of numbers,
 * nested objects flattened with dots; a top-level `metrics` object, as in run.json, is used
 * directly), or CSV (`name,value` rows, or one header row of names over one row of values).
 */
export async function readMetricsFile(path: string): Promise<Record<string, number>> {
  if (!existsSync(path)) {
    throw new UserError(`Metrics file ${path} does not exist`, {
      fix: 'Point the input at a metrics file written by training (JSON, YAML or CSV), e.g. metrics.json.',
    });
  }
  const text = await readFile(path, 'utf8');
  const ext = extname(path).toLowerCase();
  let metrics: Record<string, number>;
  if (ext === '.csv') metrics = fromCsv(path, text);
  else {
    let doc: unknown;
    try {
      doc = ext === '.json' ? JSON.parse(text) : parseYaml(text);
    } catch (error) {
      const location: { file: string; line?: number; column?: number } = { file: path };
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
      throw new UserError(`Metrics file ${path} cannot be parsed: ${(error as Error).message}`, {
        fix: 'Write the metrics as a JSON or YAML object of numbers, e.g. {"accuracy": 0.91, "f1": 0.88}.',
        location,
      });
    }
    if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
      const inner = (doc as Record<string, unknown>).metrics;
      if (inner && typeof inner === 'object' && !Array.isArray(inner)) doc = inner;
    }
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
      throw new UserError(`Metrics file ${path} does not hold an object of metric names and values`, {
        fix: 'Write the metrics as an object, e.g. {"accuracy": 0.91, "f1": 0.88}.',
        location: { file: path, line: 1 },
      });
    }
    metrics = {};
    flatten(doc as Record<string, unknown>, '', metrics);
  }
  if (Object.keys(metrics).length === 0) {
    throw new UserError(`Metrics file ${path} holds no numeric metrics`, {
      fix: 'Write at least one metric with a numeric value, e.g. {"accuracy": 0.91}.',
      location: { file: path },
    });
  }
  return metrics;
}

function flatten(obj: Record<string, unknown>, prefix: string, out: Record<string, number>): void {
  for (const [key, value] of Object.entries(obj)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'number' && Number.isFinite(value)) out[name] = value;
    else if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) out[name] = Number(value);
    else if (value && typeof value === 'object' && !Array.isArray(value)) flatten(value as Record<string, unknown>, name, out);
  }
}

function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

function fromCsv(path: string, text: string): Record<string, number> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const out: Record<string, number> = {};
  if (lines.length === 0) return out;
  const header = splitCsvLine(lines[0]!);
  const longForm = header.length === 2 && /^(name|metric)$/i.test(header[0]!) && /^value$/i.test(header[1]!);
  if (longForm) {
    lines.slice(1).forEach((line, i) => {
      const [name, value] = splitCsvLine(line);
      const v = Number(value);
      if (!name || value === undefined || value === '' || !Number.isFinite(v)) {
        throw new UserError(`Metrics file ${path}, line ${i + 2}: expected "name,value" with a numeric value, got "${line}"`, {
          fix: 'Write one `name,value` row per metric.',
          location: { file: path, line: i + 2 },
        });
      }
      out[name] = v;
    });
    return out;
  }
  const values = lines[1] ? splitCsvLine(lines[1]) : [];
  header.forEach((name, j) => {
    const v = Number(values[j]);
    if (name && values[j] !== undefined && values[j] !== '' && Number.isFinite(v)) out[name] = v;
  });
  return out;
}
