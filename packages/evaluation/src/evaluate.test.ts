import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import {
  linearRegressorModel,
  logisticClassifierModel,
  softmaxClassifierModel,
  writeModel,
} from '../../../test/harness/onnx-models.js';
import { evaluateModels } from './evaluate.js';
import { readOnnxSignature } from './onnx.js';

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evaluate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function csv(name: string, text: string): Promise<string> {
  await writeFile(file(name), text);
  return file(name);
}

describe('evaluateModels', () => {
  const rows = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n');

  it('auto-detects binary, multiclass and regression and says why', async () => {
    const data = await csv('auto.csv', `a,b,label\n${rows(40, (i) => `${Math.sin(i)},${Math.cos(i)},${i % 3}`)}\n`);
    const reg = await csv('reg.csv', `a,b,label\n${rows(40, (i) => `${Math.sin(i)},${Math.cos(i)},${i / 10}`)}\n`);
    const bin = await csv('bin.csv', `a,b,label\n${rows(40, (i) => `${Math.sin(i)},${Math.cos(i)},${i % 2}`)}\n`);
    await writeModel(
      file('soft.onnx'),
      softmaxClassifierModel({
        weights: [
          [1, 0, -1],
          [0, 1, 0],
        ],
        bias: [0, 0, 0],
      }),
    );
    await writeModel(file('logit.onnx'), logisticClassifierModel({ weights: [1, 1], bias: 0 }));
    await writeModel(file('lin.onnx'), linearRegressorModel({ weights: [1, 1], bias: 0 }));
    const multi = await evaluateModels({ dataset: data, models: [file('soft.onnx')] });
    expect(multi.interpretation.task).toBe('multiclass');
    expect(multi.interpretation.reason).toBe(
      'auto: 3 classes in the labels and predictions (0, 1, 2); model outputs label + probabilities',
    );
    expect(Object.keys(multi.models[0]!.metrics.values)).toContain('f1_weighted');
    const b = await evaluateModels({ dataset: bin, models: [file('logit.onnx')] });
    expect([b.interpretation.task, b.interpretation.positiveClass]).toEqual(['binary', '1']);
    const r = await evaluateModels({ dataset: reg, models: [file('lin.onnx')] });
    expect(r.interpretation.task).toBe('regression');
    expect(Object.keys(r.models[0]!.metrics.values).sort()).toEqual([
      'explained_variance',
      'mae',
      'mape',
      'max_error',
      'median_absolute_error',
      'mse',
      'r2',
      'rmse',
    ]);
  });

  it('a single-class holdout: roc_auc is undefined, and says so', async () => {
    const one = await csv('one.csv', `a,b,label\n${rows(10, (i) => `${i},${-i},1`)}\n`);
    await writeModel(file('logit2.onnx'), logisticClassifierModel({ weights: [1, 1], bias: 0 }));
    const e = await evaluateModels({ dataset: one, models: [file('logit2.onnx')] });
    expect(e.models[0]!.metrics.values.roc_auc).toBeNull();
    expect(e.models[0]!.metrics.notes.roc_auc).toBe(
      "undefined: the holdout's labels hold only one class (1), so there are no negatives to rank against",
    );
  });

  it('a label-only classifier: no probabilities, so no log_loss or roc_auc, with notes', async () => {
    const data = await csv('lab.csv', `a,b,label\n${rows(10, (i) => `${i},${-i},${i % 2}`)}\n`);
    await writeModel(file('labels.onnx'), logisticClassifierModel({ weights: [1, 1], bias: 0, outputs: ['label'] }));
    const e = await evaluateModels({ dataset: data, models: [file('labels.onnx')] });
    expect(e.models[0]!.metrics.values.roc_auc).toBeUndefined();
    expect(e.models[0]!.metrics.notes.roc_auc).toBe('not computed: the model gives no class scores');
  });

  it('a model that is not ONNX, and one whose outputs are not predictions, show the signature', async () => {
    await writeFile(file('text.onnx'), 'not a model');
    await expect(readOnnxSignature(file('text.onnx'))).rejects.toThrow(
      `${file('text.onnx')} is not an ONNX model onnxruntime can load`,
    );
    // A model whose only output is [N,2,2]: not a label, probabilities or a value.
    const { onnx } = onnxProto;
    const info = (name: string, dims: (number | string)[]) =>
      onnx.ValueInfoProto.create({
        name,
        type: {
          tensorType: {
            elemType: onnx.TensorProto.DataType.FLOAT,
            shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
          },
        },
      });
    const graph = onnx.GraphProto.create({
      name: 'cube',
      input: [info('input', ['N', 4])],
      output: [info('cube', ['N', 2, 2])],
      initializer: [
        onnx.TensorProto.create({
          name: 'shape',
          dims: [3],
          dataType: onnx.TensorProto.DataType.INT64,
          int64Data: [-1, 2, 2],
        }),
      ],
      node: [{ opType: 'Reshape', input: ['input', 'shape'], output: ['cube'], name: 'r' }],
    });
    await writeFile(
      file('cube.onnx'),
      onnx.ModelProto.encode(
        onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph }),
      ).finish(),
    );
    expect(await readOnnxSignature(file('cube.onnx'))).toEqual({
      inputs: [{ name: 'input', type: 'float32', shape: ['N', 4], isTensor: true }],
      outputs: [{ name: 'cube', type: 'float32', shape: ['N', 2, 2], isTensor: true }],
    });
    const data = await csv('four.csv', `a,b,c,d,label\n1,2,3,4,1\n`);
    await expect(evaluateModels({ dataset: data, models: [file('cube.onnx')] })).rejects.toThrow(
      `Model ${file('cube.onnx')}: output cube has shape [1,2,2]; predictions must be [N] or [N,K]`,
    );
  });

  it('columns that do not match the model input: the error names both', async () => {
    const data = await csv('three.csv', `a,b,c,label\n1,2,3,1\n`);
    await writeModel(file('two.onnx'), logisticClassifierModel({ weights: [1, 1], bias: 0 }));
    await expect(evaluateModels({ dataset: data, models: [file('two.onnx')] })).rejects.toThrow(
      `The model ${file('two.onnx')} (inputs input: float32[N,2]; outputs label: int64[N]; probabilities: float32[N,2]) expects input input: float32[N,2], but the holdout has 3 feature column(s): a, b, c`,
    );
  });

  it('a regression task on text labels is refused with the offending value', async () => {
    const data = await csv('text.csv', `a,b,label\n1,2,cat\n`);
    await writeModel(file('lin2.onnx'), linearRegressorModel({ weights: [1, 1], bias: 0 }));
    await expect(evaluateModels({ dataset: data, models: [file('lin2.onnx')], task: 'regression' })).rejects.toThrow(
      `Dataset ${data}: regression needs numeric targets, but "label" holds "cat" (row 1)`,
    );
  });
});
