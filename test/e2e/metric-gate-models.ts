/**
 * ONNX models with K outputs per row for the metric-gate multi-target tests, built with
 * onnx-proto (standard ai.onnx ops, opset 13, which onnxruntime runs): a multilabel classifier
 * (`probabilities` = sigmoid(x·W + b), float [N,K], and `label` = probabilities > 0.5, int64
 * [N,K], as scikit-learn's multilabel exports give) and a multi-output linear regressor
 * (`variable` = x·W + b, float [N,K]). The test computes the same numbers by hand.
 */
import onnxProto from 'onnx-proto';
import { floatTensor, model as encode, node, valueInfo } from '../harness/onnx-models.js';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

/** Weights as F rows of K columns, biases K. */
export interface MultiLinear {
  weights: number[][];
  bias: number[];
}

function linearNodes(m: MultiLinear) {
  const f = m.weights.length;
  const k = m.bias.length;
  return {
    f,
    k,
    initializer: [floatTensor('W', [f, k], m.weights.flat()), floatTensor('B', [k], m.bias)],
    nodes: [node('MatMul', ['input', 'W'], ['xw']), node('Add', ['xw', 'B'], ['z'])],
  };
}

/** probabilities = sigmoid(x·W + b) (float [N,K]); label = probabilities > 0.5 (int64 [N,K]). */
export function multilabelModel(m: MultiLinear, outputs: ('label' | 'probabilities')[] = ['label', 'probabilities']) {
  const { f, k, initializer, nodes } = linearNodes(m);
  return encode(
    onnx.GraphProto.create({
      name: 'multilabel',
      input: [valueInfo('input', FLOAT, ['N', f])],
      initializer: [
        ...initializer,
        onnx.TensorProto.create({ name: 'half', dims: [1], dataType: FLOAT, floatData: [0.5] }),
      ],
      node: [
        ...nodes,
        node('Sigmoid', ['z'], ['probabilities']),
        node('Greater', ['probabilities', 'half'], ['on']),
        node('Cast', ['on'], ['label'], { to: INT64 }),
      ],
      output: outputs.map((o) =>
        o === 'label' ? valueInfo('label', INT64, ['N', k]) : valueInfo('probabilities', FLOAT, ['N', k]),
      ),
    }),
  );
}

/** variable = x·W + b (float [N,K]). */
export function multiOutputRegressorModel(m: MultiLinear) {
  const { f, k, initializer, nodes } = linearNodes(m);
  return encode(
    onnx.GraphProto.create({
      name: 'multioutput',
      input: [valueInfo('input', FLOAT, ['N', f])],
      initializer,
      node: [...nodes, node('Identity', ['z'], ['variable'])],
      output: [valueInfo('variable', FLOAT, ['N', k])],
    }),
  );
}

/** x·W + b for one row, in float64. */
export function linearRow(m: MultiLinear, x: number[]): number[] {
  return m.bias.map((b, j) => x.reduce((s, xi, i) => s + xi * m.weights[i]![j]!, b));
}
