import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@mlops-gha/common';
import { commonRoot, uploadRun } from './upload.js';
import { actionEnv } from '../../../test/harness/action-env.js';
import { ArtifactServiceDouble } from '../../../test/doubles/artifact-service.js';

const { env } = actionEnv();

describe('commonRoot', () => {
  it.each([
    [['/w/out/model.onnx'], '/w/out'],
    [['/w/out/model.onnx', '/w/out/metrics.json'], '/w/out'],
    [['/w/out/model/model.onnx', '/w/out/ckpt/epoch-1.pt'], '/w/out'],
    [['/w/run.json', '/w/out/deep/er/model.onnx'], '/w'],
    [['/w/out/deep/model.onnx', '/w/run.json'], '/w'],
    [['/w/a/x', '/v/b/y'], '/'],
    // a sibling whose name starts with the root's name is not inside it
    [['/w/out/m.onnx', '/w/out2/m.onnx'], '/w'],
    // a folder named like a parent reference is still inside
    [['/w/out/..data/m.onnx', '/w/out/x'], '/w/out'],
  ])('of %j is %s', (files, root) => {
    expect(commonRoot(files)).toBe(root);
  });
});

describe('uploadRun', () => {
  let service: ArtifactServiceDouble;
  let dir: string;
  beforeAll(async () => {
    service = await ArtifactServiceDouble.start();
    dir = await mkdtemp(join(tmpdir(), 'upload-'));
    await mkdir(join(dir, 'model'));
    await writeFile(join(dir, 'run.json'), '{"run_id":"1"}\n');
    await writeFile(join(dir, 'model', 'model.onnx'), 'onnx bytes');
  });
  afterAll(async () => {
    await service.close();
  });

  it('refuses to start without the artifact service variables, saying how to fix it', async () => {
    env({ ACTIONS_RUNTIME_TOKEN: undefined, ACTIONS_RESULTS_URL: 'https://results.example/' });
    const error = await uploadRun('model', [join(dir, 'run.json')], dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      'artifact-name is set to "model" but the artifact service is not reachable: ACTIONS_RUNTIME_TOKEN or ACTIONS_RESULTS_URL is not set',
    );
    expect((error as UserError).fix).toBe(
      'Run the action as a step of a GitHub Actions job (the runner sets both), or leave `artifact-name` empty.',
    );
  });

  it('uploads the files under their paths relative to the root, and returns the id and size', async () => {
    env({ ...service.env(), GITHUB_SERVER_URL: undefined });
    const files = [join(dir, 'run.json'), join(dir, 'model', 'model.onnx')];
    const uploaded = await uploadRun('model-seed-1', files, dir);
    const stored = service.artifact('model-seed-1')!;
    expect(uploaded.id).toBe(stored.id);
    expect(uploaded.size).toBe(stored.blob!.length);
    const inside = service.files('model-seed-1');
    expect([...inside.keys()].sort()).toEqual(['model/model.onnx', 'run.json']);
    expect(inside.get('model/model.onnx')!.toString()).toBe('onnx bytes');
  });

  it('names the fix for a name already used in this run (a matrix without the matrix values)', async () => {
    env({ ...service.env(), GITHUB_SERVER_URL: undefined });
    await uploadRun('model', [join(dir, 'run.json')], dir);
    const error = await uploadRun('model', [join(dir, 'run.json')], dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/^Could not upload artifact "model": .*already exists/i);
    expect((error as UserError).fix).toBe(
      'Give each train step its own `artifact-name:` (in a matrix, include the matrix values, e.g. `model-${{ matrix.seed }}`).',
    );
  });
});
