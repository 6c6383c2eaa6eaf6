/** PredictionProfiler: a real ONNX model run batch by batch, each output profiled as one or more columns. */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  expected,
  linearRegressorModel,
  logisticClassifierModel,
  softmaxClassifierModel,
  writeModel,
} from '../../../test/harness/onnx-models.js';
import { PredictionProfiler } from './predictions.js';
import type { ColumnProfile } from './profile.js';
import type { TableBatch } from './table.js';

/** A batch of numeric columns (NaN = missing), lines numbered from `firstLine`. */
function batch(header: string[], rows: number[][], firstLine = 2): TableBatch {
  return {
    header,
    rows: rows.length,
    lines: Int32Array.from(rows, (_, i) => firstLine + i),
    numbers: header.map((_, c) => Float64Array.from(rows, (r) => r[c]!)),
    texts: header.map(() => new Array<string | undefined>(rows.length)),
  };
}

const ROWS = Array.from({ length: 30 }, (_, i) => [Math.sin(i), Math.cos(0.7 * i), (i % 5) / 5]);
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'predictions-'));
});

describe('PredictionProfiler', () => {
  it('profiles a multiclass model as its label and one score column per class, over several batches', async () => {
    const W = [
      [1, -1, 0.5],
      [0.5, 1, -1],
      [-0.3, 0.2, 2],
    ];
    const b = [0.1, 0, -0.1];
    const model = await writeModel(join(dir, 'softmax.onnx'), softmaxClassifierModel({ weights: W, bias: b }));
    const header = ['x1', 'x2', 'x3', 'label'];
    const p = await PredictionProfiler.open(model, ['x1', 'x2', 'x3'], header, 'current (d.csv)');
    await p.addBatch(
      batch(
        header,
        ROWS.slice(0, 17).map((r) => [...r, 0]),
      ),
    );
    await p.addBatch(
      batch(
        header,
        ROWS.slice(17).map((r) => [...r, 0]),
        19,
      ),
    );
    const columns = (await p.finish())!;
    expect(columns.map((c) => [c.name, c.type])).toEqual([
      ['label', 'categorical'],
      ['probabilities[0]', 'numerical'],
      ['probabilities[1]', 'numerical'],
      ['probabilities[2]', 'numerical'],
    ]);
    // softmax by hand, in float64
    const probs = ROWS.map((x) => {
      const logits = [0, 1, 2].map((k) => x.reduce((s, xi, f) => s + xi * W[f]![k]!, b[k]!));
      const e = logits.map(Math.exp);
      const sum = e.reduce((s, v) => s + v, 0);
      return e.map((v) => v / sum);
    });
    const argmax = probs.map((q) => q.indexOf(Math.max(...q)));
    const counts = new Map<string, number>();
    for (const k of argmax) counts.set(String(k), (counts.get(String(k)) ?? 0) + 1);
    expect(new Map(columns[0]!.categories!.values)).toEqual(counts);
    for (let k = 0; k < 3; k++)
      expect(columns[k + 1]!.numeric!.mean).toBeCloseTo(probs.reduce((s, q) => s + q[k]!, 0) / ROWS.length, 6);
    expect(columns.every((c) => c.count === 30)).toBe(true);
  });

  it("profiles a binary classifier's positive score only, and a regressor's value; reference types win", async () => {
    const header = ['x1', 'x2'];
    const rows = ROWS.map((r) => r.slice(0, 2));
    const logistic = await writeModel(
      join(dir, 'logistic.onnx'),
      logisticClassifierModel({ weights: [2, -1], bias: 0 }),
    );
    const p = await PredictionProfiler.open(logistic, header, header, 'current');
    await p.addBatch(batch(header, rows));
    const binary = (await p.finish())!;
    expect(binary.map((c) => c.name)).toEqual(['label', 'probabilities[1]']);
    expect(binary[1]!.numeric!.max).toBeCloseTo(Math.max(...rows.map((x) => expected.sigmoid(2 * x[0]! - x[1]!))), 6);

    const linear = await writeModel(join(dir, 'linear.onnx'), linearRegressorModel({ weights: [3, 1], bias: -1 }));
    const values = rows.map((x) => 3 * x[0]! + x[1]! - 1);
    const r = await PredictionProfiler.open(linear, header, header, 'current');
    await r.addBatch(batch(header, rows));
    const [variable] = (await r.finish())!;
    expect(variable).toMatchObject({ name: 'variable', type: 'numerical', count: 30 });
    expect(variable!.numeric!.min).toBeCloseTo(Math.min(...values), 6);
    expect(variable!.numeric!.mean).toBeCloseTo(values.reduce((s, v) => s + v, 0) / 30, 6);

    // the reference called the regressor's output categorical: the fresh profile reads it so too
    const reference = [{ name: 'variable', type: 'categorical' } as ColumnProfile];
    const typed = await PredictionProfiler.open(linear, header, header, 'current', reference);
    await typed.addBatch(batch(header, rows));
    expect((await typed.finish())![0]!.type).toBe('categorical');
  });

  it("is skipped, with the reason, when the data lacks one of the model's inputs", async () => {
    const model = await writeModel(join(dir, 'l2.onnx'), logisticClassifierModel({ weights: [1, 1], bias: 0 }));
    const p = await PredictionProfiler.open(model, ['x1', 'x9'], ['x1', 'x2'], 'current (d.csv)');
    expect(p.skipped).toBe("current (d.csv) lacks the model's input column(s) x9");
    await p.addBatch(batch(['x1', 'x2'], [[1, 2]]));
    expect(await p.finish()).toBeNull();
  });

  it('is skipped at the first missing or non-numeric input, naming its line; later batches change nothing', async () => {
    const model = await writeModel(join(dir, 'l3.onnx'), logisticClassifierModel({ weights: [1, 1], bias: 0 }));
    const p = await PredictionProfiler.open(model, ['x1', 'x2'], ['x1', 'x2'], 'current (d.csv)');
    await p.addBatch(batch(['x1', 'x2'], [[1, 2]]));
    await p.addBatch(
      batch(
        ['x1', 'x2'],
        [
          [1, 2],
          [3, NaN],
        ],
        10,
      ),
    );
    expect(p.skipped).toBe(`the model's input "x2" is missing or not a number on line 11 of current (d.csv)`);
    await p.addBatch(batch(['x1', 'x2'], [[5, 6]], 20));
    expect(await p.finish()).toBeNull();
  });

  it('is skipped when the model cannot run on the rows (a feature too many), keeping the data profile usable', async () => {
    const model = await writeModel(join(dir, 'l4.onnx'), logisticClassifierModel({ weights: [1, 1], bias: 0 }));
    const header = ['x1', 'x2', 'x3'];
    const p = await PredictionProfiler.open(model, header, header, 'current (d.csv)');
    await p.addBatch(batch(header, ROWS));
    expect(p.skipped).toMatch(/^the model could not run on current \(d\.csv\): /);
    expect(await p.finish()).toBeNull();
  });
});
