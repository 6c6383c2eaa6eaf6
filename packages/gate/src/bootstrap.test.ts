import { describe, expect, it } from '@jest/globals';
import type { Interpretation } from '@mlops-gha/evaluation';
import { bootstrapInterval, pairedBootstrap, type IntervalMethod } from './bootstrap.js';
import { accuracyCase, aucCase } from '../../../test/fixtures/gate-holdouts.js';
import { normalCdf } from './math.js';
import { delong } from './paired-tests.js';
import { parseRules } from './rules.js';
import { decide } from './verdict.js';

/** The observed metric, computed here for accuracy and by DeLong's method (not the bootstrap) for AUC. */
function pointOf(interp: Interpretation, metric: 'accuracy' | 'roc_auc', model: number): number {
  const truth = interp.truthClasses!;
  if (metric === 'accuracy')
    return truth.reduce((a, t, i) => a + (t === interp.models[model]!.predicted![i] ? 1 : 0), 0) / truth.length;
  return delong(interp, model, model, 0.95)!.candidateAuc;
}

function coverage(
  make: (seed: number) => Interpretation,
  metric: 'accuracy' | 'roc_auc',
  truthDiff: number,
  method: IntervalMethod,
  reps: number,
): number {
  let covered = 0;
  for (let r = 0; r < reps; r++) {
    const interp = make(r);
    const boot = pairedBootstrap(interp, [metric], { candidate: 0, baseline: 1 }, { samples: 300, seed: r });
    const point = pointOf(interp, metric, 0) - pointOf(interp, metric, 1);
    const interval = bootstrapInterval(boot.draws.get(metric)!, point, 1, 0.9, method)!;
    if (interval.low <= truthDiff && truthDiff <= interval.high) covered++;
  }
  return covered / reps;
}

describe('paired bootstrap intervals cover the true difference at about the stated rate', () => {
  // 90% intervals over 120 independent data sets: the binomial standard error of the
  // coverage is 2.7 points, so [0.80, 0.97] is a band of about ±3.7 SE around 0.90.
  it.each(['percentile', 'bca'] as const)('accuracy, %s', (method) => {
    const rate = coverage((seed) => accuracyCase(300, 0.85, 0.8, seed), 'accuracy', 0.05, method, 120);
    expect(rate).toBeGreaterThanOrEqual(0.8);
    expect(rate).toBeLessThanOrEqual(0.97);
  });

  it('roc_auc, bca', () => {
    const truth = normalCdf(1 / Math.SQRT2) - normalCdf(0.5 / Math.SQRT2);
    const rate = coverage((seed) => aucCase(300, 1, 0.5, seed), 'roc_auc', truth, 'bca', 120);
    expect(rate).toBeGreaterThanOrEqual(0.8);
    expect(rate).toBeLessThanOrEqual(0.97);
  });

  it('is reproducible from the seed, and differs with another seed', () => {
    const interp = accuracyCase(200, 0.8, 0.75, 1);
    const run = (seed: number) =>
      Array.from(
        pairedBootstrap(interp, ['accuracy'], { candidate: 0, baseline: 1 }, { samples: 50, seed }).draws.get(
          'accuracy',
        )!.candidate,
      );
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });
});

describe('verdicts on real bootstrap draws', () => {
  const verdict = (interp: Interpretation, rules: string) => {
    const boot = pairedBootstrap(interp, ['accuracy'], { candidate: 0, baseline: 1 }, { samples: 1000, seed: 3 });
    const acc = (m: number) => pointOf(interp, 'accuracy', m);
    return decide({
      rules: parseRules(rules),
      candidate: { accuracy: acc(0) },
      baseline: { accuracy: acc(1) },
      bootstrap: boot,
      confidence: 0.95,
      method: 'bca',
      failOn: 'fail',
    });
  };

  it('pass when the interval lies wholly on the right side', () => {
    const d = verdict(accuracyCase(2000, 0.9, 0.75, 11), 'accuracy >= baseline');
    expect([d.verdict, d.outcomes[0]!.basis, d.failStep]).toEqual(['pass', 'paired-interval', false]);
  });

  it('fail when it lies wholly on the wrong side, and the step fails', () => {
    const d = verdict(accuracyCase(2000, 0.75, 0.9, 12), 'accuracy >= baseline - 0.01');
    expect([d.verdict, d.failStep]).toEqual(['fail', true]);
    expect(d.outcomes[0]!.reason).toMatch(
      /^the 95% interval of candidate - baseline is \[-0\.\d+, -0\.\d+\], which wholly violates >= -0\.01$/,
    );
  });

  it('inconclusive when it straddles the threshold; fail-on decides whether the step fails', () => {
    const interp = accuracyCase(300, 0.8, 0.8, 13);
    const d = verdict(interp, 'accuracy >= baseline');
    expect(d.verdict).toBe('inconclusive');
    expect(d.outcomes[0]!.reason).toContain('the data cannot tell yet');
    expect(d.failStep).toBe(false);
    const strict = decide({
      ...{ rules: parseRules('accuracy >= baseline'), candidate: { accuracy: 0.5 }, baseline: { accuracy: 0.5 } },
      bootstrap: pairedBootstrap(interp, ['accuracy'], { candidate: 0, baseline: 1 }, { samples: 500, seed: 1 }),
      confidence: 0.95,
      method: 'percentile',
      failOn: 'inconclusive',
    });
    expect([strict.verdict, strict.failStep]).toEqual(['inconclusive', true]);
  });

  it('identical models: a zero-width interval at 0 passes >= and fails >', () => {
    const interp = accuracyCase(300, 0.8, 0.8, 14);
    interp.models[1] = interp.models[0]!;
    const d = verdict(interp, 'accuracy >= baseline\naccuracy > baseline');
    expect(d.outcomes.map((o) => o.status)).toEqual(['pass', 'fail']);
  });
});

