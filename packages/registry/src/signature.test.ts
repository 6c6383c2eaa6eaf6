import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { UserError } from '@mlops-gha/common';
import { fixedShapeModel, logisticClassifierModel, model, writeModel } from '../../../test/harness/onnx-models.js';
import { describeSignature, readOnnxSignature } from './signature.js';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'registry-signature-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

/**
 * scikit-learn's classifier export: probabilities through ZipMap (a sequence of maps, a
 * non-tensor output), and an input whose first dimension has neither a size nor a name.
 */
function zipMapModel(): Uint8Array {
  return model(
    onnx.GraphProto.create({
      name: 'zipmap',
      input: [
        onnx.ValueInfoProto.create({
          name: 'probabilities',
          type: { tensorType: { elemType: FLOAT, shape: { dim: [{}, { dimValue: 2 }] } } },
        }),
      ],
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
            sequenceType: { elemType: { mapType: { keyType: INT64, valueType: { tensorType: { elemType: FLOAT } } } } },
          },
        }),
      ],
    }),
  );
}

describe('readOnnxSignature', () => {
  it('reads names, element types and shapes, symbolic dimensions by name', async () => {
    const path = await writeModel(
      join(work, 'logistic.onnx'),
      logisticClassifierModel({ weights: [1, 2], bias: 0, inputName: 'features' }),
    );
    expect(await readOnnxSignature(path)).toEqual({
      inputs: [{ name: 'features', type: 'float32', shape: ['N', 2] }],
      outputs: [
        { name: 'label', type: 'int64', shape: ['N'] },
        { name: 'probabilities', type: 'float32', shape: ['N', 2] },
      ],
    });
    const fixed = await writeModel(join(work, 'fixed.onnx'), fixedShapeModel());
    expect(await readOnnxSignature(fixed)).toEqual({
      inputs: [{ name: 'x', type: 'float32', shape: [2, 3] }],
      outputs: [{ name: 'y', type: 'float32', shape: [2, 3] }],
    });
  });

  it('an unnamed, unsized dimension is "?"; a non-tensor output is type unknown with no shape', async () => {
    // the shared model() imports only the default opset; ZipMap needs ai.onnx.ml too
    const m = onnx.ModelProto.decode(zipMapModel());
    m.opsetImport.push(onnx.OperatorSetIdProto.create({ domain: 'ai.onnx.ml', version: 1 }));
    const path = await writeModel(join(work, 'zipmap.onnx'), onnx.ModelProto.encode(m).finish());
    expect(await readOnnxSignature(path)).toEqual({
      inputs: [{ name: 'probabilities', type: 'float32', shape: ['?', 2] }],
      outputs: [{ name: 'output_probability', type: 'unknown', shape: null }],
    });
  });

  it('a file that is not an ONNX model is a UserError naming it and the `model` input, located at it', async () => {
    const path = join(work, 'model.onnx');
    await writeFile(path, 'PK\u0003\u0004 a zip, not a protobuf');
    const error = (await readOnnxSignature(path).catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(
      new RegExp(
        `^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not a valid ONNX model: onnxruntime could not load it \\(.+\\)$`,
      ),
    );
    expect(error.fix).toBe(
      'Point `model` at the exported .onnx file (torch.onnx.export, skl2onnx, tf2onnx), or rename a non-ONNX file so it does not end in .onnx.',
    );
    expect(error.location).toEqual({ file: path });
  });
});

describe('describeSignature', () => {
  it('writes inputs -> outputs as name: type[shape], an unknown shape as ?', () => {
    expect(
      describeSignature({
        inputs: [
          { name: 'features', type: 'float32', shape: ['N', 4] },
          { name: 'mask', type: 'bool', shape: [] },
        ],
        outputs: [{ name: 'output_probability', type: 'unknown', shape: null }],
      }),
    ).toBe('inputs features: float32[N, 4], mask: bool[] -> outputs output_probability: unknown[?]');
  });
});
