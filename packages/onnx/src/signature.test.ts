import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import {
  fixedShapeModel,
  identityModel,
  logisticClassifierModel,
  valueInfo,
  writeModel,
} from '../../../test/harness/onnx-models.js';
import { createSession } from './session.js';
import { describeSignature, describeTensor, signatureOf, tensorSignatureOf, type OnnxSignature } from './signature.js';

const { onnx } = onnxProto;

/**
 * scikit-learn's classifier export shape: probabilities through ZipMap (ai.onnx.ml), a sequence
 * of maps {class: probability} per row, which onnxruntime reports as a non-tensor output.
 */
function zipMapModel(): Uint8Array {
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const INT64 = onnx.TensorProto.DataType.INT64;
  const graph = onnx.GraphProto.create({
    name: 'zipmap',
    input: [valueInfo('probabilities', FLOAT, ['N', 2])],
    node: [
      onnx.NodeProto.create({
        opType: 'ZipMap',
        domain: 'ai.onnx.ml',
        name: 'ZipMap',
        input: ['probabilities'],
        output: ['output_probability'],
        attribute: [{ name: 'classlabels_int64s', type: onnx.AttributeProto.AttributeType.INTS, ints: [0, 1] }],
      }),
    ],
    output: [
      onnx.ValueInfoProto.create({
        name: 'output_probability',
        type: {
          sequenceType: {
            elemType: { mapType: { keyType: INT64, valueType: { tensorType: { elemType: FLOAT } } } },
          },
        },
      }),
    ],
  });
  const m = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [
      { domain: '', version: 13 },
      { domain: 'ai.onnx.ml', version: 1 },
    ],
    graph,
  });
  return onnx.ModelProto.encode(m).finish();
}

let work: string;
const signatures: Record<string, OnnxSignature> = {};
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'onnx-signature-'));
  const models = {
    logistic: logisticClassifierModel({ weights: [1, 2, 3, 4], bias: 0, inputName: 'features' }),
    fixed: fixedShapeModel(),
    identity: identityModel(['bytes', 'int64']),
    zipmap: zipMapModel(),
  };
  for (const [name, bytes] of Object.entries(models)) {
    const session = await createSession(await writeModel(join(work, `${name}.onnx`), bytes), name, {
      optimization: 'disabled',
    });
    signatures[name] = signatureOf(session);
    await session.release();
  }
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('signatureOf', () => {
  it('lists inputs and outputs in graph order, with element types and symbolic dimensions by name', () => {
    expect(signatures['logistic']).toEqual({
      inputs: [{ name: 'features', type: 'float32', shape: ['N', 4], isTensor: true }],
      outputs: [
        { name: 'label', type: 'int64', shape: ['N'], isTensor: true },
        { name: 'probabilities', type: 'float32', shape: ['N', 2], isTensor: true },
      ],
    });
  });

  it('keeps fixed dimensions as numbers and names strings as onnxruntime does', () => {
    expect(signatures['fixed']!.inputs).toEqual([{ name: 'x', type: 'float32', shape: [2, 3], isTensor: true }]);
    expect(signatures['identity']!.inputs).toEqual([
      { name: 'x_bytes', type: 'string', shape: ['N'], isTensor: true },
      { name: 'x_int64', type: 'int64', shape: ['N', 2], isTensor: true },
    ]);
  });

  it('marks a sequence-of-maps output (ZipMap) as a non-tensor, with no type or shape', () => {
    expect(signatures['zipmap']!.outputs).toEqual([
      { name: 'output_probability', type: 'non-tensor', shape: [], isTensor: false },
    ]);
  });
});

describe('tensorSignatureOf', () => {
  it('copies the shape, so the signature does not share the session metadata array', () => {
    const shape = ['N', 3];
    const entry = tensorSignatureOf({ name: 'x', isTensor: true, type: 'float32', shape });
    shape.push(7);
    expect(entry.shape).toEqual(['N', 3]);
  });
});

describe('describeTensor and describeSignature', () => {
  it('write one line per model for messages and reports', () => {
    expect(describeSignature(signatures['logistic']!)).toBe(
      'inputs features: float32[N,4]; outputs label: int64[N]; probabilities: float32[N,2]',
    );
    expect(describeTensor(signatures['zipmap']!.outputs[0]!)).toBe(
      'output_probability: (non-tensor, e.g. a sequence of maps)',
    );
  });

  it('say (none) for a side with no entries and [] for an unknown shape', () => {
    expect(describeSignature({ inputs: [], outputs: [] })).toBe('inputs (none); outputs (none)');
    expect(describeTensor({ name: 'y', type: 'float32', shape: [], isTensor: true })).toBe('y: float32[]');
  });
});
