import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@mlops-gha/common';
import { expected, logisticClassifierModel, writeModel } from '../../../test/harness/onnx-models.js';
import {
  createSession,
  describeSignature,
  loadOnnxRuntime,
  OnnxLoadError,
  openOnnxModel,
  readOnnxSignature,
} from './index.js';

let work: string;
let model: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'onnx-'));
  model = await writeModel(join(work, 'logit.onnx'), logisticClassifierModel({ weights: [1, -1, 0.5], bias: 0 }));
  await writeFile(join(work, 'text.onnx'), 'not a model\n');
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('ONNX sessions and signatures', () => {
  it('reads the signature the builder wrote: one float input of 3 features per row', async () => {
    const signature = await readOnnxSignature(model);
    expect(signature.inputs).toHaveLength(1);
    expect(signature.inputs[0]).toMatchObject({ type: 'float32', isTensor: true });
    expect(signature.inputs[0]!.shape.at(-1)).toBe(3);
    expect(signature.outputs.length).toBeGreaterThan(0);
    expect(describeSignature(signature)).toContain(`${signature.inputs[0]!.name}: float32[`);
  });

  it('opens a file and bytes to sessions that compute the same thing', async () => {
    const ort = await loadOnnxRuntime();
    const fromFile = await openOnnxModel(model);
    const fromBytes = await createSession(await readFile(model), 'the bytes');
    const input = fromFile.signature.inputs[0]!.name;
    const feeds = { [input]: new ort.Tensor('float32', Float32Array.from([2, 1, 0]), [1, 3]) };
    const a = await fromFile.session.run(feeds);
    const b = await fromBytes.run(feeds);
    for (const name of fromFile.session.outputNames)
      expect(Array.from(a[name]!.data as Float32Array)).toEqual(Array.from(b[name]!.data as Float32Array));
    // x·w + b = 2 - 1 + 0 = 1: p1 = sigmoid(1) and the label is the positive class
    const p1 = expected.sigmoid(expected.dot([2, 1, 0], [1, -1, 0.5]));
    const probabilities = Array.from(a['probabilities']!.data as Float32Array);
    expect(probabilities[0]).toBeCloseTo(1 - p1, 6);
    expect(probabilities[1]).toBeCloseTo(p1, 6);
    expect(Array.from(a['label']!.data as BigInt64Array)).toEqual([1n]);
    await fromFile.session.release();
    await fromBytes.release();
  });

  it('names a file onnxruntime cannot load, with its location and the runtime reason', async () => {
    const path = join(work, 'text.onnx');
    const error = await openOnnxModel(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OnnxLoadError);
    expect((error as OnnxLoadError).message).toContain(`${path} is not an ONNX model onnxruntime can load: `);
    expect((error as OnnxLoadError).reason.length).toBeGreaterThan(0);
    expect((error as OnnxLoadError).location).toEqual({ file: path });
  });

  it('takes the caller fix for bytes that are not a model', async () => {
    const error = await createSession(Buffer.from('junk'), 's3://b/m/model.onnx', {
      fix: 'Push the model again.',
    }).catch((e: unknown) => e);
    expect((error as OnnxLoadError).message).toContain('s3://b/m/model.onnx is not an ONNX model onnxruntime can load');
    expect((error as OnnxLoadError).fix).toBe('Push the model again.');
  });

  it('says a missing model does not exist', async () => {
    await expect(openOnnxModel(join(work, 'nope.onnx'))).rejects.toThrow(
      `Model ${join(work, 'nope.onnx')} does not exist`,
    );
  });
});

describe('which input or field a model path came from', () => {
  const caught = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (e: unknown) => e as UserError,
    );

  it('names the labelled input of a missing model and tells the user to set it', async () => {
    const path = join(work, 'nope.onnx');
    const error = await caught(openOnnxModel(path, { label: '`model`' }));
    expect(error).toBeInstanceOf(UserError);
    expect(error!.message).toBe(`\`model\`: model ${path} does not exist`);
    expect(error!.fix).toBe(
      'Set `model` to the path of an .onnx file (e.g. the `model-path` output of the train action).',
    );
  });

  it('keeps the unlabelled wording for callers that name the input themselves', async () => {
    const path = join(work, 'nope.onnx');
    const error = await caught(openOnnxModel(path));
    expect(error!.message).toBe(`Model ${path} does not exist`);
    expect(error!.fix).toBe(
      'Set the model input to the path of an .onnx file (e.g. the `model-path` output of the train action).',
    );
  });

  it('says a folder is a folder, and a path through a file does not exist, rather than failing in onnxruntime', async () => {
    const folder = await caught(openOnnxModel(work, { label: '`baseline`' }));
    expect(folder!.message).toBe(`\`baseline\`: model ${work} is a folder, not an .onnx file`);
    expect(folder!.fix).toContain('Set `baseline` to the path of an .onnx file');
    const throughFile = join(work, 'text.onnx', 'model.onnx');
    const notDir = await caught(readOnnxSignature(throughFile, { label: '`files[0].path` in registry.yaml' }));
    expect(notDir!.message).toBe(`\`files[0].path\` in registry.yaml: model ${throughFile} does not exist`);
  });

  it('names the labelled input of a file onnxruntime cannot load, in the message and the fix', async () => {
    const path = join(work, 'text.onnx');
    const error = (await caught(openOnnxModel(path, { label: '`model`' }))) as OnnxLoadError;
    expect(error).toBeInstanceOf(OnnxLoadError);
    expect(error.message.startsWith(`\`model\`: ${path} is not an ONNX model onnxruntime can load: `)).toBe(true);
    expect(error.fix).toBe(
      'Export the model to ONNX (e.g. torch.onnx.export or skl2onnx) and point `model` at the .onnx file.',
    );
    expect(error.location).toEqual({ file: path });
  });

  it("keeps a caller's own fix over the labelled default", async () => {
    const error = (await caught(
      readOnnxSignature(join(work, 'text.onnx'), { label: '`model`', fix: 'Push the model again.' }),
    )) as OnnxLoadError;
    expect(error.message).toContain('`model`: ');
    expect(error.fix).toBe('Push the model again.');
  });
});
