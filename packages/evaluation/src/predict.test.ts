/**
 * predict() with onnxruntime on small models whose outputs are computed by hand
 * (test/harness/onnx-models.ts), and models built here for the shapes the readers refuse.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import {
  expected,
  identityModel,
  linearRegressorModel,
  logisticClassifierModel,
  model,
  node,
  valueInfo,
  writeModel,
} from '../../../test/harness/onnx-models.js';
import type { Holdout } from './dataset.js';
import { openOnnxModel, type OnnxModel } from './onnx.js';
import { predict } from './predict.js';

const FLOAT = onnxProto.onnx.TensorProto.DataType.FLOAT;
let dir: string;
const opened: OnnxModel[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'predict-'));
});
afterAll(async () => {
  for (const m of opened) await m.session.release();
  await rm(dir, { recursive: true, force: true });
});

async function open(name: string, bytes: Uint8Array): Promise<OnnxModel> {
  const m = await openOnnxModel(await writeModel(join(dir, name), bytes));
  opened.push(m);
  return m;
}

function holdout(featureNames: string[], rows: number[][]): Holdout {
  return {
    path: 'h.csv',
    rows: rows.length,
    featureNames,
    features: Float32Array.from(rows.flat()),
    labelColumn: 'label',
    labels: rows.map(() => '0'),
  };
}

const rows = [
  [0.5, -1],
  [2, 1],
  [-3, 0.25],
  [0, 0],
  [1, -2],
];

describe('predict', () => {
  it('runs a classifier in batches and collects its int64 labels and float probabilities', async () => {
    const m = await open('logit.onnx', logisticClassifierModel({ weights: [1, 2], bias: 0.5 }));
    const batches: number[] = [];
    const raw = await predict(m, holdout(['a', 'b'], rows), { batchSize: 2, onBatch: (n) => batches.push(n) });
    expect(batches).toEqual([2, 2, 1]);
    expect(raw.rows).toBe(5);
    const p1 = rows.map(([a, b]) => expected.sigmoid(a! + 2 * b! + 0.5));
    const [label, probabilities] = raw.outputs;
    expect([label!.name, label!.type, label!.width, Array.from(label!.values as Float64Array)]).toEqual([
      'label',
      'int64',
      1,
      p1.map((p) => (p > 0.5 ? 1 : 0)),
    ]);
    expect([probabilities!.name, probabilities!.type, probabilities!.width]).toEqual(['probabilities', 'float32', 2]);
    p1.forEach((p, i) => {
      expect((probabilities!.values as Float64Array)[2 * i + 1]).toBeCloseTo(p, 6);
      expect((probabilities!.values as Float64Array)[2 * i]).toBeCloseTo(1 - p, 6);
    });
  });

  it('reads an [N,1] output as one value per row', async () => {
    const m = await open('lin.onnx', linearRegressorModel({ weights: [2, -1], bias: 1 }));
    const raw = await predict(m, holdout(['a', 'b'], rows));
    expect(raw.outputs.map((o) => [o.name, o.width])).toEqual([['variable', 1]]);
    expect(Array.from(raw.outputs[0]!.values as Float64Array)).toEqual(rows.map(([a, b]) => 2 * a! - b! + 1));
  });

  it('feeds a float64 input as float64 (the float32 features widened exactly)', async () => {
    const m = await open('fp64.onnx', identityModel(['fp64']));
    const raw = await predict(m, holdout(['a', 'b'], rows));
    expect(Array.from(raw.outputs[0]!.values as Float64Array)).toEqual(rows.flat().map(Math.fround));
  });

  it('one [N,1] input per feature column is fed by name, whatever the column order', async () => {
    const bytes = model(
      onnxProto.onnx.GraphProto.create({
        name: 'difference',
        input: [valueInfo('a', FLOAT, ['N', 1]), valueInfo('b', FLOAT, ['N', 1])],
        node: [node('Sub', ['a', 'b'], ['d'])],
        output: [valueInfo('d', FLOAT, ['N', 1])],
      }),
    );
    const m = await open('per-column.onnx', bytes);
    const raw = await predict(m, holdout(['b', 'a'], rows));
    expect(Array.from(raw.outputs[0]!.values as Float64Array)).toEqual(rows.map(([b, a]) => a! - b!));
    await expect(predict(m, holdout(['a', 'c'], rows))).rejects.toThrow(
      `The model ${m.path} (inputs a: float32[N,1]; b: float32[N,1]; outputs d: float32[N,1]) does not match the holdout's feature columns (a, c): no holdout column for input(s) b`,
    );
    await expect(predict(m, holdout(['a', 'b', 'c'], [[1, 2, 3]]))).rejects.toThrow('2 inputs for 3 feature columns');
  });

  it('refuses a non-float input, and an input width that is not the number of feature columns, with the fix', async () => {
    const ints = await open('int64.onnx', identityModel(['int64']));
    await expect(predict(ints, holdout(['a', 'b'], rows))).rejects.toThrow(
      expect.objectContaining({
        message: expect.stringContaining('takes x_int64: int64[N,2], but the holdout gives float features (a, b)'),
        fix: 'Export the model with one float input of shape [N, features], or one float [N,1] input per feature column.',
      }),
    );
    const three = await open('three.onnx', linearRegressorModel({ weights: [1, 1, 1], bias: 0 }));
    await expect(predict(three, holdout(['a', 'b'], rows))).rejects.toThrow(
      expect.objectContaining({
        message: expect.stringContaining(
          'expects input input: float32[N,3], but the holdout has 2 feature column(s): a, b',
        ),
        fix: "Give the model exactly 3 feature columns: set `feature-columns:` (in the model's order) or fix `label-column:`.",
      }),
    );
  });

  it('refuses an output with fewer rows than the batch (no batch dimension first)', async () => {
    const bytes = model(
      onnxProto.onnx.GraphProto.create({
        name: 'mean',
        input: [valueInfo('x', FLOAT, ['N', 2])],
        node: [node('ReduceMean', ['x'], ['m'], { axes: [0], keepdims: 1 })],
        output: [valueInfo('m', FLOAT, [1, 2])],
      }),
    );
    const m = await open('mean.onnx', bytes);
    await expect(predict(m, holdout(['a', 'b'], rows), { batchSize: 3 })).rejects.toThrow(
      `Model ${m.path}: output m has 1 rows for a batch of 3; predictions must have one row per input row`,
    );
  });
});
