/**
 * The bootstrap kernels added for average precision, micro and one-vs-one ROC AUC, multilabel
 * and multi-output regression: on unit weights each equals the evaluation package's point
 * value (a separate implementation: sorting and counting once, not weighted passes), the worker
 * threads reproduce the serial draws exactly, and the label-count jackknife equals dropping the
 * row. scikit-learn's values under sample weights are checked in test/crosscheck.
 */
import { describe, expect, it } from '@jest/globals';
import { interpretationRows, metricsFor, type Interpretation } from '@mlops-gha/evaluation';
import { pairedBootstrap, pairedBootstrapParallel } from './bootstrap.js';
import { bootstrapInterval } from './interval.js';
import { hasKernel, makeKernel } from './kernels.js';
import { Rng } from './math.js';

function multiclass(n: number, k: number, seed: number): Interpretation {
  const rng = new Rng(seed);
  const truth = new Int32Array(n);
  const models = [0, 1].map((m) => {
    const probabilities = new Float64Array(n * k);
    const predicted = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      if (m === 0) truth[i] = Math.floor(rng.next() * k);
      let sum = 0;
      for (let c = 0; c < k; c++) {
        // Quantised so that ties occur.
        const v = Math.floor((rng.next() + (c === truth[i] ? 0.5 - 0.3 * m : 0)) * 16) + 1;
        probabilities[i * k + c] = v;
        sum += v;
      }
      let best = 0;
      for (let c = 0; c < k; c++) {
        probabilities[i * k + c]! /= sum;
        if (probabilities[i * k + c]! > probabilities[i * k + best]!) best = c;
      }
      predicted[i] = best;
    }
    return { probabilities, predicted };
  });
  const classes = Array.from({ length: k }, (_, c) => `c${c}`);
  return {
    task: k === 2 ? 'binary' : 'multiclass',
    reason: 'test',
    classes,
    truthClasses: truth,
    models,
  };
}

function multilabel(n: number, k: number, seed: number): Interpretation {
  const rng = new Rng(seed);
  const truthMatrix = new Uint8Array(n * k);
  for (let c = 0; c < n * k; c++) truthMatrix[c] = rng.next() < 0.4 ? 1 : 0;
  const models = [0.35, 0.1].map((lean) => {
    const scores = new Float64Array(n * k);
    const predictedMatrix = new Uint8Array(n * k);
    for (let c = 0; c < n * k; c++) {
      scores[c] = Math.round((rng.next() * 0.7 + (truthMatrix[c] ? lean : 0)) * 20) / 20;
      predictedMatrix[c] = scores[c]! > 0.5 ? 1 : 0;
    }
    return { scores, predictedMatrix };
  });
  return { task: 'multilabel', reason: 'test', targets: ['a', 'b', 'c', 'd'].slice(0, k), truthMatrix, models };
}

function multiOutput(n: number, seed: number): Interpretation {
  const rng = new Rng(seed);
  const k = 2;
  const truthValues = Float64Array.from({ length: n * k }, (_, c) => (c % k === 0 ? 10 : 1) * rng.next());
  const models = [0.1, 0.3].map((noise) => ({
    values: truthValues.map((v, c) => v + (c % k === 0 ? 10 : 1) * noise * (rng.next() - 0.5)),
  }));
  return { task: 'regression', reason: 'test', targets: ['price', 'rent'], truthValues, models };
}

const ones = (n: number) => new Uint16Array(n).fill(1);

