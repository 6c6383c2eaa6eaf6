/**
 * Small ONNX models built in tests (with onnx-proto, the ONNX protobuf schema), whose outputs
 * a test can compute by hand: a logistic binary classifier, a softmax multiclass classifier
 * and a linear regressor. They use standard ai.onnx ops (opset 13) that onnxruntime runs, and
 * the output names scikit-learn's ONNX exports use (`label`, `probabilities`, `variable`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
const A = onnx.AttributeProto.AttributeType;

type Dim = number | string;

/** Graph building block, shared with the other test model builders. */
export function valueInfo(name: string, elemType: number, dims: Dim[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        }),
      }),
    }),
  });
}

/** Graph building block, shared with the other test model builders. */
export function floatTensor(name: string, dims: number[], values: number[]) {
  return onnx.TensorProto.create({ name, dims, dataType: FLOAT, floatData: values });
}

function int64Tensor(name: string, dims: number[], values: number[]) {
  return onnx.TensorProto.create({ name, dims, dataType: INT64, int64Data: values });
}

/** Graph building block, shared with the other test model builders. */
export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attrs: Record<string, number | number[]> = {},
) {
  return onnx.NodeProto.create({
    opType,
    input: inputs,
    output: outputs,
    name: `${opType}_${outputs[0]}`,
    attribute: Object.entries(attrs).map(([name, v]) =>
      Array.isArray(v) ? { name, type: A.INTS, ints: v } : { name, type: A.INT, i: v },
    ),
  });
}

/** Graph building block, shared with the other test model builders. */
export function model(graph: InstanceType<typeof onnx.GraphProto>): Uint8Array {
  const m = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'mlops-actions-tests',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: 13 }],
    graph,
  });
  return onnx.ModelProto.encode(m).finish();
}

export type ClassifierOutput = 'label' | 'probabilities';

export interface LinearOptions {
  /** One weight per feature. */
  weights: number[];
  bias: number;
  inputName?: string;
}

/**
 * p1 = sigmoid(x·w + b); outputs `label` (int64 [N], 1 when p1 > 0.5) and `probabilities`
 * (float [N,2] = [1 - p1, p1]), or only those named in `outputs`.
 */
export function logisticClassifierModel(options: LinearOptions & { outputs?: ClassifierOutput[] }): Uint8Array {
  const f = options.weights.length;
  const input = options.inputName ?? 'input';
  const outputs = options.outputs ?? ['label', 'probabilities'];
  const graph = onnx.GraphProto.create({
    name: 'logistic',
    input: [valueInfo(input, FLOAT, ['N', f])],
    initializer: [
      floatTensor('W', [f, 1], options.weights),
      floatTensor('B', [1], [options.bias]),
      floatTensor('one', [1], [1]),
      floatTensor('half', [1], [0.5]),
      int64Tensor('flat', [1], [-1]),
    ],
    node: [
      node('MatMul', [input, 'W'], ['xw']),
      node('Add', ['xw', 'B'], ['z']),
      node('Sigmoid', ['z'], ['p1']),
      node('Sub', ['one', 'p1'], ['p0']),
      node('Concat', ['p0', 'p1'], ['probabilities'], { axis: 1 }),
      node('Greater', ['p1', 'half'], ['positive']),
      node('Cast', ['positive'], ['label_2d'], { to: INT64 }),
      node('Reshape', ['label_2d', 'flat'], ['label']),
    ],
    output: outputs.map((o) =>
      o === 'label' ? valueInfo('label', INT64, ['N']) : valueInfo('probabilities', FLOAT, ['N', 2]),
    ),
  });
  return model(graph);
}

