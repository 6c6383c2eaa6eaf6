import { describe, expect, it } from '@jest/globals';
import type { OipDatatype } from '@mlops-gha/onnx';
import { float16Bits, float16Value, fromTensorData, toTensorData } from './datatypes.js';
import { InferenceError } from './errors.js';

/** The InferenceError a conversion throws (what the client reads in the 400 body). */
function refusal(convert: () => unknown): InferenceError {
  try {
    convert();
  } catch (error) {
    if (error instanceof InferenceError) return error;
    throw error;
  }
  throw new Error('expected an InferenceError, nothing was thrown');
}

describe('toTensorData', () => {
  it('gives each datatype the typed array onnxruntime-node takes, element for element', () => {
    expect(toTensorData('x', 'FP32', [1.5, -2, 0])).toEqual(new Float32Array([1.5, -2, 0]));
    expect(toTensorData('x', 'FP64', [0.1, -2.5e300])).toEqual(new Float64Array([0.1, -2.5e300]));
    expect(toTensorData('x', 'BOOL', [true, false, true])).toEqual(new Uint8Array([1, 0, 1]));
    expect(toTensorData('x', 'BYTES', ['héllo', ''])).toEqual(['héllo', '']);
    expect(toTensorData('x', 'INT8', [-128, 127])).toEqual(new Int8Array([-128, 127]));
    expect(toTensorData('x', 'UINT8', [0, 255])).toEqual(new Uint8Array([0, 255]));
    expect(toTensorData('x', 'INT16', [-32768, 32767])).toEqual(new Int16Array([-32768, 32767]));
    expect(toTensorData('x', 'UINT16', [0, 65535])).toEqual(new Uint16Array([0, 65535]));
    expect(toTensorData('x', 'INT32', [-2147483648, 2147483647])).toEqual(new Int32Array([-2147483648, 2147483647]));
    expect(toTensorData('x', 'UINT32', [0, 4294967295])).toEqual(new Uint32Array([0, 4294967295]));
    expect(toTensorData('x', 'INT64', [-9007199254740991, 9007199254740991])).toEqual(
      new BigInt64Array([-9007199254740991n, 9007199254740991n]),
    );
    expect(toTensorData('x', 'UINT64', [0, 9007199254740991])).toEqual(new BigUint64Array([0n, 9007199254740991n]));
    // FP16 travels as its binary16 bits (numpy: np.float16(v).view(np.uint16))
    expect(toTensorData('x', 'FP16', [1, -2, 0.5, 65504, -65504])).toEqual(
      new Uint16Array([0x3c00, 0xc000, 0x3800, 0x7bff, 0xfbff]),
    );
  });

  it('turns an empty data array into an empty tensor of the right type', () => {
    expect(toTensorData('x', 'FP32', [])).toEqual(new Float32Array(0));
    expect(toTensorData('x', 'INT64', [])).toEqual(new BigInt64Array(0));
    expect(toTensorData('x', 'BYTES', [])).toEqual([]);
  });

  it.each<[OipDatatype, unknown[], string]>([
    ['FP32', [1, '2'], `Input 'x' (FP32): element 1 is "2", expected a number.`],
    ['FP64', [null], `Input 'x' (FP64): element 0 is null, expected a number.`],
    ['FP16', [true], `Input 'x' (FP16): element 0 is true, expected a number.`],
    ['FP16', [0, -65505], `Input 'x' (FP16): element 1 is -65505, expected a number within FP16 range (|x| <= 65504).`],
    ['BOOL', [1], `Input 'x' (BOOL): element 0 is 1, expected true or false.`],
    ['BOOL', ['true'], `Input 'x' (BOOL): element 0 is "true", expected true or false.`],
    ['BYTES', ['a', 3], `Input 'x' (BYTES): element 1 is 3, expected a string.`],
    ['INT8', [128], `Input 'x' (INT8): element 0 is 128, expected an integer from -128 to 127.`],
    ['INT8', [-129], `Input 'x' (INT8): element 0 is -129, expected an integer from -128 to 127.`],
    ['UINT8', [-1], `Input 'x' (UINT8): element 0 is -1, expected an integer from 0 to 255.`],
    ['INT16', [32768], `Input 'x' (INT16): element 0 is 32768, expected an integer from -32768 to 32767.`],
    ['UINT16', [65536], `Input 'x' (UINT16): element 0 is 65536, expected an integer from 0 to 65535.`],
    [
      'INT32',
      [-2147483649],
      `Input 'x' (INT32): element 0 is -2147483649, expected an integer from -2147483648 to 2147483647.`,
    ],
    ['UINT32', [4294967296], `Input 'x' (UINT32): element 0 is 4294967296, expected an integer from 0 to 4294967295.`],
    ['INT32', [2.5], `Input 'x' (INT32): element 0 is 2.5, expected an integer from -2147483648 to 2147483647.`],
    ['INT32', ['7'], `Input 'x' (INT32): element 0 is "7", expected an integer from -2147483648 to 2147483647.`],
    [
      'INT64',
      [9007199254740992],
      `Input 'x' (INT64): element 0 is 9007199254740992, expected an integer from -9007199254740991 to 9007199254740991.`,
    ],
    ['UINT64', [-1], `Input 'x' (UINT64): element 0 is -1, expected an integer from 0 to 9007199254740991.`],
    [
      'UINT64',
      [9007199254740992],
      `Input 'x' (UINT64): element 0 is 9007199254740992, expected an integer from 0 to 9007199254740991.`,
    ],
  ])(
    'refuses bad %s data with a 400 naming the input, the element and what was expected',
    (datatype, data, message) => {
      const error = refusal(() => toTensorData('x', datatype, data));
      expect(error.status).toBe(400);
      expect(error.message).toBe(message);
    },
  );

  it('shows at most 40 characters of a hostile element, and an undefined one as undefined', () => {
    const long = 'A'.repeat(5000);
    expect(refusal(() => toTensorData('x', 'FP32', [long])).message).toBe(
      `Input 'x' (FP32): element 0 is ${JSON.stringify(long).slice(0, 40)}, expected a number.`,
    );
    expect(refusal(() => toTensorData('x', 'FP32', [undefined])).message).toBe(
      `Input 'x' (FP32): element 0 is undefined, expected a number.`,
    );
    expect(refusal(() => toTensorData('x', 'BOOL', [{ a: 1 }])).message).toBe(
      `Input 'x' (BOOL): element 0 is {"a":1}, expected true or false.`,
    );
  });
});

