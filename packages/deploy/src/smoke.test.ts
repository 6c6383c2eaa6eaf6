import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type AddressInfo } from 'node:net';
import { silentLogger } from '@mlops-gha/common';
import type { Registry } from '@mlops-gha/registry';
import { serveModel, type RunningModelServer } from '@mlops-gha/serving';
import { MODEL, seedRegistry } from '../../../test/e2e/deploy-fixtures.js';
import { resolveModel, type DeployableModel } from './model.js';
import { compareOutputs, compareSignature, smokeTest, type SmokeTestOptions } from './smoke.js';

const sig = {
  inputs: [{ name: 'input', type: 'float32', shape: ['N', 4] }],
  outputs: [
    { name: 'label', type: 'int64', shape: ['N'] },
    { name: 'probabilities', type: 'float32', shape: ['N', 3] },
  ],
};

test('signature: names, datatypes and fixed dimensions must match; symbolic dims match anything', () => {
  const inputs = [{ name: 'input', datatype: 'FP32', shape: [-1, 4] }];
  const outputs = [
    { name: 'label', datatype: 'INT64', shape: [-1] },
    { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
  ];
  expect(compareSignature(sig, inputs, outputs)).toBeUndefined();
  expect(compareSignature(sig, [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }], outputs)).toMatch(
    /inputs are \[x\], registered \[input\]/,
  );
  expect(compareSignature(sig, [{ name: 'input', datatype: 'FP64', shape: [-1, 4] }], outputs)).toMatch(
    /input input is FP64, registered FP32/,
  );
  expect(compareSignature(sig, [{ name: 'input', datatype: 'FP32', shape: [-1, 5] }], outputs)).toMatch(
    /shape \[-1, 5\], registered \[N, 4\]/,
  );
});

test('outputs: float tolerance, exact for integers and strings, first difference named', () => {
  const want = [{ name: 'p', datatype: 'FP32', shape: [2, 2], data: [0.1, 0.9, 0.25, 0.75] }];
  expect(compareOutputs(want, [{ ...want[0]!, data: [0.1000001, 0.8999999, 0.25, 0.75] }], 1e-4, 1e-5)).toBeUndefined();
  expect(
    compareOutputs(
      want,
      [
        {
          ...want[0]!,
          data: [
            [0.1, 0.9],
            [0.25, 0.75],
          ],
        },
      ],
      1e-4,
      1e-5,
    ),
  ).toBeUndefined();
  expect(compareOutputs(want, [{ ...want[0]!, data: [0.1, 0.9, 0.26, 0.75] }], 1e-4, 1e-5)).toBe(
    'output p: 1 of 4 values differ (first at index 2: got 0.26, recorded 0.25)',
  );
  expect(compareOutputs(want, [{ ...want[0]!, datatype: 'FP64' }], 1e-4, 1e-5)).toMatch(/is FP64, recorded FP32/);
  expect(compareOutputs(want, [{ ...want[0]!, shape: [4] }], 1e-4, 1e-5)).toMatch(/shape \[4\], recorded \[2,2\]/);
  expect(compareOutputs(want, [], 1e-4, 1e-5)).toMatch(/no output p/);
  const labels = [{ name: 'l', datatype: 'INT64', shape: [2], data: [1, 2] }];
  expect(compareOutputs(labels, [{ ...labels[0]!, data: [1, 3] }], 1e-4, 1e-5)).toMatch(/1 of 2 values differ/);
});

describe('smokeTest against a real model server on a registry version', () => {
  let registry: Registry;
  let model: DeployableModel;
  let server: RunningModelServer;
  beforeAll(async () => {
    ({ registry } = await seedRegistry(1));
    model = await resolveModel(registry, MODEL, { version: 1 });
    server = await serveModel(
      { uri: model.manifest.uri, sha256: model.manifest.sha256, port: 0, host: '127.0.0.1' },
      silentLogger,
    );
    await server.loaded;
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    registry?.close();
  });
  const options = (o: Partial<SmokeTestOptions> = {}): SmokeTestOptions => ({
    url: `${server.url}/`,
    model: MODEL,
    version: 1,
    signature: model.manifest.signature,
    sample: model.sample!,
    readyTimeoutMs: 10_000,
    ...o,
  });

  test('the stored sample replayed through /infer gives the recorded outputs: ready, metadata, inference, checked', async () => {
    const r = await smokeTest(options({ label: 'Service ml/iris' }));
    expect(r).toEqual({
      ok: true,
      equivalence: 'checked',
      checks: [
        { check: 'ready', ok: true, detail: `${MODEL} is ready at Service ml/iris` },
        { check: 'metadata', ok: true, detail: 'name, version and signature match the registry' },
        { check: 'inference', ok: true, detail: '16 recorded rows reproduced (label, probabilities)' },
      ],
    });
  });

  test('without a sample, one synthetic row checks the output names and shapes, and says equivalence was not possible', async () => {
    const r = await smokeTest(options({ sample: undefined }));
    expect(r.ok).toBe(true);
    expect(r.equivalence).toBe('not-possible');
    expect(r.checks[2]!.detail).toContain('no sample stored, so no equivalence check was possible');
  });

  test('another version, or another signature, than the registry records fails the metadata check', async () => {
    const v = await smokeTest(options({ version: 7 }));
    expect(v).toMatchObject({
      ok: false,
      equivalence: 'failed',
      failure: `metadata: the server serves ${MODEL} version 1, not the deployed version 7`,
    });
    const renamed = {
      ...model.manifest.signature!,
      inputs: model.manifest.signature!.inputs.map((t) => ({ ...t, name: 'features' })),
    };
    const s = await smokeTest(options({ signature: renamed }));
    expect(s.failure).toBe(
      "metadata: the served model's signature differs from the registry's: inputs are [input], registered [features]",
    );
  });

  test('recorded outputs the model does not give fail the inference check, naming the first difference', async () => {
    const sample = structuredClone(model.sample!);
    const probs = sample.outputs.find((o) => o.name === 'probabilities')!;
    probs.data = (probs.data as number[]).map((p, i) => (i === 3 ? p + 0.5 : p));
    const r = await smokeTest(options({ sample }));
    expect(r.ok).toBe(false);
    expect(r.failure).toMatch(
      /^inference: the outputs for the recorded sample differ: output probabilities: 1 of 32 values differ \(first at index 3: /,
    );
  });

  test('a server that never answers fails readiness after the timeout, with the last error', async () => {
    // a port that was just free: nothing listens there
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const closed = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise((r) => probe.close(r));
    const r = await smokeTest(options({ url: closed, readyTimeoutMs: 600 }));
    expect(r.ok).toBe(false);
    expect(r.equivalence).toBe('failed');
    expect(r.failure).toMatch(
      new RegExp(`^ready: ${closed}/v2/models/${MODEL}/ready did not answer ready within 1 s \\(last: .*ECONNREFUSED`),
    );
    expect((await smokeTest(options({ url: closed, readyTimeoutMs: 0, sample: undefined }))).equivalence).toBe(
      'not-possible',
    );
  });
});
