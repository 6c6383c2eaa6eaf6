import { describe, expect, it } from '@jest/globals';
import type { Holdout } from './dataset.js';
import type { OutputColumn, RawPredictions } from './predict.js';
import { rocAuc } from './ranking.js';
import { interpretationRows, interpretPredictions } from './task.js';

/** A holdout of one feature column and these labels (what loadHoldout returns, without a file). */
const holdoutOf = (labels: string[]): Holdout => ({
  path: 'h.csv',
  rows: labels.length,
  featureNames: ['x'],
  features: new Float32Array(labels.length),
  labelColumn: 'label',
  labels,
});

describe('interpretPredictions: pos_label and non-finite scores', () => {
  const oneScore = (values: number[]): RawPredictions => ({
    rows: values.length,
    outputs: [{ name: 'p', type: 'float32', width: 1, values: Float64Array.from(values) }],
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

describe('interpretPredictions: classes, roles and the task', () => {
  const out = (name: string, type: string, width: number, values: number[] | string[]): OutputColumn => ({
    name,
    type,
    width,
    values: typeof values[0] === 'string' ? (values as string[]) : Float64Array.from(values as number[]),
  });
  const raw = (...outputs: OutputColumn[]): RawPredictions => ({
    rows: outputs[0]!.values.length / outputs[0]!.width,
    outputs,
  });

  it('learns which class each probability column stands for from the label output, and reorders them', () => {
    // the model's columns are emu, cat, dog (its own order); the interpretation's classes are sorted
    const r = raw(
      out('label', 'string', 1, ['cat', 'dog', 'emu', 'cat']),
      out('probabilities', 'float32', 3, [0.1, 0.8, 0.1, 0.1, 0.2, 0.7, 0.6, 0.3, 0.1, 0.2, 0.7, 0.1]),
    );
    const interp = interpretPredictions(holdoutOf(['cat', 'dog', 'emu', 'dog']), [r], ['m.onnx']);
    expect([interp.task, interp.classes, interp.reason]).toEqual([
      'multiclass',
      ['cat', 'dog', 'emu'],
      'auto: 3 classes in the labels and predictions (cat, dog, emu); model outputs label + probabilities',
    ]);
    expect(Array.from(interp.models[0]!.probabilities!.subarray(0, 6))).toEqual([0.8, 0.1, 0.1, 0.2, 0.7, 0.1]);
    expect(Array.from(interp.models[0]!.predicted!)).toEqual([0, 1, 2, 0]);
    expect(Array.from(interp.truthClasses!)).toEqual([0, 1, 2, 1]);
    expect([interp.models[0]!.labelOutput, interp.models[0]!.scoreOutput]).toEqual(['label', 'probabilities']);
  });

  it('without a label output: integer labels 0..K-1 name the columns (absent classes too); K text labels in sorted order; else refused', () => {
    const probs = out('scores', 'float32', 3, [0.7, 0.2, 0.1, 0.1, 0.1, 0.8, 0.5, 0.4, 0.1]);
    const ints = interpretPredictions(holdoutOf(['0', '2', '0']), [raw(probs)], ['m.onnx']);
    expect([ints.classes, Array.from(ints.models[0]!.predicted!)]).toEqual([
      ['0', '1', '2'],
      [0, 2, 0],
    ]);
    const text = interpretPredictions(
      holdoutOf(['yes', 'no']),
      [raw(out('probabilities', 'float32', 2, [0.3, 0.7, 0.9, 0.1]))],
      ['m.onnx'],
    );
    expect([text.classes, text.positiveClass, Array.from(text.models[0]!.predicted!)]).toEqual([
      ['no', 'yes'],
      'yes',
      [1, 0],
    ]);
    expect(() => interpretPredictions(holdoutOf(['a', 'b', 'a']), [raw(probs)], ['m.onnx'])).toThrow(
      expect.objectContaining({
        message:
          'Model m.onnx: cannot tell which class each of the 3 columns of output scores stands for (labels seen: a, b)',
        fix: 'Use integer class labels 0..K-1 in the holdout, or export the model with a label output next to the probabilities.',
      }),
    );
  });

  it('sorts numeric classes by value (2 < 9 < 10), text ones by code point', () => {
    const numeric = interpretPredictions(
      holdoutOf(['10', '9', '2']),
      [raw(out('label', 'int64', 1, [10, 2, 2]))],
      ['m.onnx'],
    );
    expect([numeric.classes, Array.from(numeric.models[0]!.predicted!)]).toEqual([
      ['2', '9', '10'],
      [2, 0, 0],
    ]);
    const text = interpretPredictions(
      holdoutOf(['b', 'B', 'a']),
      [raw(out('label', 'string', 1, ['a', 'a', 'a']))],
      ['m.onnx'],
    );
    expect(text.classes).toEqual(['B', 'a', 'b']);
  });

  it('a one-class holdout of 0/1 labels still has both classes, with 1 positive', () => {
    const interp = interpretPredictions(
      holdoutOf(['1', '1']),
      [raw(out('label', 'int64', 1, [1, 1]), out('probabilities', 'float32', 2, [0.2, 0.8, 0.4, 0.6]))],
      ['m.onnx'],
    );
    expect([interp.task, interp.classes, interp.positiveClass]).toEqual(['binary', ['0', '1'], '1']);
  });

  it('one float output and numeric labels: a regression with the truth as numbers; a task set says so', () => {
    const value = out('variable', 'float32', 1, [1.5, -2, 30]);
    const interp = interpretPredictions(holdoutOf(['1', '-2.5', '31']), [raw(value)], ['m.onnx']);
    expect([
      interp.task,
      interp.reason,
      Array.from(interp.truthValues!),
      Array.from(interp.models[0]!.values!),
    ]).toEqual(['regression', 'auto: the model outputs one continuous value per row', [1, -2.5, 31], [1.5, -2, 30]]);
    // 0/1 labels, but values outside [0, 1]: not a probability, so a regression
    expect(interpretPredictions(holdoutOf(['0', '1', '1']), [raw(value)], ['m.onnx']).task).toBe('regression');
    expect(interpretPredictions(holdoutOf(['0', '1', '1']), [raw(value)], ['m.onnx'], 'regression').reason).toBe(
      'task: regression (as set)',
    );
    expect(() =>
      interpretPredictions(holdoutOf(['0', '1']), [raw(out('label', 'int64', 1, [0, 1]))], ['c.onnx'], 'regression'),
    ).toThrow('Model c.onnx gives no continuous output for regression (outputs: label: int64[N])');
  });

  it('a task set is checked against the classes; outputs that are no predictions are refused with the signature', () => {
    const labels = raw(out('label', 'int64', 1, [0, 1, 2]));
    expect(() => interpretPredictions(holdoutOf(['0', '1', '2']), [labels], ['m.onnx'], 'binary')).toThrow(
      'task is binary, but the labels and predictions hold 3 classes (0, 1, 2)',
    );
    expect(
      interpretPredictions(
        holdoutOf(['0', '1', '1']),
        [raw(out('label', 'int64', 1, [0, 1, 1]))],
        ['m.onnx'],
        'multiclass',
      ).reason,
    ).toBe('task: multiclass (as set); 2 classes');
    expect(() =>
      interpretPredictions(holdoutOf(['0', '1', '2']), [labels], ['m.onnx'], { positiveLabel: '1' }),
    ).toThrow(
      '`pos-label` is "1", but the labels and predictions hold 3 classes (0, 1, 2): pos_label applies to binary tasks only',
    );
    expect(() =>
      interpretPredictions(
        holdoutOf(['0', '1', '2']),
        [raw(out('p', 'float32', 1, [0.1, 0.5, 0.9]))],
        ['m.onnx'],
        'multiclass',
      ),
    ).toThrow('The labels and predictions hold 3 classes (0, 1, 2), but a model gives one score per row');
    expect(() => interpretPredictions(holdoutOf(['0']), [raw(out('emb', 'int64', 3, [1, 2, 3]))], ['m.onnx'])).toThrow(
      'Model m.onnx: none of its outputs (emb: int64[N,3]) reads as predictions: expected a label [N], probabilities [N,K] or a value [N,1]',
    );
  });

  it('interpretationRows counts holdout rows whatever the task', () => {
    const classes = interpretPredictions(
      holdoutOf(['0', '1', '1']),
      [raw(out('label', 'int64', 1, [0, 1, 1]))],
      ['m.onnx'],
    );
    expect(interpretationRows(classes)).toBe(3);
    expect(
      interpretationRows({
        task: 'regression',
        reason: '',
        truthValues: new Float64Array(8),
        targets: ['a', 'b'],
        models: [],
      }),
    ).toBe(4);
    expect(
      interpretationRows({
        task: 'multilabel',
        reason: '',
        truthMatrix: new Uint8Array(9),
        targets: ['a', 'b', 'c'],
        models: [],
      }),
    ).toBe(3);
  });
});
