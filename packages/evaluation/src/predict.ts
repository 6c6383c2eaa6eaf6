import { UserError } from '@mlops-gha/common';
import type * as Ort from 'onnxruntime-node';
import type { Holdout } from './dataset.js';
import { describeSignature, describeTensor, loadOnnxRuntime, type OnnxModel, type TensorSignature } from './onnx.js';

/** One model output over every holdout row. */
export interface OutputColumn {
  name: string;
  type: string;
  /** Values per row (1 for [N] or [N,1] outputs, K for [N,K]). */
  width: number;
  /** rows x width numbers, or rows x width strings for string tensors. */
  values: Float64Array | string[];
}

export interface RawPredictions {
  rows: number;
  outputs: OutputColumn[];
}

const FLOAT_TYPES = new Set(['float32', 'float64']);

type Feeder = (start: number, end: number) => Record<string, Ort.Tensor>;

function featureFeeder(ort: typeof Ort, model: OnnxModel, holdout: Holdout): Feeder {
  const inputs = model.signature.inputs;
  const f = holdout.featureNames.length;
  const columns = holdout.featureNames.join(', ');
  const where = `model ${model.path} (${describeSignature(model.signature)})`;
  if (inputs.length === 1) {
    const input = inputs[0]!;
    if (!input.isTensor || !FLOAT_TYPES.has(input.type)) {
      throw new UserError(
        `The ${where} takes ${describeTensor(input)}, but the holdout gives float features (${columns})`,
        {
          fix: 'Export the model with one float input of shape [N, features], or one float [N,1] input per feature column.',
        },
      );
    }
    const width = input.shape.length === 2 ? input.shape[1] : undefined;
    if (input.shape.length !== 2 || (typeof width === 'number' && width !== f)) {
      throw new UserError(
        `The ${where} expects input ${describeTensor(input)}, but the holdout has ${f} feature column(s): ${columns}`,
        {
          fix:
            typeof width === 'number'
              ? `Give the model exactly ${width} feature columns: set \`feature-columns:\` (in the model's order) or fix \`label-column:\`.`
              : 'Export the model with a rank-2 input [N, features].',
        },
      );
    }
    const double = input.type === 'float64';
    return (start, end) => {
      const data = holdout.features.subarray(start * f, end * f);
      return {
        [input.name]: new ort.Tensor(double ? 'float64' : 'float32', double ? Float64Array.from(data) : data, [
          end - start,
          f,
        ]),
      };
    };
  }
  // One input per feature column, matched by name.
  const missing = inputs.filter((i) => !holdout.featureNames.includes(i.name));
  const bad = inputs.filter((i) => !i.isTensor || !FLOAT_TYPES.has(i.type));
  if (missing.length || bad.length || inputs.length !== f) {
    const problems = [
      missing.length ? `no holdout column for input(s) ${missing.map((i) => i.name).join(', ')}` : '',
      bad.length ? `non-float input(s) ${bad.map(describeTensor).join(', ')}` : '',
      inputs.length !== f ? `${inputs.length} inputs for ${f} feature columns` : '',
    ].filter(Boolean);
    throw new UserError(
      `The ${where} does not match the holdout's feature columns (${columns}): ${problems.join('; ')}`,
      {
        fix: 'Name the feature columns after the model inputs (or set `feature-columns:` to them), one numeric column per input.',
      },
    );
  }
  const index = inputs.map((i) => holdout.featureNames.indexOf(i.name));
  return (start, end) => {
    const feeds: Record<string, Ort.Tensor> = {};
    const rows = end - start;
    inputs.forEach((input, j) => {
      const col = input.type === 'float64' ? new Float64Array(rows) : new Float32Array(rows);
      for (let r = 0; r < rows; r++) col[r] = holdout.features[(start + r) * f + index[j]!]!;
      feeds[input.name] = new ort.Tensor(input.type as 'float32', col, input.shape.length === 1 ? [rows] : [rows, 1]);
    });
    return feeds;
  };
}

