import { UserError } from '@mlops-gha/common';

/**
 * Refuses NaN and infinite model outputs, as scikit-learn's "Input contains NaN" does: the
 * message names the model, the output, how many values and the first holdout row, so the
 * user can find the row that broke the model (a missing feature the model cannot take, an
 * overflow). `values` is rows x width, row-major.
 */
export function requireFiniteOutput(values: ArrayLike<number>, width: number, model: string, output: string): void {
  let nan = 0;
  let inf = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v - v !== 0) {
      // v - v is NaN for NaN and ±Infinity alone: one comparison per value on the hot path.
      if (Number.isNaN(v)) nan++;
      else inf++;
      if (first < 0) first = i;
    }
  }
  if (first < 0) return;
  const row = Math.floor(first / width) + 1;
  const what = [nan ? `${nan} NaN` : '', inf ? `${inf} infinite` : ''].filter(Boolean).join(' and ');
  const shown = values[first]!;
  throw new UserError(
    `Model ${model}: output "${output}" holds ${what} value(s) (${nan + inf} of ${values.length}); the first at holdout row ${row} (${shown}${width > 1 ? `, column ${(first % width) + 1}` : ''}). Input contains NaN or infinity: no metric of these predictions would mean anything`,
    {
      fix:
        `Look at holdout row ${row}: a missing or extreme feature value the model cannot handle gives NaN. ` +
        'Impute missing values before the gate (or inside the exported pipeline), or fix the model export.',
      title: 'Non-finite model output',
    },
  );
}

/** Labels that read as NaN or infinity are not classes or targets (scikit-learn refuses them). */
export function requireFiniteLabels(labels: readonly string[], path: string, column: string): void {
  let count = 0;
  let first = -1;
  for (let i = 0; i < labels.length; i++) {
    if (/^[-+]?(nan|inf|infinity)$/i.test(labels[i]!)) {
      count++;
      if (first < 0) first = i;
    }
  }
  if (first < 0) return;
  throw new UserError(
    `Dataset ${path}: the label column "${column}" holds ${count} NaN or infinite label(s); the first at data row ${first + 1} ("${labels[first]}"). Input contains NaN: a row without a true label cannot be scored`,
    {
      fix: 'Drop the rows without a label from the holdout set, or fix the label column.',
      location: { file: path },
      title: 'NaN label',
    },
  );
}
