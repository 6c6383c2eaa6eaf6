import { describe, expect, it } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMetricGate } from './gate.js';

describe('runMetricGate on metrics files', () => {
  it('judges the final epoch of a per-epoch CSV, as the registry records it (not epoch 1)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gate-'));
    const history = join(dir, 'history.csv');
    // Keras' CSVLogger: epoch 0 is poor, the final epoch good.
    await writeFile(history, 'epoch,loss,accuracy\n0,0.91,0.61\n1,0.52,0.80\n2,0.31,0.912\n');
    const outcome = await runMetricGate({
      metrics: history,
      rules: 'accuracy >= 0.9',
      confidence: 0.95,
      bootstrapSamples: 0,
      seed: 0,
      failOn: 'fail',
    });
    expect(outcome.candidateMetrics).toEqual({ epoch: 2, loss: 0.31, accuracy: 0.912 });
    expect(outcome.decision.verdict).toBe('pass');
  });
});
