/**
 * rollback() called directly with the real helm 3.17.3 against the Kubernetes API double (pods
 * running the real model server) and a folder registry, on a release that deploy() put at
 * versions 1 then 2: the plan of a dry run, the default target, a model version's revision, the
 * redeploy of a version not in the history, and the refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@mlops-gha/common';
import type { Registry } from '@mlops-gha/registry';
import { clusterFixture } from '../../../test/cluster/fixture.js';
import { MODEL, helmHistory, seedRegistry } from '../../../test/e2e/deploy-fixtures.js';
import { HELM3 } from '../../../test/harness/helm-tools.js';
import { deploy } from './deploy.js';
import { rollback, type RollbackSettings } from './rollback.js';
import { deploySettings, useClusterEnv } from '../../../test/fixtures/deploy-support.js';

const fx = clusterFixture();
let registry: Registry;
let root = '';
let workDir = '';
let restoreEnv = () => {};
beforeAll(async () => {
  ({ registry, root } = await seedRegistry(3));
  workDir = await mkdtemp(join(tmpdir(), 'rollback-work-'));
  restoreEnv = useClusterEnv(fx.cluster);
  for (const version of [1, 2]) {
    const o = await deploy(deploySettings({ registry: root, workDir, model: { name: MODEL, version } }), {
      logger: silentLogger,
    });
    if (o.status !== 'deployed') throw new Error(`setup deploy of ${version}: ${o.failure?.message}`);
  }
}, 300_000);
afterAll(() => {
  restoreEnv();
  registry?.close();
});

const settings = (o: Partial<RollbackSettings> = {}): RollbackSettings => ({
  release: 'iris',
  namespace: 'ml',
  reason: 'latency regression',
  dryRun: false,
  registry: root,
  alias: 'production',
  helm: HELM3,
  wait: true,
  timeout: '90s',
  workDir,
  ...o,
});
const history = () => helmHistory(HELM3, 'iris', 'ml', fx.cluster);

describe('rollback', () => {
  it('a dry run plans the newest good revision before the current one, with the reason, and changes nothing', async () => {
    const o = await rollback(settings({ dryRun: true }), { logger: silentLogger });
    expect(o).toMatchObject({ status: 'planned', fromRevision: 2, toRevision: 1, modelVersion: 1 });
    expect(o.plan).toMatchObject({
      action: 'rollback',
      current: { revision: 2, model: 'iris/2' },
      next: { revision: 1, model: 'iris/1' },
    });
    expect(o.plan.notes).toEqual([
      'target: revision 1, the newest good revision before revision 2 with different content',
      'reason: latency regression',
    ]);
    expect((await history()).map((r) => r.revision)).toEqual([1, 2]);
  });

  it('rolls back, smoke-tests the restored version, moves the alias back and records the audit event', async () => {
    const o = await rollback(settings(), { logger: silentLogger });
    expect(o.failure).toBeUndefined();
    expect(o).toMatchObject({ status: 'rolled-back', fromRevision: 2, toRevision: 1, newRevision: 3, modelVersion: 1 });
    expect(o.smoke).toMatchObject({ ok: true, equivalence: 'checked' });
    expect(o.alias).toEqual({ alias: 'production', from: 2, to: 1, moved: true });
    expect((await history()).at(-1)).toMatchObject({ revision: 3, status: 'deployed', description: 'Rollback to 1' });
    const event = (await registry.listEvents(MODEL)).find((e) => e.id === o.eventId);
    expect(event).toMatchObject({
      type: 'rollback',
      reason: 'latency regression',
      from: 2,
      to: 1,
      new_revision: 3,
      from_version: 2,
      version: 1,
      outcome: 'rolled-back',
    });
  });

  it('`to-model-version` refuses a version whose only revision was just rolled back from, saying why', async () => {
    await expect(rollback(settings({ toModelVersion: 2 }), { logger: silentLogger })).rejects.toMatchObject({
      message: 'Model version 2 of iris only appears in revisions that are not good (2: rolled back from (revision 3))',
      fix: 'Choose another version, or redeploy it with helm-deploy (`model-version`).',
    });
    expect((await history()).map((r) => r.revision)).toEqual([1, 2, 3]);
  });

  it('a version that was never in the history is redeployed with the current chart and its values', async () => {
    const o = await rollback(settings({ toModelVersion: 3 }), { logger: silentLogger });
    expect(o.failure).toBeUndefined();
    expect(o).toMatchObject({ status: 'redeployed', fromRevision: 3, newRevision: 4, modelVersion: 3 });
    expect(o.toRevision).toBeUndefined();
    expect(o.plan.action).toBe('redeploy');
    expect(o.plan.notes).toContain('values key of the model block: model');
    expect((await history()).at(-1)!.description).toMatch(
      /^mlops-gha: iris\/3 sha256:[0-9a-f]{12} \(redeployed by rollback\)$/,
    );
  });

  it('refuses an unknown release, a redeploy without a registry, and a version the registry lacks', async () => {
    await expect(rollback(settings({ release: 'nope' }), { logger: silentLogger })).rejects.toMatchObject({
      message: 'The release nope does not exist in the namespace ml',
      fix: 'Check `release` and `namespace` (`helm list -A` lists every release).',
    });
    await expect(
      rollback(settings({ toModelVersion: 9, registry: undefined }), { logger: silentLogger }),
    ).rejects.toMatchObject({
      message: 'Model version 9 is not in the history of iris, and redeploying it needs the registry',
      fix: expect.stringContaining('Set `registry` so that version 9 can be read and verified'),
    });
    await expect(rollback(settings({ toModelVersion: 9 }), { logger: silentLogger })).rejects.toThrow(
      /^Input `to-model-version` 9: /,
    );
    expect((await history()).map((r) => r.revision)).toEqual([1, 2, 3, 4]);
  });
});
