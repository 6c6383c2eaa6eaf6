/**
 * Our metrics against scikit-learn itself (Debian's python3-sklearn, run as /usr/bin/python3):
 * every metric and averaging mode on the same predictions, plain and with sample weights (the
 * weighted form is what each bootstrap resample computes), compared to 1e-9.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { metricsFor, METRIC_NAMES, type Interpretation, type Task } from '@mlops-gha/evaluation';
import { makeKernel, Rng } from '@mlops-gha/gate';

const here = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';

interface Case {
  task: Task;
  k: number;
  y: number[];
  pred: number[];
  proba?: number[][];
  weights?: number[];
}

function classificationCase(task: 'binary' | 'multiclass', k: number, n: number, seed: number, options: { neverPredict?: number; levels?: number } = {}): Case {
  const rng = new Rng(seed);
  const y: number[] = [];
  const pred: number[] = [];
  const proba: number[][] = [];
  for (let i = 0; i < n; i++) {
    const t = Math.floor(rng.next() * k);
    // Scores lean towards the true class; quantised so that ties occur.
    const raw = Array.from({ length: k }, (_, c) => Math.floor((rng.next() + (c === t ? 0.6 : 0)) * (options.levels ?? 20)) + 1);
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

function regressionCase(n: number, seed: number): Case {
  const rng = new Rng(seed);
  const y: number[] = [];
  const pred: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = rng.next() * 10 - 3;
    y.push(v);
    pred.push(v + (rng.next() - 0.5) * 2);
  }
  return { task: 'regression', k: 0, y, pred };
}

function interpretation(c: Case): Interpretation {
  if (c.task === 'regression') {
    return { task: 'regression', reason: 'test', truthValues: Float64Array.from(c.y), models: [{ values: Float64Array.from(c.pred) }] };
  }
  return {
    task: c.task,
    reason: 'test',
    classes: Array.from({ length: c.k }, (_, i) => String(i)),
    positiveClass: '1',
    truthClasses: Int32Array.from(c.y),
    models: [{ predicted: Int32Array.from(c.pred), probabilities: Float64Array.from(c.proba!.flat()) }],
  };
}

function withWeights(c: Case, seed: number): Case {
  const rng = new Rng(seed);
  return { ...c, weights: c.y.map(() => Math.floor(rng.next() * 4)) };
}

const base: Record<string, Case> = {
  binary: classificationCase('binary', 2, 400, 1),
  binary_heavy_ties: classificationCase('binary', 2, 300, 2, { levels: 3 }),
  binary_never_positive: classificationCase('binary', 2, 200, 3, { neverPredict: 1 }),
  multiclass: classificationCase('multiclass', 4, 500, 4),
  multiclass_class_never_predicted: classificationCase('multiclass', 5, 400, 5, { neverPredict: 2, levels: 4 }),
  regression: regressionCase(300, 6),
};
const cases: Record<string, Case> = { ...base };
for (const [name, c] of Object.entries(base)) cases[`${name}_weighted`] = withWeights(c, 100 + name.length);

function sklearn(input: Record<string, Case>): Record<string, Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'crosscheck-'));
  const inPath = join(dir, 'in.json');
  const outPath = join(dir, 'out.json');
  writeFileSync(inPath, JSON.stringify(input));
  const run = spawnSync(PYTHON, [join(here, 'sklearn_metrics.py'), inPath, outPath], { encoding: 'utf8' });
  if (run.status !== 0) {
    throw new Error(`scikit-learn cross-check failed (install it with apt-get install -y python3-sklearn):\n${run.stderr}`);
  }
  return JSON.parse(readFileSync(outPath, 'utf8'));
}

const reference = sklearn(cases);

describe('metrics match scikit-learn to 1e-9', () => {
  it.each(Object.keys(base))('%s', (name) => {
    const c = cases[name]!;
    const ours = metricsFor(interpretation(c), 0);
    const ref = reference[name]!;
    for (const metric of METRIC_NAMES[c.task]) {
      expect([metric, ours.values[metric]]).toEqual([metric, expect.closeTo(ref[metric] as number, 9)]);
    }
    if (c.task !== 'regression') expect(ours.confusionMatrix).toEqual(ref.confusion_matrix);
  });

  it.each(Object.keys(base).map((n) => `${n}_weighted`))('%s: the bootstrap kernels equal sample_weight metrics', (name) => {
    const c = cases[name]!;
    const interp = interpretation(c);
    const weights = Uint32Array.from(c.weights!);
    const confusion = new Float64Array(c.k * c.k);
    if (c.task !== 'regression') c.y.forEach((t, i) => (confusion[t * c.k + c.pred[i]!]! += c.weights![i]!));
    const ref = reference[name]!;
    for (const metric of METRIC_NAMES[c.task]) {
      const kernel = makeKernel(metric, interp, 0)!;
      expect([metric, kernel.value(weights, confusion)]).toEqual([metric, expect.closeTo(ref[metric] as number, 9)]);
    }
  });
});
