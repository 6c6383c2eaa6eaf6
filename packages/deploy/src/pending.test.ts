/**
 * A release stuck in pending-*: refused with the exact command that frees it, or (recover-pending)
 * recovered after the live window. The refusals are checked on histories as helm reports them;
 * the recovery runs the real helm 3.17.3 against the Kubernetes API double, on a release left
 * pending-upgrade the way a killed job leaves it.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Logger } from '@mlops-gha/common';
import { Helm, type HistoryEntry } from '@mlops-gha/helm';
import { clusterFixture } from '../../../test/cluster/fixture.js';
import { leavePending } from '../../../test/cluster/tools.js';
import { HELM3 } from '../../../test/harness/helm-tools.js';
import { recoveryFor, resolvePending } from './pending.js';
import { STANDIN_CLUSTER, installStandin } from '../../../test/fixtures/deploy-support.js';

const h = (revision: number, status: HistoryEntry['status'], updated = ''): HistoryEntry => ({
  revision,
  updated,
  status,
  chart: 'model-server-0.1.0',
  app_version: '1.0',
  description: '',
});
const target = { release: 'iris', namespace: 'ml' };
const quiet: Logger = { info() {}, warning() {}, debug() {} };

describe('recoveryFor', () => {
  it('names the last good revision and the rollback command, or the uninstall of a pending first install', () => {
    const stuck = [h(1, 'superseded'), h(2, 'deployed'), h(3, 'pending-upgrade')];
    expect(recoveryFor(stuck, target)).toEqual({
      last: stuck[2],
      good: stuck[1],
      command: 'helm rollback iris 2 -n ml',
    });
    expect(recoveryFor(stuck, target, [{ revision: 2, why: 'its smoke test failed' }]).command).toBe(
      'helm rollback iris 1 -n ml',
    );
    expect(recoveryFor([h(1, 'pending-install')], { ...target, kubeContext: 'prod' }).command).toBe(
      'helm uninstall iris -n ml --kube-context prod',
    );
  });
});

describe('resolvePending: refusals', () => {
  let helm: Helm;
  beforeAll(async () => {
    helm = await Helm.detect(HELM3);
  });
  const options = (history: HistoryEntry[]) => ({
    helm,
    target,
    history,
    recover: false,
    liveWindowMs: 0,
    wait: true,
    timeout: '1m',
    known: [],
    logger: quiet,
  });

  it('leaves a release that is not pending alone', async () => {
    const history = [h(1, 'superseded'), h(2, 'deployed')];
    expect(await resolvePending(options(history))).toEqual({ history });
    expect(await resolvePending(options([]))).toEqual({ history: [] });
  });
  it('refuses a pending release with the command that frees it and the input that recovers it', async () => {
    const stuck = [h(1, 'deployed'), h(2, 'pending-upgrade', '2026-03-01T10:00:00Z')];
    await expect(resolvePending(options(stuck))).rejects.toMatchObject({
      message:
        'The release iris (namespace ml) is stuck in pending-upgrade at revision 2 since 2026-03-01T10:00:00Z: helm refuses every upgrade until it is cleared',
      fix: 'If no other job is deploying iris, run `helm rollback iris 1 -n ml`, or set `recover-pending: true` to let helm-deploy roll back to revision 1.',
      title: 'release stuck in a pending state',
    });
    await expect(resolvePending(options([h(1, 'pending-install')]))).rejects.toMatchObject({
      fix: 'If no other job is deploying iris, run `helm uninstall iris -n ml`, or set `recover-pending: true` to let helm-deploy uninstall the pending first install.',
    });
  });
});

describe('resolvePending: recovery on a cluster', () => {
  const fx = clusterFixture(STANDIN_CLUSTER, [{ image: 'never-ready', pod: 'never-ready' }]);
  const ns = 'pending';

  it('waits out the live window (another job may still be deploying), then rolls back to the last good revision', async () => {
    await installStandin(fx.cluster, 'iris', ns);
    await leavePending(HELM3, 'iris', ns, fx.cluster, 2);
    const helm = await Helm.detect(HELM3, { env: { ...process.env, ...fx.cluster.env } });
    const t = { release: 'iris', namespace: ns };
    const history = (await helm.history(t))!;
    expect(history.map((x) => x.status)).toEqual(['deployed', 'pending-upgrade']);
    const started = Date.parse(history[1]!.updated);
    // the clock: inside the 10-minute window at the first check, past it after one poll
    const clock = [started + 1000, started + 1000, started + 600_001];
    const lines: string[] = [];
    const result = await resolvePending({
      helm,
      target: t,
      history,
      recover: true,
      liveWindowMs: 600_000,
      wait: true,
      timeout: '60s',
      known: [],
      logger: { ...quiet, info: (m) => void lines.push(m) },
      now: () => clock.shift() ?? started + 600_001,
      pollMs: 10,
    });
    expect(lines[0]).toBe(
      `iris: revision 2 is pending-upgrade since ${history[1]!.updated}; waiting up to 599 s in case another job is still deploying it`,
    );
    expect(lines[1]).toBe('iris: recovering from pending-upgrade at revision 2: rolling back to revision 1');
    expect(result.note).toBe(
      `recovered: revision 2 was pending-upgrade since ${history[1]!.updated}; rolled back to revision 1 (\`helm rollback iris 1 -n ${ns}\`)`,
    );
    expect(result.history.map((x) => [x.revision, x.status, x.description])).toEqual([
      [1, 'superseded', 'Install complete'],
      [2, 'pending-upgrade', expect.any(String)], // helm 3 rolls back past it and leaves it as it was
      [3, 'deployed', 'Rollback to 1'],
    ]);
  });
});
