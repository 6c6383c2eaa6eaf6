import { afterAll, describe, expect, it } from '@jest/globals';
import onnxProto from 'onnx-proto';
import { RecordingLogger, UserError } from '@mlops-gha/common';
import { InferenceError } from './errors.js';
import { PLATFORM, ServedModel, type ModelIdentity } from './model.js';
import {
  expected,
  identityModel,
  logisticClassifierModel,
  model,
  node,
  valueInfo,
} from '../../../test/harness/onnx-models.js';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** A value of type sequence(tensor(float)), what SequenceConstruct makes (and what ZipMap-like outputs are not). */
function sequenceInfo(name: string) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      sequenceType: onnx.TypeProto.Sequence.create({
        elemType: onnx.TypeProto.create({ tensorType: onnx.TypeProto.Tensor.create({ elemType: FLOAT }) }),
      }),
    }),
  });
}

/** x FP32 [N,2] -> y = x, and `seq` = [x] as a sequence when `withTensor`, else only `seq`. */
function sequenceOutputModel(withTensor: boolean): Uint8Array {
  return model(
    onnx.GraphProto.create({
      name: 'sequence-out',
      input: [valueInfo('x', FLOAT, ['N', 2])],
      node: [node('SequenceConstruct', ['x'], ['seq']), ...(withTensor ? [node('Identity', ['x'], ['y'])] : [])],
      output: [sequenceInfo('seq'), ...(withTensor ? [valueInfo('y', FLOAT, ['N', 2])] : [])],
    }),
  );
}

/** A sequence input: `s` -> its length. */
function sequenceInputModel(): Uint8Array {
  return model(
    onnx.GraphProto.create({
      name: 'sequence-in',
      input: [sequenceInfo('s')],
      node: [node('SequenceLength', ['s'], ['n'])],
      output: [valueInfo('n', onnx.TensorProto.DataType.INT64, [])],
    }),
  );
}

/** x, y FP32 [N,2] -> x + y: both inputs must agree on N. */
function sumModel(): Uint8Array {
  return model(
    onnx.GraphProto.create({
      name: 'sum',
      input: [valueInfo('x', FLOAT, ['N', 2]), valueInfo('y', FLOAT, ['N', 2])],
      node: [node('Add', ['x', 'y'], ['z'])],
      output: [valueInfo('z', FLOAT, ['N', 2])],
    }),
  );
}

const loaded: ServedModel[] = [];
async function load(bytes: Uint8Array, identity: ModelIdentity = { name: 'm' }, logger = new RecordingLogger()) {
  const served = await ServedModel.load(bytes, identity, '/models/m.onnx', logger);
  loaded.push(served);
  return served;
}
afterAll(async () => {
  await Promise.all(loaded.map((m) => m.release()));
});

async function refusal(run: () => Promise<unknown>): Promise<UserError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError, nothing was thrown');
}

