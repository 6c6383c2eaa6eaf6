import { describe, expect, it } from '@jest/globals';
import { InferenceError } from './errors.js';
import { checkInferRequest, type TensorSpec } from './request.js';

// The signature of scikit-learn's logistic regression exported by skl2onnx (zipmap off).
const INPUTS: TensorSpec[] = [{ name: 'input', datatype: 'FP32', shape: [-1, 4] }];
const OUTPUTS: TensorSpec[] = [
  { name: 'label', datatype: 'INT64', shape: [-1] },
  { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
];
const row = { name: 'input', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] };

/** The 400 message a client reads for this body. */
function refusal(body: unknown, inputs: TensorSpec[] = INPUTS, outputs: TensorSpec[] = OUTPUTS): string {
  try {
    checkInferRequest(body, inputs, outputs);
  } catch (error) {
    if (!(error instanceof InferenceError)) throw error;
    expect(error.status).toBe(400);
    return error.message;
  }
  throw new Error('expected the request to be refused');
}

describe('checkInferRequest', () => {
  it('returns the typed input, the echoed id and every output in the model order', () => {
    expect(checkInferRequest({ id: 'req-7', inputs: [row] }, INPUTS, OUTPUTS)).toEqual({
      id: 'req-7',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4], data: new Float32Array([1, 2, 3, 4]) }],
      outputs: ['label', 'probabilities'],
    });
  });

  it('flattens nested data row by row, as the shape nests it', () => {
    const nested = {
      inputs: [
        {
          ...row,
          shape: [2, 4],
          data: [
            [1, 2, 3, 4],
            [5, 6, 7, 8],
          ],
        },
      ],
    };
    expect(checkInferRequest(nested, INPUTS, OUTPUTS).inputs[0]!.data).toEqual(
      new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]),
    );
  });

  it('makes a fresh UUID when the request has no id', () => {
    const first = checkInferRequest({ inputs: [row] }, INPUTS, OUTPUTS).id;
    const second = checkInferRequest({ inputs: [row] }, INPUTS, OUTPUTS).id;
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second).not.toBe(first);
  });

  it('returns only the outputs asked for, in the order asked', () => {
    const asked = { inputs: [row], outputs: [{ name: 'probabilities' }, { name: 'label' }] };
    expect(checkInferRequest(asked, INPUTS, OUTPUTS).outputs).toEqual(['probabilities', 'label']);
  });

  it('accepts an empty batch (a zero dimension and no data)', () => {
    const empty = checkInferRequest({ inputs: [{ ...row, shape: [0, 4], data: [] }] }, INPUTS, OUTPUTS);
    expect(empty.inputs[0]).toEqual({ name: 'input', datatype: 'FP32', shape: [0, 4], data: new Float32Array(0) });
  });

  it('keeps several inputs, each checked against its own spec', () => {
    const specs: TensorSpec[] = [
      { name: 'ids', datatype: 'INT64', shape: [-1] },
      { name: 'mask', datatype: 'BOOL', shape: [-1] },
    ];
    const checked = checkInferRequest(
      {
        inputs: [
          { name: 'mask', datatype: 'BOOL', shape: [2], data: [true, false] },
          { name: 'ids', datatype: 'INT64', shape: [2], data: [3, 4] },
        ],
      },
      specs,
      OUTPUTS,
    );
    expect(checked.inputs).toEqual([
      { name: 'mask', datatype: 'BOOL', shape: [2], data: new Uint8Array([1, 0]) },
      { name: 'ids', datatype: 'INT64', shape: [2], data: new BigInt64Array([3n, 4n]) },
    ]);
  });

  it.each([
    ['null', null, 'The request body must be a JSON object with an "inputs" array.'],
    ['a JSON array', [row], 'The request body must be a JSON object with an "inputs" array.'],
    ['a string', 'inputs', 'The request body must be a JSON object with an "inputs" array.'],
    ['a numeric id', { id: 7, inputs: [row] }, '"id" must be a string.'],
    ['no inputs', {}, '"inputs" must be a non-empty array; the model takes input (FP32 [-1,4]).'],
    ['empty inputs', { inputs: [] }, '"inputs" must be a non-empty array; the model takes input (FP32 [-1,4]).'],
    [
      'inputs as an object',
      { inputs: row },
      '"inputs" must be a non-empty array; the model takes input (FP32 [-1,4]).',
    ],
    [
      'an input that is not an object',
      { inputs: [7] },
      'inputs[0] must be an object with name, shape, datatype and data.',
    ],
    ['an input without a name', { inputs: [{ ...row, name: 3 }] }, 'inputs[0].name must be a string.'],
    [
      'an unknown input name',
      { inputs: [{ ...row, name: 'features' }] },
      'Unexpected input "features": the model takes input (FP32 [-1,4]).',
    ],
    ['an input given twice', { inputs: [row, row] }, 'Input "input" is given twice.'],
    [
      'a missing datatype',
      { inputs: [{ ...row, datatype: undefined }] },
      'Input "input" has datatype undefined, which is not an Open Inference Protocol datatype; the model expects FP32.',
    ],
    [
      'a lower-case datatype',
      { inputs: [{ ...row, datatype: 'fp32' }] },
      'Input "input" has datatype "fp32", which is not an Open Inference Protocol datatype; the model expects FP32.',
    ],
    [
      'another datatype than the model',
      { inputs: [{ ...row, datatype: 'FP64' }] },
      'Input "input" has datatype FP64, but the model expects FP32.',
    ],
    [
      'a shape that is not an array',
      { inputs: [{ ...row, shape: '1,4' }] },
      'Input "input" has shape "1,4"; a shape is an array of non-negative integers.',
    ],
    [
      'a fractional dimension',
      { inputs: [{ ...row, shape: [1.5, 4] }] },
      'Input "input" has shape [1.5,4]; a shape is an array of non-negative integers.',
    ],
    [
      'a missing shape',
      { inputs: [{ ...row, shape: undefined }] },
      'Input "input" has shape undefined; a shape is an array of non-negative integers.',
    ],
    [
      'one dimension too many',
      { inputs: [{ ...row, shape: [1, 1, 4] }] },
      'Input "input" has shape [1,1,4], but the model expects [-1,4] (-1: any size).',
    ],
    [
      'a fixed dimension of another size',
      { inputs: [{ ...row, shape: [1, 3], data: [1, 2, 3] }] },
      'Input "input" has shape [1,3], but the model expects [-1,4] (-1: any size).',
    ],
    ['no data', { inputs: [{ ...row, data: undefined }] }, 'Input "input" has no "data" array.'],
    [
      'more data than the shape holds',
      { inputs: [{ ...row, data: [1, 2, 3, 4, 5] }] },
      'Input "input" has 5 elements, but its shape [1,4] holds 4.',
    ],
    [
      'a nested row of the wrong length',
      { inputs: [{ ...row, shape: [2, 4], data: [[1, 2, 3, 4], [5]] }] },
      'Input "input": data[1] should be an array of 4 for shape [2,4].',
    ],
    [
      'nesting deeper than the shape',
      { inputs: [{ ...row, shape: [1, 4], data: [[1, 2, 3, [4]]] }] },
      'Input "input": data[0][3] is nested deeper than its shape [1,4].',
    ],
    [
      'too few nested rows',
      { inputs: [{ ...row, shape: [2, 4], data: [[1, 2, 3, 4]] }] },
      'Input "input": data should be an array of 2 for shape [2,4].',
    ],
    [
      'a string among the numbers',
      { inputs: [{ ...row, data: [1, 2, 'x', 4] }] },
      `Input 'input' (FP32): element 2 is "x", expected a number.`,
    ],
    [
      'outputs that are not an array',
      { inputs: [row], outputs: 'label' },
      '"outputs" must be a non-empty array of {"name": ...} objects when given.',
    ],
    [
      'empty outputs',
      { inputs: [row], outputs: [] },
      '"outputs" must be a non-empty array of {"name": ...} objects when given.',
    ],
    ['an output given as a bare string', { inputs: [row], outputs: ['label'] }, 'outputs[0].name must be a string.'],
    [
      'an unknown output',
      { inputs: [row], outputs: [{ name: 'proba' }] },
      'Unknown output "proba": the model\'s outputs are label (INT64 [-1]), probabilities (FP32 [-1,2]).',
    ],
    [
      'an output asked twice',
      { inputs: [row], outputs: [{ name: 'label' }, { name: 'label' }] },
      'Output "label" is asked for twice.',
    ],
  ])('refuses %s with a 400 that says what the model expects', (_what, body, message) => {
    expect(refusal(body)).toBe(message);
  });

  it('names the missing input and what the model needs', () => {
    const specs: TensorSpec[] = [
      { name: 'x_fp64', datatype: 'FP64', shape: [-1, 2] },
      { name: 'x_int64', datatype: 'INT64', shape: [-1, 2] },
    ];
    expect(refusal({ inputs: [{ name: 'x_fp64', datatype: 'FP64', shape: [1, 2], data: [1, 2] }] }, specs)).toBe(
      'Missing input "x_int64": the model needs x_int64 (INT64 [-1,2]).',
    );
  });

  it('quotes a hostile name shortened to 80 characters, escaped as JSON', () => {
    const name = `${'\u202e<script>'.repeat(20)}"\n`;
    const shown = JSON.stringify(`${name.slice(0, 80)}...`);
    expect(refusal({ inputs: [{ ...row, name }] })).toBe(
      `Unexpected input ${shown}: the model takes input (FP32 [-1,4]).`,
    );
    expect(refusal({ inputs: [row], outputs: [{ name }] })).toBe(
      `Unknown output ${shown}: the model's outputs are label (INT64 [-1]), probabilities (FP32 [-1,2]).`,
    );
  });

  it('checks a scalar input (an empty shape holds one element)', () => {
    const specs: TensorSpec[] = [{ name: 't', datatype: 'FP64', shape: [] }];
    expect(
      checkInferRequest({ inputs: [{ name: 't', datatype: 'FP64', shape: [], data: [0.5] }] }, specs, OUTPUTS).inputs,
    ).toEqual([{ name: 't', datatype: 'FP64', shape: [], data: new Float64Array([0.5]) }]);
    expect(refusal({ inputs: [{ name: 't', datatype: 'FP64', shape: [], data: [] }] }, specs)).toBe(
      'Input "t" has 0 elements, but its shape [] holds 1.',
    );
  });
});
