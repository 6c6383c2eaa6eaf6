import { describe, expect, it } from '@jest/globals';
import type { Holdout } from './dataset.js';
import type { RawPredictions } from './predict.js';
import { rocAuc } from './ranking.js';
import { interpretPredictions } from './task.js';

describe('interpretPredictions: pos_label and non-finite scores', () => {
  const oneScore = (values: number[]): RawPredictions => ({
    rows: values.length,
    outputs: [{ name: 'p', type: 'float32', width: 1, values: Float64Array.from(values) }],
  });
  const holdoutOf = (labels: string[]): Holdout => ({
    path: 'h.csv',
    rows: labels.length,
    featureNames: ['x'],
    features: new Float32Array(labels.length),
    labelColumn: 'label',
    labels,
  });

  it('a one-score model with labels {1, 2} is binary with positive class 2, not a regression', () => {
    const interp = interpretPredictions(holdoutOf(['1', '2', '2', '1']), [oneScore([0.2, 0.9, 0.6, 0.4])], ['m.onnx']);
    expect([interp.task, interp.classes, interp.positiveClass]).toEqual(['binary', ['1', '2'], '2']);
    expect(Array.from(interp.models[0]!.probabilities!)).toEqual([
      0.8, 0.2, 0.09999999999999998, 0.9, 0.4, 0.6, 0.6, 0.4,
    ]);
    expect(Array.from(interp.truthClasses!)).toEqual([0, 1, 1, 0]);
  });

  it('pos_label names the positive class of any label type, and must be a class', () => {
    const h = holdoutOf(['no', 'yes', 'yes', 'no']);
    const raw: RawPredictions = {
      rows: 4,
      outputs: [{ name: 'label', type: 'string', width: 1, values: ['no', 'yes', 'no', 'no'] }],
    };
    const byDefault = interpretPredictions(h, [raw], ['m.onnx']);
    expect(byDefault.positiveClass).toBe('yes');
    const flipped = interpretPredictions(h, [raw], ['m.onnx'], { positiveLabel: 'no' });
    expect([flipped.classes, flipped.positiveClass, Array.from(flipped.truthClasses!)]).toEqual([
      ['yes', 'no'],
      'no',
      [1, 0, 0, 1],
    ]);
    expect(() => interpretPredictions(h, [raw], ['m.onnx'], { positiveLabel: 'maybe' })).toThrow(
      '`pos-label` is "maybe", which is not a class here (classes: no, yes)',
    );
  });

  it('NaN and infinite scores are refused with the model, output, row and count; ranking never loops on NaN', () => {
    expect(() =>
      interpretPredictions(holdoutOf(['0', '1', '1']), [oneScore([0.1, NaN, Infinity])], ['m.onnx']),
    ).toThrow(
      'Model m.onnx: output "p" holds 1 NaN and 1 infinite value(s) (2 of 3); the first at holdout row 2 (NaN)',
    );
    expect(() => rocAuc(Uint8Array.from([0, 1, 1]), [0.2, NaN, 0.4])).toThrow(
      'score NaN at row 2 is not a finite number',
    );
  });
});
