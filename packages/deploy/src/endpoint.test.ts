import { beforeAll, describe, expect, it, test } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@mlops-gha/common';
import { Helm } from '@mlops-gha/helm';
import { clusterFixture } from '../../../test/cluster/fixture.js';
import { HELM3 } from '../../../test/harness/helm-tools.js';
import { findModelService, smokeEndpoint } from './endpoint.js';
import { STANDIN_CLUSTER, installStandin } from '../../../test/fixtures/deploy-support.js';

const deployment = (name: string, labels: Record<string, string>) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  selector:
    matchLabels: ${JSON.stringify(labels)}
  template:
    metadata:
      labels: ${JSON.stringify({ ...labels, extra: 'x' })}
`;
const service = (name: string, selector: Record<string, string>, ports: string) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector: ${JSON.stringify(selector)}
  ports: ${ports}
`;

test("the Service selecting the release's pods is chosen, a port named http first", () => {
  const manifest = [
    '# Source: chart/templates/other.yaml',
    service('metrics', { app: 'exporter' }, '[{ port: 9100 }]'),
    service('iris-admin', { app: 'iris' }, '[{ name: admin, port: 9000 }]'),
    service('iris', { app: 'iris' }, '[{ name: grpc, port: 9000 }, { name: http, port: 80 }]'),
    deployment('iris', { app: 'iris' }),
  ].join('---\n');
  expect(findModelService(manifest)).toEqual({
    name: 'iris',
    port: 'http',
    why: 'the Service selecting the pods of Deployment iris',
  });
});

test('an unnamed port is addressed by number; a Service selecting nothing of the release is not taken', () => {
  const one = [service('web', { app: 'web' }, '[{ port: 8080 }]'), deployment('web', { app: 'web' })].join('---\n');
  expect(findModelService(one)).toMatchObject({ name: 'web', port: '8080' });
  const none = [service('db', { app: 'db' }, '[{ port: 5432 }]'), deployment('web', { app: 'web' })].join('---\n');
  expect(findModelService(none)).toBeUndefined();
});

test('an InferenceService is reached through the predictor Service KServe creates for it', () => {
  const manifest = `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: iris
spec:
  predictor: { model: { modelFormat: { name: onnx } } }
`;
  expect(findModelService(manifest)).toMatchObject({ name: 'iris-predictor', port: 'http' });
});

describe('smokeEndpoint on a cluster (real helm 3.17.3, the Kubernetes API double)', () => {
  const fx = clusterFixture(STANDIN_CLUSTER);
  const target = { release: 'iris', namespace: 'endpoint' };
  let helm: Helm;
  beforeAll(async () => {
    await installStandin(fx.cluster, 'iris', 'endpoint');
    helm = await Helm.detect(HELM3, { env: { ...process.env, ...fx.cluster.env } });
  }, 120_000);
  const recorder = () => {
    const lines: string[] = [];
    const logger: Logger = {
      info: (m) => void lines.push(m),
      warning: (m) => void lines.push(`warning: ${m}`),
      debug() {},
    };
    return { lines, logger };
  };

  it('`smoke-test-url` is used as given', async () => {
    const { logger } = recorder();
    expect(await smokeEndpoint({ smokeTestUrl: 'https://iris.example', helm, target, logger })).toEqual({
      url: 'https://iris.example',
    });
  });

  it("without it: the release's Service through the API server's service proxy, with the kubeconfig's access", async () => {
    const { lines, logger } = recorder();
    const e = (await smokeEndpoint({ helm, target, logger, env: fx.cluster.env }))!;
    expect(e.url).toBe(`${fx.cluster.url}/api/v1/namespaces/endpoint/services/iris:http/proxy`);
    expect(e.label).toBe("Service endpoint/iris port http (through the Kubernetes API's service proxy)");
    expect(lines).toEqual([`smoke test endpoint: ${e.label}, the Service selecting the pods of Deployment iris`]);
    // the pod answers through the proxy (the stand-in server echoes the model URI it serves)
    const infer = await e.http!(`${e.url}/v2/models/iris/infer`, { method: 'POST', body: '{}', timeoutMs: 10_000 });
    expect(infer).toMatchObject({ status: 200, body: { outputs: [{ data: ['file:///models/v1'] }] } });
  });

  it('a kubeconfig a plain client cannot use is a warning naming the file and the field, and no smoke test', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'endpoint-'));
    const file = join(dir, 'config');
    await writeFile(
      file,
      `current-context: c\ncontexts:\n- name: c\n  context: { cluster: k, user: u }\nclusters:\n- name: k\n  cluster: { server: "${fx.cluster.url}", certificate-authority: ca.pem }\nusers:\n- name: u\n  user: { token: t }\n`,
    );
    const { lines, logger } = recorder();
    expect(await smokeEndpoint({ helm, target, logger, env: { KUBECONFIG: file } })).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^warning: The release's Service iris was found, but the Kubernetes API cannot be reached to smoke-test it: The kubeconfig .*config: `certificate-authority` \(clusters\[name=k\]\.cluster\.certificate-authority\) points at .*ca\.pem, which cannot be read \(ENOENT\)\nFix: /,
    );
  });
});
