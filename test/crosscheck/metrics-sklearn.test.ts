/**
 * Our metrics against scikit-learn itself (Debian's python3-sklearn 1.2.1, run as
 * /usr/bin/python3): every metric, averaging mode and option (zero_division, normalize=False,
 * multioutput, force_finite, confusion normalize), per class, multilabel, multi-output and
 * the curves' points, plain and with sample weights (the weighted form is what each bootstrap
 * resample computes), compared to 1e-9.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  calibrationCurve,
  classificationMetrics,
  column,
  columnIsClass,
  metricsFor,
  multilabelMetrics,
  normalizeConfusion,
  regressionMetrics,
  thresholdCounts,
  type Interpretation,
  type MultiOutput,
  type ZeroDivision,
} from '@mlops-gha/evaluation';
import { makeKernel, Rng } from '@mlops-gha/gate';

const here = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';

interface Case {
  task: 'binary' | 'multiclass' | 'regression' | 'multilabel';
  k: number;
  y: number[] | number[][];
  pred: number[] | number[][];
  proba?: number[][];
  scores?: number[][];
  weights?: number[];
  zero_division?: 0 | 1;
  multioutput?: MultiOutput;
  force_finite?: boolean;
}

function classificationCase(
  task: 'binary' | 'multiclass',
  k: number,
  n: number,
  seed: number,
  options: { neverPredict?: number; levels?: number } = {},
): Case {
  const rng = new Rng(seed);
  const y: number[] = [];
  const pred: number[] = [];
  const proba: number[][] = [];
  for (let i = 0; i < n; i++) {
    const t = Math.floor(rng.next() * k);
    // Scores lean towards the true class; quantised so that ties occur.
    const raw = Array.from(
      { length: k },
      (_, c) => Math.floor((rng.next() + (c === t ? 0.6 : 0)) * (options.levels ?? 20)) + 1,
    );
    const sum = raw.reduce((a, b) => a + b, 0);
    const p = raw.map((r) => r / sum);
    let best = 0;
    for (let c = 1; c < k; c++) if (p[c]! > p[best]!) best = c;
    if (options.neverPredict !== undefined && best === options.neverPredict) best = (best + 1) % k;
    y.push(t);
    pred.push(best);
    proba.push(p);
  }
  return { task, k, y, pred, proba };
}

function regressionCase(n: number, seed: number, outputs = 1, constant?: number): Case {
  const rng = new Rng(seed);
  const y: number[][] = [];
  const pred: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: outputs }, (_, j) => (j === constant ? 2.5 : rng.next() * 10 * (j + 1) - 3));
    y.push(row);
    pred.push(row.map((v, j) => (j === constant && i % 2 ? v : v + (rng.next() - 0.5) * 2)));
  }
  return {
    task: 'regression',
    k: outputs,
    y: outputs === 1 ? y.map((r) => r[0]!) : y,
    pred: outputs === 1 ? pred.map((r) => r[0]!) : pred,
  };
}

function multilabelCase(n: number, k: number, seed: number): Case {
  const rng = new Rng(seed);
  const y: number[][] = [];
  const pred: number[][] = [];
  const scores: number[][] = [];
  for (let i = 0; i < n; i++) {
    const t = Array.from({ length: k }, (_, c) => (rng.next() < 0.2 + 0.15 * c ? 1 : 0));
    const s = t.map((v) => Math.round((rng.next() * 0.7 + v * 0.3) * 20) / 20);
    y.push(t);
    scores.push(s);
    // Label 0 is never predicted, so zero_division matters.
    pred.push(s.map((v, c) => (c > 0 && v >= 0.5 ? 1 : 0)));
  }
  return { task: 'multilabel', k, y, pred, scores };
}

function interpretation(c: Case): Interpretation {
  if (c.task === 'regression') {
    return {
      task: 'regression',
      reason: 'test',
      truthValues: Float64Array.from(c.y as number[]),
      models: [{ values: Float64Array.from(c.pred as number[]) }],
    };
  }
  return {
    task: c.task as 'binary' | 'multiclass',
    reason: 'test',
    classes: Array.from({ length: c.k }, (_, i) => String(i)),
    positiveClass: '1',
    truthClasses: Int32Array.from(c.y as number[]),
    models: [{ predicted: Int32Array.from(c.pred as number[]), probabilities: Float64Array.from(c.proba!.flat()) }],
  };
}

function withWeights(c: Case, seed: number): Case {
  const rng = new Rng(seed);
  return { ...c, weights: (c.y as unknown[]).map(() => Math.floor(rng.next() * 4)) };
}

const classification: Record<string, Case> = {
  binary: classificationCase('binary', 2, 400, 1),
  binary_heavy_ties: classificationCase('binary', 2, 300, 2, { levels: 3 }),
  binary_never_positive: classificationCase('binary', 2, 200, 3, { neverPredict: 1 }),
  binary_never_positive_zd1: { ...classificationCase('binary', 2, 200, 3, { neverPredict: 1 }), zero_division: 1 },
  multiclass: classificationCase('multiclass', 4, 500, 4),
  multiclass_class_never_predicted: classificationCase('multiclass', 5, 400, 5, { neverPredict: 2, levels: 4 }),
  multiclass_class_never_predicted_zd1: {
    ...classificationCase('multiclass', 5, 400, 5, { neverPredict: 2, levels: 4 }),
    zero_division: 1,
  },
};
const regression: Record<string, Case> = {
  regression: regressionCase(300, 6),
  regression_constant_target: regressionCase(50, 7, 1, 0),
  regression_constant_target_not_forced: { ...regressionCase(50, 7, 1, 0), force_finite: false },
  multioutput_uniform: regressionCase(200, 8, 3),
  multioutput_raw: { ...regressionCase(200, 8, 3), multioutput: 'raw_values' },
  multioutput_variance_weighted: { ...regressionCase(200, 8, 3), multioutput: 'variance_weighted' },
  multioutput_constant_not_forced: { ...regressionCase(60, 9, 2, 1), multioutput: 'raw_values', force_finite: false },
};
const multilabel: Record<string, Case> = {
  multilabel: multilabelCase(300, 4, 10),
  multilabel_zd1: { ...multilabelCase(300, 4, 10), zero_division: 1 },
};
const weighted: Record<string, Case> = {};
for (const name of [
  'binary',
  'binary_heavy_ties',
  'binary_never_positive',
  'multiclass',
  'multiclass_class_never_predicted',
]) {
  weighted[`${name}_weighted`] = withWeights(classification[name]!, 100 + name.length);
}
weighted.regression_weighted = withWeights(regression.regression!, 106);

function sklearn(input: Record<string, Case>): Record<string, Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'crosscheck-'));
  const inPath = join(dir, 'in.json');
  const outPath = join(dir, 'out.json');
  writeFileSync(inPath, JSON.stringify(input));
  const run = spawnSync(PYTHON, [join(here, 'sklearn_metrics.py'), inPath, outPath], { encoding: 'utf8' });
  if (run.status !== 0) {
    throw new Error(
      `scikit-learn cross-check failed (install it with apt-get install -y python3-sklearn):\n${run.stderr}`,
    );
  }
  return JSON.parse(readFileSync(outPath, 'utf8'));
}

const reference = sklearn({ ...classification, ...regression, ...multilabel, ...weighted });

/** Every scalar the oracle returned (its extra keys are checked separately). */
function scalars(ref: Record<string, unknown>): [string, number | null][] {
  return Object.entries(ref).filter(
    (e): e is [string, number | null] =>
      (typeof e[1] === 'number' || e[1] === null) && !/^(nan_|curve_|calibration_|confusion_)/.test(e[0]),
  );
}

