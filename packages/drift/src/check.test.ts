/**
 * checkDrift end to end on real files: the fresh data profiled with the reference's types, the
 * columns compared (the label left out), prediction drift through a real ONNX model, quality
 * against the reference version's recorded metrics, and the notes when a part cannot be done.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { dirname, join } from 'node:path';
import { expected, logisticClassifierModel, writeModel } from '../../../test/harness/onnx-models.js';
import { buildProfile } from './build.js';
import { checkDrift } from './check.js';
import type { Profile } from './profile.js';
import { SeededRandom } from './random.js';
import { tempFile } from '../../../test/fixtures/drift-support.js';

const WEIGHTS = [1.2, -0.8];

/** rows of f1, f2 (normal, f1 shifted) and a label that the model gets right about 3 times in 4. */
function rows(n: number, seed: number, shift = 0): number[][] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: n }, () => {
    const f1 = Number((rng.normal() + shift).toFixed(4));
    const f2 = Number(rng.normal().toFixed(4));
    const truth = expected.sigmoid(WEIGHTS[0]! * f1 + WEIGHTS[1]! * f2) > 0.5 ? 1 : 0;
    return [f1, f2, rng.next() < 0.75 ? truth : 1 - truth];
  });
}
const csv = (r: number[][]) => `f1,f2,label\n${r.map((x) => x.join(',')).join('\n')}\n`;

let model = '';
let reference: Profile;
let referenceWithoutPredictions: Profile;
beforeAll(async () => {
  const refPath = await tempFile('reference.csv', csv(rows(600, 1)));
  model = await writeModel(
    join(dirname(refPath), 'model.onnx'),
    logisticClassifierModel({ weights: WEIGHTS, bias: 0 }),
  );
  reference = await buildProfile(refPath, { model });
  referenceWithoutPredictions = await buildProfile(refPath);
});

describe('checkDrift', () => {
  it('without a model: compares the columns but the label, and says why predictions and quality are absent', async () => {
    const current = await tempFile('current.csv', csv(rows(400, 2, 1.5)));
    const out = await checkDrift({ current, reference, referenceLabel: 'registry://churn@production' });
    expect(out.result.columns.map((c) => c.column)).toEqual(['f1', 'f2']);
    expect(out.result.drifted).toEqual(['f1']); // f1 moved by 1.5 standard deviations
    expect(out.current.rows).toBe(400);
    expect(out.predictions).toBeNull();
    expect(out.quality).toBeNull();
    expect(out.report).toContain('No model: set `model`, or use a registry reference whose version has an ONNX model.');
    expect(out.report).toContain('No `label-column`: quality not measured.');
    expect(out.report).toContain('Reference: registry://churn&#64;production (600 rows) · current: ');
  });

  it('with the model and labels: prediction drift, and quality against the recorded metrics only', async () => {
    const fresh = rows(400, 3, 1.5);
    const current = await tempFile('current.csv', csv(fresh));
    const out = await checkDrift({
      current,
      reference,
      referenceLabel: 'ref',
      model,
      labelColumn: 'label',
      referenceMetrics: { accuracy: 0.75, not_computed_here: 1 },
    });
    expect(out.predictions!.map((c) => c.column)).toEqual(['label', 'probabilities[1]']);
    expect(out.predictions!.find((c) => c.column === 'probabilities[1]')!.drifted).toBe(true);
    // accuracy by hand: the model's label (score > 0.5) against the file's label
    const right = fresh.filter(([f1, f2, y]) => (expected.sigmoid(1.2 * f1! - 0.8 * f2!) > 0.5 ? 1 : 0) === y).length;
    expect(out.quality).toEqual([{ metric: 'accuracy', reference: 0.75, current: expect.closeTo(right / 400, 12) }]);
    expect(out.report).toContain('| accuracy | 0.75 |');
  });

  it('says so when the reference has no prediction profile, or the fresh data lacks the label column', async () => {
    const current = await tempFile('current.csv', csv(rows(200, 4)).replace('f1,f2,label', 'f1,f2,y'));
    const out = await checkDrift({
      current,
      reference: referenceWithoutPredictions,
      referenceLabel: 'ref',
      model,
      labelColumn: 'label',
      columns: ['f1', 'f2'],
    });
    expect(out.predictions).toBeNull();
    expect(out.report).toContain(
      'The reference profile has no prediction profile (it was pushed without a model to run on `profile-data`).',
    );
    expect(out.quality).toBeNull();
    expect(out.report).toContain('The current data has no column "label": quality not measured.');
  });

  it('a label column without a model: quality is not measured, and the label is not compared as a feature', async () => {
    const current = await tempFile('current.csv', csv(rows(200, 5)));
    const out = await checkDrift({ current, reference, referenceLabel: 'ref', labelColumn: 'label' });
    expect(out.result.columns.map((c) => c.column)).toEqual(['f1', 'f2']);
    expect(out.report).toContain('No model: quality not measured.');
  });
});
