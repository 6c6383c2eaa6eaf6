import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@mlops-gha/common';
import { identityModel, logisticClassifierModel, writeModel } from '../../../test/harness/onnx-models.js';
import { buildSample, SAMPLE_FORMAT } from './sample.js';

let work: string;
let logistic: string;
let n = 0;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'registry-sample-'));
  logistic = await writeModel(join(work, 'logistic.onnx'), logisticClassifierModel({ weights: [1, 2], bias: 0.25 }));
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function data(text: string, ext = 'csv'): Promise<string> {
  const path = join(work, `data-${n++}.${ext}`);
  await writeFile(path, text);
  return path;
}

// p1 = sigmoid(x·[1, 2] + 0.25) in float32, from numpy:
//   x = [[1, 2], [-1, 0.5]] -> z = [5.25, 0.25] -> p1 = [0.9947799, 0.5621765]
const P1 = [0.9947799, 0.5621765];

describe('buildSample', () => {
  it('runs the model on the first rows (label column left out) and stores inputs and outputs as OIP v2 tensors', async () => {
    const path = await data('x1,x2,label\n1,2,0\n-1,0.5,1\n3,3,1\n');
    const sample = await buildSample(logistic, path, 2);
    expect(sample.format).toBe(SAMPLE_FORMAT);
    expect(sample.rows).toBe(2);
    expect(sample.inputs).toEqual([{ name: 'input', datatype: 'FP32', shape: [2, 2], data: [1, 2, -1, 0.5] }]);
    const [label, probabilities] = sample.outputs;
    expect(label).toEqual({ name: 'label', datatype: 'INT64', shape: [2], data: [1, 1] });
    expect(probabilities).toMatchObject({ name: 'probabilities', datatype: 'FP32', shape: [2, 2] });
    const expected = [1 - P1[0]!, P1[0]!, 1 - P1[1]!, P1[1]!];
    probabilities!.data.forEach((v, i) => expect(v as number).toBeCloseTo(expected[i]!, 6));
  });

  it('takes fewer rows when the file has fewer, reads JSONL, and leaves out a label column named otherwise', async () => {
    const path = await data('{"x1": 1, "x2": 2, "y": 0}\n{"x1": -1, "x2": 0.5, "y": 1}\n', 'jsonl');
    const sample = await buildSample(logistic, path, 10, 'sample-data', 'y');
    expect(sample.rows).toBe(2);
    expect(sample.inputs[0]).toEqual({ name: 'input', datatype: 'FP32', shape: [2, 2], data: [1, 2, -1, 0.5] });
  });

  it('a file without data rows is an error naming the input and the file', async () => {
    const path = await data('x1,x2,label\n');
    const error = (await buildSample(logistic, path, 5).catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(`sample-data: ${path} has no data rows`);
    expect(error.fix).toBe('Point `sample-data` at a file with at least one data row.');
    expect(error.location).toEqual({ file: path });
  });

  it('a feature count that does not match the model’s input width is refused, naming the columns', async () => {
    const path = await data('x1,x2,x3,label\n1,2,3,0\n');
    const error = (await buildSample(logistic, path, 5, 'profile-data').catch((e: unknown) => e)) as UserError;
    expect(error.message).toBe(
      `profile-data: ${path} has 3 feature column(s) (x1, x2, x3), but model ${logistic} takes input with 2 per row`,
    );
    expect(error.fix).toBe(
      'Give the sample data exactly the model\'s feature columns; the label column ("label") is left out: set `label-column` if yours has another name.',
    );
    expect(error.location).toEqual({ file: path, line: 1 });
  });

  it('a missing or non-numeric value is refused at its line, never fed to the model as NaN', async () => {
    for (const cell of ['', 'abc', 'nan']) {
      const path = await data(`x1,x2,label\n1,2,0\n3,${cell},1\n`);
      const error = (await buildSample(logistic, path, 5).catch((e: unknown) => e)) as UserError;
      expect(error).toBeInstanceOf(UserError);
      expect(error.message).toBe(
        `sample-data: ${path}, line 3: column "x2" is missing or not a number; the model takes numbers`,
      );
      expect(error.location).toEqual({ file: path, line: 3 });
    }
  });

  it('a model with one input per feature needs a column of each input’s name', async () => {
    const model = await writeModel(join(work, 'identity.onnx'), identityModel(['fp64', 'int64']));
    const path = await data('a,b\n1,2\n');
    await expect(buildSample(model, path, 1)).rejects.toThrow(
      `sample-data: ${path} has no column "x_fp64" for the model input of that name (columns: a, b)`,
    );
  });

  it('a model taking non-float inputs is refused: the stored sample carries floats', async () => {
    const model = await writeModel(join(work, 'int64.onnx'), identityModel(['int64']));
    const path = await data('a,b\n1,2\n');
    await expect(buildSample(model, path, 1)).rejects.toThrow(
      `Model ${model}: input x_int64 is int64; the stored sample supports float inputs`,
    );
  });
});
