/**
 * The stored sample of a version (sample.json): the first rows of `sample-data` as the model's
 * input tensors, and the model's outputs on them computed with onnxruntime-node at push time,
 * both as Open Inference Protocol v2 tensors (flat row-major `data`). helm-deploy's smoke test
 * replays the inputs against the deployed server and requires these outputs.
 */
import { UserError } from '@mlops-gha/common';
import { readTable } from '@mlops-gha/drift';
import { loadOnnxRuntime, oipDatatypeOf, openOnnxModel, type TensorSignature } from '@mlops-gha/onnx';
import type * as Ort from 'onnxruntime-node';

export const SAMPLE_FORMAT = 'mlops-gha.sample/v1';

export interface SampleTensor {
  name: string;
  /** OIP v2 datatype: FP32, FP64, INT64, INT32, BOOL, BYTES, ... */
  datatype: string;
  shape: number[];
  data: (number | string | boolean)[];
}

export interface SampleDocument {
  format: typeof SAMPLE_FORMAT;
  rows: number;
  inputs: SampleTensor[];
  outputs: SampleTensor[];
}

function oipType(type: string, where: string): string {
  const t = oipDatatypeOf(type);
  if (!t)
    throw new UserError(`${where} has the element type ${type}, which the Open Inference Protocol cannot carry`, {
      fix: 'Export the model with numeric or string tensors.',
    });
  return t;
}

/** Reads the first `rows` rows of a CSV/JSONL file as float features in the model's input order. */
async function readRows(
  path: string,
  rows: number,
  input: string,
): Promise<{ header: string[]; columns: Float64Array[]; lines: number[]; rows: number }> {
  const columns: number[][] = [];
  let header: string[] = [];
  const lines: number[] = [];
  for await (const batch of readTable(path, { input, maxRows: rows })) {
    header = batch.header;
    for (let c = 0; c < header.length; c++) {
      columns[c] ??= [];
      for (let r = 0; r < batch.rows; r++) {
        const v = batch.numbers[c]![r]!;
        columns[c]!.push(v === v ? v : NaN);
      }
    }
    for (let r = 0; r < batch.rows; r++) lines.push(batch.lines[r]!);
  }
  if (lines.length === 0) {
    throw new UserError(`${input}: ${path} has no data rows`, {
      fix: `Point \`${input}\` at a file with at least one data row.`,
      location: { file: path },
    });
  }
  return { header, columns: columns.map((c) => Float64Array.from(c)), lines, rows: lines.length };
}

/**
 * Runs the model on the first `rows` rows of `dataPath` and returns the sample document. A
 * model with one rank-2 input takes every column but the label column (`labelColumn`, default
 * `label`; in file order); a model with one input per feature takes the columns of those names.
 */
export async function buildSample(
  modelPath: string,
  dataPath: string,
  rows: number,
  input = 'sample-data',
  labelColumn = 'label',
): Promise<SampleDocument> {
  const model = await openOnnxModel(modelPath);
  try {
    const ort = await loadOnnxRuntime();
    const table = await readRows(dataPath, rows, input);
    const n = table.rows;
    const sig = model.signature;
    const column = (name: string) => {
      const i = table.header.indexOf(name);
      if (i < 0)
        throw new UserError(
          `${input}: ${dataPath} has no column "${name}" for the model input of that name (columns: ${table.header.join(', ')})`,
          { fix: 'Give the sample data the columns the model takes.', location: { file: dataPath, line: 1 } },
        );
      return table.columns[i]!;
    };
    const checkFinite = (name: string, values: Float64Array) => {
      const bad = values.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) {
        throw new UserError(
          `${input}: ${dataPath}, line ${table.lines[bad]}: column "${name}" is missing or not a number; the model takes numbers`,
          {
            fix: 'Use rows without missing or text values in the model inputs for the sample.',
            location: { file: dataPath, line: table.lines[bad]! },
          },
        );
      }
    };
    const tensorOf = (t: TensorSignature, flat: Float64Array, shape: number[]) => {
      if (t.type !== 'float32' && t.type !== 'float64') {
        throw new UserError(
          `Model ${modelPath}: input ${t.name} is ${t.type}; the stored sample supports float inputs`,
          { fix: 'Export the model with float inputs.' },
        );
      }
      const data = t.type === 'float32' ? Float32Array.from(flat) : flat;
      return {
        feed: new ort.Tensor(t.type, data, shape),
        stored: { name: t.name, datatype: oipType(t.type, `input ${t.name}`), shape, data: Array.from(data) },
      };
    };
    const feeds: Record<string, Ort.Tensor> = {};
    const inputs: SampleTensor[] = [];
    if (sig.inputs.length === 1 && sig.inputs[0]!.shape.length === 2) {
      const t = sig.inputs[0]!;
      const features = table.header.filter((h) => h !== labelColumn);
      const width = t.shape[1];
      if (typeof width === 'number' && width !== features.length) {
        throw new UserError(
          `${input}: ${dataPath} has ${features.length} feature column(s) (${features.join(', ')}), but model ${modelPath} takes ${t.name} with ${width} per row`,
          {
            fix: `Give the sample data exactly the model's feature columns; the label column ("${labelColumn}") is left out: set \`label-column\` if yours has another name.`,
            location: { file: dataPath, line: 1 },
          },
        );
      }
      const flat = new Float64Array(n * features.length);
      features.forEach((f, j) => {
        const values = column(f);
        checkFinite(f, values);
        for (let r = 0; r < n; r++) flat[r * features.length + j] = values[r]!;
      });
      const { feed, stored } = tensorOf(t, flat, [n, features.length]);
      feeds[t.name] = feed;
      inputs.push(stored);
    } else {
      for (const t of sig.inputs) {
        const values = column(t.name);
        checkFinite(t.name, values);
        const { feed, stored } = tensorOf(t, values, t.shape.length === 1 ? [n] : [n, 1]);
        feeds[t.name] = feed;
        inputs.push(stored);
      }
    }
    const names = sig.outputs.filter((o) => o.isTensor).map((o) => o.name);
    let result: Ort.InferenceSession.OnnxValueMapType;
    try {
      result = await model.session.run(feeds, names);
    } catch (error) {
      throw new UserError(
        `Model ${modelPath} failed on the first ${n} rows of ${dataPath}: ${(error as Error).message}`,
        { fix: 'Check that the sample data has the columns the model takes.', cause: error },
      );
    }
    const outputs: SampleTensor[] = names.map((name) => {
      const t = result[name] as Ort.Tensor;
      const data = t.data as ArrayLike<number | bigint | string | boolean>;
      return {
        name,
        datatype: oipType(t.type, `output ${name}`),
        shape: [...t.dims],
        data: Array.from(data, (v) => (typeof v === 'bigint' ? Number(v) : v)),
      };
    });
    return { format: SAMPLE_FORMAT, rows: n, inputs, outputs };
  } finally {
    await model.session.release();
  }
}
