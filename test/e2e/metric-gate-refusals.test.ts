/**
 * metric-gate end to end on what it must refuse: NaN and infinite scores or labels, empty
 * holdouts, missing cells, columns that do not fit the model, bad rules, a file that is not a
 * model. Each is an error annotation naming the cause, exit 1, and never a hang.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { linearRegressorModel, writeModel } from '../harness/onnx-models.js';
import { runAction, type RunActionOptions } from '../harness/run-action.js';
import { GATE_INPUTS, gateWorkspace, holdoutCsv } from './metric-gate-fixtures.js';

let work: string;

beforeAll(async () => {
  work = await gateWorkspace('metric-gate-refusals-');
});

/** The gate on a push (no pull request, so no comment). */
function gate(extra: RunActionOptions = {}, inputs: Record<string, string> = {}) {
  return runAction('metric-gate', {
    cwd: work,
    eventName: 'push',
    event: {},
    ...extra,
    inputs: { ...GATE_INPUTS, ...inputs },
  });
}

/** An input the gate must refuse: the file it is given (name, content), its inputs, and the error's words. */
interface Refusal {
  what: string;
  file?: [string, string];
  inputs: Record<string, string>;
  message: string;
}

/** Runs the gate on a refusal's file and inputs; asserts exit 1 with the error annotation holding its words. */
async function refused({ file, inputs, message }: Refusal, extra: RunActionOptions) {
  if (file) await writeFile(join(work, file[0]), file[1]);
  const result = await gate(extra, inputs);
  expect(result.exitCode).toBe(1);
  expect(result.annotations.find((a) => a.level === 'error')!.message).toContain(message);
  return result;
}

describe('metric-gate refuses NaN, infinity and empty holdouts, and never hangs (Node 20)', () => {
  // The job's own limit is hours (360 minutes by default); a hang would run into this one.
  const quick = { timeoutMs: 60_000 };

  it('a NaN score (the hang of old: ROC AUC looped on NaN forever) is an error naming the model, output, row and count', async () => {
    // The NaN feature reaches both models (missing-values: nan); neither handles it, so their
    // scores for that row are NaN. Paired evaluation would rank them (ROC AUC, DeLong).
    await writeFile(join(work, 'nan-row.csv'), `${holdoutCsv(60).trimEnd()}\nnan,0.5,0.1,1\n`);
    const result = await gate(quick, { dataset: 'nan-row.csv', 'missing-values': 'nan', rules: 'roc_auc >= baseline' });
    expect(result.signal).toBeNull();
    expect(result.exitCode).toBe(1);
    const error = result.annotations.find((a) => a.level === 'error')!;
    expect(error.message).toContain(
      'Model candidate.onnx: output "probabilities" holds 2 NaN value(s) (2 of 122); the first at holdout row 61',
    );
    expect(error.message).toContain('Input contains NaN or infinity');
  });

  it.each<Refusal>([
    {
      what: 'an infinite regression output is an error too',
      file: ['reg.csv', 'x1,x2,x3,label\n0.5,1,2,3.5\n1,1,1,4.1\n3e38,0,0,1.5\n2,0,1,5.2\n'],
      inputs: { model: 'regressor.onnx', dataset: 'reg.csv', baseline: '', rules: 'mae <= 10' },
      message:
        'Model regressor.onnx: output "variable" holds 1 infinite value(s) (1 of 4); the first at holdout row 3 (Infinity)',
    },
    {
      what: 'a NaN label is an error naming the row and the count',
      file: ['nan-label.csv', 'x1,x2,x3,label\n0.5,1,2,1\n1,1,1,NaN\n0.1,0,0,0\n2,0,1,nan\n'],
      inputs: { dataset: 'nan-label.csv', baseline: '', rules: 'accuracy >= 0.5' },
      message: 'the label column "label" holds 2 NaN or infinite label(s); the first at data row 2 ("NaN")',
    },
    {
      what: 'a holdout without rows is an error, not accuracy 0',
      file: ['header-only.csv', 'x1,x2,x3,label\n'],
      inputs: { dataset: 'header-only.csv', baseline: '', rules: 'accuracy >= 0.5' },
      message: 'Dataset header-only.csv has no data rows',
    },
  ])('$what', async (refusal) => {
    await writeModel(join(work, 'regressor.onnx'), linearRegressorModel({ weights: [2, 1, 1], bias: 0 }));
    const result = await refused(refusal, quick);
    expect(result.outputs.verdict).toBeUndefined();
  });

  it("missing feature cells: refused by default with the fix, and with missing-values: nan the model's NaN output is named", async () => {
    await writeFile(join(work, 'gaps.csv'), `${holdoutCsv(30).trimEnd()}\n,0.5,NA,1\n`);
    const refused = await gate(quick, { dataset: 'gaps.csv', baseline: '', rules: 'accuracy >= 0.5' });
    expect(refused.exitCode).toBe(1);
    const error = refused.annotations.find((a) => a.level === 'error')!;
    expect(error.message).toContain('Dataset gaps.csv, line 32, column "x1": empty cell');
    expect(error.message).toContain('missing-values: nan');
    // This logistic model cannot take NaN itself: the cells reach it, and its NaN output is refused.
    const passed = await gate(quick, {
      dataset: 'gaps.csv',
      baseline: '',
      rules: 'accuracy >= 0.5',
      'missing-values': 'nan',
    });
    expect(passed.exitCode).toBe(1);
    expect(passed.annotations.find((a) => a.level === 'error')!.message).toContain(
      'output "probabilities" holds 2 NaN value(s) (2 of 62); the first at holdout row 31',
    );
  });
});

describe('metric-gate bad input (Node 20)', () => {
  it.each<Refusal>([
    {
      what: 'names the columns and the model input when they do not match',
      file: ['two-cols.csv', 'x1,x2,label\n0.1,0.2,1\n0.3,0.1,0\n'],
      inputs: { dataset: 'two-cols.csv' },
      message: 'expects input input: float32[N,3], but the holdout has 2 feature column(s): x1, x2',
    },
    {
      what: 'points at the line and column of a bad rule',
      inputs: { rules: 'f1 >= baseline\naccuracy => 0.9' },
      message: 'rules line 2, column 10: "=>" is not an operator; did you mean ">="?',
    },
    {
      what: 'says a baseline rule needs a baseline',
      inputs: { baseline: '', rules: 'f1 >= baseline - 0.01' },
      message: 'rules line 1, column 7: "f1 >= baseline - 0.01" compares with the baseline, but no `baseline` is set',
    },
    {
      what: 'shows a model that is not ONNX for what it is',
      file: ['not-a-model.onnx', 'this is text, not protobuf'],
      inputs: { model: 'not-a-model.onnx' },
      message: 'not-a-model.onnx is not an ONNX model onnxruntime can load',
    },
  ])('$what', async (refusal) => {
    const result = await refused(refusal, {});
    expect(result.outputs.verdict).toBeUndefined();
  });
});
