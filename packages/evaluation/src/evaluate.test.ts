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
import { RecordingLogger } from '@mlops-gha/common';
import { evaluateModels, metricsFor } from './evaluate.js';
import type { Interpretation } from './task.js';
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

describe('evaluateModels: several models, options and the log', () => {
  // z = a + b: 2, -3, 1, -0.5 -> labels 1, 0, 1, 0 (p > 0.5); z = a - b: 0, 1, 3, -1.5 -> 0, 1, 1, 0
  const holdout = 'a,b,label\n1,1,1\n-1,-2,0\n2,-1,0\n-1,0.5,1\n';

  it('scores each model on the same rows, in the order given, and logs what it read', async () => {
    const data = await csv('two.csv', holdout);
    await writeModel(file('sum.onnx'), logisticClassifierModel({ weights: [1, 1], bias: 0 }));
    await writeModel(file('diff.onnx'), logisticClassifierModel({ weights: [1, -1], bias: 0 }));
    const logger = new RecordingLogger();
    const e = await evaluateModels({
      dataset: data,
      models: [file('sum.onnx'), file('diff.onnx')],
      positiveLabel: '0',
      metricOptions: { extra: ['f3'] },
      batchSize: 3,
      logger,
    });
    expect(e.holdout.rows).toBe(4);
    expect(e.models.map((m) => [m.path, m.metrics.values.accuracy, m.signature.inputs[0]!.name])).toEqual([
      [file('sum.onnx'), 0.5, 'input'],
      [file('diff.onnx'), 0, 'input'],
    ]);
    // pos_label 0: precision of class 0 for the first model = 1 right of 2 called 0
    expect([e.interpretation.classes, e.interpretation.positiveClass, e.models[0]!.metrics.values.precision]).toEqual([
      ['1', '0'],
      '0',
      0.5,
    ]);
    expect(e.models[0]!.metrics.values.f3).toBe(0.5);
    expect(e.models.every((m) => m.inferenceSeconds >= 0)).toBe(true);
    expect(logger.messages('info')[0]).toBe(`Holdout ${data}: 4 rows, 2 features, label "label"`);
    expect(logger.messages('info').filter((l) => l.startsWith('Model '))).toHaveLength(2);
  });

  it('missing values passed as NaN are logged per column, and a model that turns them into NaN is refused at that row', async () => {
    const data = await csv('gap.csv', 'a,b,label\n1,1,1\n-1,,0\n');
    await writeModel(file('sum2.onnx'), logisticClassifierModel({ weights: [1, 1], bias: 0 }));
    const logger = new RecordingLogger();
    await expect(
      evaluateModels({ dataset: data, models: [file('sum2.onnx')], missingValues: 'nan', logger }),
    ).rejects.toThrow(
      `Model ${file('sum2.onnx')}: output "probabilities" holds 2 NaN value(s) (2 of 4); the first at holdout row 2`,
    );
    expect(logger.messages('info')).toContain('Missing feature values passed as NaN: b 1');
  });

  it('a model path that does not exist is refused before anything runs', async () => {
    const data = await csv('ok.csv', holdout);
    await expect(evaluateModels({ dataset: data, models: [file('nope.onnx')] })).rejects.toThrow(
      `Model ${file('nope.onnx')} does not exist`,
    );
  });
});

describe('metricsFor', () => {
  // scikit-learn 1.2.1: Y = [[0.5,1],[-1,1],[7,-6],[2,3]], P = [[0,2],[-1,2],[8,-5],[2,2]]
  const regression: Interpretation = {
    task: 'regression',
    reason: '',
    targets: ['price', 'days'],
    truthValues: Float64Array.of(0.5, 1, -1, 1, 7, -6, 2, 3),
    models: [{ values: Float64Array.of(0, 2, -1, 2, 8, -5, 2, 2) }],
  };

  it('several regression targets: the combined values and each target’s, so rules can name either', () => {
    const m = metricsFor(regression, 0);
    expect(m.values.r2).toBeCloseTo(0.9399480941693681, 14);
    expect(m.values['r2[price]']).toBeCloseTo(0.9654576856649395, 14);
    expect(m.values['mse[days]']).toBe(1);
    expect(m.notes.multioutput).toBe('2 outputs combined as uniform_average');
    const weighted = metricsFor(regression, 0, { multioutput: 'variance_weighted' });
    expect(weighted.values.r2).toBeCloseTo(0.9366993217784476, 14);
    const raw = metricsFor(regression, 0, { multioutput: 'raw_values' });
    expect([raw.values.r2, raw.values['r2[days]']]).toEqual([undefined, expect.closeTo(0.9144385026737968, 14)]);
  });

  it('multilabel and classification interpretations get their task’s metrics', () => {
    const multilabel = metricsFor(
      {
        task: 'multilabel',
        reason: '',
        targets: ['x', 'y'],
        truthMatrix: Uint8Array.of(1, 0, 0, 1),
        models: [{ predictedMatrix: Uint8Array.of(1, 0, 1, 1) }],
      },
      0,
    );
    expect([multilabel.values.accuracy, multilabel.values.hamming_loss]).toEqual([0.5, 0.25]);
    const binary = metricsFor(
      {
        task: 'binary',
        reason: '',
        classes: ['0', '1'],
        truthClasses: Int32Array.of(0, 1, 1),
        models: [{ predicted: Int32Array.of(0, 1, 0) }],
      },
      0,
    );
    expect([binary.values.accuracy, binary.values.recall, binary.values.precision]).toEqual([2 / 3, 0.5, 1]);
  });
});