function expectClose(name: string, ours: number | null | undefined, ref: number | null): void {
  if (ref === null) expect([name, ours]).toEqual([name, null]);
  else expect([name, ours]).toEqual([name, expect.closeTo(ref, 9)]);
}

const EXTRA = ['f3', 'f3_macro', 'f3_micro', 'f3_weighted'];

describe('classification metrics match scikit-learn to 1e-9', () => {
  it.each(Object.keys(classification))('%s', (name) => {
    const c = classification[name]!;
    const ours = metricsFor(interpretation(c), 0, { zeroDivision: c.zero_division ?? 0, extra: EXTRA });
    const ref = reference[name]!;
    const checked = scalars(ref);
    expect(checked.length).toBeGreaterThan(20);
    for (const [metric, value] of checked) expectClose(metric, ours.values[metric], value);
    expect(ours.confusionMatrix).toEqual(ref.confusion_matrix);
    for (const norm of ['true', 'pred', 'all'] as const) {
      const normalized = normalizeConfusion(ours.confusionMatrix!, norm);
      (ref[`confusion_${norm}`] as number[][]).forEach((row, t) =>
        row.forEach((v, p) => expect(normalized[t]![p]).toBeCloseTo(v, 12)),
      );
    }
  });

  it.each(Object.keys(classification).filter((n) => !n.endsWith('zd1')))(
    '%s with zero_division=NaN: undefined classes are left out',
    (name) => {
      const c = classification[name]!;
      const ours = metricsFor(interpretation(c), 0, { zeroDivision: 'nan' });
      const ref = reference[name]!;
      (ref.nan_precision_per_class as (number | null)[]).forEach((v, i) =>
        expectClose(`precision[${i}]`, ours.values[`precision[${i}]`], v),
      );
      if (c.task === 'multiclass') {
        expectClose('precision_macro', ours.values.precision_macro, ref.nan_precision_macro as number | null);
        expectClose('recall_macro', ours.values.recall_macro, ref.nan_recall_macro as number | null);
      }
    },
  );

  it.each(['binary', 'binary_heavy_ties'])(
    "%s: the curves stand on scikit-learn's threshold counts and calibration bins",
    (name) => {
      const c = classification[name]!;
      const interp = interpretation(c);
      const positive = columnIsClass(interp.truthClasses!, 1);
      const scores = column(interp.models[0]!.probabilities!, 2, 1);
      const counts = thresholdCounts(positive, scores);
      const ref = reference[name]!;
      expect(Array.from(counts.tps)).toEqual(ref.curve_tps);
      expect(Array.from(counts.fps)).toEqual(ref.curve_fps);
      Array.from(counts.thresholds).forEach((t, i) =>
        expect(t).toBeCloseTo((ref.curve_thresholds as number[])[i]!, 12),
      );
      const calibration = calibrationCurve(positive, scores);
      calibration.observed.forEach((v, i) => expect(v).toBeCloseTo((ref.calibration_observed as number[])[i]!, 12));
      calibration.predicted.forEach((v, i) => expect(v).toBeCloseTo((ref.calibration_predicted as number[])[i]!, 12));
      expect(calibration.observed).toHaveLength((ref.calibration_observed as number[]).length);
    },
  );

  it.each(Object.keys(weighted).filter((n) => !n.startsWith('regression')))(
    '%s: the bootstrap kernels equal sample_weight metrics',
    (name) => {
      const c = weighted[name]!;
      const interp = interpretation(c);
      const weights = Uint32Array.from(c.weights!);
      const confusion = new Float64Array(c.k * c.k);
      (c.y as number[]).forEach((t, i) => (confusion[t * c.k + (c.pred as number[])[i]!]! += c.weights![i]!));
      const ref = reference[name]!;
      const withoutKernel: string[] = [];
      for (const [metric, value] of scalars(ref)) {
        const kernel = makeKernel(metric, interp, 0);
        if (!kernel) {
          withoutKernel.push(metric);
          continue;
        }
        expectClose(metric, kernel.value(weights, confusion), value);
      }
      // Every metric has a kernel now, average precision and micro ROC AUC included.
      expect(withoutKernel).toEqual([]);
    },
  );
});

