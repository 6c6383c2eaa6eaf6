/**
 * The example chart lints and renders cleanly with both helms, and `npm run cluster`'s CLI
 * runs in the foreground, writes the kubeconfig it prints, and stops cleanly on Ctrl-C.
 */
import { describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { HELM_TOOLCHAINS, KUBECTL4, requireHelmTools } from '../harness/helm-tools.js';
import type { K8sObject } from './status.js';
import { CHART, run } from './tools.js';

const noCluster = { env: {} };

describe.each(HELM_TOOLCHAINS)('the example chart with helm $helmVersion', ({ helm }) => {
  test('helm lint passes for the Deployment and the KServe variant', async () => {
    requireHelmTools();
    for (const extra of [[], ['--set', 'kserve.enabled=true']]) {
      const linted = await run(helm, ['lint', CHART, ...extra], noCluster);
      expect(linted.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
      expect(linted.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
      expect(linted.code).toBe(0);
    }
  });

  test('helm template renders the model identity into the Deployment, or an InferenceService instead', async () => {
    const values = [
      '--set',
      'model.name=iris',
      '--set',
      'model.version=7',
      '--set',
      'model.storageUri=s3://bucket/iris/versions/7',
      '--set',
      'model.sha256=abc',
    ];
    const plain = await run(helm, ['template', 'rel', CHART, ...values], noCluster);
    expect(plain.code).toBe(0);
    const docs = parseAllDocuments(plain.stdout).map((d) => d.toJS() as K8sObject);
    expect(docs.map((d) => d.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Service']);
    const deployment = docs.find((d) => d.kind === 'Deployment') as K8sObject;
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe('ghcr.io/OWNER/mlops-model-server:0.1.0');
    expect(container.env).toEqual(
      expect.arrayContaining([
        { name: 'MODEL_URI', value: 's3://bucket/iris/versions/7' },
        { name: 'MODEL_SHA256', value: 'abc' },
        { name: 'MODEL_NAME', value: 'iris' },
      ]),
    );
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(container.readinessProbe.httpGet.path).toBe('/v2/health/ready');
    expect(deployment.metadata.annotations).toEqual({
      'mlops-gha.dev/model-name': 'iris',
      'mlops-gha.dev/model-version': '7',
    });

    const kserve = await run(helm, ['template', 'rel', CHART, ...values, '--set', 'kserve.enabled=true'], noCluster);
    const kdocs = parseAllDocuments(kserve.stdout).map((d) => d.toJS() as K8sObject);
    expect(kdocs.map((d) => d.kind).sort()).toEqual(['ConfigMap', 'InferenceService']);
    const isvc = kdocs.find((d) => d.kind === 'InferenceService') as K8sObject;
    expect(isvc.apiVersion).toBe('serving.kserve.io/v1beta1');
    expect(isvc.spec.predictor.model).toMatchObject({
      modelFormat: { name: 'onnx' },
      protocolVersion: 'v2',
      storageUri: 's3://bucket/iris/versions/7',
    });
    expect(isvc.metadata.annotations['mlops-gha.dev/model-sha256']).toBe('abc');
  });
});

describe('npm run cluster (test/cluster/cli.ts)', () => {
  test('prints the kubeconfig path it wrote, serves kubectl, and exits 0 on SIGINT', async () => {
    requireHelmTools();
    const dir = mkdtempSync(join(tmpdir(), 'cluster-cli-'));
    const kubeconfig = join(dir, 'nested', 'kubeconfig');
    const cli = join(dirname(fileURLToPath(import.meta.url)), 'cli.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--kubeconfig', kubeconfig], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const deadline = Date.now() + 30_000;
      while (!stdout.includes('Ctrl-C stops') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(stdout).toContain(`cluster: kubeconfig ${kubeconfig}`);
      expect(existsSync(kubeconfig)).toBe(true);
      const ns = await run(KUBECTL4, ['get', 'namespaces', '-o', 'name'], {
        env: { KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'cache') },
      });
      expect(ns.stdout.split('\n')).toContain('namespace/default');
      const crd = await run(KUBECTL4, ['get', 'crd', 'inferenceservices.serving.kserve.io', '-o', 'name'], {
        env: { KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'cache') },
      });
      expect(crd.stdout.trim()).toBe(
        'customresourcedefinition.apiextensions.k8s.io/inferenceservices.serving.kserve.io',
      );
      const url = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1] as string;
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stdout).toContain('cluster: SIGINT, stopping');
      await expect(fetch(`${url}/version`)).rejects.toThrow();
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
