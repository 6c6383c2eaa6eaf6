/**
 * The bootstrap kernels of average precision, micro and one-vs-one ROC AUC, multilabel and
 * multi-output regression metrics against scikit-learn 1.2.1 (Debian's, /usr/bin/python3):
 * a resample draws row i w[i] times, so each kernel on weights w must equal scikit-learn's
 * metric with sample_weight=w (one-vs-one takes no weights: the rows repeated), to 1e-9.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Interpretation, MultiOutput } from '@mlops-gha/evaluation';
import { makeKernel, Rng } from '@mlops-gha/gate';

const here = dirname(fileURLToPath(import.meta.url));

interface Case {
  task: 'binary' | 'multiclass' | 'multilabel' | 'regression';
  interp: Interpretation;
  weights: Uint16Array;
  /** What the Python side reads. */
  data: Record<string, unknown>;
  metrics: [ours: string, theirs: string, options?: { multioutput?: MultiOutput }][];
}

function weights(n: number, rng: Rng): Uint16Array {
  // A resample's multiplicities: mostly 0-2, some 3; never all zero.
  return Uint16Array.from({ length: n }, (_, i) => (i === 0 ? 1 : Math.floor(rng.next() * 3.4)));
}

function classCase(k: number, n: number, seed: number): Case {
  const rng = new Rng(seed);
  const y: number[] = [];
  const proba: number[][] = [];
  for (let i = 0; i < n; i++) {
    const t = Math.floor(rng.next() * k);
    const raw = Array.from({ length: k }, (_, c) => Math.floor((rng.next() + (c === t ? 0.5 : 0)) * 12) + 1);
    const sum = raw.reduce((a, b) => a + b, 0);
    y.push(t);
    proba.push(raw.map((r) => r / sum));
  }
  const interp: Interpretation = {
    task: k === 2 ? 'binary' : 'multiclass',
    reason: 'test',
    classes: Array.from({ length: k }, (_, c) => String(c)),
    truthClasses: Int32Array.from(y),
    models: [{ probabilities: Float64Array.from(proba.flat()), predicted: new Int32Array(n) }],
  };
  const metrics: Case['metrics'] =
    k === 2
      ? [['average_precision', 'average_precision']]
      : [
          ['roc_auc_ovr_micro', 'roc_auc_ovr_micro'],
          ['roc_auc_ovo', 'roc_auc_ovo'],
          ['roc_auc_ovo_weighted', 'roc_auc_ovo_weighted'],
        ];
  return { task: interp.task as Case['task'], interp, weights: weights(n, rng), data: { y, proba }, metrics };
}

function multilabelCase(n: number, seed: number): Case {
  const rng = new Rng(seed);
  const labels = ['a', 'b', 'c'];
  const k = labels.length;
  const y: number[][] = [];
  const pred: number[][] = [];
  const scores: number[][] = [];
  for (let i = 0; i < n; i++) {
    const t = labels.map(() => (rng.next() < 0.45 ? 1 : 0));
    const s = t.map((v) => Math.round((rng.next() * 0.7 + v * 0.3) * 20) / 20);
    y.push(t);
    scores.push(s);
    pred.push(s.map((v) => (v > 0.5 ? 1 : 0)));
  }
  const interp: Interpretation = {
    task: 'multilabel',
    reason: 'test',
    targets: labels,
    truthMatrix: Uint8Array.from(y.flat()),
    models: [{ predictedMatrix: Uint8Array.from(pred.flat()), scores: Float64Array.from(scores.flat()) }],
  };
  const names = [
    'accuracy',
    'hamming_loss',
    ...['micro', 'macro', 'weighted', 'samples'].flatMap((a) => [`precision_${a}`, `recall_${a}`, `f1_${a}`]),
    ...labels.flatMap((l) => [`precision[${l}]`, `recall[${l}]`, `f1[${l}]`]),
    ...['macro', 'weighted', 'micro'].flatMap((a) => [`roc_auc_${a}`, `average_precision_${a}`]),
  ];
  expect(k).toBe(3);
  return {
    task: 'multilabel',
    interp,
    weights: weights(n, rng),
    data: { y, pred, scores, labels },
    metrics: names.map((m) => [m, m]),
  };
}

function regressionCase(n: number, seed: number): Case {
  const rng = new Rng(seed);
  const labels = ['price', 'rent'];
  const y: number[][] = [];
  const pred: number[][] = [];
  for (let i = 0; i < n; i++) {
    const t = [10 + 5 * rng.next(), 1 + rng.next()];
    y.push(t);
    pred.push([t[0]! + 2 * (rng.next() - 0.5), t[1]! + 0.8 * (rng.next() - 0.5)]);
  }
  const interp: Interpretation = {
    task: 'regression',
    reason: 'test',
    targets: labels,
    truthValues: Float64Array.from(y.flat()),
    models: [{ values: Float64Array.from(pred.flat()) }],
  };
  const perTarget = labels.flatMap((l) => ['mse', 'mae', 'mape', 'rmse', 'r2'].map((m) => `${m}[${l}]`));
  return {
    task: 'regression',
    interp,
    weights: weights(n, rng),
    data: { y, pred, labels },
    metrics: [
      ...['mse', 'mae', 'mape', 'rmse', ...perTarget].map((m): Case['metrics'][number] => [m, m]),
      ['r2', 'r2_uniform', { multioutput: 'uniform_average' }],
      ['r2', 'r2_variance_weighted', { multioutput: 'variance_weighted' }],
    ],
  };
}

describe('bootstrap kernels against scikit-learn with sample weights', () => {
  const cases = [classCase(2, 300, 1), classCase(4, 300, 2), multilabelCase(250, 3), regressionCase(200, 4)];
  const dir = mkdtempSync(join(tmpdir(), 'kernels-sklearn-'));
  writeFileSync(
    join(dir, 'in.json'),
    JSON.stringify(cases.map((c) => ({ task: c.task, ...c.data, weights: Array.from(c.weights) }))),
  );
  const run = spawnSync(
    '/usr/bin/python3',
    [join(here, 'sklearn_bootstrap_kernels.py'), join(dir, 'in.json'), join(dir, 'out.json')],
    {
      encoding: 'utf8',
    },
  );
  it('scikit-learn ran', () => {
    expect(run.stderr.replace(/.*Warning.*\n(.*\n)?/g, '')).toBe('');
    expect(run.status).toBe(0);
  });
  const results: Record<string, number>[] =
    run.status === 0 ? JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) : [];
  it.each(cases.map((c, i) => [c.task, i] as const))('%s', (_task, i) => {
    const c = cases[i]!;
    const theirs = results[i]!;
    for (const [ours, name, options] of c.metrics) {
      const kernel = makeKernel(ours, c.interp, 0, options ?? {});
      expect([ours, kernel !== undefined]).toEqual([ours, true]);
      expect([name, kernel!.value(c.weights, [])]).toEqual([name, expect.closeTo(theirs[name]!, 9)]);
    }
  });
});
