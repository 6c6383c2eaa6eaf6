/**
 * Which holdout columns are features and which are labels (one label column, or several for
 * multilabel classification and multi-output regression), and the cell errors the readers
 * raise. Shared by the CSV and JSON Lines readers in dataset.ts.
 */
import { UserError } from '@mlops-gha/common';
import type { HoldoutOptions } from './dataset.js';

/** Cells read as missing with `missingValues: 'nan'`: empty, NaN, NA, null (pandas' defaults among them). */
export const MISSING = /^(|nan|na|n\/a|null|none)$/i;

export interface Layout {
  featureNames: string[];
  featureIndex: number[];
  /** The label columns' names, in the order given (a multi-target model's output order). */
  labelColumns: string[];
  labelIndex: number[];
}

/** The label columns asked for: `labelColumns` when given, else `labelColumn` (default `label`). */
export function labelColumnsOf(options: HoldoutOptions): string[] {
  if (options.labelColumns?.length) return [...options.labelColumns];
  return [options.labelColumn ?? 'label'];
}

/** Which columns are features and labels; `line` is the header's line (for error locations). */
export function planColumns(path: string, header: string[], options: HoldoutOptions, line = 1): Layout {
  // A repeated name would make the second column read the first one's cells (by name).
  const repeated = header.find((h, i) => header.indexOf(h) !== i);
  if (repeated !== undefined) {
    throw new UserError(`Dataset ${path}, line ${line}: the column "${repeated}" appears twice in the header`, {
      fix: 'Give every column a unique name.',
      location: { file: path, line },
    });
  }
  const labelColumns = labelColumnsOf(options);
  const duplicate = labelColumns.find((c, i) => labelColumns.indexOf(c) !== i);
  if (duplicate !== undefined) {
    throw new UserError(`\`label-column\` names "${duplicate}" twice`, {
      fix: 'List each label column once (several columns: one per label of a multilabel or multi-output model, in its output order).',
    });
  }
  const absent = labelColumns.filter((c) => !header.includes(c));
  if (absent.length) {
    const what =
      absent.length === 1
        ? `no label column "${absent[0]}"`
        : `no label columns ${absent.map((c) => `"${c}"`).join(', ')}`;
    throw new UserError(`Dataset ${path} has ${what} (columns: ${header.join(', ')})`, {
      fix: 'Set `label-column:` to the column that holds the true label or target (several columns, comma-separated, for multilabel or multi-output models).',
      location: { file: path, line },
    });
  }
  const labelIndex = labelColumns.map((c) => header.indexOf(c));
  let featureNames: string[];
  if (options.featureColumns?.length) {
    const missing = options.featureColumns.filter((c) => !header.includes(c));
    if (missing.length) {
      throw new UserError(
        `Dataset ${path} lacks the feature column(s) ${missing.join(', ')} named in \`feature-columns\` (columns: ${header.join(', ')})`,
        {
          fix: 'List only columns the dataset has under `feature-columns:`, or leave it empty to use every column but the label.',
          location: { file: path, line },
        },
      );
    }
    const overlap = options.featureColumns.filter((c) => labelColumns.includes(c));
    if (overlap.length) {
      throw new UserError(`\`feature-columns\` includes the label column "${overlap[0]}"`, {
        fix: 'Remove the label column from `feature-columns:`.',
      });
    }
    featureNames = [...options.featureColumns];
  } else {
    featureNames = header.filter((_, i) => !labelIndex.includes(i));
  }
  if (featureNames.length === 0) {
    throw new UserError(`Dataset ${path} has no feature columns besides the label "${labelColumns.join(', ')}"`, {
      fix: 'Add feature columns to the dataset, or set `label-column:` to the right column.',
      location: { file: path, line },
    });
  }
  return { featureNames, featureIndex: featureNames.map((n) => header.indexOf(n)), labelColumns, labelIndex };
}

export function parseNumber(text: string): number {
  // Number('') is 0 and Number(' 1 ') is 1: only accept what reads as a number.
  const t = text.trim();
  if (t === '') return NaN;
  const v = Number(t);
  if (Number.isNaN(v) && /^nan$/i.test(t)) return NaN;
  return v;
}

export function badCell(
  path: string,
  line: number,
  column: string,
  columnNumber: number,
  value: string,
  allowMissing = false,
): UserError {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  const isMissing = MISSING.test(value.trim());
  return new UserError(
    `Dataset ${path}, line ${line}, column "${column}": ${value.trim() === '' ? 'empty cell' : isMissing ? `"${shown}" is a missing value` : `"${shown}" is not a number`}; ONNX models take numeric features`,
    {
      fix: isMissing
        ? 'Fill missing values before the gate, or set `missing-values: nan` when the model handles them itself (tree ensembles, an imputer inside the exported pipeline).'
        : allowMissing
          ? 'Encode the column as numbers (one-hot or ordinal), or leave it out with `feature-columns:`; only empty, nan, NA and null cells count as missing.'
          : 'Encode the column as numbers (one-hot or ordinal) and fill missing values before the gate, or leave it out with `feature-columns:`.',
      location: { file: path, line, column: columnNumber },
      title: 'Non-numeric feature',
    },
  );
}