describe('new bootstrap kernels equal the point metrics on unit weights', () => {
  const cases: [string, Interpretation, string[], object?][] = [
    ['binary', multiclass(700, 2, 1), ['average_precision']],
    ['multiclass', multiclass(700, 4, 2), ['roc_auc_ovr_micro', 'roc_auc_ovo', 'roc_auc_ovo_weighted']],
    [
      'multilabel',
      multilabel(500, 4, 3),
      [
        'accuracy',
        'hamming_loss',
        'precision_micro',
        'recall_macro',
        'f1_weighted',
        'f1[b]',
        'precision_samples',
        'f1_samples',
        'roc_auc_macro',
        'roc_auc_weighted',
        'roc_auc_micro',
        'average_precision_macro',
        'average_precision_weighted',
        'average_precision_micro',
      ],
    ],
    [
      'multi-output, variance_weighted',
      multiOutput(400, 4),
      ['mse', 'rmse', 'mae', 'mape', 'r2', 'mse[price]', 'rmse[rent]', 'mae[rent]', 'r2[price]', 'r2[rent]'],
      { multioutput: 'variance_weighted' },
    ],
    ['multi-output, uniform', multiOutput(400, 5), ['r2', 'rmse'], { multioutput: 'uniform_average' }],
  ];
  it.each(cases)('%s', (_name, interp, metrics, options = {}) => {
    for (const model of [0, 1]) {
      const point = metricsFor(interp, model, options).values;
      for (const metric of metrics) {
        expect([metric, hasKernel(metric, interp)]).toEqual([metric, true]);
        const kernel = makeKernel(metric, interp, model, options)!;
        expect(kernel).toBeDefined();
        expect([metric, kernel.value(ones(interpretationRows(interp)), [])]).toEqual([
          metric,
          expect.closeTo(point[metric]!, 12),
        ]);
      }
    }
  });
});

describe('new kernels on worker threads', () => {
  it('reproduce the serial draws exactly', async () => {
    const sets: [Interpretation, string[]][] = [
      [multiclass(600, 3, 7), ['roc_auc_ovr_micro', 'roc_auc_ovo_weighted']],
      [multilabel(400, 3, 8), ['f1_micro', 'recall[a]', 'hamming_loss', 'average_precision_weighted']],
      [multiOutput(300, 9), ['r2', 'rmse', 'r2[rent]']],
      [multiclass(600, 2, 10), ['average_precision']],
    ];
    for (const [interp, metrics] of sets) {
      const options = { samples: 30, seed: 5, kernelOptions: { multioutput: 'uniform_average' as const } };
      const serial = pairedBootstrap(interp, metrics, { candidate: 0, baseline: 1 }, options);
      const parallel = await pairedBootstrapParallel(
        interp,
        metrics,
        { candidate: 0, baseline: 1 },
        { ...options, threads: 2 },
      );
      expect(parallel.threads).toBe(2);
      for (const m of metrics) {
        const s = serial.draws.get(m)!;
        expect([m, s.candidate.every(Number.isFinite)]).toEqual([m, true]);
        expect(Array.from(parallel.draws.get(m)!.candidate)).toEqual(Array.from(s.candidate));
        expect(Array.from(parallel.draws.get(m)!.baseline!)).toEqual(Array.from(s.baseline!));
      }
    }
  });
});

describe('jackknife of the new kernels', () => {
  it('label counts: leaving row i out equals weight 0 on row i', () => {
    const interp = multilabel(120, 3, 11);
    for (const metric of ['f1_macro', 'precision_micro', 'recall[c]']) {
      const kernel = makeKernel(metric, interp, 0)!;
      const loo = kernel.leaveOneOut!();
      for (const i of [0, 17, 63, 119]) {
        const w = ones(120);
        w[i] = 0;
        expect(loo[i]).toBeCloseTo(kernel.value(w, []), 12);
      }
    }
  });

  it('a kernel without an exact jackknife gets a percentile interval under BCa, and says why', () => {
    const interp = multiclass(400, 2, 12);
    const boot = pairedBootstrap(
      interp,
      ['average_precision'],
      { candidate: 0, baseline: 1 },
      { samples: 200, seed: 1 },
    );
    const draws = boot.draws.get('average_precision')!;
    const point = draws.candidateKernel.value(ones(400), []) - draws.baselineKernel!.value(ones(400), []);
    const interval = bootstrapInterval(draws, point, 1, 0.95, 'bca')!;
    expect(interval.method).toBe('percentile');
    expect(interval.note).toContain('no exact jackknife for average_precision');
  });
});
