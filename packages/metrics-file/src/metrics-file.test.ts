import { describe, expect, it } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metricsFromCsv, parseMetrics, readMetricsFile } from './index.js';

// What Keras' CSVLogger writes: one row per epoch, the last one the model that was saved.
const HISTORY = 'epoch,loss,accuracy\n0,0.91,0.61\n1,0.52,0.80\n2,0.31,0.912\n';

describe('metrics files: one reader, one rule', () => {
  it('a CSV with one row per epoch counts its last row (the final epoch), not the first', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'metrics-file-'));
    const path = join(dir, 'history.csv');
    await writeFile(path, HISTORY);
    expect(await readMetricsFile(path)).toEqual({ epoch: 2, loss: 0.31, accuracy: 0.912 });
  });

  it('metric,value / name,value / key,value headers (any case) hold one metric per row', () => {
    for (const head of ['metric,value', 'Name,Value', 'key,value']) {
      expect(parseMetrics(`${head}\naccuracy,0.93\n"f1, macro",0.9\nmodel,resnet\n`, 'm.csv')).toEqual({
        accuracy: 0.93,
        'f1, macro': 0.9,
      });
    }
  });

  it('JSON and YAML: nested objects flattened, a run.json `metrics` object used directly, text skipped', () => {
    expect(parseMetrics('{"accuracy": 0.9, "per_class": {"a": 0.8}, "note": "x"}', 'm.json')).toEqual({
      accuracy: 0.9,
      'per_class.a': 0.8,
    });
    expect(parseMetrics('{"metrics": {"f1": 0.7}, "params": {"lr": 0.1}}', 'run.json')).toEqual({ f1: 0.7 });
    expect(parseMetrics('accuracy: 0.5\nloss: 1e-3\n', 'm.yaml')).toEqual({ accuracy: 0.5, loss: 0.001 });
  });

  it('ragged rows and headers without values are errors with the line', () => {
    expect(() =>
      metricsFromCsv('epoch,loss\n1,0.9\n2,0.5,extra\n', { file: 'h.csv', label: 'metrics-file h.csv' }),
    ).toThrow('metrics-file h.csv line 3: 3 values for 2 columns (epoch, loss)');
    expect(() => metricsFromCsv('epoch,loss\n', { file: 'h.csv' })).toThrow(
      'metrics file h.csv has a header row but no values',
    );
  });

  it('a missing file, and one without numbers, say so', async () => {
    await expect(readMetricsFile('/nonexistent/metrics.json')).rejects.toThrow(
      'Metrics file /nonexistent/metrics.json cannot be read: it does not exist',
    );
    const dir = await mkdtemp(join(tmpdir(), 'metrics-file-'));
    await writeFile(join(dir, 'm.json'), '{"model": "resnet"}');
    await expect(readMetricsFile(join(dir, 'm.json'))).rejects.toThrow('holds no numeric metrics');
  });
});
