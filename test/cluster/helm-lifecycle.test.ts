/**
 * Real helm 3.17.3 and real helm 4.1.4 against the API double: the deploy pipeline's whole
 * release lifecycle, with statuses, descriptions and revision numbers as reference §3 says
 * real clusters give, and the pods really serving through their Service.
 */
import { describe, expect, test } from '@jest/globals';
import { HELM_TOOLCHAINS } from '../harness/helm-tools.js';
import { clusterFixture } from './fixture.js';
import { KSERVE_CRD, LOOPBACK_URL_ANNOTATION } from './index.js';
import type { K8sObject } from './status.js';
import { CHART, STANDIN_SERVER, eventually, run, runJson, upgradeArgs } from './tools.js';

const fx = clusterFixture({
  crds: [KSERVE_CRD],
  localImages: { 'mlops-model-server': [process.execPath, STANDIN_SERVER] },
});

/** What the pod behind a URL serves: the stand-in echoes its MODEL_URI. */
async function servedUri(url: string | undefined, model: string): Promise<string> {
  if (!url) throw new Error('no loopback URL');
  const response = await fetch(`${url}/v2/models/${model}/infer`, { method: 'POST', body: '{}' });
  const body = (await response.json()) as { outputs: { data: string[] }[] };
  return body.outputs[0]?.data[0] ?? '';
}

const summary = (history: K8sObject[]) => history.map((r) => [r.revision, r.status, r.description]);

