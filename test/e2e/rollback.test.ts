/**
 * rollback end to end: the committed bundle on Node 24 with the real helm 3.17.3 and 4.1.4
 * against the Kubernetes API double (real model server pods). The releases are first deployed
 * with the helm-deploy bundle, as a pipeline would.
 */
import { describe, expect, test } from '@jest/globals';
import { HELM_TOOLCHAINS } from '../harness/helm-tools.js';
import { runAction } from '../harness/run-action.js';
import { NEVER_READY, run, upgradeArgs } from '../cluster/tools.js';
import { MODEL, errorMessage, rollbackAction, expectedProbabilities, helmHistory, served } from './deploy-fixtures.js';
import { deployedRelease, deployWorld } from './deploy-world.js';

const world = deployWorld(3);

describe.each(HELM_TOOLCHAINS)('helm $helmVersion', ({ major, helm }) => {
  const release = `rb-h${major}`;
  const namespace = `rb-h${major}`;
  const rollback = (inputs: Record<string, string>) =>
    rollbackAction(
      world,
      { helm, release, namespace },
      { 'github-token': 'w', reason: 'p99 latency doubled', ...inputs },
    );
  const history = () => helmHistory(helm, release, namespace, world.cluster);
  const alias = async () => (await world.registry.listAliases(MODEL))[`prod-h${major}`]?.version;
  deployedRelease(world, { helm, release, namespace }, [1, 2, 3], { 'promote-alias': `prod-h${major}` });

  test('dry-run prints the plan (current vs target, values diff) and changes nothing', async () => {
    const r = await rollback({ 'dry-run': 'true' });
    expect([r.exitCode, errorMessage(r)]).toEqual([0, '']);
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
    const r = await rollback({
      alias: `prod-h${major}`,
      environment: `prod-h${major}`,
      'smoke-test-url': world.cluster.serviceUrl(namespace, release)!,
    });
    expect([r.exitCode, errorMessage(r)]).toEqual([0, '']);
    expect(r.outputs).toEqual({ 'from-revision': '3', 'to-revision': '2', 'new-revision': '4', 'model-version': '2' });
    expect((await history()).at(-1)).toMatchObject({ revision: 4, status: 'deployed', description: 'Rollback to 2' });
    expect((await served(world.cluster.serviceUrl(namespace, release))).versions).toEqual(['2']);
    expect(await alias()).toBe(2);
    const audit = (await world.registry.listEvents(MODEL)).filter(
      (e) => e.type === 'rollback' && e.release === release,
    );
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
    const d = world.api.deployments('octo-org', 'octo-repo').filter((x) => x.environment === `prod-h${major}`);
    expect(world.api.deploymentStatuses('octo-org', 'octo-repo', d.at(-1)!.id).map((s) => s.state)).toEqual([
      'in_progress',
      'success',
    ]);
  });

  test('to-model-version picks the revision that served it', async () => {
    const r = await rollback({ 'to-model-version': '1' });
    expect([r.exitCode, errorMessage(r)]).toEqual([0, '']);
    expect(r.outputs).toMatchObject({
      'from-revision': '4',
      'to-revision': '1',
      'new-revision': '5',
      'model-version': '1',
    });
    expect((await served(world.cluster.serviceUrl(namespace, release))).versions).toEqual(['1']);
  });

  test('bad targets are refused before anything changes', async () => {
    // a failed upgrade: revision 6 is failed
    const failed = await run(
      helm,
      upgradeArgs(release, namespace, { wait: '--wait', timeout: '3s', set: [NEVER_READY], extra: ['--reuse-values'] }),
      world.cluster,
      120_000,
    );
    expect(failed.code).toBe(1);
    expect((await history()).at(-1)).toMatchObject({ revision: 6, status: 'failed' });
    const before = await history();
    const failedTarget = await rollback({ 'to-revision': '6' });
    expect(failedTarget.exitCode).toBe(1);
    expect(errorMessage(failedTarget)).toContain(
      'Revision 6 of rb-h' + major + ' is failed: a failed revision is never a rollback target',
    );
    const missing = await rollback({ 'to-revision': '99' });
    expect(errorMessage(missing)).toContain(
      'Revision 99 of rb-h' + major + ' does not exist (its history has revisions 1, 2, 3, 4, 5, 6)',
    );
    const both = await rollback({ 'to-revision': '2', 'to-model-version': '2' });
    expect(errorMessage(both)).toContain('`to-revision` and `to-model-version` are both set');
    const unknown = await runAction('rollback', {
      inputs: { release: 'nope', namespace, helm, reason: 'x' },
      env: world.cluster.env,
      node: '24',
    });
    expect(errorMessage(unknown)).toContain(`The release nope does not exist in the namespace ${namespace}`);
    const noVersion = await rollback({ 'to-model-version': '7' });
    expect(errorMessage(noVersion)).toContain('`to-model-version` 7: iris/7 does not exist in the registry');
    expect(await history()).toEqual(before);
  });
});

