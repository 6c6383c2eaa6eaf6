/**
 * Several label columns: the interpretation reads [N,K] outputs as multilabel or multi-output
 * regression, refusing what does not fit with the column, row and fix (how the readers keep
 * each column's labels is in dataset.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHoldout, type Holdout } from './dataset.js';
import type { OutputColumn, RawPredictions } from './predict.js';
import { interpretationRows, interpretPredictions } from './task.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multi-target-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  await writeFile(join(dir, name), text);
  return join(dir, name);
}

function output(name: string, type: string, width: number, values: number[]): OutputColumn {
  return { name, type, width, values: Float64Array.from(values) };
}

function raw(...outputs: OutputColumn[]): RawPredictions {
  return { rows: outputs[0]!.values.length / outputs[0]!.width, outputs };
}

describe('interpretPredictions with several label columns', () => {
  let tags: Holdout;
  let targets: Holdout;
  beforeAll(async () => {
    tags = await loadHoldout(await file('ml.csv', 'x,a,b\n1,0,1\n2,1,1\n3,1,0\n'), { labelColumns: ['a', 'b'] });
    targets = await loadHoldout(await file('mo.csv', 'x,y1,y2\n1,0.5,10\n2,1.5,20\n3,2.5,35\n'), {
      labelColumns: ['y1', 'y2'],
    });
  });

  it('0/1 columns and [N,K] scores in [0, 1]: multilabel, predicted where the score is above 0.5', () => {
    const interp = interpretPredictions(
      tags,
      [raw(output('probabilities', 'float32', 2, [0.2, 0.9, 0.5, 0.7, 0.6, 0.1]))],
      ['m.onnx'],
    );
    expect(interp.task).toBe('multilabel');
    expect(interp.reason).toContain('2 label columns of 0/1 (a, b)');
    expect(Array.from(interp.truthMatrix!)).toEqual([0, 1, 1, 1, 1, 0]);
    // 0.5 is not above the threshold: scikit-learn predicts a label only when its score exceeds 0.5.
    expect(Array.from(interp.models[0]!.predictedMatrix!)).toEqual([0, 1, 0, 1, 1, 0]);
    expect(interpretationRows(interp)).toBe(3);
  });

  it('an integer [N,K] output is the predicted labels, the float one the scores', () => {
    const interp = interpretPredictions(
      tags,
      [
        raw(
          output('label', 'int64', 2, [1, 1, 0, 0, 1, 0]),
          output('probabilities', 'float32', 2, [0.2, 0.9, 0.5, 0.7, 0.6, 0.1]),
        ),
      ],
      ['m.onnx'],
    );
    expect(Array.from(interp.models[0]!.predictedMatrix!)).toEqual([1, 1, 0, 0, 1, 0]);
    expect(interp.models[0]!.labelOutput).toBe('label');
    expect(interp.models[0]!.scoreOutput).toBe('probabilities');
  });

  it('numeric targets and a [N,K] float output: multi-output regression, row-major', () => {
    const interp = interpretPredictions(
      targets,
      [raw(output('variable', 'float32', 2, [0.4, 11, 1.6, 19, 2.4, 36]))],
      ['r.onnx'],
    );
    expect([interp.task, interp.targets, Array.from(interp.truthValues!)]).toEqual([
      'regression',
      ['y1', 'y2'],
      [0.5, 10, 1.5, 20, 2.5, 35],
    ]);
    expect(interpretationRows(interp)).toBe(3);
  });

  it('0/1 columns with unbounded outputs are a regression unless task says multilabel', () => {
    const out = raw(output('variable', 'float32', 2, [0.2, 1.4, -0.1, 0.8, 1.2, 0.3]));
    expect(interpretPredictions(tags, [out], ['r.onnx']).task).toBe('regression');
    expect(interpretPredictions(tags, [out], ['r.onnx'], 'multilabel').task).toBe('multilabel');
  });

  it('refuses what does not fit, saying what and how to fix it', () => {
    const good = raw(output('probabilities', 'float32', 2, [0.2, 0.9, 0.5, 0.7, 0.6, 0.1]));
    expect(() => interpretPredictions(tags, [good], ['m.onnx'], 'binary')).toThrow(
      'task is binary, but `label-column` names 2 columns (a, b)',
    );
    expect(() => interpretPredictions(targets, [good], ['m.onnx'], 'multilabel')).toThrow(
      'label column "y1" holds "0.5" (data row 1); multilabel columns hold 0 or 1',
    );
    expect(() =>
      interpretPredictions(tags, [raw(output('probabilities', 'float32', 3, [0, 0, 1, 0, 1, 0, 1, 0, 0]))], ['m.onnx']),
    ).toThrow('Model m.onnx: the holdout has 2 label columns (a, b), but no output of the model is [N,2]');
    expect(() =>
      interpretPredictions(targets, [raw(output('label', 'int64', 2, [0, 1, 1, 1, 1, 0]))], ['r.onnx'], 'regression'),
    ).toThrow('Model r.onnx gives no continuous [N,2] output for 2 regression targets');
    expect(() =>
      interpretPredictions(
        tags,
        [raw(output('probabilities', 'float32', 2, [0.2, NaN, 0.5, 0.7, 0.6, 0.1]))],
        ['m.onnx'],
      ),
    ).toThrow(/output "probabilities" holds 1 NaN value/);
  });

  it('task multilabel with one label column is refused', async () => {
    const one = await loadHoldout(await file('one.csv', 'x,label\n1,0\n2,1\n'));
    expect(() =>
      interpretPredictions(
        one,
        [raw(output('probabilities', 'float32', 2, [0.2, 0.8, 0.6, 0.4]))],
        ['m.onnx'],
        'multilabel',
      ),
    ).toThrow('task is multilabel, but `label-column` names one column ("label")');
  });
});
