import { describe, expect, it } from '@jest/globals';
import { isOipDatatype, oipDatatypeOf, ortTypeOf } from './index.js';

describe('the ONNX <-> Open Inference Protocol datatype table', () => {
  // KServe V2's tensor data types and onnxruntime's element type names for them
  const pairs: [string, string][] = [
    ['BOOL', 'bool'],
    ['UINT8', 'uint8'],
    ['UINT16', 'uint16'],
    ['UINT32', 'uint32'],
    ['UINT64', 'uint64'],
    ['INT8', 'int8'],
    ['INT16', 'int16'],
    ['INT32', 'int32'],
    ['INT64', 'int64'],
    ['FP16', 'float16'],
    ['FP32', 'float32'],
    ['FP64', 'float64'],
    ['BYTES', 'string'],
  ];

  it.each(pairs)('%s is onnxruntime %s, both ways', (oip, ort) => {
    expect(isOipDatatype(oip)).toBe(true);
    expect(ortTypeOf(oip as Parameters<typeof ortTypeOf>[0])).toBe(ort);
    expect(oipDatatypeOf(ort)).toBe(oip);
  });

  it('has no OIP name for element types the protocol cannot carry', () => {
    for (const ort of ['bfloat16', 'uint4', 'int4', 'complex64', 'non-tensor', ''])
      expect(oipDatatypeOf(ort)).toBe(undefined);
  });

  it('takes no inherited property or other spelling for a datatype', () => {
    for (const value of ['fp32', 'BF16', 'toString', 'constructor', '__proto__', 32, null, undefined])
      expect(isOipDatatype(value)).toBe(false);
    expect(oipDatatypeOf('toString')).toBe(undefined);
  });
});
