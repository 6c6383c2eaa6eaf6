import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RecordingLogger } from '@mlops-gha/common';
import { collectModelFiles, Registry } from '@mlops-gha/registry';
import { serveModel, type RunningModelServer } from './serve.js';
import { logisticClassifierModel, writeModel } from '../../../test/harness/onnx-models.js';

let work: string;
const servers: RunningModelServer[] = [];
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'serve-test-'));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(work, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies of every shape, checked field by field
async function get(base: string, path: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, json: await res.json() };
}

describe('serveModel', () => {
  it('names the model after the file when no name is given', async () => {
    const bytes = logisticClassifierModel({ weights: [1], bias: 0 });
    const path = await writeModel(join(work, 'unnamed', 'fraud-v2.onnx'), bytes);
    const running = await serveModel(
      { uri: `file://${join(work, 'unnamed')}`, sha256: sha256(await readFile(path)), port: 0, host: '127.0.0.1' },
      new RecordingLogger(),
    );
    servers.push(running);
    await running.loaded;
    expect((await get(running.url, '/v2/models/fraud-v2/ready')).json).toEqual({
      name: 'fraud-v2',
      ready: true,
    });
  });

  it('listens before the model is loaded, on the port it reports, and logs where and what it loads', async () => {
    const bytes = logisticClassifierModel({ weights: [1, 2], bias: 0 });
    const folder = join(work, 'logged');
    await writeModel(join(folder, 'model.onnx'), bytes);
    const logger = new RecordingLogger();
    const running = await serveModel(
      { uri: folder, sha256: sha256(bytes), port: 0, host: '127.0.0.1', name: 'churn' },
      logger,
    );
    servers.push(running);
    expect(running.port).toBeGreaterThan(0);
    expect(running.url).toBe(`http://127.0.0.1:${running.port}`);
    expect(logger.messages('info')[0]).toBe(`model-server: listening on ${running.url} (loading ${folder})`);
    expect((await get(running.url, '/v2/health/live')).status).toBe(200);
    const model = await running.loaded;
    expect(model.identity).toEqual({ name: 'churn' });
    expect(logger.messages('info')[1]).toMatch(
      new RegExp(
        `^model-server: ready: model churn from ${escape(pathToFileURL(join(folder, 'model.onnx')).href)} \\(sha256 ${sha256(bytes)} verified\\) in \\d+ ms; ` +
          'inputs input FP32\\[-1,2\\]; outputs label INT64\\[-1\\], probabilities FP32\\[-1,2\\]$',
      ),
    );
    expect(await get(running.url, '/v2/health/ready')).toEqual({ status: 200, json: { ready: true } });
  });

  it('serves a registry version under the name given over the manifest name, with the manifest version', async () => {
    const registry = Registry.open(join(work, 'registry'));
    const path = await writeModel(
      join(work, 'to-push', 'model.onnx'),
      logisticClassifierModel({ weights: [1], bias: 0 }),
    );
    const pushed = await registry.push({ name: 'fraud', files: await collectModelFiles([path]) });
    registry.close();
    const logger = new RecordingLogger();
    const running = await serveModel({ uri: pushed.uri, port: 0, host: '127.0.0.1', name: 'fraud-prod' }, logger);
    servers.push(running);
    const model = await running.loaded;
    expect(model.identity).toEqual({ name: 'fraud-prod', version: '1' });
    expect(logger.messages('info')[1]).toContain('model-server: ready: model fraud-prod version 1 from ');
    expect(logger.messages('info')[1]).toContain(' verified against its manifest) in ');
    expect((await get(running.url, '/v2/models/fraud-prod')).json).toMatchObject({
      name: 'fraud-prod',
      versions: ['1'],
    });
  });

  it('rejects `loaded` and stays unready (never serving) when the model cannot be fetched', async () => {
    const running = await serveModel(
      { uri: join(work, 'nowhere'), port: 0, host: '127.0.0.1', name: 'gone' },
      new RecordingLogger(),
    );
    servers.push(running);
    await expect(running.loaded).rejects.toThrow(join(work, 'nowhere'));
    expect(await get(running.url, '/v2/health/ready')).toEqual({
      status: 503,
      json: { error: 'Server is not ready.', ready: false },
    });
    expect((await get(running.url, '/v2/health/live')).status).toBe(200);
  });

  it('stops listening on close()', async () => {
    const bytes = logisticClassifierModel({ weights: [1], bias: 0 });
    await writeModel(join(work, 'closing', 'model.onnx'), bytes);
    const running = await serveModel(
      { uri: join(work, 'closing'), sha256: sha256(bytes), port: 0, host: '127.0.0.1' },
      new RecordingLogger(),
    );
    await running.loaded;
    await running.close();
    await expect(fetch(`${running.url}/v2/health/live`)).rejects.toThrow();
  });
});
