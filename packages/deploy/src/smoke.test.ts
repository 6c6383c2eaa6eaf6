import { expect, test } from '@jest/globals';
import { compareOutputs, compareSignature } from './smoke.js';

const sig = {
  inputs: [{ name: 'input', type: 'float32', shape: ['N', 4] }],
  outputs: [
    { name: 'label', type: 'int64', shape: ['N'] },
    { name: 'probabilities', type: 'float32', shape: ['N', 3] },
  ],
};

test('signature: names, datatypes and fixed dimensions must match; symbolic dims match anything', () => {
  const inputs = [{ name: 'input', datatype: 'FP32', shape: [-1, 4] }];
  const outputs = [
    { name: 'label', datatype: 'INT64', shape: [-1] },
    { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
  ];
  expect(compareSignature(sig, inputs, outputs)).toBeUndefined();
  expect(compareSignature(sig, [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }], outputs)).toMatch(
    /inputs are \[x\], registered \[input\]/,
  );
  expect(compareSignature(sig, [{ name: 'input', datatype: 'FP64', shape: [-1, 4] }], outputs)).toMatch(
    /input input is FP64, registered FP32/,
  );
  expect(compareSignature(sig, [{ name: 'input', datatype: 'FP32', shape: [-1, 5] }], outputs)).toMatch(
    /shape \[-1, 5\], registered \[N, 4\]/,
  );
});

test('outputs: float tolerance, exact for integers and strings, first difference named', () => {
  const want = [{ name: 'p', datatype: 'FP32', shape: [2, 2], data: [0.1, 0.9, 0.25, 0.75] }];
  expect(compareOutputs(want, [{ ...want[0]!, data: [0.1000001, 0.8999999, 0.25, 0.75] }], 1e-4, 1e-5)).toBeUndefined();
  expect(
    compareOutputs(
      want,
      [
        {
          ...want[0]!,
          data: [
            [0.1, 0.9],
            [0.25, 0.75],
          ],
        },
      ],
      1e-4,
      1e-5,
    ),
  ).toBeUndefined();
  expect(compareOutputs(want, [{ ...want[0]!, data: [0.1, 0.9, 0.26, 0.75] }], 1e-4, 1e-5)).toBe(
    'output p: 1 of 4 values differ (first at index 2: got 0.26, recorded 0.25)',
  );
  expect(compareOutputs(want, [{ ...want[0]!, datatype: 'FP64' }], 1e-4, 1e-5)).toMatch(/is FP64, recorded FP32/);
  expect(compareOutputs(want, [{ ...want[0]!, shape: [4] }], 1e-4, 1e-5)).toMatch(/shape \[4\], recorded \[2,2\]/);
  expect(compareOutputs(want, [], 1e-4, 1e-5)).toMatch(/no output p/);
  const labels = [{ name: 'l', datatype: 'INT64', shape: [2], data: [1, 2] }];
  expect(compareOutputs(labels, [{ ...labels[0]!, data: [1, 3] }], 1e-4, 1e-5)).toMatch(/1 of 2 values differ/);
});
