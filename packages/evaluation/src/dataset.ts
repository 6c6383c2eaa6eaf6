import { existsSync, statSync } from 'node:fs';
import { decodeField, scanCsvFile, scanJsonLinesFile, tableFormat, type RecordSink } from '@mlops-gha/tabular';
import { extname } from 'node:path';
import { UserError } from '@mlops-gha/common';
import { canonicalLabel } from './label-output.js';
import { FloatBuffer } from './float-buffer.js';
import { badCell, labelColumnsOf, MISSING, parseNumber, planColumns, type Layout } from './columns.js';

/** A holdout set in memory: features as float32 (what ONNX models take), labels as text. */
export interface Holdout {
  path: string;
  rows: number;
  /** Feature column names, in the order of `features`' columns. */
  featureNames: string[];
  /** rows x featureNames.length, row-major. */
  features: Float32Array;
  /** The (first) label column. */
  labelColumn: string;
  /** Every label column: one, or K for multilabel classification and multi-output regression. */
  labelColumns?: string[];
  /** The label of each row as written (numbers canonicalised: `1.0` reads as `1`); with several label columns, the first's. */
  labels: string[];
  /** With several label columns: each column's labels (K arrays of `rows`), in `labelColumns` order. */
  targets?: string[][];
  /** Missing feature cells per feature column (only with `missingValues: 'nan'`; all zero otherwise). */
  missing?: Record<string, number>;
}

/** What an empty or `nan`/`NaN`/`NA` feature cell means: an error (the default) or a NaN passed to the model. */
export type MissingValues = 'error' | 'nan';

export interface HoldoutOptions {
  /** The column holding the true label or target. Default `label`. */
  labelColumn?: string;
  /**
   * Several label columns (multilabel 0/1 columns, or the targets of a multi-output regressor,
   * in the model's output order). Takes precedence over `labelColumn` when given.
   */
  labelColumns?: string[];
  /** Feature columns in model-input order. Default: every column but the label, in file order. */
  featureColumns?: string[];
  /**
   * `error` (default): a missing feature value is refused with its file, line and column.
   * `nan`: it reaches the model as NaN (tree ensembles and pipelines with an imputer handle
   * them), and the count per column is reported.
   */
  missingValues?: MissingValues;
}

export { canonicalLabel };

/**
 * Loads a CSV (header row, RFC 4180 quoting) or JSON Lines holdout set, streaming the file
 * through @mlops-gha/tabular's readers (`scanCsvFile`, `scanJsonLinesFile`).
 * Every feature cell must be a number; errors name the file, line, column and the fix.
 */
export async function loadHoldout(path: string, options: HoldoutOptions = {}): Promise<Holdout> {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new UserError(`Dataset ${path} does not exist`, {
      fix: 'Set `dataset:` to the path of a CSV or JSON Lines file (relative to the working directory), and make sure an earlier step (e.g. data-pull) put it there.',
    });
  }
  const format = tableFormat(path);
  if (!format) {
    const ext = extname(path).toLowerCase();
    throw new UserError(`Dataset ${path}: unknown format "${ext || '(no extension)'}"`, {
      fix: 'Use a .csv file with a header row or a .jsonl file with one JSON object per line.',
      location: { file: path },
    });
  }
  const holdout = format === 'csv' ? await loadCsv(path, options) : await loadJsonLines(path, options);
  if (holdout.rows === 0) {
    throw new UserError(`Dataset ${path} has no data rows`, {
      fix: 'Point `dataset:` at a holdout file with at least one row below the header.',
      location: { file: path },
    });
  }
  return holdout;
}

