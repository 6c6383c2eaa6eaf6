import { beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingLogger, UserError } from '@mlops-gha/common';
import { collectModelFiles, Registry } from '@mlops-gha/registry';
import { resolveRegistryBaseline } from './registry-baseline.js';
import { logisticClassifierModel } from '../../../test/harness/onnx-models.js';

// A registry in a local folder (what registry-push writes to s3:// or a path), with three versions of iris:
// 1: model.onnx + metrics (alias production), 2: model.onnx only, 3: a pickle, no metrics.
let registryUrl: string;
const METRICS = { accuracy: 0.93, f1: 0.91 };
const V1 = Buffer.from(logisticClassifierModel({ weights: [1, -1], bias: 0 }));
const V2 = Buffer.from(logisticClassifierModel({ weights: [2, -1], bias: 0.5 }));
beforeAll(async () => {
  const work = await mkdtemp(join(tmpdir(), 'baseline-'));
  registryUrl = join(work, 'registry');
  const write = async (name: string, bytes: Buffer | string) => {
    const path = join(work, 'src', name);
    await writeFile(path, bytes);
    return path;
  };
  await mkdir(join(work, 'src'));
  const registry = Registry.open(registryUrl);
  try {
    await registry.push({
      name: 'iris',
      files: await collectModelFiles([await write('model.onnx', V1)]),
      metrics: METRICS,
      alias: 'production',
    });
    await registry.push({
      name: 'iris',
      files: await collectModelFiles([await write('model.onnx', V2)]),
    });
    await registry.push({ name: 'iris', files: await collectModelFiles([await write('model.pkl', 'pickle')]) });
  } finally {
    registry.close();
  }
});

const options = (prefer: 'onnx' | 'metrics', logger = new RecordingLogger()) => ({ logger, prefer });

describe('resolveRegistryBaseline', () => {
  it('refuses a registry reference when `registry` is not set, saying what to set', async () => {
    const error = await resolveRegistryBaseline(
      'registry://iris@production',
      undefined,
      tmpdir(),
      options('onnx'),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      'The baseline registry://iris@production is a registry reference, but `registry` is not set',
    );
    expect((error as UserError).fix).toBe(
      'Set `registry:` to the registry root (s3://bucket/prefix or a folder), as given to registry-push.',
    );
  });

  it('downloads the aliased version and gives its .onnx model when the candidate is a model', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baseline-dl-'));
    const logger = new RecordingLogger();
    const baseline = await resolveRegistryBaseline(
      'registry://iris@production',
      registryUrl,
      dir,
      options('onnx', logger),
    );
    expect(baseline).toEqual({
      kind: 'onnx',
      path: join(dir, 'iris-1', 'model.onnx'),
      label: 'registry://iris@production (version 1)',
    });
    expect(await readFile(baseline.path)).toEqual(V1);
    expect(logger.messages('info')).toContain(
      `Baseline registry://iris@production (version 1): 1 file(s) from ${registryUrl}`,
    );
  });

  it('gives the manifest metrics as a metrics file when metrics are preferred', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baseline-dl-'));
    const baseline = await resolveRegistryBaseline('registry://iris/1', registryUrl, dir, options('metrics'));
    expect(baseline).toEqual({
      kind: 'metrics',
      path: join(dir, 'iris-1', 'manifest-metrics.json'),
      label: 'registry://iris/1 (version 1)',
    });
    expect(JSON.parse(await readFile(baseline.path, 'utf8'))).toEqual(METRICS);
  });

  it('falls back to the .onnx model of a version without metrics, even when metrics are preferred', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baseline-dl-'));
    const baseline = await resolveRegistryBaseline('registry://iris/2', registryUrl, dir, options('metrics'));
    expect(baseline.kind).toBe('onnx');
    expect(await readFile(baseline.path)).toEqual(V2);
  });

  it('refuses a version with neither an .onnx file nor metrics, saying what to push', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baseline-dl-'));
    const error = await resolveRegistryBaseline('registry://iris/3', registryUrl, dir, options('onnx')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      'The baseline registry://iris/3 (version 3) has neither an .onnx file nor metrics in its manifest',
    );
    expect((error as UserError).fix).toBe(
      'Push the baseline with its .onnx model (registry-push `model:`) or its metrics (`metrics-file:`).',
    );
  });

  it('passes on the registry refusal of an alias that does not exist', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baseline-dl-'));
    await expect(resolveRegistryBaseline('registry://iris@staging', registryUrl, dir, options('onnx'))).rejects.toThrow(
      'staging',
    );
  });
});