describe('ServedModel', () => {
  const weights = [0.5, -1.25, 2, 0.75];
  const bias = -0.3;

  it('reports the metadata KServe V2 documents: open dimensions as -1, the registry version in versions', async () => {
    const served = await load(logisticClassifierModel({ weights, bias }), { name: 'churn', version: '4' });
    expect(served.metadata()).toEqual({
      name: 'churn',
      versions: ['4'],
      platform: PLATFORM,
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [
        { name: 'label', datatype: 'INT64', shape: [-1] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
      ],
    });
    expect(PLATFORM).toBe('onnxruntime_onnx');
    const local = await load(logisticClassifierModel({ weights, bias }), { name: 'local' });
    expect(local.metadata()).not.toHaveProperty('versions');
  });

  it('answers an infer request with what the model computes (sigmoid of x·w + b, by hand)', async () => {
    const served = await load(logisticClassifierModel({ weights, bias }), { name: 'churn', version: '4' });
    const rows = [
      [1, 2, 3, 4],
      [0, 0, 0, 0],
    ];
    const text = await served.infer({
      id: 'r1',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [2, 4], data: rows }],
    });
    const response = JSON.parse(text);
    expect(response).toMatchObject({ model_name: 'churn', model_version: '4', id: 'r1' });
    const [label, probabilities] = response.outputs;
    const p1 = rows.map((x) => expected.sigmoid(expected.dot(x, weights) + bias));
    expect(label).toEqual({ name: 'label', datatype: 'INT64', shape: [2], data: p1.map((p) => (p > 0.5 ? 1 : 0)) });
    expect(probabilities.shape).toEqual([2, 2]);
    const want = p1.flatMap((p) => [1 - p, p]);
    probabilities.data.forEach((v: number, i: number) => expect(v).toBeCloseTo(want[i]!, 6));
  });

  it('runs only the outputs asked for', async () => {
    const served = await load(logisticClassifierModel({ weights, bias }));
    const body = {
      inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4], data: [0, 0, 0, 0] }],
      outputs: [{ name: 'label' }],
    };
    expect(JSON.parse(await served.infer(body)).outputs).toEqual([
      { name: 'label', datatype: 'INT64', shape: [1], data: [0] }, // sigmoid(-0.3) < 0.5
    ]);
  });

  it('carries FP16 through onnxruntime as binary16 bits, on this Node as on Node 20', async () => {
    const served = await load(identityModel(['fp16']));
    const data = [1, -2, 0.5, 65504];
    const response = JSON.parse(
      await served.infer({ inputs: [{ name: 'x_fp16', datatype: 'FP16', shape: [2, 2], data }] }),
    );
    expect(response.outputs).toEqual([{ name: 'y_fp16', datatype: 'FP16', shape: [2, 2], data }]);
  });

  it('refuses a request the signature refuses with 400 before running the model', async () => {
    const served = await load(logisticClassifierModel({ weights, bias }));
    const body = { inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3], data: [1, 2, 3] }] };
    await expect(served.infer(body)).rejects.toMatchObject({
      status: 400,
      message: 'Input "input" has shape [1,3], but the model expects [-1,4] (-1: any size).',
    });
  });

  it('answers 400 with onnxruntime words when the inputs pass the signature but the model refuses them', async () => {
    const served = await load(sumModel());
    const body = {
      inputs: [
        { name: 'x', datatype: 'FP32', shape: [2, 2], data: [1, 2, 3, 4] },
        { name: 'y', datatype: 'FP32', shape: [3, 2], data: [1, 2, 3, 4, 5, 6] },
      ],
    };
    let caught: unknown;
    try {
      await served.infer(body);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InferenceError);
    expect((caught as InferenceError).status).toBe(400);
    expect((caught as InferenceError).message).toMatch(/^onnxruntime refused the inputs: \S/);
  });

  it('serves the tensor outputs of a model that also has a non-tensor one, and warns about it', async () => {
    const logger = new RecordingLogger();
    const served = await load(sequenceOutputModel(true), { name: 'm' }, logger);
    expect(served.outputs).toEqual([{ name: 'y', datatype: 'FP32', shape: [-1, 2] }]);
    expect(logger.messages('warning')).toEqual([
      '/models/m.onnx: output seq is not a tensor (e.g. a sequence of maps); it is left out of the served outputs',
    ]);
    const response = JSON.parse(
      await served.infer({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 2], data: [3, 4] }] }),
    );
    expect(response.outputs).toEqual([{ name: 'y', datatype: 'FP32', shape: [1, 2], data: [3, 4] }]);
  });

  it('refuses a model with no tensor output, saying how to export one', async () => {
    const error = await refusal(() => load(sequenceOutputModel(false)));
    expect(error.message).toBe('/models/m.onnx has no tensor output the Open Inference Protocol can carry');
    expect(error.fix).toBe('Export the model without ZipMap (skl2onnx: options={"zipmap": False}).');
  });

  it('refuses a model with a non-tensor input, naming it', async () => {
    const error = await refusal(() => load(sequenceInputModel()));
    expect(error.message).toBe(
      '/models/m.onnx: input s is not a tensor (e.g. a sequence of maps), so it cannot be served over the Open Inference Protocol',
    );
    expect(error.fix).toBe('Export the model with tensor inputs of a numeric, bool or string type.');
  });

  it('refuses bytes that are not an ONNX model, naming where they came from and the fix', async () => {
    const error = await refusal(() => load(new TextEncoder().encode('not a model')));
    expect(error.message).toContain('/models/m.onnx');
    expect(error.fix).toBe('Point the model URI at a registry version (or folder) that holds the exported .onnx file.');
  });
});
