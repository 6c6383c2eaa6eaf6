import { describe, expect, it } from '@jest/globals';
import type { BootstrapResult, MetricDraws } from './bootstrap.js';
import { parseRules, type Operator } from './rules.js';
import { decide, intervalStatus, type DecideInput, type Status } from './verdict.js';

describe('intervalStatus: the whole interval decides', () => {
  it.each<[[number, number], Operator, number, Status]>([
    // [low, high], op, offset -> status
    [[0.1, 0.2], '>=', 0.1, 'pass'],
    [[0.1, 0.2], '>', 0.1, 'inconclusive'],
    [[0.0, 0.1], '>', 0.1, 'fail'],
    [[0.0, 0.1], '>=', 0.1, 'inconclusive'],
    [[-0.2, -0.1], '>=', 0, 'fail'],
    [[0.1, 0.2], '<=', 0.2, 'pass'],
    [[0.1, 0.2], '<', 0.2, 'inconclusive'],
    [[0.2, 0.3], '<', 0.2, 'fail'],
    [[0.2, 0.3], '<=', 0.2, 'inconclusive'],
    [[0.3, 0.4], '<=', 0.2, 'fail'],
    [[-0.1, 0.1], '<=', 0, 'inconclusive'],
  ])('[%p] %s %p -> %s', ([low, high], op, offset, status) => {
    expect(intervalStatus({ low, high }, op, offset)).toBe(status);
  });
});

describe('decide', () => {
  /** Draws given by hand: a percentile interval of constant draws is that constant. */
  const boot = (draws: Record<string, { candidate: number[]; baseline?: number[] }>): BootstrapResult => ({
    samples: 10,
    seed: 1,
    rows: 100,
    seconds: 0,
    threads: 1,
    draws: new Map(
      Object.entries(draws).map(([metric, d]) => [
        metric,
        {
          metric,
          candidate: Float64Array.from(d.candidate),
          baseline: d.baseline && Float64Array.from(d.baseline),
        } as unknown as MetricDraws,
      ]),
    ),
  });
  const constant = (v: number) => new Array<number>(10).fill(v);
  const input = (rules: string, extra: Partial<DecideInput>): DecideInput => ({
    rules: parseRules(rules),
    candidate: {},
    confidence: 0.9,
    method: 'percentile',
    failOn: 'fail',
    ...extra,
  });

  it("judges a rule without baseline on the candidate's own interval", () => {
    const d = decide(
      input('accuracy >= 0.85', {
        candidate: { accuracy: 0.9 },
        bootstrap: boot({ accuracy: { candidate: constant(0.9) } }),
      }),
    );
    expect(d.outcomes[0]).toMatchObject({
      status: 'pass',
      basis: 'candidate-interval',
      threshold: 0.85,
      interval: { low: 0.9, high: 0.9 },
      reason: "the 90% interval of the candidate's accuracy is [0.9, 0.9], which wholly satisfies >= 0.85",
    });
  });

  it('names the factor of a scaled baseline and the confidence to a tenth of a percent', () => {
    const d = decide(
      input('log_loss <= baseline * 1.05', {
        candidate: { log_loss: 0.3 },
        baseline: { log_loss: 0.3 },
        confidence: 0.975,
        bootstrap: boot({ log_loss: { candidate: constant(0.3), baseline: constant(0.3) } }),
      }),
    );
    expect(d.outcomes[0]!.status).toBe('pass');
    expect(d.outcomes[0]!.threshold).toBeCloseTo(0.315, 12);
    expect(d.outcomes[0]!.reason).toBe(
      'the 97.5% interval of candidate - 1.05 * baseline is [-0.015, -0.015], which wholly satisfies <= 0',
    );
  });

  it('a straddling interval is inconclusive and says the data cannot tell yet', () => {
    const d = decide(
      input('f1 >= baseline', {
        candidate: { f1: 0.8 },
        baseline: { f1: 0.8 },
        bootstrap: boot({
          f1: { candidate: [...constant(0.7).slice(5), ...constant(0.9).slice(5)], baseline: constant(0.8) },
        }),
      }),
    );
    expect(d.outcomes[0]).toMatchObject({ status: 'inconclusive', basis: 'paired-interval' });
    expect(d.outcomes[0]!.reason).toBe(
      'the 90% interval of candidate - baseline is [-0.1, 0.1], which straddles 0: the data cannot tell yet',
    );
  });

  it('a baseline rule without the baseline’s draws compares point values', () => {
    const d = decide(
      input('f1 >= baseline - 0.01', {
        candidate: { f1: 0.5 },
        baseline: { f1: 0.6 },
        bootstrap: boot({ f1: { candidate: constant(0.5) } }),
      }),
    );
    expect(d.outcomes[0]).toMatchObject({ status: 'fail', basis: 'point', threshold: 0.59 });
    expect(d.outcomes[0]!.reason).toBe(
      "point values: 0.5 not >= 0.59 (no interval: the baseline has no per-row predictions, so f1's difference cannot be resampled)",
    );
  });

  it('draws with fewer than two defined values give no interval: point values decide', () => {
    const d = decide(
      input('f1 >= 0.5', { candidate: { f1: 0.9 }, bootstrap: boot({ f1: { candidate: [NaN, NaN, 0.9] } }) }),
    );
    expect(d.outcomes[0]).toMatchObject({ status: 'pass', basis: 'point' });
    expect(d.outcomes[0]!.reason).toBe(
      'point values: 0.9 >= 0.5 (no interval: fewer than two resamples gave a defined f1)',
    );
    // a metric the bootstrap did not resample is named as such
    const other = decide(
      input('f1 >= 0.5', { candidate: { f1: 0.9 }, bootstrap: boot({ auc: { candidate: constant(1) } }) }),
    );
    expect(other.outcomes[0]!.reason).toBe(
      'point values: 0.9 >= 0.5 (no interval: the bootstrap does not resample f1)',
    );
  });

  it('writes large and tiny values in exponent form', () => {
    const d = decide(input('mse <= 20000\nx >= 0.0001', { candidate: { mse: 12345, x: 0 } }));
    expect(d.outcomes.map((o) => o.reason)).toEqual([
      'point values: 1.235e+4 <= 2.000e+4 (no interval: no paired per-row predictions)',
      'point values: 0 not >= 1.000e-4 (no interval: no paired per-row predictions)',
    ]);
  });

  it('a missing baseline value makes the rule inconclusive, naming the baseline', () => {
    const d = decide(input('f1 >= baseline', { candidate: { f1: 0.9 }, baseline: {} }));
    expect(d.outcomes[0]).toMatchObject({
      status: 'inconclusive',
      basis: 'undefined',
      threshold: null,
      baseline: null,
    });
    expect(d.outcomes[0]!.reason).toBe('f1 is undefined for the baseline: the baseline has no value for f1');
    // a rule that does not use the baseline does not need it
    expect(decide(input('f1 >= 0.5', { candidate: { f1: 0.9 } })).verdict).toBe('pass');
  });

  it('the verdict is fail over inconclusive over pass; fail-on decides the step', () => {
    const rules = 'a >= 0.5\nb >= 0.5\nc >= 0.5';
    const both = { a: 0.9, b: null, c: 0.1 };
    const onlyInconclusive = { a: 0.9, b: null, c: 0.9 };
    const allPass = { a: 0.9, b: 0.9, c: 0.9 };
    const run = (candidate: Record<string, number | null>, failOn: DecideInput['failOn']) => {
      const d = decide(input(rules, { candidate, failOn }));
      return [d.verdict, d.failStep];
    };
    expect(run(both, 'fail')).toEqual(['fail', true]);
    expect(run(onlyInconclusive, 'fail')).toEqual(['inconclusive', false]);
    expect(run(onlyInconclusive, 'inconclusive')).toEqual(['inconclusive', true]);
    expect(run(allPass, 'inconclusive')).toEqual(['pass', false]);
    expect(run(both, 'never')).toEqual(['fail', false]);
    expect(run(allPass, 'fail')).toEqual(['pass', false]);
  });
});