function outputWidth(dims: readonly number[], name: string, path: string): number {
  if (dims.length === 1) return 1;
  if (dims.length === 2) return dims[1]!;
  throw new UserError(`Model ${path}: output ${name} has shape [${dims.join(',')}]; predictions must be [N] or [N,K]`, {
    fix: 'Export the model with outputs of shape [N] (labels, values) or [N,K] (probabilities).',
  });
}

/**
 * Runs the model over the holdout in batches and collects every tensor output. Non-tensor
 * outputs (e.g. scikit-learn's ZipMap dictionaries) are not fetched.
 */
export async function predict(
  model: OnnxModel,
  holdout: Holdout,
  options: { batchSize?: number; onBatch?: (rows: number) => void } = {},
): Promise<RawPredictions> {
  const ort = await loadOnnxRuntime();
  const batchSize = options.batchSize ?? 8192;
  const feeder = featureFeeder(ort, model, holdout);
  const fetched: TensorSignature[] = model.signature.outputs.filter((o) => o.isTensor);
  if (fetched.length === 0) {
    throw new UserError(
      `Model ${model.path} has no tensor outputs to read predictions from (${describeSignature(model.signature)})`,
      {
        fix: 'Export the classifier without ZipMap (skl2onnx: options={"zipmap": False}) so probabilities are a [N,K] tensor.',
      },
    );
  }
  const names = fetched.map((o) => o.name);
  const n = holdout.rows;
  const columns: (OutputColumn | undefined)[] = fetched.map(() => undefined);
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    let result: Ort.InferenceSession.OnnxValueMapType;
    try {
      result = await model.session.run(feeder(start, end), names);
    } catch (error) {
      throw new UserError(
        `Model ${model.path} failed on holdout rows ${start + 1}-${end}: ${(error as Error).message}`,
        {
          fix: `Check that the holdout's feature columns match the model's inputs (${describeSignature(model.signature)}).`,
          cause: error,
        },
      );
    }
    fetched.forEach((sig, j) => {
      const tensor = result[sig.name] as Ort.Tensor;
      const width = outputWidth(tensor.dims, sig.name, model.path);
      let column = columns[j];
      if (!column) {
        column = {
          name: sig.name,
          type: tensor.type,
          width,
          values: tensor.type === 'string' ? new Array<string>(n * width) : new Float64Array(n * width),
        };
        columns[j] = column;
      } else if (column.width !== width) {
        throw new UserError(
          `Model ${model.path}: output ${sig.name} changed width between batches (${column.width} then ${width})`,
        );
      }
      const rows = end - start;
      const data = tensor.data;
      if (tensor.dims[0] !== rows) {
        throw new UserError(
          `Model ${model.path}: output ${sig.name} has ${tensor.dims[0]} rows for a batch of ${rows}; predictions must have one row per input row`,
          {
            fix: `Export the model with a batch dimension first on every output (${describeSignature(model.signature)}).`,
          },
        );
      }
      const offset = start * width;
      if (Array.isArray(column.values)) {
        const strings = data as unknown as string[];
        for (let i = 0; i < rows * width; i++) column.values[offset + i] = strings[i]!;
      } else if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
        // Class labels are small integers: read the 64-bit words as pairs of 32-bit halves
        // (little-endian) instead of converting BigInts one by one.
        const out = column.values;
        const halves = new Int32Array(data.buffer, data.byteOffset, data.length * 2);
        for (let i = 0; i < rows * width; i++) {
          const low = halves[2 * i]!;
          const high = halves[2 * i + 1]!;
          out[offset + i] = (high === 0 && low >= 0) || (high === -1 && low < 0) ? low : Number(data[i]!);
        }
      } else {
        column.values.set(data as Float32Array, offset);
      }
      tensor.dispose?.();
    });
    options.onBatch?.(end - start);
  }
  return { rows: n, outputs: columns.filter((c): c is OutputColumn => c !== undefined) };
}