describe.each(HELM_TOOLCHAINS)('helm $helmVersion', ({ major, helm, kubectl }) => {
  const release = `model-h${major}`;
  const ns = `lifecycle-h${major}`;
  const values = (version: number) => [
    '--set',
    `model.storageUri=file:///models/v${version}`,
    '--set',
    `model.version=${version}`,
    '--set',
    'model.name=iris',
  ];
  const deploy = (version: number) =>
    run(
      helm,
      [
        ...upgradeArgs(release, ns, { install: true, createNamespace: true, wait: '--wait', timeout: '60s' }),
        ...values(version),
      ],
      fx.cluster,
    );

  test('upgrade --install --wait installs revision 1, and the Service reaches the pod serving it', async () => {
    const installed = await deploy(1);
    expect(installed.stderr).toBe('');
    expect(installed.code).toBe(0);
    expect(installed.stdout).toContain(`Release "${release}" does not exist. Installing it now.`);
    expect(summary(await runJson(helm, ['history', release, '-n', ns, '-o', 'json'], fx.cluster))).toEqual([
      [1, 'deployed', 'Install complete'],
    ]);
    expect(await servedUri(fx.cluster.serviceUrl(ns, release), 'iris')).toBe('file:///models/v1');
  });

  test('a second upgrade supersedes revision 1; status, get values and list agree', async () => {
    const upgraded = await deploy(2);
    expect(upgraded.code).toBe(0);
    expect(upgraded.stdout).toContain(`Release "${release}" has been upgraded. Happy Helming!`);
    expect(summary(await runJson(helm, ['history', release, '-n', ns, '-o', 'json'], fx.cluster))).toEqual([
      [1, 'superseded', 'Install complete'],
      [2, 'deployed', 'Upgrade complete'],
    ]);
    const status = await runJson(helm, ['status', release, '-n', ns, '-o', 'json'], fx.cluster);
    expect([status.name, status.namespace, status.version, status.info.status, status.info.description]).toEqual([
      release,
      ns,
      2,
      'deployed',
      'Upgrade complete',
    ]);
    expect(status.manifest).toContain('kind: Deployment');
    expect(await runJson(helm, ['get', 'values', release, '-n', ns, '-o', 'json'], fx.cluster)).toEqual({
      model: { name: 'iris', storageUri: 'file:///models/v2', version: 2 },
    });
    const listed = await runJson<K8sObject[]>(helm, ['list', '-n', ns, '-o', 'json'], fx.cluster);
    expect(listed.map((r) => [r.name, r.namespace, r.revision, r.status, r.chart, r.app_version])).toEqual([
      [release, ns, '2', 'deployed', 'mlops-model-0.1.0', '0.1.0'],
    ]);
    expect(await servedUri(fx.cluster.serviceUrl(ns, release), 'iris')).toBe('file:///models/v2');
  });

  test('kubectl get deploy -o json and kubectl rollout status agree with what helm deployed', async () => {
    const list = await runJson(kubectl, ['get', 'deploy', '-n', ns, '-o', 'json'], fx.cluster);
    expect(list.items).toHaveLength(1);
    const d = list.items[0];
    expect(d.metadata.annotations['mlops-gha.dev/model-version']).toBe('2');
    expect(d.metadata.annotations['meta.helm.sh/release-name']).toBe(release);
    expect(d.spec.template.spec.containers[0].env).toEqual(
      expect.arrayContaining([{ name: 'MODEL_URI', value: 'file:///models/v2' }]),
    );
    expect(d.status.observedGeneration).toBe(d.metadata.generation);
    expect([d.status.replicas, d.status.updatedReplicas, d.status.readyReplicas, d.status.availableReplicas]).toEqual([
      1, 1, 1, 1,
    ]);
    const rollout = await run(
      kubectl,
      ['rollout', 'status', `deployment/${release}`, '-n', ns, '--timeout', '20s'],
      fx.cluster,
    );
    expect(rollout.stdout.trim()).toBe(`deployment "${release}" successfully rolled out`);
    expect(rollout.code).toBe(0);
    const svc = await runJson(kubectl, ['get', 'svc', release, '-n', ns, '-o', 'json'], fx.cluster);
    expect(svc.spec.clusterIP).toMatch(/^10\.96\./);
    expect(svc.metadata.annotations[LOOPBACK_URL_ANNOTATION]).toBe(fx.cluster.serviceUrl(ns, release));
  });

  test('rollback writes revision 3 "Rollback to 1" and the first model serves again', async () => {
    const rolled = await run(helm, ['rollback', release, '1', '-n', ns, '--wait', '--timeout', '60s'], fx.cluster);
    expect(rolled.stdout).toContain('Rollback was a success! Happy Helming!');
    expect(rolled.code).toBe(0);
    expect(summary(await runJson(helm, ['history', release, '-n', ns, '-o', 'json'], fx.cluster))).toEqual([
      [1, 'superseded', 'Install complete'],
      [2, 'superseded', 'Upgrade complete'],
      [3, 'deployed', 'Rollback to 1'],
    ]);
    await eventually(
      async () =>
        (await servedUri(fx.cluster.serviceUrl(ns, release), 'iris')) === 'file:///models/v1' ? true : undefined,
      10_000,
      'the v1 pod to serve',
    );
  });

  test("rollback to a revision that does not exist gives helm's own error", async () => {
    const missing = await run(helm, ['rollback', release, '9', '-n', ns], fx.cluster);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('Error: release has no 9 version');
  });

  test('release records are Secrets written in Kubernetes protobuf and read back by helm', () => {
    const writes = fx.cluster
      .requests()
      .filter((r) => ['POST', 'PUT'].includes(r.method) && r.path.startsWith(`/api/v1/namespaces/${ns}/secrets`));
    expect(writes.length).toBeGreaterThanOrEqual(3);
    expect(new Set(writes.map((w) => w.contentType))).toEqual(new Set(['application/vnd.kubernetes.protobuf']));
  });

  test('uninstall removes the release and its objects; the Service URL goes away', async () => {
    const removed = await run(helm, ['uninstall', release, '-n', ns, '--wait'], fx.cluster);
    expect(removed.stdout).toContain(`release "${release}" uninstalled`);
    expect(removed.code).toBe(0);
    expect(await runJson(helm, ['list', '-n', ns, '-o', 'json'], fx.cluster)).toEqual([]);
    const gone = await run(kubectl, ['get', 'deploy', release, '-n', ns], fx.cluster);
    expect(gone.code).toBe(1);
    expect(gone.stderr.trim()).toBe(`Error from server (NotFound): deployments.apps "${release}" not found`);
    expect(fx.cluster.serviceUrl(ns, release)).toBeUndefined();
    const pods = await runJson(kubectl, ['get', 'pods', '-n', ns, '-o', 'json'], fx.cluster);
    expect(pods.items).toEqual([]);
  });

  test('the InferenceService variant: install, upgrade, Ready with a URL that serves the model, uninstall', async () => {
    const isvc = `isvc-h${major}`;
    const kserve = (version: number) =>
      run(
        helm,
        [
          'upgrade',
          '--install',
          isvc,
          CHART,
          '-n',
          ns,
          '--wait',
          '--timeout',
          '60s',
          '--set',
          'kserve.enabled=true',
          '--set',
          `model.storageUri=file:///models/v${version}`,
          '--set',
          `model.version=${version}`,
        ],
        fx.cluster,
      );
    expect((await kserve(1)).code).toBe(0);
    expect((await kserve(2)).code).toBe(0);
    expect(summary(await runJson(helm, ['history', isvc, '-n', ns, '-o', 'json'], fx.cluster))).toEqual([
      [1, 'superseded', 'Install complete'],
      [2, 'deployed', 'Upgrade complete'],
    ]);
    const ready = await eventually(
      async () => {
        const obj = await runJson(kubectl, ['get', 'inferenceservice', isvc, '-n', ns, '-o', 'json'], fx.cluster);
        const cond = (obj.status?.conditions ?? []).find((c: K8sObject) => c.type === 'Ready');
        return cond?.status === 'True' && obj.spec.predictor.model.storageUri === 'file:///models/v2' && obj.status.url
          ? obj
          : undefined;
      },
      20_000,
      'the InferenceService to be Ready',
    );
    expect(ready.apiVersion).toBe('serving.kserve.io/v1beta1');
    expect(ready.spec.predictor.model.modelFormat).toEqual({ name: 'onnx' });
    await eventually(
      async () => ((await servedUri(ready.status.url, isvc)) === 'file:///models/v2' ? true : undefined),
      20_000,
      'the v2 predictor to serve',
    );
    expect((await run(helm, ['uninstall', isvc, '-n', ns, '--wait'], fx.cluster)).code).toBe(0);
    const predictor = await run(kubectl, ['get', 'deploy', `${isvc}-predictor`, '-n', ns], fx.cluster);
    expect(predictor.stderr.trim()).toBe(
      `Error from server (NotFound): deployments.apps "${isvc}-predictor" not found`,
    );
  });
});
