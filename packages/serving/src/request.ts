/**
 * An OIP infer request body checked against the model's signature: every reason to refuse
 * it is a 400 whose message names the input and says what the model expects, as KServe's
 * InvalidInput does. Nothing here trusts the client: names, shapes and data are all checked
 * before a byte reaches onnxruntime.
 */
import { randomUUID } from 'node:crypto';
import { isOipDatatype, type OipDatatype } from '@mlops-gha/onnx';
import { toTensorData, type TensorData } from './datatypes.js';
import { InferenceError } from './errors.js';

export interface TensorSpec {
  name: string;
  datatype: OipDatatype;
  /** Dimensions; -1 where the model leaves a dimension open (symbolic or unknown). */
  shape: number[];
}

export interface CheckedInput {
  name: string;
  datatype: OipDatatype;
  shape: number[];
  data: TensorData;
}

export interface CheckedRequest {
  id: string;
  inputs: CheckedInput[];
  /** The outputs to return, in the order asked (all outputs when the request names none). */
  outputs: string[];
}

const bad = (message: string) => new InferenceError(400, message);
const show = (value: string) => JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
const describeSpec = (t: TensorSpec) => `${t.name} (${t.datatype} [${t.shape.join(',')}])`;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a parsed JSON body against the model's inputs and outputs. */
export function checkInferRequest(
  body: unknown,
  inputs: readonly TensorSpec[],
  outputs: readonly TensorSpec[],
): CheckedRequest {
  if (!isPlainObject(body)) throw bad('The request body must be a JSON object with an "inputs" array.');
  const id = body.id === undefined ? randomUUID() : body.id;
  if (typeof id !== 'string') throw bad('"id" must be a string.');
  if (!Array.isArray(body.inputs) || body.inputs.length === 0) {
    throw bad(`"inputs" must be a non-empty array; the model takes ${inputs.map(describeSpec).join(', ')}.`);
  }
  const byName = new Map(inputs.map((t) => [t.name, t]));
  const checked = new Map<string, CheckedInput>();
  for (const [index, raw] of body.inputs.entries()) {
    if (!isPlainObject(raw)) throw bad(`inputs[${index}] must be an object with name, shape, datatype and data.`);
    const { name } = raw;
    if (typeof name !== 'string') throw bad(`inputs[${index}].name must be a string.`);
    const spec = byName.get(name);
    if (!spec) throw bad(`Unexpected input ${show(name)}: the model takes ${inputs.map(describeSpec).join(', ')}.`);
    if (checked.has(name)) throw bad(`Input ${show(name)} is given twice.`);
    checked.set(name, checkInput(raw, spec));
  }
  for (const spec of inputs) {
    if (!checked.has(spec.name)) throw bad(`Missing input ${show(spec.name)}: the model needs ${describeSpec(spec)}.`);
  }
  return { id, inputs: [...checked.values()], outputs: checkOutputs(body.outputs, outputs) };
}

function checkInput(raw: Record<string, unknown>, spec: TensorSpec): CheckedInput {
  const name = spec.name;
  const { datatype, shape, data } = raw;
  if (!isOipDatatype(datatype)) {
    throw bad(
      `Input ${show(name)} has datatype ${JSON.stringify(datatype) ?? 'undefined'}, which is not an Open Inference Protocol datatype; the model expects ${spec.datatype}.`,
    );
  }
  if (datatype !== spec.datatype)
    throw bad(`Input ${show(name)} has datatype ${datatype}, but the model expects ${spec.datatype}.`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw bad(
      `Input ${show(name)} has shape ${JSON.stringify(shape)?.slice(0, 80)}; a shape is an array of non-negative integers.`,
    );
  }
  const dims = shape as number[];
  const fits = dims.length === spec.shape.length && dims.every((d, i) => spec.shape[i] === -1 || spec.shape[i] === d);
  if (!fits)
    throw bad(
      `Input ${show(name)} has shape [${dims.join(',')}], but the model expects [${spec.shape.join(',')}] (-1: any size).`,
    );
  if (!Array.isArray(data)) throw bad(`Input ${show(name)} has no "data" array.`);
  const count = dims.reduce((a, b) => a * b, 1);
  const flat = data.length > 0 && Array.isArray(data[0]) ? flattenNested(name, data, dims) : data;
  if (flat.length !== count) {
    throw bad(`Input ${show(name)} has ${flat.length} elements, but its shape [${dims.join(',')}] holds ${count}.`);
  }
  return { name, datatype, shape: dims, data: toTensorData(name, datatype, flat) };
}

/** Row-major flattening of nested `data`, whose nesting must follow the shape exactly. */
function flattenNested(name: string, data: unknown[], dims: number[]): unknown[] {
  const out: unknown[] = [];
  const walk = (node: unknown, depth: number, path: string): void => {
    if (depth === dims.length) {
      if (Array.isArray(node))
        throw bad(`Input ${show(name)}: data${path} is nested deeper than its shape [${dims.join(',')}].`);
      out.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== dims[depth]) {
      throw bad(`Input ${show(name)}: data${path} should be an array of ${dims[depth]} for shape [${dims.join(',')}].`);
    }
    for (let i = 0; i < node.length; i++) walk(node[i], depth + 1, `${path}[${i}]`);
  };
  walk(data, 0, '');
  return out;
}

function checkOutputs(raw: unknown, outputs: readonly TensorSpec[]): string[] {
  if (raw === undefined) return outputs.map((t) => t.name);
  if (!Array.isArray(raw) || raw.length === 0)
    throw bad('"outputs" must be a non-empty array of {"name": ...} objects when given.');
  const known = new Set(outputs.map((t) => t.name));
  const names: string[] = [];
  for (const [index, entry] of raw.entries()) {
    const name = isPlainObject(entry) ? entry.name : undefined;
    if (typeof name !== 'string') throw bad(`outputs[${index}].name must be a string.`);
    if (!known.has(name))
      throw bad(`Unknown output ${show(name)}: the model's outputs are ${outputs.map(describeSpec).join(', ')}.`);
    if (names.includes(name)) throw bad(`Output ${show(name)} is asked for twice.`);
    names.push(name);
  }
  return names;
}
