/**
 * A test model for the datatypes the logistic/softmax/linear builders in
 * test/harness/onnx-models.ts do not cover: one Identity per element type, so each output is
 * exactly its input and a round trip through the server shows how each datatype travels.
 * (Test support, not part of the package's API.)
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const T = onnx.TensorProto.DataType;

/** Input `x_<type>` -> output `y_<type>`, shape [N, 2] except strings ([N]). */
export const IDENTITY_TYPES = {
  fp64: { elem: T.DOUBLE, dims: ['N', 2] },
  int64: { elem: T.INT64, dims: ['N', 2] },
  int32: { elem: T.INT32, dims: ['N', 2] },
  bool: { elem: T.BOOL, dims: ['N', 2] },
  bytes: { elem: T.STRING, dims: ['N'] },
  fp16: { elem: T.FLOAT16, dims: ['N', 2] },
  uint8: { elem: T.UINT8, dims: ['N', 2] },
} as const;

function valueInfo(name: string, elemType: number, dims: readonly (number | string)[]) {
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

export function identityModel(
  types: (keyof typeof IDENTITY_TYPES)[] = Object.keys(IDENTITY_TYPES) as (keyof typeof IDENTITY_TYPES)[],
): Uint8Array {
  const entries = types.map((k) => [k, IDENTITY_TYPES[k]] as const);
  const graph = onnx.GraphProto.create({
    name: 'identities',
    input: entries.map(([k, t]) => valueInfo(`x_${k}`, t.elem, t.dims)),
    node: entries.map(([k]) =>
      onnx.NodeProto.create({ opType: 'Identity', input: [`x_${k}`], output: [`y_${k}`], name: `id_${k}` }),
    ),
    output: entries.map(([k, t]) => valueInfo(`y_${k}`, t.elem, t.dims)),
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'serving-tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

/** A model with a fixed batch dimension: input `x` FP32 [2, 3] -> `y` = x + 1. */
export function fixedShapeModel(): Uint8Array {
  const graph = onnx.GraphProto.create({
    name: 'fixed',
    input: [valueInfo('x', T.FLOAT, [2, 3])],
    initializer: [onnx.TensorProto.create({ name: 'one', dims: [1], dataType: T.FLOAT, floatData: [1] })],
    node: [onnx.NodeProto.create({ opType: 'Add', input: ['x', 'one'], output: ['y'], name: 'add' })],
    output: [valueInfo('y', T.FLOAT, [2, 3])],
  });
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'serving-tests',
      opsetImport: [{ domain: '', version: 13 }],
      graph,
    }),
  ).finish();
}
