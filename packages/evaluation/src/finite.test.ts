import { describe, expect, it } from '@jest/globals';
import { requireFiniteLabels, requireFiniteOutput } from './finite.js';

describe('requireFiniteOutput', () => {
  it('lets finite outputs through, an empty output too', () => {
    expect(() => requireFiniteOutput(Float64Array.of(0, -1e308, 1e-320, 5), 2, 'm.onnx', 'p')).not.toThrow();
    expect(() => requireFiniteOutput(new Float64Array(0), 1, 'm.onnx', 'p')).not.toThrow();
  });

  it('names the model, the output, the counts and the first bad row; a [N,K] output names the column too', () => {
    let error: unknown;
    try {
      requireFiniteOutput(
        Float32Array.of(0.1, 0.9, 0.2, 0.8, 0.5, -Infinity, Infinity, 0),
        2,
        'models/c.onnx',
        'probabilities',
      );
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      name: 'UserError',
      message:
        'Model models/c.onnx: output "probabilities" holds 2 infinite value(s) (2 of 8); the first at holdout row 3 (-Infinity, column 2). Input contains NaN or infinity: no metric of these predictions would mean anything',
      fix: 'Look at holdout row 3: a missing or extreme feature value the model cannot handle gives NaN. Impute missing values before the gate (or inside the exported pipeline), or fix the model export.',
      title: 'Non-finite model output',
    });
    expect(() => requireFiniteOutput([NaN, 1, NaN], 1, 'm.onnx', 'variable')).toThrow(
      'Model m.onnx: output "variable" holds 2 NaN value(s) (2 of 3); the first at holdout row 1 (NaN).',
    );
  });
});

describe('requireFiniteLabels', () => {
  it('refuses NaN and infinite labels in any spelling, with the count and the first row', () => {
    expect(() => requireFiniteLabels(['1', 'info', 'nano', 'Infinite', '0'], 'h.csv', 'label')).not.toThrow();
    let error: unknown;
    try {
      requireFiniteLabels(['0', 'NaN', '1', '-inf', '+Infinity', 'nan'], 'data/h.csv', 'target');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      message:
        'Dataset data/h.csv: the label column "target" holds 4 NaN or infinite label(s); the first at data row 2 ("NaN"). Input contains NaN: a row without a true label cannot be scored',
      fix: 'Drop the rows without a label from the holdout set, or fix the label column.',
      location: { file: 'data/h.csv' },
      title: 'NaN label',
    });
  });
});