describe.each(HELM_TOOLCHAINS)('helm $helmVersion: a model version pruned from the history', ({ major, helm }) => {
  const release = `rp-h${major}`;
  const namespace = `rp-h${major}`;
  const rollback = (inputs: Record<string, string>) =>
    rollbackAction(world, { helm, release, namespace }, { reason: 'version 3 misbehaves', ...inputs });
  const history = () => helmHistory(helm, release, namespace, world.cluster);
  // history-max 2: after three deploys helm keeps revisions 2 and 3 only; version 1's revision is gone
  deployedRelease(world, { helm, release, namespace }, [1, 2, 3], {
    'history-max': '2',
    'promote-alias': `pruned-h${major}`,
  });

  test('to-model-version of a pruned version redeploys it with the current chart; the plan says so; the Service serves it', async () => {
    expect((await history()).map((h) => h.revision)).toEqual([2, 3]);
    const planned = await rollback({ 'to-model-version': '1', 'dry-run': 'true' });
    expect([planned.exitCode, errorMessage(planned)]).toEqual([0, '']);
    expect(planned.log.join('\n')).toMatch(
      /Plan: redeploy .*\n(.*\n)*.*note: model version 1 is not in the history of rp-h\d \(revisions 2, 3; older ones were pruned by history-max\): it is redeployed with the current chart/,
    );
    expect(planned.log.join('\n')).toMatch(/-\s+version: 3\n(.*\n)*.*\+\s+version: 1/);
    expect((await history()).map((h) => h.revision)).toEqual([2, 3]);

    const r = await rollback({ 'to-model-version': '1', alias: `pruned-h${major}` });
    expect([r.exitCode, errorMessage(r)]).toEqual([0, '']);
    expect(r.outputs).toEqual({ 'from-revision': '3', 'new-revision': '4', 'model-version': '1' });
    expect(r.summary).toContain('redeployed (the version was no longer in the history)');
    const last = (await history()).at(-1)!;
    expect([last.revision, last.status]).toEqual([4, 'deployed']);
    expect(last.description).toMatch(/^mlops-gha: iris\/1 sha256:[0-9a-f]{12} \(redeployed by rollback\)$/);
    // the smoke test went through the release's own Service (no smoke-test-url), via the API's service proxy
    expect(r.log.join('\n')).toContain(
      `smoke test endpoint: Service ${namespace}/${release} port http (through the Kubernetes API's service proxy)`,
    );
    expect(r.log.join('\n')).toMatch(/smoke test inference: ok: 16 recorded rows reproduced/);
    const now = await served(world.cluster.serviceUrl(namespace, release));
    expect(now.versions).toEqual(['1']);
    const want = await expectedProbabilities(world.registry, 1);
    expect(now.probabilities.map((p, i) => Math.abs(p - want[i]!) < 1e-5)).toEqual(want.map(() => true));
    expect((await world.registry.listAliases(MODEL))[`pruned-h${major}`]?.version).toBe(1);
    const audit = (await world.registry.listEvents(MODEL)).filter(
      (e) => e.type === 'rollback' && e.release === release,
    );
    expect(audit.map((e) => [e.from, e.to, e.new_revision, e.version, e.redeployed, e.outcome])).toEqual([
      [3, null, 4, 1, true, 'redeployed'],
    ]);
  });
});
