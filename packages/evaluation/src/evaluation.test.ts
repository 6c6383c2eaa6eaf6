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
import { loadHoldout, type Holdout } from './dataset.js';
import type { RawPredictions } from './predict.js';
import { interpretPredictions } from './task.js';
import { evaluateModels } from './evaluate.js';
import { classificationMetrics } from './classification.js';
import { rocAuc, sortedOrder } from './ranking.js';
import { readOnnxSignature } from './onnx.js';

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evaluation-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function csv(name: string, text: string): Promise<string> {
  await writeFile(file(name), text);
  return file(name);
}

describe('loadHoldout', () => {
  it('reads CSV with quotes, CRLF, a BOM and blank lines; feature-columns pick and order the features', async () => {
    const path = await csv('q.csv', '\ufeffa,"b, quoted",label\r\n1,2,"1.0"\r\n\r\n"3","4",0\r\n');
    const all = await loadHoldout(path);
    expect([all.rows, all.featureNames, Array.from(all.features), all.labels]).toEqual([
      2,
      ['a', 'b, quoted'],
      [1, 2, 3, 4],
      ['1', '0'],
    ]);
    const picked = await loadHoldout(path, { featureColumns: ['b, quoted', 'a'] });
    expect(Array.from(picked.features)).toEqual([2, 1, 4, 3]);
  });

  it('reads a multi-chunk file on the fast path, and a bad cell deep in it names its line', async () => {
    const rows = Array.from({ length: 60_000 }, (_, i) => `${i},${(i % 7) / 4},${i % 2}`);
    const path = await csv('big.csv', `a,b,label\r\n${rows.join('\r\n')}\r\n`);
    const h = await loadHoldout(path);
    expect(h.rows).toBe(60_000);
    expect([h.features[2 * 59_999], h.features[2 * 59_999 + 1], h.labels[59_999]]).toEqual([
      59_999,
      (59_999 % 7) / 4,
      '1',
    ]);
    rows[45_000] = '1,oops,0';
    const bad = await csv('big-bad.csv', `a,b,label\n${rows.join('\n')}\n`);
    await expect(loadHoldout(bad)).rejects.toMatchObject({ location: { file: bad, line: 45_002, column: 2 } });
  });

  it('reads JSON Lines', async () => {
    const path = await csv('h.jsonl', '{"x": 1, "y": 2, "target": "cat"}\n{"x": 3, "y": 4, "target": "dog"}\n');
    const h = await loadHoldout(path, { labelColumn: 'target' });
    expect([h.featureNames, Array.from(h.features), h.labels]).toEqual([
      ['x', 'y'],
      [1, 2, 3, 4],
      ['cat', 'dog'],
    ]);
  });

  it.each([
    [
      'nonnum.csv',
      'a,b,label\n1,2,0\n3,abc,1\n',
      {},
      'Dataset %s, line 3, column "b": "abc" is not a number; ONNX models take numeric features',
    ],
    ['emptycell.csv', 'a,b,label\n1,,0\n', {}, 'Dataset %s, line 2, column "b": empty cell'],
    ['nolabel.csv', 'a,b,y\n1,2,0\n', {}, 'Dataset %s has no label column "label" (columns: a, b, y)'],
    ['empty.csv', '', {}, 'Dataset %s is empty'],
    ['header.csv', 'a,b,label\n', {}, 'Dataset %s has no data rows'],
    ['fields.csv', 'a,b,label\n1,2\n', {}, 'Dataset %s, line 2: 2 fields, but the header has 3'],
    [
      'cols.csv',
      'a,b,label\n1,2,0\n',
      { featureColumns: ['a', 'c'] },
      'Dataset %s lacks the feature column(s) c named in `feature-columns` (columns: a, b, label)',
    ],
    [
      'bad.jsonl',
      '{"a": 1, "label": 0}\n{"a": "x", "label": 1}\n',
      {},
      'Dataset %s, line 2, column "a": ""x"" is not a number',
    ],
  ])('%s is refused with a message naming the place', async (name, text, options, message) => {
    const path = await csv(name, text);
    await expect(loadHoldout(path, options)).rejects.toThrow(message.replace('%s', path));
  });

  it('puts the file, line and column of a bad cell on the error for an annotation', async () => {
    const path = await csv('loc.csv', 'a,b,label\n1,2,0\n3,x,1\n');
    await expect(loadHoldout(path)).rejects.toMatchObject({ location: { file: path, line: 3, column: 2 } });
  });
});