/** probabilities = softmax(x·W + b) over K classes (float [N,K]); label = argmax (int64 [N]). */
export function softmaxClassifierModel(options: {
  /** F rows of K weights. */
  weights: number[][];
  bias: number[];
  inputName?: string;
  outputs?: ClassifierOutput[];
}): Uint8Array {
  const f = options.weights.length;
  const k = options.bias.length;
  const input = options.inputName ?? 'input';
  const outputs = options.outputs ?? ['label', 'probabilities'];
  const graph = onnx.GraphProto.create({
    name: 'softmax',
    input: [valueInfo(input, FLOAT, ['N', f])],
    initializer: [floatTensor('W', [f, k], options.weights.flat()), floatTensor('B', [k], options.bias)],
    node: [
      node('MatMul', [input, 'W'], ['xw']),
      node('Add', ['xw', 'B'], ['logits']),
      node('Softmax', ['logits'], ['probabilities'], { axis: 1 }),
      node('ArgMax', ['probabilities'], ['label'], { axis: 1, keepdims: 0 }),
    ],
    output: outputs.map((o) =>
      o === 'label' ? valueInfo('label', INT64, ['N']) : valueInfo('probabilities', FLOAT, ['N', k]),
    ),
  });
  return model(graph);
}

/** variable = x·w + b (float [N,1]). */
export function linearRegressorModel(options: LinearOptions & { outputName?: string }): Uint8Array {
  const f = options.weights.length;
  const input = options.inputName ?? 'input';
  const output = options.outputName ?? 'variable';
  const graph = onnx.GraphProto.create({
    name: 'linear',
    input: [valueInfo(input, FLOAT, ['N', f])],
    initializer: [floatTensor('W', [f, 1], options.weights), floatTensor('B', [1], [options.bias])],
    node: [node('MatMul', [input, 'W'], ['xw']), node('Add', ['xw', 'B'], [output])],
    output: [valueInfo(output, FLOAT, ['N', 1])],
  });
  return model(graph);
}

const T = onnx.TensorProto.DataType;

/**
 * For the datatypes the builders above do not cover (the model server's tests): input
 * `x_<type>` -> output `y_<type>` through Identity, shape [N, 2] except strings ([N]), so each
 * output is exactly its input and a round trip shows how each datatype travels.
 */
export const IDENTITY_TYPES = {
  fp64: { elem: T.DOUBLE, dims: ['N', 2] },
  int64: { elem: T.INT64, dims: ['N', 2] },
  int32: { elem: T.INT32, dims: ['N', 2] },
  bool: { elem: T.BOOL, dims: ['N', 2] },
  bytes: { elem: T.STRING, dims: ['N'] },
  fp16: { elem: T.FLOAT16, dims: ['N', 2] },
  uint8: { elem: T.UINT8, dims: ['N', 2] },
} as const;

export function identityModel(
  types: (keyof typeof IDENTITY_TYPES)[] = Object.keys(IDENTITY_TYPES) as (keyof typeof IDENTITY_TYPES)[],
): Uint8Array {
  const entries = types.map((k) => [k, IDENTITY_TYPES[k]] as const);
  return model(
    onnx.GraphProto.create({
      name: 'identities',
      input: entries.map(([k, t]) => valueInfo(`x_${k}`, t.elem, [...t.dims])),
      node: entries.map(([k]) => node('Identity', [`x_${k}`], [`y_${k}`])),
      output: entries.map(([k, t]) => valueInfo(`y_${k}`, t.elem, [...t.dims])),
    }),
  );
}

/** A model with a fixed batch dimension: input `x` FP32 [2, 3] -> `y` = x + 1. */
export function fixedShapeModel(): Uint8Array {
  return model(
    onnx.GraphProto.create({
      name: 'fixed',
      input: [valueInfo('x', FLOAT, [2, 3])],
      initializer: [floatTensor('one', [1], [1])],
      node: [node('Add', ['x', 'one'], ['y'])],
      output: [valueInfo('y', FLOAT, [2, 3])],
    }),
  );
}

export async function writeModel(path: string, bytes: Uint8Array): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
  return path;
}

/** The hand computations the models above perform, in float64 (compare with a tolerance). */
export const expected = {
  sigmoid: (z: number) => 1 / (1 + Math.exp(-z)),
  dot: (x: number[], w: number[]) => x.reduce((s, xi, i) => s + xi * (w[i] ?? 0), 0),
};
