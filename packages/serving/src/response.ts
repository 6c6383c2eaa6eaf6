/**
 * The infer response JSON, written as text: numeric outputs are joined straight from their
 * typed arrays (the same digits JSON.stringify writes for finite numbers) instead of being
 * copied into a JS array first, which halves the cost of a large batch's response.
 */
import type { OipDatatype } from '@mlops-gha/onnx';
import { fromTensorData } from './datatypes.js';
import { InferenceError } from './errors.js';
import type { ModelIdentity } from './model.js';

export interface OutputTensor {
  name: string;
  datatype: OipDatatype;
  shape: readonly number[];
  data: unknown;
}

const JOINABLE = new Set<OipDatatype>([
  'FP32',
  'FP64',
  'INT8',
  'UINT8',
  'INT16',
  'UINT16',
  'INT32',
  'UINT32',
  'INT64',
  'UINT64',
]);

function dataJson(output: OutputTensor): string {
  if (JOINABLE.has(output.datatype)) {
    // BigInt and integer typed arrays join as plain integers; floats as JSON would write them.
    const text = Array.prototype.join.call(output.data as ArrayLike<number>, ',');
    // JSON has no NaN or infinities: a model that produced one gets a clear error, not a null.
    if (text.includes('N') || text.includes('I')) throw nonFinite(output);
    return `[${text}]`;
  }
  const values = fromTensorData(output.datatype, output.data);
  if (output.datatype === 'FP16' && values.some((v) => !Number.isFinite(v as number))) throw nonFinite(output);
  return JSON.stringify(values);
}

function nonFinite(output: OutputTensor): InferenceError {
  return new InferenceError(
    500,
    `The model's output '${output.name}' contains NaN or an infinity, which JSON cannot carry.`,
  );
}

export function encodeInferResponse(identity: ModelIdentity, id: string, outputs: OutputTensor[]): string {
  const head = `{"model_name":${JSON.stringify(identity.name)},${identity.version ? `"model_version":${JSON.stringify(identity.version)},` : ''}"id":${JSON.stringify(id)},"outputs":[`;
  const parts = outputs.map(
    (o) =>
      `{"name":${JSON.stringify(o.name)},"datatype":"${o.datatype}","shape":[${o.shape.join(',')}],"data":${dataJson(o)}}`,
  );
  return `${head}${parts.join(',')}]}`;
}
