/**
 * registry-push's `sample-data`, `sample-rows` and `profile-data` end to end (the committed
 * bundle, Node 24): on the S3 double that honours conditional writes and on a folder, the
 * version gets sample.json and profile.json beside manifest.json (not under the files prefix
 * that `uri` names), the manifest names them with their sha256 and size, the sample's recorded
 * outputs are the model's (checked against the logistic formula computed here), and bad sample
 * data is refused with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startConditionalS3Server, type ConditionalS3Server } from '../doubles/s3-conditional.js';
import { logisticClassifierModel, writeModel } from '../harness/onnx-models.js';
import { errorMessages, runAction } from '../harness/run-action.js';
import { pushInputs } from './registry-fixtures.js';

const WEIGHTS = [0.5, -1, 2];
const BIAS = 0.1;
let s3: ConditionalS3Server;

beforeAll(async () => {
  s3 = await startConditionalS3Server({ buckets: ['models'] });
});
afterAll(() => s3.stop());

function rowsCsv(n: number): { text: string; rows: number[][] } {
  const rows = Array.from({ length: n }, (_, i) => [
    ((i * 37) % 11) / 4 - 1,
    ((i * 53) % 7) / 3 - 1,
    ((i * 17) % 5) / 2 - 1,
  ]);
  return { text: `a,b,c,label\n${rows.map((r, i) => `${r.join(',')},${i % 2}`).join('\n')}\n`, rows };
}

async function workspace(): Promise<{ dir: string; rows: number[][] }> {
  const dir = await mkdtemp(join(tmpdir(), 'registry-docs-'));
  await writeModel(join(dir, 'model.onnx'), logisticClassifierModel({ weights: WEIGHTS, bias: BIAS }));
  const data = rowsCsv(120);
  await writeFile(join(dir, 'train.csv'), data.text);
  return { dir, rows: data.rows };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('registry-push sample-data and profile-data', () => {
  it.each(['s3', 'folder'] as const)('stores sample.json and profile.json beside the manifest (%s)', async (kind) => {
    const { dir, rows } = await workspace();
    const registry = kind === 's3' ? 's3://models/docs' : 'registry';
    const result = await runAction('registry-push', {
      cwd: dir,
      env: s3.env,
      inputs: pushInputs('scorer', {
        registry,
        ...(kind === 's3' ? { 'endpoint-url': s3.endpoint } : {}),
        'sample-data': 'train.csv',
        'sample-rows': '5',
        'profile-data': 'train.csv',
      }),
    });
    expect(errorMessages(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    const manifest = JSON.parse(result.outputs.manifest!);

    const read = async (key: string): Promise<Buffer> => {
      if (kind === 'folder') return readFile(join(dir, 'registry', key));
      const got = await s3.client().send(new GetObjectCommand({ Bucket: 'models', Key: `docs/${key}` }));
      return Buffer.from(await got.Body!.transformToByteArray());
    };
    const sampleBytes = await read('scorer/versions/1/sample.json');
    const profileBytes = await read('scorer/versions/1/profile.json');
    expect(manifest.sample).toEqual({
      path: 'sample.json',
      sha256: sha256(sampleBytes),
      size: sampleBytes.length,
      rows: 5,
    });
    expect(manifest.profile).toEqual({
      path: 'profile.json',
      sha256: sha256(profileBytes),
      size: profileBytes.length,
      rows: 120,
      columns: 4,
    });

    const sample = JSON.parse(sampleBytes.toString());
    expect(sample.format).toBe('mlops-gha.sample/v1');
    expect(sample.rows).toBe(5);
    expect(sample.inputs).toEqual([
      {
        name: 'input',
        datatype: 'FP32',
        shape: [5, 3],
        data: rows
          .slice(0, 5)
          .flat()
          .map((v) => Math.fround(v)),
      },
    ]);
    const p1 = rows.slice(0, 5).map((r) => 1 / (1 + Math.exp(-(r.reduce((s, v, j) => s + v * WEIGHTS[j]!, 0) + BIAS))));
    const label = sample.outputs.find((o: { name: string }) => o.name === 'label');
    const probabilities = sample.outputs.find((o: { name: string }) => o.name === 'probabilities');
    expect(label).toEqual({ name: 'label', datatype: 'INT64', shape: [5], data: p1.map((p) => (p > 0.5 ? 1 : 0)) });
    expect(probabilities.datatype).toBe('FP32');
    expect(probabilities.shape).toEqual([5, 2]);
    probabilities.data.forEach((v: number, i: number) =>
      expect(Math.abs(v - (i % 2 ? p1[i >> 1]! : 1 - p1[i >> 1]!))).toBeLessThan(1e-6),
    );

    const profile = JSON.parse(profileBytes.toString());
    expect(profile.format).toBe('mlops-gha.profile/v1');
    expect(profile.columns.map((c: { name: string; count: number }) => [c.name, c.count])).toEqual([
      ['a', 120],
      ['b', 120],
      ['c', 120],
      ['label', 120],
    ]);
    expect(profile.predictions.map((c: { name: string }) => c.name)).toEqual(['label', 'probabilities[1]']);

    // uri still holds exactly the model files.
    if (kind === 's3') {
      const listed = await s3
        .client()
        .send(new ListObjectsV2Command({ Bucket: 'models', Prefix: 'docs/scorer/versions/1/files/' }));
      expect((listed.Contents ?? []).map((o) => o.Key)).toEqual(['docs/scorer/versions/1/files/model.onnx']);
    }
    expect(result.summary).toContain('profile.json');
  });

  it('refuses sample data that does not fit the model, with nothing written', async () => {
    const { dir } = await workspace();
    await writeFile(join(dir, 'bad.csv'), 'a,b,label\n1,2,0\n');
    const result = await runAction('registry-push', {
      cwd: dir,
      inputs: pushInputs('scorer', { 'sample-data': 'bad.csv', 'profile-data': 'train.csv' }),
    });
    expect(result.exitCode).toBe(1);
    expect(errorMessages(result)[0]).toMatch(
      /sample-data: bad\.csv has 2 feature column\(s\) \(a, b\), but model .*model\.onnx takes input with 3 per row/,
    );
    expect(result.outputs).toEqual({});
    await expect(readFile(join(dir, 'registry/scorer/versions/1/manifest.json'))).rejects.toThrow(/ENOENT/);
  });

  it('leaves a label column of another name out of the model inputs with label-column', async () => {
    const { dir, rows } = await workspace();
    await writeFile(
      join(dir, 'churn.csv'),
      (await readFile(join(dir, 'train.csv'), 'utf8')).replace('a,b,c,label', 'a,b,c,churn'),
    );
    const inputs = pushInputs('scorer', {
      'sample-data': 'churn.csv',
      'sample-rows': '3',
      'profile-data': 'churn.csv',
    });
    const without = await runAction('registry-push', { cwd: dir, inputs });
    expect(without.exitCode).toBe(1);
    expect(errorMessages(without)[0]).toMatch(
      /churn\.csv has 4 feature column\(s\) \(a, b, c, churn\), but model .*takes input with 3 per row/,
    );
    const result = await runAction('registry-push', { cwd: dir, inputs: { ...inputs, 'label-column': 'churn' } });
    expect(errorMessages(result)).toEqual([]);
    const sample = JSON.parse(await readFile(join(dir, 'registry/scorer/versions/1/sample.json'), 'utf8'));
    expect(sample.inputs[0].shape).toEqual([3, 3]);
    expect(sample.inputs[0].data).toEqual(
      rows
        .slice(0, 3)
        .flat()
        .map((v) => Math.fround(v)),
    );
    const profile = JSON.parse(await readFile(join(dir, 'registry/scorer/versions/1/profile.json'), 'utf8'));
    expect(profile.columns.map((c: { name: string }) => c.name)).toEqual(['a', 'b', 'c', 'churn']);
    expect(profile.predictions.map((c: { name: string }) => c.name)).toEqual(['label', 'probabilities[1]']);
  });
});
