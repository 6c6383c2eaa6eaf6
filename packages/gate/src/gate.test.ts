import { describe, expect, it } from '@jest/globals';
import { UserError, type Logger } from '@mlops-gha/common';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logisticClassifierModel, writeModel } from '../../../test/harness/onnx-models.js';
import { resolveBaseline, runMetricGate, type GateSettings } from './gate.js';

const base: Omit<GateSettings, 'rules'> = { confidence: 0.95, bootstrapSamples: 0, seed: 0, failOn: 'fail' };

async function caught(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('runMetricGate on metrics files', () => {
  it('judges the final epoch of a per-epoch CSV, as the registry records it (not epoch 1)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gate-'));
    const history = join(dir, 'history.csv');
    // Keras' CSVLogger: epoch 0 is poor, the final epoch good.
    await writeFile(history, 'epoch,loss,accuracy\n0,0.91,0.61\n1,0.52,0.80\n2,0.31,0.912\n');
    const outcome = await runMetricGate({
      metrics: history,
      rules: 'accuracy >= 0.9',
      confidence: 0.95,
      bootstrapSamples: 0,
      seed: 0,
      failOn: 'fail',
    });
    expect(outcome.candidateMetrics).toEqual({ epoch: 2, loss: 0.31, accuracy: 0.912 });
    expect(outcome.decision.verdict).toBe('pass');
  });

  it('against a baseline metrics file: point values, both files named in the report, each metric listed once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gate-'));
    await writeFile(join(dir, 'cand.json'), JSON.stringify({ accuracy: 0.9, loss: 0.3 }));
    await writeFile(join(dir, 'base.json'), JSON.stringify({ accuracy: 0.92, loss: 0.35 }));
    const outcome = await runMetricGate({
      ...base,
      metrics: join(dir, 'cand.json'),
      baseline: join(dir, 'base.json'),
      rules: 'accuracy >= baseline - 0.01\nloss <= baseline',
    });
    expect(outcome.decision.outcomes.map((o) => [o.status, o.basis])).toEqual([
      ['fail', 'point'],
      ['pass', 'point'],
    ]);
    expect([outcome.decision.verdict, outcome.decision.failStep]).toEqual(['fail', true]);
    expect(outcome.reportInput).toMatchObject({
      mode: 'point',
      candidateName: join(dir, 'cand.json'),
      baselineName: join(dir, 'base.json'),
      metrics: ['accuracy', 'loss'],
    });
    expect(outcome.report.split('\n')[0]).toBe('### ❌ metric-gate: FAIL');
    expect(outcome.bootstrap).toBeUndefined();
  });

  it('a rule on a metric the files do not have is refused before anything is judged', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gate-'));
    await writeFile(join(dir, 'cand.json'), JSON.stringify({ accuracy: 0.9 }));
    const error = await caught(runMetricGate({ ...base, metrics: join(dir, 'cand.json'), rules: 'acuracy >= 0.5' }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/unknown metric "acuracy"\. Did you mean "accuracy"\? Metrics here: accuracy/);
  });
});

describe('runMetricGate: what must be set', () => {
  it('nothing to gate, a model without a dataset, an ONNX baseline for a metrics file: each says what to set', async () => {
    const none = await caught(runMetricGate({ ...base, rules: 'accuracy >= 0.5' }));
    expect(none.message).toBe('Nothing to gate: neither `model` (with `dataset`) nor `metrics` is set');
    expect((none as UserError).fix).toBe(
      'Set `model:` and `dataset:` to evaluate an ONNX model, or `metrics:` to a candidate metrics file.',
    );
    const noData = await caught(runMetricGate({ ...base, model: 'm.onnx', rules: 'accuracy >= 0.5' }));
    expect(noData.message).toBe(
      '`model` is set but `dataset` is not: the model needs a holdout set to be evaluated on',
    );
    const dir = await mkdtemp(join(tmpdir(), 'gate-'));
    await writeFile(join(dir, 'cand.json'), JSON.stringify({ accuracy: 0.9 }));
    const mixed = await caught(
      runMetricGate({ ...base, metrics: join(dir, 'cand.json'), baseline: 'prod.ONNX', rules: 'accuracy >= baseline' }),
    );
    expect(mixed.message).toBe(
      `The baseline prod.ONNX is an ONNX model, but the candidate is a metrics file (${join(dir, 'cand.json')})`,
    );
  });

  it('resolveBaseline: none, a local file by extension, or registry:// through the resolver asked for what fits', async () => {
    expect(await resolveBaseline({ ...base, rules: '', baseline: '  ' })).toBeUndefined();
    expect(await resolveBaseline({ ...base, rules: '', baseline: 'models/prod.Onnx' })).toEqual({
      kind: 'onnx',
      path: 'models/prod.Onnx',
      label: 'models/prod.Onnx',
    });
    expect((await resolveBaseline({ ...base, rules: '', baseline: 'metrics.json' }))!.kind).toBe('metrics');
    const asked: [string, string][] = [];
    const resolved = await resolveBaseline({
      ...base,
      rules: '',
      metrics: 'cand.json',
      baseline: 'registry://iris@production',
      resolveRegistryBaseline: async (uri, prefer) => {
        asked.push([uri, prefer]);
        return { kind: 'metrics', path: '/tmp/x.json', label: uri };
      },
    });
    expect(asked).toEqual([['registry://iris@production', 'metrics']]);
    expect(resolved!.label).toBe('registry://iris@production');
    const error = await caught(resolveBaseline({ ...base, rules: '', baseline: 'registry://iris@production' }));
    expect((error as UserError).fix).toBe(
      'Download the baseline model or its metrics file in an earlier step and set `baseline:` to that .onnx or metrics file.',
    );
  });
});

