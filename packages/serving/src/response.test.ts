import { describe, expect, it } from '@jest/globals';
import type { OipDatatype } from '@mlops-gha/onnx';
import { InferenceError } from './errors.js';
import { encodeInferResponse, type OutputTensor } from './response.js';

describe('encodeInferResponse', () => {
  it('writes the KServe V2 response document, byte for byte what JSON.stringify writes', () => {
    const outputs: OutputTensor[] = [
      { name: 'label', datatype: 'INT64', shape: [2], data: new BigInt64Array([1n, 0n]) },
      { name: 'probabilities', datatype: 'FP32', shape: [2, 2], data: new Float32Array([0.25, 0.75, 0.1, -0]) },
    ];
    const text = encodeInferResponse({ name: 'churn', version: '3' }, 'req-1', outputs);
    expect(text).toBe(
      JSON.stringify({
        model_name: 'churn',
        model_version: '3',
        id: 'req-1',
        outputs: [
          { name: 'label', datatype: 'INT64', shape: [2], data: [1, 0] },
          // a float32 output is written as the double nearest its float32 value
          { name: 'probabilities', datatype: 'FP32', shape: [2, 2], data: [0.25, 0.75, 0.10000000149011612, 0] },
        ],
      }),
    );
  });

  it('leaves model_version out for a model that did not come from a registry', () => {
    const text = encodeInferResponse({ name: 'local' }, 'x', []);
    expect(JSON.parse(text)).toEqual({ model_name: 'local', id: 'x', outputs: [] });
  });

  it('writes very large, very small and integer floats as JSON numbers that read back exactly', () => {
    const values = [1e21, 1e-7, 123456789012, -5e-324, 1.7976931348623157e308];
    const text = encodeInferResponse({ name: 'm' }, 'x', [
      { name: 'y', datatype: 'FP64', shape: [5], data: new Float64Array(values) },
    ]);
    expect(text).toContain(`"data":${JSON.stringify(values)}`);
    expect(JSON.parse(text).outputs[0].data).toEqual(values);
  });

  it('writes BOOL, BYTES and FP16 outputs as their JSON values', () => {
    const text = encodeInferResponse({ name: 'm' }, 'x', [
      { name: 'b', datatype: 'BOOL', shape: [2], data: new Uint8Array([1, 0]) },
      { name: 's', datatype: 'BYTES', shape: [2], data: ['say "hi"\n', 'é'] },
      // binary16 bits of 1, -2 and 0.5 (IEEE 754 half-precision tables)
      { name: 'h', datatype: 'FP16', shape: [3], data: new Uint16Array([0x3c00, 0xc000, 0x3800]) },
      { name: 'u', datatype: 'UINT8', shape: [2], data: new Uint8Array([0, 255]) },
    ]);
    expect(JSON.parse(text).outputs).toEqual([
      { name: 'b', datatype: 'BOOL', shape: [2], data: [true, false] },
      { name: 's', datatype: 'BYTES', shape: [2], data: ['say "hi"\n', 'é'] },
      { name: 'h', datatype: 'FP16', shape: [3], data: [1, -2, 0.5] },
      { name: 'u', datatype: 'UINT8', shape: [2], data: [0, 255] },
    ]);
  });

  it('escapes hostile model, id and output names so the document stays one valid JSON object', () => {
    const name = 'm","model_version":"9';
    const id = '"}\u2028<script>';
    const text = encodeInferResponse({ name }, id, [
      { name: 'o"', datatype: 'INT32', shape: [1], data: new Int32Array([4]) },
    ]);
    expect(JSON.parse(text)).toEqual({
      model_name: name,
      id,
      outputs: [{ name: 'o"', datatype: 'INT32', shape: [1], data: [4] }],
    });
  });

  it.each<[OipDatatype, Float32Array | Float64Array | Uint16Array]>([
    ['FP32', new Float32Array([1, NaN])],
    ['FP64', new Float64Array([Infinity])],
    ['FP64', new Float64Array([0, -Infinity])],
    ['FP16', new Uint16Array([0x3c00, 0x7c00])], // +infinity in binary16
    ['FP16', new Uint16Array([0x7e00])], // a binary16 NaN
  ])('refuses a %s output holding NaN or an infinity with a 500, not a null', (datatype, data) => {
    let caught: unknown;
    try {
      encodeInferResponse({ name: 'm' }, 'x', [{ name: 'scores', datatype, shape: [data.length], data }]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InferenceError);
    expect((caught as InferenceError).status).toBe(500);
    expect((caught as InferenceError).message).toBe(
      "The model's output 'scores' contains NaN or an infinity, which JSON cannot carry.",
    );
  });
});
