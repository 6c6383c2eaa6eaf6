import { UserError } from '@mlops-gha/common';
import type { Holdout } from './dataset.js';
import { canonicalLabel } from './label-output.js';
import type { Task } from './metrics.js';
import { requireFiniteLabels, requireFiniteOutput } from './finite.js';
import type { OutputColumn, RawPredictions } from './predict.js';
import { interpretMultiTarget } from './multi-target.js';
import { distinctLabels, labelIndices, labelText } from './label-output.js';

export type TaskSetting = 'auto' | Task;

export interface InterpretOptions {
  task?: TaskSetting;
  /**
   * scikit-learn's `pos_label` for binary tasks: the class whose precision, recall, F-scores,
   * ROC AUC and average precision are reported, and whose probability a one-score model gives.
   * Any label text. Default: the second class in sorted order (`1` for 0/1, `2` for 1/2, `yes` for no/yes).
   */
  positiveLabel?: string;
}

/** How one model's outputs were read as predictions. */
export interface ModelPredictions {
  /** Output read as the predicted label, if any. */
  labelOutput?: string;
  /** Output read as class probabilities (classification) or values (regression), if any. */
  scoreOutput?: string;
  /** Predicted class indices (classification). */
  predicted?: Int32Array;
  /** rows x classes.length probabilities aligned with `classes` (classification). */
  probabilities?: Float64Array;
  /** Predicted values (regression; N x K row-major with several targets). */
  values?: Float64Array;
  /** Multilabel: N x K 0/1 predictions. */
  predictedMatrix?: Uint8Array;
  /** Multilabel: N x K scores (the probability of each label), when the model gives them. */
  scores?: Float64Array;
}

/** The task and the predictions of every model, on one class list shared with the truth. */
export interface Interpretation {
  task: Task;
  /** What decided the task, for the report. */
  reason: string;
  classes?: string[];
  positiveClass?: string;
  /** True class indices (classification). */
  truthClasses?: Int32Array;
  /** True values (regression; N x K row-major with several targets). */
  truthValues?: Float64Array;
  /** Several label columns: their names (multilabel labels, multi-output regression targets). */
  targets?: string[];
  /** Multilabel: N x K 0/1 true labels. */
  truthMatrix?: Uint8Array;
  models: ModelPredictions[];
}

/** Holdout rows of an interpretation (several targets share a row). */
export function interpretationRows(interp: Interpretation): number {
  const k = interp.targets?.length ?? 1;
  if (interp.truthMatrix) return interp.truthMatrix.length / k;
  if (interp.task === 'regression') return interp.truthValues!.length / k;
  return interp.truthClasses!.length;
}

interface Roles {
  label?: OutputColumn;
  probabilities?: OutputColumn;
  value?: OutputColumn;
}

const isFloat = (o: OutputColumn) => o.type === 'float32' || o.type === 'float64' || o.type === 'float16';

function findRoles(raw: RawPredictions): Roles {
  const roles: Roles = {};
  const outputs = raw.outputs;
  roles.probabilities =
    outputs.find((o) => isFloat(o) && o.width >= 2 && /prob|score|softmax/i.test(o.name)) ??
    outputs.find((o) => isFloat(o) && o.width >= 2);
  roles.label =
    outputs.find((o) => o.width === 1 && !isFloat(o)) ??
    outputs.find((o) => o.width === 1 && /label|class/i.test(o.name));
  roles.value = outputs.find((o) => o.width === 1 && isFloat(o) && o !== roles.label);
  return roles;
}

/** Rows read to learn which class each probability column stands for: plenty, and bounded. */
const TALLY_ROWS = 20_000;