describe('hand-worked metrics', () => {
  it('ROC AUC counts ties as half (scikit-learn documentation example and a full tie)', () => {
    expect(rocAuc(Uint8Array.of(0, 0, 1, 1), [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    expect(rocAuc(Uint8Array.of(0, 1, 0, 1), [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
    expect(rocAuc(Uint8Array.of(0, 1, 1), [0.2, 0.2, 0.9])).toBe(0.75);
    expect(rocAuc(Uint8Array.of(1, 1), [0.2, 0.3])).toBeNull();
  });

  it('sorts scores stably, with -0 and +0 tied, on both paths', () => {
    expect(Array.from(sortedOrder([0.5, -0, 0, -1, 0.5]))).toEqual([3, 1, 2, 0, 4]);
    expect(Array.from(sortedOrder([0.1 + 0.2, 0.3, -0, 0]))).toEqual([2, 3, 1, 0]);
  });

  it('sorts large float32 columns (the radix path) exactly as a stable comparator sort does', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (const n of [4095, 4096, 50_000]) {
      // few distinct values (many ties), both signs, zeros of both signs, tiny and huge magnitudes
      const pool = Float32Array.from([-0, 0, 1e-30, -1e-30, 0.5, -0.5, 3.4e38, -3.4e38, 0.25, 1, -1, 7e-8]);
      const scores = Float32Array.from({ length: n }, (_, i) =>
        i % 3 === 0 ? pool[Math.floor(next() * pool.length)]! : Math.fround(next() * 2 - 1),
      );
      const expected = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]! || a - b);
      expect(Array.from(sortedOrder(scores))).toEqual(expected);
    }
  });

  it('a class never predicted: precision 0 for it (scikit-learn zero_division), no crash', () => {
    const m = classificationMetrics('multiclass', {
      truth: Int32Array.of(0, 1, 2, 2),
      predicted: Int32Array.of(0, 1, 1, 1),
      k: 3,
      classes: ['0', '1', '2'],
    });
    expect(m.values.precision_macro).toBeCloseTo((1 + 1 / 3 + 0) / 3, 15);
    expect(m.values.recall_macro).toBeCloseTo((1 + 1 + 0) / 3, 15);
    expect(m.values.accuracy).toBe(0.5);
    expect(m.confusionMatrix).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 2, 0],
    ]);
  });
});

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

describe('missing values, pos_label and non-finite scores', () => {
  it('missing-values nan: empty, nan, NA and null cells reach the model as NaN and are counted per column', async () => {
    const data = await csv('gaps.csv', 'a,b,label\n1,,0\nnan,2,1\nNA,null,1\n4,5,0\n');
    await expect(loadHoldout(data)).rejects.toThrow(`Dataset ${data}, line 2, column "b": empty cell`);
    const holdout = await loadHoldout(data, { missingValues: 'nan' });
    expect(holdout.missing).toEqual({ a: 2, b: 2 });
    expect(Array.from(holdout.features).map((v) => (Number.isNaN(v) ? 'NaN' : v))).toEqual([
      1,
      'NaN',
      'NaN',
      2,
      'NaN',
      'NaN',
      4,
      5,
    ]);
    // Text that is not a missing marker is still refused.
    const bad = await csv('gaps-bad.csv', 'a,b,label\n1,two,0\n');
    await expect(loadHoldout(bad, { missingValues: 'nan' })).rejects.toThrow('"two" is not a number');
    const lines = join(dir, 'gaps.jsonl');
    await writeFile(lines, '{"a": null, "b": 1, "label": 0}\n{"a": 2, "b": "nan", "label": 1}\n');
    expect((await loadHoldout(lines, { missingValues: 'nan' })).missing).toEqual({ a: 1, b: 1 });
  });

  const oneScore = (values: number[]): RawPredictions => ({
    rows: values.length,
    outputs: [{ name: 'p', type: 'float32', width: 1, values: Float64Array.from(values) }],
  });
  const holdoutOf = (labels: string[]): Holdout => ({
    path: 'h.csv',
    rows: labels.length,
    featureNames: ['x'],
    features: new Float32Array(labels.length),
    labelColumn: 'label',
    labels,
  });

  it('a one-score model with labels {1, 2} is binary with positive class 2, not a regression', () => {
    const interp = interpretPredictions(holdoutOf(['1', '2', '2', '1']), [oneScore([0.2, 0.9, 0.6, 0.4])], ['m.onnx']);
    expect([interp.task, interp.classes, interp.positiveClass]).toEqual(['binary', ['1', '2'], '2']);
    expect(Array.from(interp.models[0]!.probabilities!)).toEqual([
      0.8, 0.2, 0.09999999999999998, 0.9, 0.4, 0.6, 0.6, 0.4,
    ]);
    expect(Array.from(interp.truthClasses!)).toEqual([0, 1, 1, 0]);
  });

  it('pos_label names the positive class of any label type, and must be a class', () => {
    const h = holdoutOf(['no', 'yes', 'yes', 'no']);
    const raw: RawPredictions = {
      rows: 4,
      outputs: [{ name: 'label', type: 'string', width: 1, values: ['no', 'yes', 'no', 'no'] }],
    };
    const byDefault = interpretPredictions(h, [raw], ['m.onnx']);
    expect(byDefault.positiveClass).toBe('yes');
    const flipped = interpretPredictions(h, [raw], ['m.onnx'], { positiveLabel: 'no' });
    expect([flipped.classes, flipped.positiveClass, Array.from(flipped.truthClasses!)]).toEqual([
      ['yes', 'no'],
      'no',
      [1, 0, 0, 1],
    ]);
    expect(() => interpretPredictions(h, [raw], ['m.onnx'], { positiveLabel: 'maybe' })).toThrow(
      '`pos-label` is "maybe", which is not a class here (classes: no, yes)',
    );
  });

  it('NaN and infinite scores are refused with the model, output, row and count; ranking never loops on NaN', () => {
    expect(() =>
      interpretPredictions(holdoutOf(['0', '1', '1']), [oneScore([0.1, NaN, Infinity])], ['m.onnx']),
    ).toThrow(
      'Model m.onnx: output "p" holds 1 NaN and 1 infinite value(s) (2 of 3); the first at holdout row 2 (NaN)',
    );
    expect(() => rocAuc(Uint8Array.from([0, 1, 1]), [0.2, NaN, 0.4])).toThrow(
      'score NaN at row 2 is not a finite number',
    );
  });
});
