import { describe, expect, it } from '@jest/globals';
import * as ort from 'onnxruntime-node';
import { expected, linearRegressorModel, logisticClassifierModel, softmaxClassifierModel } from './onnx-models.js';

const rows = [
  [0.5, -1.0, 2.0],
  [-2.0, 0.25, 0.0],
  [1.5, 1.5, -0.5],
];

async function run(bytes: Uint8Array, x: number[][]) {
  const session = await ort.InferenceSession.create(bytes);
  const tensor = new ort.Tensor('float32', Float32Array.from(x.flat()), [x.length, x[0]!.length]);
  return { session, out: await session.run({ [session.inputNames[0]!]: tensor }) };
}

describe('test ONNX models run in onnxruntime-node and compute what the test expects', () => {
  it('logistic classifier: label and probabilities', async () => {
    const weights = [0.8, -0.4, 0.3];
    const bias = -0.1;
    const { session, out } = await run(logisticClassifierModel({ weights, bias }), rows);
    expect(session.inputNames).toEqual(['input']);
    expect(session.outputNames).toEqual(['label', 'probabilities']);
    const p1 = rows.map((x) => expected.sigmoid(expected.dot(x, weights) + bias));
    const probs = Array.from(out.probabilities!.data as Float32Array);
    p1.forEach((p, i) => {
      expect(probs[2 * i + 1]).toBeCloseTo(p, 6);
      expect(probs[2 * i]).toBeCloseTo(1 - p, 6);
    });
    expect(Array.from(out.label!.data as BigInt64Array).map(Number)).toEqual(p1.map((p) => (p > 0.5 ? 1 : 0)));
    expect(out.label!.dims).toEqual([3]);
  });

  it('softmax classifier: argmax label over K classes', async () => {
    const weights = [
      [1, 0, -1],
      [0, 1, 0],
      [0.5, 0, 1],
    ];
    const bias = [0, 0.1, -0.1];
    const { out } = await run(softmaxClassifierModel({ weights, bias }), rows);
    const labels = rows.map((x) => {
      const logits = bias.map((b, k) => b + x.reduce((s, xi, i) => s + xi * weights[i]![k]!, 0));
      return logits.indexOf(Math.max(...logits));
    });
    expect(Array.from(out.label!.data as BigInt64Array).map(Number)).toEqual(labels);
    expect(out.probabilities!.dims).toEqual([3, 3]);
  });

  it('linear regressor: x·w + b', async () => {
    const weights = [2, -1, 0.5];
    const { out } = await run(linearRegressorModel({ weights, bias: 3 }), rows);
    const y = Array.from(out.variable!.data as Float32Array);
    rows.forEach((x, i) => expect(y[i]).toBeCloseTo(expected.dot(x, weights) + 3, 5));
  });
});
