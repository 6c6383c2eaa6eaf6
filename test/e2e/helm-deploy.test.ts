/**
 * helm-deploy end to end: the committed bundle, run as the runner runs it on Node 24, with the
 * real helm 3.17.3 and 4.1.4 against the Kubernetes API double whose pods run the real model
 * server. What is checked is what a user sees: helm's history, what the pods serve, the
 * Deployment statuses GitHub received, the registry's alias and events, outputs and messages.
 */
import { describe, expect, test } from '@jest/globals';
import { HELM_TOOLCHAINS } from '../harness/helm-tools.js';
import { errorMessages, runAction, startAction } from '../harness/run-action.js';
import { eventually, leavePending } from '../cluster/tools.js';
import { MODEL, deployInputs, expectedProbabilities, helmHistory, served } from './deploy-fixtures.js';
import { deployWorld } from './deploy-world.js';

// versions 1 and 2 are good; version 3's stored sample records outputs the model does not give
const world = deployWorld(3, { badSampleVersion: 3 });

const closeTo = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) < 1e-5);

describe.each(HELM_TOOLCHAINS)('helm $helmVersion', ({ major, helm }) => {
  const release = `iris-h${major}`;
  const namespace = `ml-h${major}`;
  const env = () => world.cluster.env;
  const inputs = (extra: Record<string, string> = {}) =>
    deployInputs(
      world,
      { helm, release, namespace },
      { environment: `production-h${major}`, 'github-token': 'w', ...extra },
    );
  const deployAction = (extra: Record<string, string>) =>
    runAction('helm-deploy', { inputs: inputs(extra), env: env(), node: '24', apiUrl: world.api.url });
  const history = () => helmHistory(helm, release, namespace, world.cluster);
  const alias = async () => (await world.registry.listAliases(MODEL)).production?.version;

  test('install v1, then v2 with the smoke test: the pods serve exactly the registered model, the alias and the Deployment follow', async () => {
    const first = await deployAction({ 'model-version': '1', 'promote-alias': 'production' });
    expect(first.exitCode).toBe(0);
    expect(first.outputs).toMatchObject({ revision: '1', status: 'deployed', 'model-version': '1' });
    expect(first.log.join('\n')).toContain('Plan: install');
    // no smoke-test-url: the release's own Service, found in its manifest, through the API server's service proxy
    expect(first.log.join('\n')).toContain(
      `smoke test endpoint: Service ${namespace}/${release} port http (through the Kubernetes API's service proxy)`,
    );
    expect(first.summary).toContain('gave the recorded outputs');
    const url = world.cluster.serviceUrl(namespace, release);
    const second = await deployAction({ 'model-version': '2', 'promote-alias': 'production', 'smoke-test-url': url! });
    expect([second.exitCode, errorMessages(second)]).toEqual([0, []]);
    expect(second.outputs).toMatchObject({
      revision: '2',
      'previous-revision': '1',
      status: 'deployed',
      'model-version': '2',
    });
    expect(second.summary).toContain('gave the recorded outputs');
    expect(second.summary).toMatch(/Manifest diff/);
    const rows = await history();
    expect(rows.map((r) => [r.revision, r.status])).toEqual([
      [1, 'superseded'],
      [2, 'deployed'],
    ]);
    expect(rows[1]!.description).toMatch(/^mlops-gha: iris\/2 sha256:[0-9a-f]{12}$/);
    const now = await served(url);
    expect(now.versions).toEqual(['2']);
    expect(closeTo(now.probabilities, await expectedProbabilities(world.registry, 2))).toBe(true);
    expect(await alias()).toBe(2);
    const deployments = world.api
      .deployments('octo-org', 'octo-repo')
      .filter((d) => d.environment === `production-h${major}`);
    expect(deployments).toHaveLength(2);
    expect(world.api.deploymentStatuses('octo-org', 'octo-repo', deployments[0]!.id).map((s) => s.state)).toEqual([
      'in_progress',
      'success',
      'inactive',
    ]);
    const last = world.api.deploymentStatuses('octo-org', 'octo-repo', deployments[1]!.id);
    expect(last.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(last[1]!.log_url).toBe('https://github.com/octo-org/octo-repo/actions/runs/1658821493');
    expect(String(deployments[1]!.id)).toBe(second.outputs['deployment-id']);
  });

  test('a failed smoke test (outputs differ from the sample) rolls back to the last good revision; alias not moved; Deployment failure', async () => {
    const url = world.cluster.serviceUrl(namespace, release)!;
    const result = await deployAction({ 'model-version': '3', 'promote-alias': 'production', 'smoke-test-url': url });
    expect(result.exitCode).toBe(1);
    const error = result.annotations.find((a) => a.level === 'error')!.message;
    expect(error).toMatch(
      /smoke test of iris\/3 on revision 3 failed \(inference: the outputs for the recorded sample differ: output probabilities: 1 of \d+ values differ/,
    );
    expect(error).toContain('rolled back to revision 2');
    expect(result.outputs).toMatchObject({ status: 'rolled-back', revision: '4', 'model-version': '3' });
    expect(
      (await history()).map((r) => [r.revision, r.status, r.description.replace(/sha256:\w+/, 'sha256:…')]),
    ).toEqual([
      [1, 'superseded', 'mlops-gha: iris/1 sha256:…'],
      [2, 'superseded', 'mlops-gha: iris/2 sha256:…'],
      [3, 'superseded', 'mlops-gha: iris/3 sha256:…'],
      [4, 'deployed', 'Rollback to 2'],
    ]);
    expect((await served(url)).versions).toEqual(['2']);
    expect(await alias()).toBe(2);
    const deployments = world.api
      .deployments('octo-org', 'octo-repo')
      .filter((d) => d.environment === `production-h${major}`);
    expect(
      world.api
        .deploymentStatuses('octo-org', 'octo-repo', deployments[deployments.length - 1]!.id)
        .map((s) => s.state),
    ).toEqual(['in_progress', 'failure']);
    const events = (await world.registry.listEvents(MODEL)).filter(
      (e) => e.type === 'smoke-test-failed' && e.release === release,
    );
    expect(events.map((e) => [e.revision, e.version, e.rolled_back_to])).toEqual([[3, 3, 2]]);
  });

  test('a release left pending-upgrade by a killed helm is refused with the exact recovery command, then recovered with recover-pending', async () => {
    await leavePending(helm, release, namespace, world.cluster, 5, ['--reuse-values']);
    const refused = await deployAction({ 'model-version': '1' });
    expect(refused.exitCode).toBe(1);
    const message = refused.annotations.find((a) => a.level === 'error')!.message;
    expect(message).toContain(`stuck in pending-upgrade at revision 5`);
    expect(message).toContain(`\`helm rollback ${release} 4 -n ${namespace}\``);
    expect((await history()).at(-1)).toMatchObject({ revision: 5, status: 'pending-upgrade' });

    const recovered = await deployAction({
      'model-version': '1',
      'recover-pending': 'true',
      timeout: '20s',
      'smoke-test-url': world.cluster.serviceUrl(namespace, release)!,
    });
    expect([recovered.exitCode, errorMessages(recovered)]).toEqual([0, []]);
    expect(recovered.summary).toContain('rolled back to revision 4');
    expect((await history()).slice(-3).map((r) => [r.revision, r.status])).toEqual([
      [5, 'pending-upgrade'],
      [6, 'superseded'],
      [7, 'deployed'],
    ]);
    expect((await served(world.cluster.serviceUrl(namespace, release))).versions).toEqual(['1']);
  });

  test('a job cancelled mid-upgrade (SIGINT, then SIGTERM) never leaves the release pending, and the next deploy succeeds', async () => {
    const running = startAction('helm-deploy', {
      inputs: inputs({ 'model-version': '2', values: 'image:\n  repository: registry.example/never-ready\n' }),
      env: env(),
      node: '24',
      apiUrl: world.api.url,
    });
    await eventually(
      async () => ((await history()).at(-1)?.status === 'pending-upgrade' ? true : undefined),
      60_000,
      'the upgrade to be pending',
    );
    const cancelled = await running.cancel();
    expect(cancelled.exitCode === 1 || cancelled.signal !== null).toBe(true);
    expect(cancelled.signal).toBeNull(); // it finished its clean-up before SIGKILL
    expect(cancelled.outputs.status).toBe('cancelled');
    const after = await history();
    // an interrupted helm may leave a pending revision inside the history; only the last one blocks the next upgrade
    expect(after.at(-1)!.status).toBe('deployed');
    const again = await deployAction({
      'model-version': '2',
      'smoke-test-url': world.cluster.serviceUrl(namespace, release)!,
    });
    expect([again.exitCode, errorMessages(again)]).toEqual([0, []]);
    expect((await served(world.cluster.serviceUrl(namespace, release))).versions).toEqual(['2']);
  });
});