async function loadCsv(path: string, options: HoldoutOptions): Promise<Holdout> {
  const allowMissing = options.missingValues === 'nan';
  let missing: number[] = [];
  let layout: Layout | undefined;
  let header: string[] | undefined;
  const features = new FloatBuffer();
  let labelLists: string[][] = [];
  let rows = 0;
  // The shared tokenizer finds the fields (and reads plain decimals on the way); the cells'
  // meaning is the holdout's own: features as float32 with its missing-value tokens, labels
  // as written.
  const sink: RecordSink = {
    record(buf, bounds, quoted, values, fields, line) {
      const text = (k: number) => decodeField(buf, bounds[2 * k]!, bounds[2 * k + 1]!, quoted[k]!);
      if (!header) {
        header = Array.from({ length: fields }, (_, k) => text(k).trim());
        layout = planColumns(path, header, options, line);
        missing = layout.featureNames.map(() => 0);
        labelLists = layout.labelColumns.map(() => []);
        return;
      }
      if (fields !== header.length) {
        throw new UserError(`Dataset ${path}, line ${line}: ${fields} fields, but the header has ${header.length}`, {
          fix: 'Make every row have one field per header column (quote fields that contain commas).',
          location: { file: path, line },
        });
      }
      const l = layout!;
      for (let j = 0; j < l.featureIndex.length; j++) {
        const idx = l.featureIndex[j]!;
        const fast = values[idx]!;
        if (fast === fast) {
          features.push(fast);
          continue;
        }
        const raw = text(idx);
        const v = parseNumber(raw);
        if (!Number.isFinite(v)) {
          if (!allowMissing || !MISSING.test(raw.trim()))
            throw badCell(path, line, header[idx]!, idx + 1, raw, allowMissing);
          missing[j]!++;
        }
        features.push(v);
      }
      for (let j = 0; j < l.labelIndex.length; j++) {
        const idx = l.labelIndex[j]!;
        // A plain decimal the scanner read is canonical as JavaScript prints it (what canonicalLabel gives).
        const fast = values[idx]!;
        const label = fast === fast ? String(fast) : canonicalLabel(text(idx));
        if (label === '') {
          throw new UserError(`Dataset ${path}, line ${line}: the label "${header[idx]}" is empty`, {
            fix: 'Drop rows without a label from the holdout set.',
            location: { file: path, line, column: idx + 1 },
          });
        }
        labelLists[j]!.push(label);
      }
      rows++;
    },
  };
  await scanCsvFile(path, sink, { subject: `Dataset ${path}` });
  if (!header) {
    throw new UserError(`Dataset ${path} is empty`, {
      fix: 'Point `dataset:` at a CSV file with a header row and data rows.',
      location: { file: path },
    });
  }
  const l = layout!;
  return {
    path,
    rows,
    featureNames: l.featureNames,
    features: features.finish(),
    ...labelFields(l.labelColumns, labelLists),
    missing: Object.fromEntries(l.featureNames.map((name, j) => [name, missing[j]!])),
  };
}

/** The label fields of a holdout from its label columns' lists. */
function labelFields(
  labelColumns: string[],
  lists: string[][],
): Pick<Holdout, 'labelColumn' | 'labelColumns' | 'labels' | 'targets'> {
  return {
    labelColumn: labelColumns[0]!,
    labelColumns,
    labels: lists[0]!,
    targets: labelColumns.length > 1 ? lists : undefined,
  };
}

async function loadJsonLines(path: string, options: HoldoutOptions): Promise<Holdout> {
  const labelColumns = labelColumnsOf(options);
  const allowMissing = options.missingValues === 'nan';
  let missing: number[] = [];
  const features = new FloatBuffer();
  const labelLists: string[][] = labelColumns.map(() => []);
  let layout: Layout | undefined;
  let rows = 0;
  // Lines and objects come from the shared reader; the values' meaning is the holdout's own:
  // features must be JSON numbers (a string "2.5" is refused), labels any scalar.
  const handle = (obj: Record<string, unknown>, lineNo: number) => {
    if (!layout) {
      layout = planColumns(path, Object.keys(obj), { ...options, labelColumns });
      missing = layout.featureNames.map(() => 0);
    }
    for (const [j, name] of layout.featureNames.entries()) {
      const v = obj[name];
      // JSON has no NaN: null (or a "nan" string) is a missing value.
      if (allowMissing && (v === null || (typeof v === 'string' && MISSING.test(v.trim())))) {
        missing[j]!++;
        features.push(NaN);
        continue;
      }
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        const shown = v === undefined ? '' : JSON.stringify(v);
        if (v === undefined) {
          throw new UserError(`Dataset ${path}, line ${lineNo}: feature "${name}" is missing`, {
            fix: 'Give every row the same feature fields as the first row.',
            location: { file: path, line: lineNo },
          });
        }
        throw badCell(path, lineNo, name, j + 1, v === null ? 'null' : shown, allowMissing);
      }
      features.push(v);
    }
    labelColumns.forEach((labelColumn, j) => {
      const label = obj[labelColumn];
      if (label === undefined || label === null || label === '') {
        throw new UserError(`Dataset ${path}, line ${lineNo}: the label "${labelColumn}" is missing`, {
          fix: 'Give every row a label, or set `label-column:` to the right field.',
          location: { file: path, line: lineNo },
        });
      }
      labelLists[j]!.push(canonicalLabel(String(label)));
    });
    rows++;
  };
  await scanJsonLinesFile(path, handle, {
    subject: `Dataset ${path}`,
    example: '{"x1": 0.5, "x2": 1.2, "label": 1}',
  });
  if (!layout) {
    throw new UserError(`Dataset ${path} is empty`, {
      fix: 'Point `dataset:` at a JSON Lines file with one object per row.',
      location: { file: path },
    });
  }
  const names = layout.featureNames;
  return {
    path,
    rows,
    featureNames: names,
    features: features.finish(),
    ...labelFields(labelColumns, labelLists),
    missing: Object.fromEntries(names.map((n, j) => [n, missing[j]!])),
  };
}
