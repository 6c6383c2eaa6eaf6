/**
 * The workspace the metric-gate e2e suites gate in: a seeded holdout, a candidate model with
 * the weights the holdout was drawn from, and a worse baseline; the inputs that compare them.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logisticClassifierModel, writeModel } from '../harness/onnx-models.js';
import { labelledCsv } from '../harness/synthetic-data.js';

export const TRUE_WEIGHTS = [1.5, -2, 0.5];

/** A deterministic holdout: label = 1 when x·w + noise > 0. */
export const holdoutCsv = (rows: number, seed = 7): string => labelledCsv(rows, seed, TRUE_WEIGHTS);

/** A new folder with holdout.csv (800 rows), candidate.onnx (the true weights) and baseline.onnx (worse). */
export async function gateWorkspace(prefix: string): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), prefix));
  await writeFile(join(work, 'holdout.csv'), holdoutCsv(800));
  await writeModel(join(work, 'candidate.onnx'), logisticClassifierModel({ weights: TRUE_WEIGHTS, bias: 0 }));
  await writeModel(join(work, 'baseline.onnx'), logisticClassifierModel({ weights: [1, -0.3, 1.2], bias: 0.4 }));
  return work;
}

/** The candidate against the baseline on the holdout: three rules, 500 resamples. */
export const GATE_INPUTS: Record<string, string> = {
  model: 'candidate.onnx',
  dataset: 'holdout.csv',
  baseline: 'baseline.onnx',
  rules: 'f1 >= baseline - 0.01\naccuracy >= baseline\nroc_auc >= 0.8',
  'bootstrap-samples': '500',
};