describe('fromTensorData', () => {
  it('gives each output the JSON values of its datatype', () => {
    expect(fromTensorData('BOOL', new Uint8Array([1, 0, 2]))).toEqual([true, false, true]);
    expect(fromTensorData('INT64', new BigInt64Array([-3n, 0n, 9007199254740991n]))).toEqual([-3, 0, 9007199254740991]);
    expect(fromTensorData('UINT64', new BigUint64Array([7n]))).toEqual([7]);
    expect(fromTensorData('BYTES', ['a', ''])).toEqual(['a', '']);
    expect(fromTensorData('INT32', new Int32Array([-1, 2]))).toEqual([-1, 2]);
    // a float32 output reads as the double nearest its float32 value, as JSON would print it
    expect(fromTensorData('FP32', new Float32Array([0.1]))).toEqual([0.10000000149011612]);
  });

  it('reads FP16 from binary16 bits, or from numbers where the runtime already decoded them', () => {
    expect(fromTensorData('FP16', new Uint16Array([0x3c00, 0xc000, 0x2e66]))).toEqual([1, -2, 0.0999755859375]);
    expect(fromTensorData('FP16', new Float32Array([0.5, -1]))).toEqual([0.5, -1]);
  });

  it('returns a fresh array: the caller may not write through it into the tensor', () => {
    const data = new Float32Array([1, 2]);
    const values = fromTensorData('FP32', data);
    values[0] = 9;
    expect(data[0]).toBe(1);
  });
});

describe('float16Bits and float16Value', () => {
  it('converts FP16 as IEEE 754 binary16 does', () => {
    // Bit patterns from the IEEE 754 binary16 tables (Wikipedia, "Half-precision floating-point format").
    const table: [number, number][] = [
      [1, 0x3c00],
      [-2, 0xc000],
      [65504, 0x7bff],
      [2 ** -14, 0x0400],
      [2 ** -24, 0x0001],
      [0.333251953125, 0x3555],
      [0, 0],
      [0.5, 0x3800],
    ];
    for (const [value, bits] of table) {
      expect(float16Bits(value)).toBe(bits);
      expect(float16Value(bits)).toBe(value);
    }
    expect(float16Bits(1 / 3)).toBe(0x3555); // rounds to nearest
  });

  // Expected bits from numpy 1.24: np.array([v], np.float64).astype(np.float16).view(np.uint16)
  it.each([
    [0.1, 0x2e66],
    [-0, 0x8000],
    [65519, 0x7bff], // just under the midpoint to the next (infinite) step: rounds down
    [65520, 0x7c00], // overflows to +infinity
    [-1e6, 0xfc00],
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
    [NaN, 0x7e00], // a quiet NaN
    [1 + 2 ** -11, 0x3c00], // a tie rounds to the even neighbour (down)
    [1 + 3 * 2 ** -11, 0x3c02], // a tie rounds to the even neighbour (up)
    [2 ** -25, 0x0000], // half the smallest subnormal: a tie, to even (zero)
    [3 * 2 ** -26, 0x0001], // above the tie: the smallest subnormal
    [2 ** -26, 0x0000], // below every subnormal
    [6.097555160522461e-5, 0x03ff], // the largest subnormal
  ])('float16Bits(%p) is %i, as numpy rounds it', (value, bits) => {
    expect(float16Bits(value)).toBe(bits);
  });

  it.each([
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
    [0x7e00, NaN],
    [0x8001, -5.960464477539063e-8],
    [0x03ff, 6.097555160522461e-5],
    [0x3bff, 0.99951171875],
    [0xc3ff, -3.998046875],
    [0x8000, -0],
  ])('float16Value(%i) is %p, as numpy reads it', (bits, value) => {
    expect(float16Value(bits)).toBe(value);
  });
});
