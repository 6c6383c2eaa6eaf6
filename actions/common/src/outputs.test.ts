import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setOutputs } from './outputs.js';
import { actionEnv } from '../../../test/harness/action-env.js';
import { parseKeyValueFile } from '../../../test/harness/file-commands.js';

const { env } = actionEnv();

/** Calls setOutputs with GITHUB_OUTPUT pointing at a fresh file; returns what the runner reads from it. */
async function outputsOf(values: Parameters<typeof setOutputs>[0]): Promise<Record<string, string>> {
  const file = join(await mkdtemp(join(tmpdir(), 'outputs-')), 'output');
  await writeFile(file, '');
  env({ GITHUB_OUTPUT: file });
  setOutputs(values);
  return parseKeyValueFile(await readFile(file, 'utf8'), 'GITHUB_OUTPUT');
}

describe('setOutputs', () => {
  it('writes strings, numbers and booleans as their text, objects as JSON', async () => {
    expect(
      await outputsOf({
        'model-uri': 's3://models/iris/v3',
        version: 3,
        passed: false,
        score: 0.875,
        metrics: { accuracy: 0.93, labels: ['a', 'b'] },
      }),
    ).toEqual({
      'model-uri': 's3://models/iris/v3',
      version: '3',
      passed: 'false',
      score: '0.875',
      metrics: '{"accuracy":0.93,"labels":["a","b"]}',
    });
  });

  it('skips undefined and null, so the output reads as empty in later steps', async () => {
    expect(await outputsOf({ present: '', absent: undefined, nothing: null, zero: 0 })).toEqual({
      present: '',
      zero: '0',
    });
  });

  it('carries a multi-line value and one that mimics the file format intact', async () => {
    const report = 'line one\nname=injected\nghadelimiter_fake';
    expect(await outputsOf({ report })).toEqual({ report });
  });
});
