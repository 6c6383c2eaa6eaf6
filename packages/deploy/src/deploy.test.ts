/**
 * deploy() called directly (not through the bundle: the e2e suites do that), with the real
 * helm 3.17.3 against the Kubernetes API double whose pods run the real model server, and a
 * folder registry: install with the smoke test through the release's Service, a dry run that
 * changes nothing, a failed smoke test rolled back, and the refusals before anything changes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@mlops-gha/common';
import type { Registry } from '@mlops-gha/registry';
import { clusterFixture } from '../../../test/cluster/fixture.js';
import { MODEL, helmHistory, seedRegistry } from '../../../test/e2e/deploy-fixtures.js';
import { HELM3 } from '../../../test/harness/helm-tools.js';
import { deploy, type DeploySettings } from './deploy.js';
import { deploySettings, useClusterEnv } from '../../../test/fixtures/deploy-support.js';

const fx = clusterFixture();
let registry: Registry;
let root = '';
let workDir = '';
let restoreEnv = () => {};
beforeAll(async () => {
  // version 2's stored sample records outputs its model does not give: its smoke test must fail
  ({ registry, root } = await seedRegistry(2, { badSampleVersion: 2 }));
  workDir = await mkdtemp(join(tmpdir(), 'deploy-work-'));
  restoreEnv = useClusterEnv(fx.cluster);
}, 120_000);
afterAll(() => {
  restoreEnv();
  registry?.close();
});

const settings = (o: Partial<DeploySettings> = {}) => deploySettings({ registry: root, workDir, ...o });
const history = () => helmHistory(HELM3, 'iris', 'ml', fx.cluster);

describe('deploy', () => {
  it('installs a verified registry version, smoke-tests it through its Service, and moves the alias', async () => {
    const o = await deploy(settings(), { logger: silentLogger });
    expect(o.failure).toBeUndefined();
    expect(o).toMatchObject({ status: 'deployed', revision: 1, modelVersion: 1, helmMajor: 3 });
    expect(o.previousRevision).toBeUndefined();
    expect(o.plan!.action).toBe('install');
    expect(o.smoke).toMatchObject({ ok: true, equivalence: 'checked' });
    expect(o.alias).toEqual({ alias: 'production', from: null, to: 1, moved: true });
    const rows = await history();
    expect(rows.map((r) => [r.revision, r.status])).toEqual([[1, 'deployed']]);
    expect(rows[0]!.description).toMatch(/^mlops-gha: iris\/1 sha256:[0-9a-f]{12}$/);
    const events = await registry.listEvents(MODEL);
    expect(events.find((e) => e.type === 'deployed')).toMatchObject({
      release: 'iris',
      namespace: 'ml',
      revision: 1,
      version: 1,
      smoke_test: 'checked',
    });
    expect(await readdir(workDir)).toEqual([]); // the generated values file is removed
    expect(o.totalMs).toBeGreaterThanOrEqual(o.helmMs);
  });

  it('a dry run shows the upgrade plan and changes nothing', async () => {
    const o = await deploy(settings({ model: { name: MODEL, version: 2 }, dryRun: true }), { logger: silentLogger });
    expect(o.status).toBe('planned');
    expect(o.plan).toMatchObject({
      action: 'upgrade',
      current: { revision: 1, model: 'iris/1' },
      next: { model: 'iris/2' },
    });
    expect(o.plan!.valuesDiff.join('\n')).toContain('+  version: 2');
    expect((await history()).map((r) => r.revision)).toEqual([1]);
  });

  it('a failed smoke test rolls back to the last good revision, moves no alias and records the failure', async () => {
    const o = await deploy(settings({ model: { name: MODEL, version: 2 } }), { logger: silentLogger });
    expect(o).toMatchObject({ status: 'rolled-back', rolledBackTo: 1, revision: 3, previousRevision: 1 });
    expect(o.failure!.message).toMatch(
      /^The smoke test of iris\/2 on revision 2 failed \(.+\); iris was rolled back to revision 1$/,
    );
    expect(o.failure!.fix).toContain('the alias was not moved');
    expect((await registry.listAliases(MODEL)).production?.version).toBe(1);
    expect((await history()).map((r) => [r.revision, r.status])).toEqual([
      [1, 'superseded'],
      [2, 'superseded'],
      [3, 'deployed'],
    ]);
    expect((await registry.listEvents(MODEL)).find((e) => e.type === 'smoke-test-failed')).toMatchObject({
      revision: 2,
      version: 2,
      rolled_back_to: 1,
    });
  });

  it('refuses before touching the cluster: a model without a registry, a bad timeout, a chart that is not there', async () => {
    await expect(deploy(settings({ registry: undefined }), { logger: silentLogger })).rejects.toMatchObject({
      message: '`model-name` is set but `registry` is not',
    });
    await expect(deploy(settings({ timeout: 'soon' }), { logger: silentLogger })).rejects.toThrow(
      'Input `timeout` must be a duration',
    );
    await expect(
      deploy(settings({ chart: join(workDir, 'no-chart') }), { logger: silentLogger }),
    ).rejects.toMatchObject({
      title: 'chart not found',
      message: expect.stringContaining(`The chart ${join(workDir, 'no-chart')} could not be rendered`),
    });
    expect((await history()).map((r) => r.revision)).toEqual([1, 2, 3]);
  });
});
