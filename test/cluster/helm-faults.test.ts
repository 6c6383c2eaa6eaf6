/**
 * Faults, with real helm 3.17.3 and 4.1.4: each answer is helm's own (text and exit code),
 * produced by helm reading the double's state, not by the double imitating helm.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { HELM_TOOLCHAINS } from '../harness/helm-tools.js';
import { clusterFixture } from './fixture.js';
import type { K8sObject } from './status.js';
import { CHART, NEVER_READY, STANDIN_SERVER, eventually, leavePending, run, runJson, upgradeArgs } from './tools.js';

const fx = clusterFixture({ localImages: { 'mlops-model-server': [process.execPath, STANDIN_SERVER] } }, [
  { image: 'never-ready', pod: 'never-ready' },
  { image: 'crash-loop', pod: 'crash-loop' },
]);

const statuses = (history: K8sObject[]) => history.map((r) => [r.revision, r.status]);

describe.each(HELM_TOOLCHAINS)('helm $helmVersion', ({ major, helm, kubectl }) => {
  const ns = `faults-h${major}`;
  const good = ['--set', 'model.storageUri=file:///models/v1'];
  const install = (release: string) =>
    run(
      helm,
      ['upgrade', '--install', release, CHART, '-n', ns, '--create-namespace', '--wait', '--timeout', '60s', ...good],
      fx.cluster,
    );
  const history = (release: string) =>
    runJson<K8sObject[]>(helm, ['history', release, '-n', ns, '-o', 'json'], fx.cluster);

  test("a wait that times out gives this version's error text and exit code 1; the revision is failed", async () => {
    const release = 'timeout';
    expect((await install(release)).code).toBe(0);
    const failed = await run(
      helm,
      upgradeArgs(release, ns, { wait: '--wait', timeout: '3s', set: [NEVER_READY] }),
      fx.cluster,
    );
    expect(failed.code).toBe(1);
    if (major === 3) {
      expect(failed.stderr.trim()).toBe('Error: UPGRADE FAILED: context deadline exceeded');
    } else {
      expect(failed.stderr).toContain(
        `Error: UPGRADE FAILED: resource Deployment/${ns}/${release} not ready. status: InProgress, message: `,
      );
      expect(failed.stderr.trim().endsWith('context deadline exceeded')).toBe(true);
    }
    const records = await history(release);
    expect(statuses(records)).toEqual([
      [1, 'deployed'],
      [2, 'failed'],
    ]);
    expect(records[1]?.description).toMatch(
      new RegExp(`^Upgrade "${release}" failed: .*context deadline exceeded$`, 's'),
    );
    // The old pod keeps serving while the new one never becomes ready, as on a real fx.cluster.
    const d = await runJson(kubectl, ['get', 'deploy', release, '-n', ns, '-o', 'json'], fx.cluster);
    expect(d.status.conditions.find((c: K8sObject) => c.type === 'Available').status).toBe('True');
    expect(d.status.updatedReplicas).toBe(1);
    expect(d.status.readyReplicas).toBe(1);
    expect(d.status.replicas).toBe(2);
  });

  test(`a failed upgrade with ${major === 3 ? '--atomic' : '--rollback-on-failure'} ends on the previous revision`, async () => {
    const release = 'atomic';
    expect((await install(release)).code).toBe(0);
    const flag = major === 3 ? '--atomic' : '--rollback-on-failure';
    const failed = await run(
      helm,
      [
        'upgrade',
        release,
        CHART,
        '-n',
        ns,
        flag,
        '--timeout',
        '3s',
        '--set',
        'image.repository=registry.example/crash-loop',
      ],
      fx.cluster,
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(
      `Error: UPGRADE FAILED: release ${release} failed, and has been rolled back due to ${major === 3 ? 'atomic' : 'rollback-on-failure'} being set: `,
    );
    const records = await history(release);
    expect(records.map((r) => [r.revision, r.status, r.description.split(':')[0]])).toEqual([
      [1, 'superseded', 'Install complete'],
      [2, 'failed', `Upgrade "${release}" failed`],
      [3, 'deployed', 'Rollback to 1'],
    ]);
    const d = await runJson(kubectl, ['get', 'deploy', release, '-n', ns, '-o', 'json'], fx.cluster);
    expect(d.spec.template.spec.containers[0].image).toBe('ghcr.io/OWNER/mlops-model-server:0.1.0');
  });

  test('a release left pending-upgrade by a killed helm answers the next upgrade with "another operation ... is in progress"', async () => {
    const release = 'pending';
    expect((await install(release)).code).toBe(0);
    await leavePending(helm, release, ns, fx.cluster, 2);
    const next = await run(helm, ['upgrade', release, CHART, '-n', ns, ...good], fx.cluster);
    expect(next.code).toBe(1);
    expect(next.stderr.trim()).toBe(
      'Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress',
    );
    expect(statuses(await history(release))).toEqual([
      [1, 'deployed'],
      [2, 'pending-upgrade'],
    ]);
  });

  test('a crash-looping image shows CrashLoopBackOff and restarts in the pod status', async () => {
    const release = 'crashing';
    const child = run(
      helm,
      ['upgrade', '--install', release, CHART, '-n', ns, '--set', 'image.repository=registry.example/crash-loop'],
      fx.cluster,
    );
    expect((await child).code).toBe(0);
    const pod = await eventually(
      async () => {
        const pods = await runJson(
          kubectl,
          ['get', 'pods', '-n', ns, '-l', `app.kubernetes.io/instance=${release}`, '-o', 'json'],
          fx.cluster,
        );
        const status = pods.items[0]?.status?.containerStatuses?.[0];
        return status?.restartCount >= 1 ? status : undefined;
      },
      20_000,
      'a restart',
    );
    expect(pod.state.waiting.reason).toBe('CrashLoopBackOff');
    expect(pod.ready).toBe(false);
  });
});

describe('the API stops answering', () => {
  afterEach(() => fx.cluster.clearFaults());

  test.each(HELM_TOOLCHAINS)(
    'helm $helmVersion reports the cluster unreachable when connections drop',
    async ({ major, helm }) => {
      fx.cluster.setFault({ api: 'refuse' });
      const ran = await run(helm, ['status', 'anything', '-n', 'default'], fx.cluster, 30_000);
      expect(ran.code).toBe(1);
      expect(ran.stderr).toContain(
        major === 3 ? 'Error: Kubernetes cluster unreachable: ' : 'Error: kubernetes cluster unreachable: ',
      );
    },
  );

  test.each(HELM_TOOLCHAINS)(
    'kubectl $kubectlVersion gives up on an API that accepts connections but never answers',
    async ({ kubectl }) => {
      fx.cluster.setFault({ api: 'hang' });
      const ran = await run(
        kubectl,
        ['get', 'configmaps', '-n', 'default', '--request-timeout=2s'],
        fx.cluster,
        30_000,
      );
      expect(ran.code).toBe(1);
      expect(ran.stderr).toMatch(/Client.Timeout|context deadline exceeded|i\/o timeout|Timeout exceeded/);
    },
  );
});

describe('rollouts as kubectl rollout status sees them', () => {
  afterEach(() => fx.cluster.clearFaults());

  const deployment = (name: string, image: string, progressDeadlineSeconds?: number) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      ...(progressDeadlineSeconds ? { progressDeadlineSeconds } : {}),
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
    },
  });
  const create = async (obj: object) => {
    const response = await fetch(`${fx.cluster.url}/apis/apps/v1/namespaces/default/deployments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(obj),
    });
    expect(response.status).toBe(201);
  };
  const [, latest] = HELM_TOOLCHAINS;

  test('a slow rollout is waited for, with the progress lines kubectl prints', async () => {
    fx.cluster.setFault({ podStartDelayMs: 5000 });
    await create(deployment('slow', 'nginx:1.27'));
    const ran = await run(latest.kubectl, ['rollout', 'status', 'deployment/slow', '--timeout', '30s'], fx.cluster);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain(
      'Waiting for deployment "slow" rollout to finish: 0 of 1 updated replicas are available...',
    );
    expect(ran.stdout.trim().endsWith('deployment "slow" successfully rolled out')).toBe(true);
  });

  test('a rollout past progressDeadlineSeconds reports ProgressDeadlineExceeded', async () => {
    fx.cluster.setFault({ image: 'never-ready', pod: 'never-ready' });
    await create(deployment('stuck', 'registry.example/never-ready:1', 1));
    const ran = await run(latest.kubectl, ['rollout', 'status', 'deployment/stuck', '--timeout', '30s'], fx.cluster);
    expect(ran.code).toBe(1);
    expect(ran.stderr.trim()).toBe('error: deployment "stuck" exceeded its progress deadline');
    const d = await runJson(latest.kubectl, ['get', 'deployment', 'stuck', '-o', 'json'], fx.cluster);
    expect(d.status.conditions.find((c: K8sObject) => c.type === 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
    });
  });
});