describe('parallel bootstrap', () => {
  it('gives exactly the serial results on worker threads, for every kind of metric', async () => {
    const { pairedBootstrapParallel } = await import('./bootstrap.js');
    const interp = aucCase(3000, 1, 0.5, 21);
    const metrics = ['accuracy', 'f1', 'roc_auc'];
    const serial = pairedBootstrap(interp, metrics, { candidate: 0, baseline: 1 }, { samples: 40, seed: 9 });
    const parallel = await pairedBootstrapParallel(
      interp,
      metrics,
      { candidate: 0, baseline: 1 },
      { samples: 40, seed: 9, threads: 3 },
    );
    expect(parallel.threads).toBe(3);
    for (const m of metrics) {
      expect(Array.from(parallel.draws.get(m)!.candidate)).toEqual(Array.from(serial.draws.get(m)!.candidate));
      expect(Array.from(parallel.draws.get(m)!.baseline!)).toEqual(Array.from(serial.draws.get(m)!.baseline!));
    }
    const regression: Interpretation = {
      task: 'regression',
      reason: 'test',
      truthValues: Float64Array.from({ length: 500 }, (_, i) => Math.sin(i)),
      models: [{ values: Float64Array.from({ length: 500 }, (_, i) => Math.sin(i) + 0.1 * Math.cos(7 * i)) }],
    };
    const rm = ['mse', 'rmse', 'mae', 'r2'];
    const rs = pairedBootstrap(regression, rm, { candidate: 0 }, { samples: 20, seed: 2 });
    const rp = await pairedBootstrapParallel(regression, rm, { candidate: 0 }, { samples: 20, seed: 2, threads: 2 });
    for (const m of rm) expect(Array.from(rp.draws.get(m)!.candidate)).toEqual(Array.from(rs.draws.get(m)!.candidate));
  });
});

describe('pairedBootstrap: what the result holds', () => {
  it('draws for each metric with a kernel, paired when there is a baseline; the others are left out', () => {
    const interp = accuracyCase(50, 0.8, 0.7, 31);
    const progress: [number, number][] = [];
    const paired = pairedBootstrap(
      interp,
      ['accuracy', 'roc_auc', 'no_such_metric'],
      { candidate: 0, baseline: 1 },
      { samples: 4, seed: 2, onProgress: (done, total) => progress.push([done, total]) },
    );
    // roc_auc needs probabilities, which accuracyCase's models do not have
    expect([...paired.draws.keys()]).toEqual(['accuracy']);
    expect([paired.samples, paired.seed, paired.rows, paired.threads]).toEqual([4, 2, 50, 1]);
    expect(paired.draws.get('accuracy')!.baseline).toHaveLength(4);
    expect(progress).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
    const alone = pairedBootstrap(interp, ['accuracy'], { candidate: 0 }, { samples: 4, seed: 2 });
    expect(alone.draws.get('accuracy')!.baseline).toBeUndefined();
    // the candidate's draws do not depend on whether a baseline is resampled beside it
    expect(Array.from(alone.draws.get('accuracy')!.candidate)).toEqual(
      Array.from(paired.draws.get('accuracy')!.candidate),
    );
  });

  it('each draw is the metric on a resample of the rows: a share of right answers, k / n', () => {
    const interp = accuracyCase(40, 0.7, 0.7, 32);
    const draws = pairedBootstrap(interp, ['accuracy'], { candidate: 0 }, { samples: 50, seed: 5 }).draws.get(
      'accuracy',
    )!.candidate;
    for (const v of draws) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
      expect(Math.abs(v * 40 - Math.round(v * 40))).toBeLessThan(1e-9);
    }
    // not all resamples alike
    expect(new Set(draws).size).toBeGreaterThan(1);
  });

  it('pairedBootstrapParallel stays serial for small work unless threads are asked for', async () => {
    const { pairedBootstrapParallel } = await import('./bootstrap.js');
    const interp = accuracyCase(100, 0.8, 0.7, 33);
    const small = await pairedBootstrapParallel(
      interp,
      ['accuracy'],
      { candidate: 0, baseline: 1 },
      { samples: 10, seed: 1 },
    );
    expect(small.threads).toBe(1);
    const one = await pairedBootstrapParallel(
      interp,
      ['accuracy'],
      { candidate: 0, baseline: 1 },
      { samples: 10, seed: 1, threads: 1 },
    );
    expect(one.threads).toBe(1);
    expect(Array.from(one.draws.get('accuracy')!.candidate)).toEqual(
      Array.from(small.draws.get('accuracy')!.candidate),
    );
  });
});
