/**
 * The project's real model server (dist/model-server/index.js) deployed by real helm 3 and 4
 * into the double: after each deploy, an OIP infer request through the Service's loopback
 * port returns the deployed model's predictions (two versions, two different answers), and
 * a model whose sha256 differs never becomes ready, so helm's wait fails.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HELM_TOOLCHAINS } from '../harness/helm-tools.js';
import { clusterFixture } from './fixture.js';
import { linearRegressorModel, writeModel } from '../harness/onnx-models.js';
import { MODEL_SERVER_BUNDLE } from './index.js';
import type { K8sObject } from './status.js';
import { eventually, run, runJson, upgradeArgs } from './tools.js';

const VERSIONS = {
  1: { weights: [1, 2], bias: 0 },
  2: { weights: [3, -1], bias: 0.5 },
} as const;
const ROWS = [
  [1, 1],
  [2, 0.5],
];

const fx = clusterFixture();
let dir: string;
const models: Record<number, { uri: string; sha256: string }> = {};

beforeAll(async () => {
  if (!existsSync(MODEL_SERVER_BUNDLE))
    throw new Error(`${MODEL_SERVER_BUNDLE} is missing: build it with node scripts/build.mjs model-server`);
  dir = mkdtempSync(join(tmpdir(), 'cluster-models-'));
  for (const [version, params] of Object.entries(VERSIONS)) {
    const bytes = linearRegressorModel({ weights: [...params.weights], bias: params.bias });
    const path = await writeModel(join(dir, `v${version}`, 'model.onnx'), bytes);
    models[Number(version)] = { uri: `file://${path}`, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
});
afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** y = x·w + b, computed here, independently of onnxruntime. */
const expected = (version: 1 | 2) =>
  ROWS.map((row) => row.reduce((sum, x, i) => sum + x * VERSIONS[version].weights[i]!, VERSIONS[version].bias));

async function predict(url: string | undefined, model: string): Promise<number[]> {
  const response = await fetch(`${url}/v2/models/${model}/infer`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ inputs: [{ name: 'input', shape: [2, 2], datatype: 'FP32', data: ROWS.flat() }] }),
  });
  const body = (await response.json()) as K8sObject;
  if (response.status !== 200) throw new Error(`infer answered ${response.status}: ${JSON.stringify(body)}`);
  return body.outputs[0].data as number[];
}

describe.each(HELM_TOOLCHAINS)('helm $helmVersion deploying the model server', ({ major, helm, kubectl }) => {
  const release = `served-h${major}`;
  const ns = `serving-h${major}`;
  const deploy = (version: 1 | 2, sha256 = models[version]!.sha256, timeout = '90s') =>
    run(
      helm,
      upgradeArgs(release, ns, {
        install: true,
        createNamespace: true,
        wait: '--wait',
        timeout,
        set: [
          `model.storageUri=${models[version]!.uri}`,
          `model.sha256=${sha256}`,
          'model.name=linear',
          `model.version=${version}`,
        ],
      }),
      fx.cluster,
    );

  test('each deployed version answers with its own predictions through the Service', async () => {
    for (const version of [1, 2] as const) {
      const ran = await deploy(version);
      expect([ran.code, ran.stderr]).toEqual([0, '']);
      const got = await eventually(
        async () => {
          const out = await predict(fx.cluster.serviceUrl(ns, release), 'linear').catch(() => undefined);
          return out && Math.abs(out[0]! - expected(version)[0]!) < 1e-5 ? out : undefined;
        },
        20_000,
        `version ${version}'s predictions`,
      );
      expect(got).toHaveLength(2);
      got.forEach((y, i) => expect(y).toBeCloseTo(expected(version)[i]!, 5));
    }
    expect(expected(1)).not.toEqual(expected(2));
  });

  test("a model whose sha256 differs never becomes ready: helm's wait fails and version 2 keeps serving", async () => {
    const wrong = createHash('sha256').update('not the model').digest('hex');
    const ran = await deploy(1, wrong, '5s');
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('context deadline exceeded');
    const history = await runJson<K8sObject[]>(helm, ['history', release, '-n', ns, '-o', 'json'], fx.cluster);
    expect(history.map((r) => r.status)).toEqual(['superseded', 'deployed', 'failed']);
    // The refused pod says why in its log (the server prints the sha256 it was given).
    await eventually(
      async () => {
        const pods = await runJson(kubectl, ['get', 'pods', '-n', ns, '-o', 'json'], fx.cluster);
        const logs = pods.items.map((p: K8sObject) => fx.cluster.podLog(ns, p.metadata.name) ?? '').join('\n');
        return logs.includes(wrong) ? true : undefined;
      },
      20_000,
      'the refused pod to log the sha256 it was given',
    );
    const got = await predict(fx.cluster.serviceUrl(ns, release), 'linear');
    got.forEach((y, i) => expect(y).toBeCloseTo(expected(2)[i]!, 5));
  });
});
