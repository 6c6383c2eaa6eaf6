/**
 * The conversions between the Open Inference Protocol's JSON `data` arrays and onnxruntime's
 * typed arrays (the datatype table itself is @mlops-gha/onnx's). Everything a client sends is
 * checked here element by element: JSON can carry a string where a number belongs,
 * a fraction where an integer belongs, or an integer no typed array can hold.
 */
import type { OipDatatype } from '@mlops-gha/onnx';
import { InferenceError } from './errors.js';

/** The typed array onnxruntime-node takes for each element type. */
export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | string[];

const INTEGER_RANGES: Record<string, [number, number]> = {
  INT8: [-128, 127],
  UINT8: [0, 255],
  INT16: [-32768, 32767],
  UINT16: [0, 65535],
  INT32: [-2147483648, 2147483647],
  UINT32: [0, 4294967295],
  // JSON numbers are doubles: 64-bit integers are accepted only where a double holds them exactly.
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  UINT64: [0, Number.MAX_SAFE_INTEGER],
};

function badElement(input: string, datatype: OipDatatype, index: number, value: unknown, want: string): InferenceError {
  const shown = JSON.stringify(value)?.slice(0, 40) ?? String(value);
  return new InferenceError(400, `Input '${input}' (${datatype}): element ${index} is ${shown}, expected ${want}.`);
}

/**
 * Converts a flat JSON array into the typed array for `datatype`, checking each element.
 * `input` names the tensor in error messages.
 */
export function toTensorData(input: string, datatype: OipDatatype, flat: readonly unknown[]): TensorData {
  const n = flat.length;
  switch (datatype) {
    case 'FP32':
    case 'FP64': {
      const out = datatype === 'FP32' ? new Float32Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = flat[i];
        // JSON cannot carry NaN or infinities, so every JSON number is finite.
        if (typeof v !== 'number') throw badElement(input, datatype, i, v, 'a number');
        out[i] = v;
      }
      return out;
    }
    case 'FP16': {
      const out = new Uint16Array(n);
      for (let i = 0; i < n; i++) {
        const v = flat[i];
        if (typeof v !== 'number') throw badElement(input, datatype, i, v, 'a number');
        if (Math.abs(v) > 65504) throw badElement(input, datatype, i, v, 'a number within FP16 range (|x| <= 65504)');
        out[i] = float16Bits(v);
      }
      return out;
    }
    case 'BOOL': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const v = flat[i];
        if (typeof v !== 'boolean') throw badElement(input, datatype, i, v, 'true or false');
        out[i] = v ? 1 : 0;
      }
      return out;
    }
    case 'BYTES': {
      const out: string[] = new Array<string>(n);
      for (let i = 0; i < n; i++) {
        const v = flat[i];
        if (typeof v !== 'string') throw badElement(input, datatype, i, v, 'a string');
        out[i] = v;
      }
      return out;
    }
    default:
      return toIntegerData(input, datatype, flat);
  }
}

function toIntegerData(input: string, datatype: OipDatatype, flat: readonly unknown[]): TensorData {
  const [min, max] = INTEGER_RANGES[datatype]!;
  const n = flat.length;
  const check = (v: unknown, i: number): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw badElement(input, datatype, i, v, `an integer from ${min} to ${max}`);
    }
    return v;
  };
  if (datatype === 'INT64' || datatype === 'UINT64') {
    const out = datatype === 'INT64' ? new BigInt64Array(n) : new BigUint64Array(n);
    for (let i = 0; i < n; i++) out[i] = BigInt(check(flat[i], i));
    return out;
  }
  const Ctor = {
    INT8: Int8Array,
    UINT8: Uint8Array,
    INT16: Int16Array,
    UINT16: Uint16Array,
    INT32: Int32Array,
    UINT32: Uint32Array,
  }[datatype as 'INT8'];
  const out = new Ctor(n);
  for (let i = 0; i < n; i++) out[i] = check(flat[i], i);
  return out;
}

/** An onnxruntime output's data as JSON values of its OIP datatype. */
export function fromTensorData(datatype: OipDatatype, data: unknown): unknown[] {
  switch (datatype) {
    case 'BOOL':
      return Array.from(data as Uint8Array, (v) => v !== 0);
    case 'FP16':
      // Bits in a Uint16Array, or numbers already where the runtime has Float16Array (Node 24).
      return data instanceof Uint16Array ? Array.from(data, float16Value) : Array.from(data as ArrayLike<number>);
    case 'INT64':
    case 'UINT64':
      // Class labels and counts: exact below 2^53, which is every realistic value.
      return Array.from(data as BigInt64Array, (v) => Number(v));
    case 'BYTES':
      return Array.from(data as string[]);
    default:
      return Array.from(data as Float32Array);
  }
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits of a number, rounded to nearest even (via its float32 image). */
export function float16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = sign | (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return half;
}

/** The number a binary16 bit pattern stands for. */
export function float16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}
