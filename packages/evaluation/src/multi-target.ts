/**
 * Several label columns: multilabel classification (K columns of 0/1, a model with [N,K]
 * sigmoid scores and/or [N,K] 0/1 labels) or multi-output regression (K numeric targets, a
 * model with one [N,K] float output). Column j of the model's output is label column j, in
 * the order `label-column` lists them.
 */
import { UserError } from '@mlops-gha/common';
import type { Holdout } from './dataset.js';
import { requireFiniteLabels, requireFiniteOutput } from './finite.js';
import type { OutputColumn, RawPredictions } from './predict.js';
import type { Interpretation, ModelPredictions, TaskSetting } from './task.js';

const isFloat = (o: OutputColumn) => o.type === 'float32' || o.type === 'float64' || o.type === 'float16';

/** scikit-learn's multilabel decision (LabelBinarizer.inverse_transform): a label is predicted when its score is above 0.5. */
export const MULTILABEL_THRESHOLD = 0.5;

function describeOutputs(raw: RawPredictions): string {
  return raw.outputs.map((o) => `${o.name}: ${o.type}[N${o.width > 1 ? `,${o.width}` : ''}]`).join('; ');
}

interface MultiRoles {
  scores?: OutputColumn;
  labels?: OutputColumn;
}

function rolesOf(raw: RawPredictions, k: number, path: string, columns: string[]): MultiRoles {
  const wide = raw.outputs.filter((o) => o.width === k);
  const scores =
    wide.find((o) => isFloat(o) && /prob|score|sigmoid|variable|output/i.test(o.name)) ?? wide.find(isFloat);
  const labels = wide.find((o) => !isFloat(o) && !Array.isArray(o.values));
  if (!scores && !labels) {
    throw new UserError(
      `Model ${path}: the holdout has ${k} label columns (${columns.join(', ')}), but no output of the model is [N,${k}] (outputs: ${describeOutputs(raw)})`,
      {
        fix: `Export the model with one [N,${k}] output (column j = label column j), or list in \`label-column:\` exactly the columns the model predicts, in its output order.`,
      },
    );
  }
  if (scores) requireFiniteOutput(scores.values as Float64Array, k, path, scores.name);
  return { scores, labels };
}

/** The first cell of the label columns that is not 0/1, or undefined when every one is. */
function firstNonBinary(holdout: Holdout): { column: string; row: number; value: string } | undefined {
  const targets = holdout.targets!;
  for (let j = 0; j < targets.length; j++) {
    const col = targets[j]!;
    for (let i = 0; i < col.length; i++) {
      const v = col[i]!;
      if (v !== '0' && v !== '1') return { column: holdout.labelColumns![j]!, row: i + 1, value: v };
    }
  }
  return undefined;
}

/** Reads several label columns and the models' [N,K] outputs as a multilabel or multi-output regression task. */
export function interpretMultiTarget(
  holdout: Holdout,
  raws: RawPredictions[],
  paths: string[],
  setting: TaskSetting,
): Interpretation {
  const columns = holdout.labelColumns!;
  const targets = holdout.targets!;
  const k = columns.length;
  const n = holdout.rows;
  if (setting === 'binary' || setting === 'multiclass') {
    throw new UserError(
      `task is ${setting}, but \`label-column\` names ${k} columns (${columns.join(', ')}): several label columns are a multilabel or multi-output regression task`,
      {
        fix: 'Set `task: multilabel` or `task: regression` (or `auto`), or give one label column for a binary or multiclass model.',
      },
    );
  }
  columns.forEach((c, j) => requireFiniteLabels(targets[j]!, holdout.path, c));
  const roles = raws.map((raw, i) => rolesOf(raw, k, paths[i]!, columns));
  const nonBinary = firstNonBinary(holdout);
  const inUnit = (o: OutputColumn | undefined) => !o || (o.values as Float64Array).every((v) => v >= 0 && v <= 1);
  let task: 'multilabel' | 'regression';
  let reason: string;
  if (
    setting === 'multilabel' ||
    (setting === 'auto' && !nonBinary && roles.every((r) => r.labels || inUnit(r.scores)))
  ) {
    if (nonBinary) {
      throw new UserError(
        `task is multilabel, but label column "${nonBinary.column}" holds "${nonBinary.value}" (data row ${nonBinary.row}); multilabel columns hold 0 or 1`,
        {
          fix: 'Encode each label as a 0/1 column, or set `task: regression` for numeric targets.',
          location: { file: holdout.path },
        },
      );
    }
    task = 'multilabel';
    reason =
      setting === 'auto'
        ? `auto: ${k} label columns of 0/1 (${columns.join(', ')}) and [N,${k}] model outputs`
        : `task: multilabel (as set); ${k} label columns`;
  } else {
    task = 'regression';
    reason =
      setting === 'auto'
        ? `auto: ${k} numeric target columns (${columns.join(', ')}) and a [N,${k}] continuous model output`
        : `task: regression (as set); ${k} target columns`;
  }
  if (task === 'multilabel') {
    const truthMatrix = new Uint8Array(n * k);
    for (let j = 0; j < k; j++) {
      const col = targets[j]!;
      for (let i = 0; i < n; i++) truthMatrix[i * k + j] = col[i] === '1' ? 1 : 0;
    }
    const models = roles.map((r): ModelPredictions => {
      const scores = r.scores ? Float64Array.from(r.scores.values as Float64Array) : undefined;
      const predictedMatrix = new Uint8Array(n * k);
      if (r.labels) {
        const v = r.labels.values as Float64Array;
        for (let i = 0; i < n * k; i++) predictedMatrix[i] = v[i] !== 0 ? 1 : 0;
      } else {
        for (let i = 0; i < n * k; i++) predictedMatrix[i] = scores![i]! > MULTILABEL_THRESHOLD ? 1 : 0;
      }
      return { labelOutput: r.labels?.name, scoreOutput: r.scores?.name, predictedMatrix, scores };
    });
    return { task, reason, targets: columns, truthMatrix, models };
  }
  const truthValues = new Float64Array(n * k);
  for (let j = 0; j < k; j++) {
    const col = targets[j]!;
    for (let i = 0; i < n; i++) {
      const v = Number(col[i]!);
      if (!Number.isFinite(v)) {
        throw new UserError(
          `Dataset ${holdout.path}: regression needs numeric targets, but "${columns[j]}" holds "${col[i]}" (data row ${i + 1})`,
          {
            fix: 'Set `task: multilabel` for 0/1 label columns, or `label-column:` to the numeric targets.',
            location: { file: holdout.path },
          },
        );
      }
      truthValues[i * k + j] = v;
    }
  }
  const models = roles.map((r, i): ModelPredictions => {
    if (!r.scores) {
      throw new UserError(
        `Model ${paths[i]} gives no continuous [N,${k}] output for ${k} regression targets (outputs: ${describeOutputs(raws[i]!)})`,
        { fix: 'Export the regressor with one float output [N,K], column j predicting label column j.' },
      );
    }
    return { scoreOutput: r.scores.name, values: Float64Array.from(r.scores.values as Float64Array) };
  });
  return { task, reason, targets: columns, truthValues, models };
}