function sortClasses(labels: Iterable<string>): string[] {
  const list = [...new Set(labels)];
  const numeric = list.every((l) => l !== '' && Number.isFinite(Number(l)));
  return numeric ? list.sort((a, b) => Number(a) - Number(b)) : list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function describeOutputs(raw: RawPredictions): string {
  return raw.outputs.map((o) => `${o.name}: ${o.type}[N${o.width > 1 ? `,${o.width}` : ''}]`).join('; ');
}

/** Column j of a probability output -> class label, learnt from the label output where there is one. */
function columnClasses(
  probabilities: OutputColumn,
  label: OutputColumn | undefined,
  truthLabels: Set<string>,
  path: string,
): string[] {
  const k = probabilities.width;
  const values = probabilities.values as Float64Array;
  const rows = Math.min(TALLY_ROWS, values.length / k);
  const mapped: (string | undefined)[] = new Array(k).fill(undefined);
  if (label) {
    const tally: Map<string, number>[] = Array.from({ length: k }, () => new Map());
    for (let i = 0; i < rows; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (values[i * k + c]! > values[i * k + best]!) best = c;
      const t = tally[best]!;
      const l = labelText(label, i);
      t.set(l, (t.get(l) ?? 0) + 1);
    }
    tally.forEach((t, c) => {
      let top: string | undefined;
      let count = 0;
      for (const [l, n] of t) if (n > count) [top, count] = [l, n];
      mapped[c] = top;
    });
  }
  const known = new Set([...truthLabels, ...mapped.filter((m): m is string => m !== undefined)]);
  const allIntegers = [...known].every((l) => /^-?\d+$/.test(l));
  let fallback: string[];
  if (allIntegers && [...known].every((l) => Number(l) >= 0 && Number(l) < k)) {
    fallback = Array.from({ length: k }, (_, c) => String(c));
  } else if (known.size === k) {
    fallback = sortClasses(known);
  } else {
    throw new UserError(
      `Model ${path}: cannot tell which class each of the ${k} columns of output ${probabilities.name} stands for (labels seen: ${sortClasses(known).join(', ')})`,
      {
        fix: 'Use integer class labels 0..K-1 in the holdout, or export the model with a label output next to the probabilities.',
      },
    );
  }
  const result = mapped.map((m, c) => m ?? fallback[c]!);
  if (new Set(result).size !== k) return fallback;
  return result;
}

/**
 * Decides the task (or checks the one given) from the holdout labels and the models'
 * outputs, and reads every model's outputs as predictions on one shared class list.
 * `raws[i]` belongs to `paths[i]`.
 */
export function interpretPredictions(
  holdout: Holdout,
  raws: RawPredictions[],
  paths: string[],
  options: TaskSetting | InterpretOptions = 'auto',
): Interpretation {
  const { task: setting = 'auto', positiveLabel: rawPositive } =
    typeof options === 'string' ? { task: options } : options;
  const positiveLabel =
    rawPositive === undefined || rawPositive.trim() === '' ? undefined : canonicalLabel(rawPositive);
  if ((holdout.labelColumns?.length ?? 1) > 1 && holdout.targets) {
    return interpretMultiTarget(holdout, raws, paths, setting);
  }
  if (setting === 'multilabel') {
    throw new UserError(`task is multilabel, but \`label-column\` names one column ("${holdout.labelColumn}")`, {
      fix: "List every 0/1 label column in `label-column:` (comma-separated, in the model's output order).",
    });
  }
  const roles = raws.map(findRoles);
  roles.forEach((r, i) => {
    if (!r.label && !r.probabilities && !r.value) {
      throw new UserError(
        `Model ${paths[i]}: none of its outputs (${describeOutputs(raws[i]!)}) reads as predictions: expected a label [N], probabilities [N,K] or a value [N,1]`,
        {
          fix: 'Export the model with a label and/or probabilities output (classifiers) or one float output (regressors).',
        },
      );
    }
    // Scores, probabilities and values must be numbers before anything ranks or averages them.
    for (const o of [r.probabilities, r.value, r.label]) {
      if (o && isFloat(o)) requireFiniteOutput(o.values as Float64Array, o.width, paths[i]!, o.name);
    }
  });
  requireFiniteLabels(holdout.labels, holdout.path, holdout.labelColumn);
  const labels = holdout.labels;
  // One pass over the labels: a code per row (first-seen order) and the distinct labels.
  const seen = new Map<string, number>();
  const firstSeenCodes = new Int32Array(labels.length);
  let prevLabel: string | undefined;
  let prevCode = -1;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l !== prevLabel) {
      prevLabel = l;
      let code = seen.get(l);
      if (code === undefined) {
        code = seen.size;
        seen.set(l, code);
      }
      prevCode = code;
    }
    firstSeenCodes[i] = prevCode;
  }
  const truthSet = new Set(seen.keys());
  const anyClassifierOutput = roles.some((r) => r.label || r.probabilities);

  let task: Task;
  let reason: string;
  if (setting === 'regression' || (setting === 'auto' && !anyClassifierOutput)) {
    // Two label values (any text: 0/1, 1/2, no/yes) and one score in [0, 1] per row: a binary
    // classifier's probability of the positive class, not a regression.
    const binaryLike =
      setting === 'auto' &&
      (truthSet.size === 2 || [...truthSet].every((l) => l === '0' || l === '1' || l === positiveLabel)) &&
      roles.every((r, i) => {
        const v = r.value?.values as Float64Array | undefined;
        return v !== undefined && v.every((x) => x >= 0 && x <= 1) && raws[i] !== undefined;
      });
    if (binaryLike) {
      task = 'binary';
      reason = `auto: the labels hold two values (${sortClasses(truthSet).join(', ')}) and the model output is one value in [0, 1], read as the probability of the positive class`;
    } else {
      task = 'regression';
      reason =
        setting === 'auto' ? 'auto: the model outputs one continuous value per row' : 'task: regression (as set)';
    }
  } else {
    task = setting === 'auto' ? 'binary' : setting; // refined below from the class count
    reason = '';
  }

  if (task === 'regression') {
    if (!labels.every((l) => Number.isFinite(Number(l)))) {
      const bad = labels.findIndex((l) => !Number.isFinite(Number(l)));
      throw new UserError(
        `Dataset ${holdout.path}: regression needs numeric targets, but "${holdout.labelColumn}" holds "${labels[bad]}" (row ${bad + 1})`,
        { fix: 'Set `task:` to binary or multiclass for a classifier, or `label-column:` to the numeric target.' },
      );
    }
    const truthValues = Float64Array.from(labels, Number);
    const models = roles.map((r, i): ModelPredictions => {
      const column = r.value ?? (r.label && isFloat(r.label) ? r.label : undefined);
      if (!column) {
        throw new UserError(
          `Model ${paths[i]} gives no continuous output for regression (outputs: ${describeOutputs(raws[i]!)})`,
          {
            fix: 'Set `task:` to binary or multiclass for a classifier, or export the regressor with one float output [N,1].',
          },
        );
      }
      return { scoreOutput: column.name, values: Float64Array.from(column.values as Float64Array) };
    });
    return { task, reason, truthValues, models };
  }

  // Classification: one class list over truth, predicted labels and probability columns.
  const perModelColumns = roles.map((r, i) =>
    r.probabilities ? columnClasses(r.probabilities, r.label, truthSet, paths[i]!) : undefined,
  );
  const all = new Set(truthSet);
  roles.forEach((r, i) => {
    if (r.label) for (const l of distinctLabels(r.label)) all.add(l);
    perModelColumns[i]?.forEach((c) => all.add(c));
  });
  // A single-output probability model ([N,1] in [0,1]) for binary: 0/1 labels stand for
  // classes 0 and 1 even when the holdout holds only one of them.
  if (roles.some((r) => !r.label && !r.probabilities) && [...all].every((l) => l === '0' || l === '1')) {
    all.add('0');
    all.add('1');
  }
  // A holdout of one class still has the named positive class as its second.
  if (positiveLabel !== undefined && all.size < 2) all.add(positiveLabel);
  if (all.size === 1) {
    const only = [...all][0]!;
    if (only === '0' || only === '1') all.add(only === '0' ? '1' : '0');
  }
  let classes = sortClasses(all);
  const k = classes.length;
  if (positiveLabel !== undefined && !classes.includes(positiveLabel)) {
    throw new UserError(
      `\`pos-label\` is ${JSON.stringify(positiveLabel)}, which is not a class here (classes: ${classes.slice(0, 10).join(', ')}${k > 10 ? ', …' : ''})`,
      {
        fix: 'Set `pos-label:` to one of the class labels as written in the label column, or leave it empty.',
      },
    );
  }
  // pos_label: the positive class sits at index 1, where every binary metric looks for it.
  if (positiveLabel !== undefined && k === 2 && classes[1] !== positiveLabel) classes = [classes[1]!, classes[0]!];
  if (positiveLabel !== undefined && k > 2) {
    throw new UserError(
      `\`pos-label\` is ${JSON.stringify(positiveLabel)}, but the labels and predictions hold ${k} classes (${classes.slice(0, 10).join(', ')}${k > 10 ? ', …' : ''}): pos_label applies to binary tasks only`,
      {
        fix: 'Leave `pos-label:` empty for multiclass tasks; per-class metrics such as `recall[CLASS]` name any class.',
      },
    );
  }
  if (k > 2 && roles.some((r) => !r.label && !r.probabilities)) {
    throw new UserError(
      `The labels and predictions hold ${k} classes (${classes.slice(0, 10).join(', ')}${k > 10 ? ', …' : ''}), but a model gives one score per row`,
      { fix: 'Export a multiclass model with probabilities [N,K] and/or a label output, or check `label-column:`.' },
    );
  }
  if (setting === 'auto') {
    task = k <= 2 ? 'binary' : 'multiclass';
    const outs = roles
      .map((r) =>
        [
          r.label ? 'label' : '',
          r.probabilities ? 'probabilities' : '',
          !r.label && !r.probabilities ? 'one score' : '',
        ]
          .filter(Boolean)
          .join(' + '),
      )
      .filter((v, i, a) => a.indexOf(v) === i)
      .join(' / ');
    if (!reason)
      reason = `auto: ${k} classes in the labels and predictions (${classes.slice(0, 10).join(', ')}${k > 10 ? ', …' : ''}); model outputs ${outs}`;
  } else if (setting === 'binary' && k > 2) {
    throw new UserError(
      `task is binary, but the labels and predictions hold ${k} classes (${classes.slice(0, 10).join(', ')}${k > 10 ? ', …' : ''})`,
      { fix: 'Set `task: multiclass` (or `auto`), or check `label-column:`.' },
    );
  } else {
    reason = `task: ${setting} (as set); ${k} classes`;
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const remap = Int32Array.from(seen.keys(), (l) => index.get(l)!);
  const truthClasses = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) truthClasses[i] = remap[firstSeenCodes[i]!]!;

  const models = roles.map((r, i): ModelPredictions => {
    const raw = raws[i]!;
    const n = raw.rows;
    const out: ModelPredictions = {};
    if (r.probabilities) {
      const cols = perModelColumns[i]!;
      const width = r.probabilities.width;
      const src = r.probabilities.values as Float64Array;
      const probs = new Float64Array(n * k);
      const target = cols.map((c) => index.get(c)!);
      for (let row = 0; row < n; row++) {
        for (let c = 0; c < width; c++) probs[row * k + target[c]!] = src[row * width + c]!;
      }
      out.probabilities = probs;
      out.scoreOutput = r.probabilities.name;
    } else if (r.value) {
      // One probability of the positive class per row.
      const v = r.value.values as Float64Array;
      const probs = new Float64Array(n * k);
      const pos = 1;
      const neg = 0;
      for (let row = 0; row < n; row++) {
        probs[row * k + pos] = v[row]!;
        probs[row * k + neg] = 1 - v[row]!;
      }
      out.probabilities = probs;
      out.scoreOutput = r.value.name;
    }
    let predicted: Int32Array = new Int32Array(n);
    if (r.label) {
      predicted = labelIndices(r.label, index);
      out.labelOutput = r.label.name;
    } else {
      const p = out.probabilities!;
      for (let row = 0; row < n; row++) {
        let best = 0;
        for (let c = 1; c < k; c++) if (p[row * k + c]! > p[row * k + best]!) best = c;
        predicted[row] = best;
      }
    }
    out.predicted = predicted;
    return out;
  });
  return {
    task,
    reason,
    classes,
    positiveClass: task === 'binary' ? classes[Math.min(1, k - 1)] : undefined,
    truthClasses,
    models,
  };
}