describe('regression metrics match scikit-learn to 1e-9', () => {
  it.each(Object.keys(regression))('%s', (name) => {
    const c = regression[name]!;
    const ours = regressionMetrics(
      Float64Array.from((c.y as number[] | number[][]).flat()),
      Float64Array.from((c.pred as number[] | number[][]).flat()),
      {
        outputs: c.k,
        multioutput: c.multioutput,
        forceFinite: c.force_finite,
      },
    );
    const ref = reference[name]!;
    let checked = 0;
    for (const [metric, value] of Object.entries(ref)) {
      if (Array.isArray(value)) {
        value.forEach((v: number | null, j) => expectClose(`${metric}[${j}]`, ours.values[`${metric}[${j}]`], v));
        checked += value.length;
      } else {
        expectClose(metric, ours.values[metric], value as number | null);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });

  it('regression_weighted: the bootstrap kernels equal sample_weight metrics', () => {
    const c = weighted.regression_weighted!;
    const weights = Uint32Array.from(c.weights!);
    const ref = reference.regression_weighted!;
    for (const metric of ['mse', 'rmse', 'mae', 'mape', 'r2']) {
      expectClose(metric, makeKernel(metric, interpretation(c), 0)!.value(weights, []), ref[metric] as number);
    }
  });
});

describe('multilabel metrics match scikit-learn to 1e-9', () => {
  it.each(Object.keys(multilabel))('%s', (name) => {
    const c = multilabel[name]!;
    const ours = multilabelMetrics(
      {
        truth: Uint8Array.from((c.y as number[][]).flat()),
        predicted: Uint8Array.from((c.pred as number[][]).flat()),
        scores: Float64Array.from(c.scores!.flat()),
        labels: Array.from({ length: c.k }, (_, i) => String(i)),
      },
      { zeroDivision: (c.zero_division ?? 0) as ZeroDivision },
    );
    const checked = scalars(reference[name]!);
    expect(checked.length).toBeGreaterThan(25);
    for (const [metric, value] of checked) expectClose(metric, ours.values[metric], value);
  });
});

describe('inputs scikit-learn refuses are refused here too', () => {
  it('zero rows are an error, not accuracy 0', () => {
    const empty = { truth: new Int32Array(0), predicted: new Int32Array(0), k: 2, classes: ['0', '1'] };
    expect(() => classificationMetrics('binary', empty)).toThrow(/zero rows/);
    expect(() => regressionMetrics(new Float64Array(0), new Float64Array(0))).toThrow(/zero rows/);
  });
});
