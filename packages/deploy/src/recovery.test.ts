/**
 * After a failed upgrade: back to the last good revision (never simply N-1), or the uninstall of
 * a failed first install, and the words that say where the release is. The helm calls are the
 * real helm 3.17.3 against the Kubernetes API double, whose `never-ready` image never gets Ready
 * (so an upgrade to it times out in --wait, as on a cluster).
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@mlops-gha/common';
import { Helm, HelmCommandError, type Target, type UpgradeFlags } from '@mlops-gha/helm';
import { clusterFixture } from '../../../test/cluster/fixture.js';
import { CHART } from '../../../test/cluster/tools.js';
import { HELM3 } from '../../../test/harness/helm-tools.js';
import type { DeployOutcome, DeploySettings } from './deploy.js';
import { afterFailedUpgrade, chartError, describeBack, restoreLastGood } from './recovery.js';
import { STANDIN_CLUSTER } from '../../../test/fixtures/deploy-support.js';

const quiet: Logger = { info() {}, warning() {}, debug() {} };

describe('describeBack and chartError', () => {
  it('describeBack says where the release went', () => {
    expect(describeBack(3)).toBe('revision 3');
    expect(describeBack('uninstalled')).toBe('nothing (the failed first install was uninstalled)');
    expect(describeBack(undefined)).toBe('nothing (no good revision)');
  });
  it("chartError turns helm's chart failures into 'chart not found' naming the input, and passes others through", () => {
    const settings = { chart: 'charts/iris' } as DeploySettings;
    const missing = new HelmCommandError(['upgrade', 'iris'], 1, 'Error: path "charts/iris" not found\n');
    expect(chartError(missing, settings)).toMatchObject({
      name: 'UserError',
      message: 'The chart charts/iris could not be rendered: path "charts/iris" not found',
      title: 'chart not found',
      fix: expect.stringContaining('Check the `chart` input'),
    });
    const other = new HelmCommandError(['upgrade', 'iris'], 1, 'Error: Kubernetes cluster unreachable\n');
    expect(chartError(other, settings)).toBe(other);
    const plain = new Error('x');
    expect(chartError(plain, settings)).toBe(plain);
  });
});

describe('on a cluster', () => {
  const fx = clusterFixture(STANDIN_CLUSTER, [{ image: 'never-ready', pod: 'never-ready' }]);
  let helm: Helm;
  let dir = '';
  let good = '';
  let neverReady = '';
  beforeAll(async () => {
    helm = await Helm.detect(HELM3, { env: { ...process.env, ...fx.cluster.env } });
    dir = await mkdtemp(join(tmpdir(), 'recovery-'));
    good = join(dir, 'good.yaml');
    neverReady = join(dir, 'never-ready.yaml');
    await writeFile(good, 'model: { name: iris, version: 1, storageUri: "file:///models/v1" }\n');
    await writeFile(
      neverReady,
      'image: { repository: registry.example/never-ready }\nmodel: { name: iris, version: 2, storageUri: "file:///models/v2" }\n',
    );
  });

  const settings = (o: Partial<DeploySettings> = {}) =>
    ({ chart: CHART, wait: true, timeout: '60s', historyMax: 10, rollbackOnFailure: true, ...o }) as DeploySettings;
  const flags = (t: Target, valuesFile: string, o: Partial<UpgradeFlags> = {}): UpgradeFlags => ({
    ...t,
    chart: CHART,
    valuesFile,
    description: 'test',
    createNamespace: true,
    wait: true,
    timeout: '60s',
    rollbackOnFailure: false,
    historyMax: 10,
    ...o,
  });
  const outcome = (): DeployOutcome => ({ status: 'failed', helmMajor: 3, helmMs: 0, totalMs: 0 });
  /** afterFailedUpgrade of a job that was not cancelled, with no known-bad revisions and no Deployment. */
  const afterFailed = (error: unknown, t: Target, s: DeploySettings) =>
    afterFailedUpgrade(error, {
      helm,
      target: t,
      settings: s,
      known: [],
      logger: quiet,
      cancelled: false,
      outcome: outcome(),
      deployment: undefined,
    });
  /** An upgrade that times out waiting for pods that never get Ready: the HelmCommandError helm gives. */
  const failedUpgrade = (t: Target) =>
    helm.upgrade(flags(t, neverReady, { timeout: '2s' })).then(
      () => undefined,
      (e: unknown) => e,
    );

  it('a timed-out upgrade is rolled back to the last good revision, and the failure says so with the fix', async () => {
    const t = { release: 'iris', namespace: 'rec-a' };
    await helm.upgrade(flags(t, good));
    const error = await failedUpgrade(t);
    expect(error).toBeInstanceOf(HelmCommandError);
    const o = await afterFailed(error, t, settings());
    expect(o).toMatchObject({ status: 'rolled-back', rolledBackTo: 1, revision: 3 });
    expect(o.failure!.message).toMatch(/^helm upgrade failed \(timeout\): .+; iris is now on revision 1$/);
    expect(o.failure!.fix).toBe(
      'The new pods did not become ready in time: check their events and logs (kubectl describe pod), or raise `timeout`.',
    );
    expect(o.failure!.title).toBe('helm upgrade failed');
    expect((await helm.history(t))!.at(-1)).toMatchObject({
      revision: 3,
      status: 'deployed',
      description: 'Rollback to 1',
    });
  });

  it('with rollback-on-failure off, the failed revision stays, and the message says where the release was left', async () => {
    const t = { release: 'iris', namespace: 'rec-b' };
    await helm.upgrade(flags(t, good));
    const error = await failedUpgrade(t);
    const o = await afterFailed(error, t, settings({ rollbackOnFailure: false }));
    expect(o).toMatchObject({ status: 'failed', revision: 2 });
    expect(o.rolledBackTo).toBeUndefined();
    expect(o.failure!.message).toMatch(/; iris was left on revision 2 \(failed\): `rollback-on-failure` is off$/);
    expect((await helm.history(t))!.map((h) => h.status)).toEqual(['deployed', 'failed']);
  });

  it("another job's operation holding the release is never undone", async () => {
    const t = { release: 'iris', namespace: 'rec-c' };
    await helm.upgrade(flags(t, good));
    const busy = new HelmCommandError(
      ['upgrade', 'iris'],
      1,
      'Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress\n',
    );
    const o = await afterFailed(busy, t, settings());
    expect(o.status).toBe('failed');
    expect(o.failure!.message).toMatch(
      /; nothing was changed: another job's deploy of iris holds it \(revision 1, deployed\)$/,
    );
    expect((await helm.history(t))!.map((h) => h.revision)).toEqual([1]);
  });

  it('restoreLastGood uninstalls a failed first install, and goes past a known-bad revision', async () => {
    const first = { release: 'first', namespace: 'rec-d' };
    await helm.upgrade(flags(first, neverReady, { timeout: '2s' })).catch(() => undefined);
    const failed = (await helm.history(first))!;
    expect(failed.map((h) => h.status)).toEqual(['failed']);
    expect(
      await restoreLastGood({
        helm,
        target: first,
        settings: settings(),
        history: failed,
        failedRevision: 1,
        known: [],
        logger: quiet,
      }),
    ).toEqual({ to: 'uninstalled' });
    expect(await helm.history(first)).toBeUndefined();

    const t = { release: 'iris', namespace: 'rec-e' };
    await helm.upgrade(flags(t, good));
    await helm.upgrade(flags(t, good, { description: 'second' }));
    await failedUpgrade(t);
    const history = (await helm.history(t))!;
    // revision 2's smoke test failed (a registry event): the target is revision 1, not N-1
    const back = await restoreLastGood({
      helm,
      target: t,
      settings: settings(),
      history,
      failedRevision: 3,
      known: [{ revision: 2, why: 'its smoke test failed' }],
      logger: quiet,
    });
    expect(back).toEqual({ to: 1, revision: 4 });
  });
});
