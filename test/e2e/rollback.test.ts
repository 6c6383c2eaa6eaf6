/**
 * rollback end to end: the committed bundle on Node 24 with the real helm 3.17.3 and 4.1.4
 * against the Kubernetes API double (real model server pods). The releases are first deployed
 * with the helm-deploy bundle, as a pipeline would.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Registry } from '@mlops-gha/registry';
import { startGitHubApi, type GitHubApiDouble } from '../doubles/github-api.js';
import { HELM_TOOLCHAINS, requireHelmTools } from '../harness/helm-tools.js';
import { runAction } from '../harness/run-action.js';
import { startCluster, type Cluster } from '../cluster/index.js';
import { CHART, run } from '../cluster/tools.js';
import { MODEL, helmHistory, seedRegistry, served } from './deploy-fixtures.js';

let cluster: Cluster;
let api: GitHubApiDouble;
let registry: Registry;
let root: string;

beforeAll(async () => {
  requireHelmTools();
  cluster = await startCluster();
  // pods of this image never become ready (an image that cannot start): upgrades to it hang in --wait
  cluster.setFault({ image: 'never-ready', pod: 'never-ready' });
  api = await startGitHubApi();
  api.addToken('w', { login: 'github-actions[bot]', permission: 'write' });
  ({ root, registry } = await seedRegistry(3));
}, 300_000);
afterAll(async () => {
  await cluster?.stop();
  await api?.stop();
  registry?.close();
});

describe.each(HELM_TOOLCHAINS)('helm $helmVersion', ({ major, helm }) => {
  const release = `rb-h${major}`;
  const namespace = `rb-h${major}`;
  const rollbackAction = (inputs: Record<string, string>) =>
    runAction('rollback', {
      inputs: {
        release,
        namespace,
        helm,
        registry: root,
        'github-token': 'w',
        reason: 'p99 latency doubled',
        ...inputs,
      },
      env: cluster.env,
      node: '24',
      apiUrl: api.url,
    });
  const history = () => helmHistory(helm, release, namespace, cluster);
  const alias = async () => (await registry.listAliases(MODEL))[`prod-h${major}`]?.version;
  const errorOf = (r: { annotations: { level: string; message: string }[] }) =>
    r.annotations.find((a) => a.level === 'error')?.message ?? '';

  beforeAll(async () => {
    for (const version of ['1', '2', '3']) {
      const r = await runAction('helm-deploy', {
        inputs: {
          release,
          chart: CHART,
          namespace,
          'create-namespace': 'true',
          'model-name': MODEL,
          'model-version': version,
          registry: root,
          helm,
          timeout: '90s',
          'promote-alias': `prod-h${major}`,
        },
        env: cluster.env,
        node: '24',
      });
      if (r.exitCode !== 0) throw new Error(`setup deploy of ${version} failed:\n${r.log.join('\n')}`);
    }
  }, 600_000);

  test('dry-run prints the plan (current vs target, values diff) and changes nothing', async () => {
    const r = await rollbackAction({ 'dry-run': 'true' });
    expect([r.exitCode, errorOf(r)]).toEqual([0, '']);
    expect(r.outputs).toMatchObject({ 'from-revision': '3', 'to-revision': '2', 'model-version': '2' });
    expect(r.outputs['new-revision']).toBeUndefined();
    const log = r.log.join('\n');
    expect(log).toContain('Plan: rollback');
    expect(log).toMatch(/current: revision 3 \(deployed\), chart mlops-model-[\d.]+.*, model iris\/3/);
    expect(log).toMatch(/-\s+version: 3\n.*\+\s+version: 2/s);
    expect(r.summary).toContain('plan only (dry-run)');
    expect((await history()).map((h) => h.revision)).toEqual([1, 2, 3]);
  });

  test('default target: the newest good revision before the current one; alias moved back by CAS; audit event; Deployment', async () => {
    const r = await rollbackAction({
      alias: `prod-h${major}`,
      environment: `prod-h${major}`,
      'smoke-test-url': cluster.serviceUrl(namespace, release)!,
    });
    expect([r.exitCode, errorOf(r)]).toEqual([0, '']);
    expect(r.outputs).toEqual({ 'from-revision': '3', 'to-revision': '2', 'new-revision': '4', 'model-version': '2' });
    expect((await history()).at(-1)).toMatchObject({ revision: 4, status: 'deployed', description: 'Rollback to 2' });
    expect((await served(cluster.serviceUrl(namespace, release))).versions).toEqual(['2']);
    expect(await alias()).toBe(2);
    const audit = (await registry.listEvents(MODEL)).filter((e) => e.type === 'rollback' && e.release === release);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: 'octocat',
      reason: 'p99 latency doubled',
      from: 3,
      to: 2,
      new_revision: 4,
      version: 2,
      run_url: 'https://github.com/octo-org/octo-repo/actions/runs/1658821493',
    });
    expect(Number.isNaN(Date.parse(audit[0]!.at))).toBe(false);
    const d = api.deployments('octo-org', 'octo-repo').filter((x) => x.environment === `prod-h${major}`);
    expect(api.deploymentStatuses('octo-org', 'octo-repo', d.at(-1)!.id).map((s) => s.state)).toEqual([
      'in_progress',
      'success',
    ]);
  });

  test('to-model-version picks the revision that served it', async () => {
    const r = await rollbackAction({ 'to-model-version': '1' });
    expect([r.exitCode, errorOf(r)]).toEqual([0, '']);
    expect(r.outputs).toMatchObject({
      'from-revision': '4',
      'to-revision': '1',
      'new-revision': '5',
      'model-version': '1',
    });
    expect((await served(cluster.serviceUrl(namespace, release))).versions).toEqual(['1']);
  });

  test('bad targets are refused before anything changes', async () => {
    // a failed upgrade: revision 6 is failed
    const failed = await run(
      helm,
      [
        'upgrade',
        release,
        CHART,
        '-n',
        namespace,
        '--reuse-values',
        '--set',
        'image.repository=registry.example/never-ready',
        '--wait',
        '--timeout',
        '3s',
      ],
      cluster,
      120_000,
    );
    expect(failed.code).toBe(1);
    expect((await history()).at(-1)).toMatchObject({ revision: 6, status: 'failed' });
    const before = await history();
    const failedTarget = await rollbackAction({ 'to-revision': '6' });
    expect(failedTarget.exitCode).toBe(1);
    expect(errorOf(failedTarget)).toContain(
      'Revision 6 of rb-h' + major + ' is failed: a failed revision is never a rollback target',
    );
    const missing = await rollbackAction({ 'to-revision': '99' });
    expect(errorOf(missing)).toContain(
      'Revision 99 of rb-h' + major + ' does not exist (its history has revisions 1, 2, 3, 4, 5, 6)',
    );
    const both = await rollbackAction({ 'to-revision': '2', 'to-model-version': '2' });
    expect(errorOf(both)).toContain('`to-revision` and `to-model-version` are both set');
    const unknown = await runAction('rollback', {
      inputs: { release: 'nope', namespace, helm, reason: 'x' },
      env: cluster.env,
      node: '24',
    });
    expect(errorOf(unknown)).toContain(`The release nope does not exist in the namespace ${namespace}`);
    const noVersion = await rollbackAction({ 'to-model-version': '7' });
    expect(errorOf(noVersion)).toContain('Model version 7 is not in the history');
    expect(await history()).toEqual(before);
  });
});
