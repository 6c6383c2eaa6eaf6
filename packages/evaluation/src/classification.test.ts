import { describe, expect, it } from '@jest/globals';
import { classificationMetrics } from './classification.js';

describe('classificationMetrics', () => {
  it('a class never predicted: precision 0 for it (scikit-learn zero_division), no crash', () => {
    const m = classificationMetrics('multiclass', {
      truth: Int32Array.of(0, 1, 2, 2),
      predicted: Int32Array.of(0, 1, 1, 1),
      k: 3,
      classes: ['0', '1', '2'],
    });
    expect(m.values.precision_macro).toBeCloseTo((1 + 1 / 3 + 0) / 3, 15);
    expect(m.values.recall_macro).toBeCloseTo((1 + 1 + 0) / 3, 15);
    expect(m.values.accuracy).toBe(0.5);
    expect(m.confusionMatrix).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 2, 0],
    ]);
  });
});