describe('decide without draws', () => {
  it('without paired predictions compares point values and says no interval was possible', () => {
    const d = decide({
      rules: parseRules('f1 >= baseline - 0.01\nf1 > 0.95'),
      candidate: { f1: 0.9 },
      baseline: { f1: 0.905 },
      confidence: 0.95,
      method: 'bca',
      failOn: 'never',
    });
    expect(d.outcomes.map((o) => [o.status, o.basis])).toEqual([
      ['pass', 'point'],
      ['fail', 'point'],
    ]);
    expect(d.outcomes[0]!.reason).toBe('point values: 0.9 >= 0.895 (no interval: no paired per-row predictions)');
    expect([d.verdict, d.failStep]).toEqual(['fail', false]);
  });

  it('an undefined metric makes its rule inconclusive, with the reason', () => {
    const d = decide({
      rules: parseRules('roc_auc >= 0.8'),
      candidate: { roc_auc: null },
      notes: { roc_auc: "undefined: the holdout's labels hold only one class (1)" },
      confidence: 0.95,
      method: 'bca',
      failOn: 'fail',
    });
    expect(d.verdict).toBe('inconclusive');
    expect(d.outcomes[0]!.reason).toBe(
      "roc_auc is undefined for the candidate: undefined: the holdout's labels hold only one class (1)",
    );
  });
});

describe('decide: outcomes', () => {
  it('one outcome per rule, in the order written, each carrying its rule and both values', () => {
    const rules = parseRules('recall >= 0.5\nprecision <= baseline + 0.1\nf1 > 0.7');
    const d = decide({
      rules,
      candidate: { precision: 0.8, recall: 0.6, f1: 0.7 },
      baseline: { precision: 0.75, recall: 0.5, f1: 0.6 },
      confidence: 0.95,
      method: 'bca',
      failOn: 'fail',
    });
    expect(d.outcomes.map((o) => [o.rule, o.candidate, o.baseline, o.status])).toEqual([
      [rules[0], 0.6, 0.5, 'pass'],
      [rules[1], 0.8, 0.75, 'pass'],
      [rules[2], 0.7, 0.6, 'fail'],
    ]);
    expect(d.outcomes[1]!.threshold).toBeCloseTo(0.85, 12);
    expect(d.failOn).toBe('fail');
  });

  it('an undefined candidate is named before a missing baseline, with the note of that metric only', () => {
    const d = decide({
      rules: parseRules('roc_auc >= baseline\nf1 >= baseline'),
      candidate: { roc_auc: null, f1: null },
      notes: { roc_auc: 'undefined: one class only' },
      confidence: 0.95,
      method: 'bca',
      failOn: 'fail',
    });
    expect(d.outcomes.map((o) => o.reason)).toEqual([
      'roc_auc is undefined for the candidate: undefined: one class only',
      'f1 is undefined for the candidate: the candidate has no value for f1',
    ]);
    expect([d.verdict, d.failStep]).toEqual(['inconclusive', false]);
  });
});
