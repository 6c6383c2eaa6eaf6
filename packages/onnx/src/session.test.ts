import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logisticClassifierModel, writeModel } from '../../../test/harness/onnx-models.js';
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