describe('runMetricGate on two ONNX models and a holdout', () => {
  // a = sin(i), b = cos(i); the label is 1 where sin(i) + 0.3 cos(3i) > 0. The candidate
  // predicts 1 where 3a > 0, the baseline where a + b > 0 (logistic models, threshold 0.5).
  const n = 80;
  const a = Array.from({ length: n }, (_, i) => Math.sin(i));
  const b = Array.from({ length: n }, (_, i) => Math.cos(i));
  const label = a.map((v, i) => (v + 0.3 * Math.cos(3 * i) > 0 ? 1 : 0));
  const cand = a.map((v) => (v > 0 ? 1 : 0));
  const baseP = a.map((v, i) => (v + b[i]! > 0 ? 1 : 0));

  it('evaluates both, bootstraps paired intervals, and runs McNemar on the same rows', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gate-'));
    const dataset = join(dir, 'holdout.csv');
    await writeFile(dataset, `a,b,label\n${a.map((v, i) => `${v},${b[i]},${label[i]}`).join('\n')}\n`);
    await writeModel(join(dir, 'cand.onnx'), logisticClassifierModel({ weights: [3, 0], bias: 0 }));
    await writeModel(join(dir, 'base.onnx'), logisticClassifierModel({ weights: [1, 1], bias: 0 }));
    const warnings: string[] = [];
    const logger: Logger = { info() {}, debug() {}, warning: (m) => warnings.push(m) };
    const outcome = await runMetricGate(
      {
        ...base,
        model: join(dir, 'cand.onnx'),
        dataset,
        metrics: 'ignored.json',
        baseline: join(dir, 'base.onnx'),
        rules: 'accuracy >= baseline - 0.5\nrecall >= 0',
        bootstrapSamples: 200,
        seed: 'pr-42',
      },
      logger,
    );
    expect(warnings).toEqual(['Both `model` and `metrics` are set: evaluating the model; `metrics` is ignored.']);
    const right = (p: number[]) => p.filter((v, i) => v === label[i]).length;
    expect(outcome.candidateMetrics.accuracy).toBeCloseTo(right(cand) / n, 12);
    expect(outcome.baselineMetrics!.accuracy).toBeCloseTo(right(baseP) / n, 12);
    expect(outcome.reportInput.mode).toBe('paired');
    expect(outcome.reportInput.tests!.mcnemar).toMatchObject({
      candidateOnly: label.filter((t, i) => cand[i] === t && baseP[i] !== t).length,
      baselineOnly: label.filter((t, i) => cand[i] !== t && baseP[i] === t).length,
    });
    expect(outcome.bootstrap!.samples).toBe(200);
    expect(outcome.bootstrap!.draws.get('accuracy')!.baseline).toHaveLength(200);
    expect(outcome.decision.outcomes.map((o) => [o.status, o.basis])).toEqual([
      ['pass', 'paired-interval'],
      ['pass', 'candidate-interval'],
    ]);
    const interval = outcome.reportInput.intervals!.accuracy!;
    const diff = outcome.candidateMetrics.accuracy! - outcome.baselineMetrics!.accuracy!;
    expect(interval.low).toBeLessThanOrEqual(diff);
    expect(interval.high).toBeGreaterThanOrEqual(diff);
    expect(outcome.reportInput.holdout).toMatchObject({ rows: n, features: 2, labelColumn: 'label' });
  });
});
