/**
 * helm-deploy's bad inputs and faults, end to end through the committed bundle on Node 24 with
 * the real helm 3.17.3 and 4.1.4 against the Kubernetes API double: what the user sees (the
 * error annotation, its file and line, outputs, warnings) and what did or did not change
 * (helm's history, the registry's aliases, the Deployments GitHub received, the served model).
 */
import { chmod, cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { Registry } from '@mlops-gha/registry';
import { HELM_TOOLCHAINS } from '../harness/helm-tools.js';
import { runAction, startAction, type ActionResult } from '../harness/run-action.js';
import { eventually, run } from '../cluster/tools.js';
import { MODEL, READ_TOKEN, deployInputs, WRITE_TOKEN, helmHistory, served } from './deploy-fixtures.js';
import { deployWorld } from './deploy-world.js';

const world = deployWorld(2);

const errorOf = (r: ActionResult) => r.annotations.find((a) => a.level === 'error');

describe.each(HELM_TOOLCHAINS)('helm $helmVersion', ({ major, helm }) => {
  const release = `f-h${major}`;
  const namespace = `f-h${major}`;
  const aliasName = `faults-h${major}`;
  const inputs = (extra: Record<string, string> = {}) => deployInputs(world, { helm, release, namespace }, extra);
  const deployAction = (extra: Record<string, string>, options: { cwd?: string } = {}) =>
    runAction('helm-deploy', {
      inputs: inputs(extra),
      env: world.cluster.env,
      node: '24',
      apiUrl: world.api.url,
      ...options,
    });
  const history = () => helmHistory(helm, release, namespace, world.cluster);
  const releaseMissing = async () => {
    const ran = await run(helm, ['history', release, '-n', namespace], world.cluster);
    return ran.code === 1 && ran.stderr.includes('release: not found');
  };

  test('refused before anything changes: a values file that is not YAML, a missing chart, helm missing or older than 3.8', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'deploy-ws-'));
    await mkdir(join(workspace, 'deploy'));
    // line 3 repeats the key of line 1
    await writeFile(join(workspace, 'deploy/values.yaml'), 'replicaCount: 1\nimage: {}\nreplicaCount: 2\n');
    const badValues = await deployAction(
      { 'model-version': '1', 'values-files': 'deploy/values.yaml' },
      { cwd: workspace },
    );
    expect(badValues.exitCode).toBe(1);
    const valuesError = errorOf(badValues)!;
    expect(valuesError.message).toContain(`${join(workspace, 'deploy/values.yaml')} is not valid YAML`);
    expect(valuesError.message).toContain('(line 3, column 1)');
    expect([valuesError.file, valuesError.line]).toEqual([join(workspace, 'deploy/values.yaml'), 3]);

    const noChart = await deployAction({ 'model-version': '1', chart: './charts/missing' }, { cwd: workspace });
    expect(noChart.exitCode).toBe(1);
    expect(errorOf(noChart)!.message).toMatch(/^The chart \.\/charts\/missing could not be rendered: .*not found/);
    expect(errorOf(noChart)!.message).toContain('Check the `chart` input');

    const noHelm = await deployAction({ 'model-version': '1', helm: join(workspace, 'bin/helm') });
    expect(errorOf(noHelm)!.message).toContain(
      `The \`helm\` input names ${join(workspace, 'bin/helm')}, which does not exist`,
    );
    expect(errorOf(noHelm)!.message).toContain('azure/setup-helm');

    const oldHelm = join(workspace, 'old-helm');
    await writeFile(
      oldHelm,
      '#!/bin/sh\necho \'version.BuildInfo{Version:"v3.7.2", GitCommit:"663a896f4a815053445eec4153677ddc24a0a361", GitTreeState:"clean", GoVersion:"go1.16.10"}\'\n',
    );
    await chmod(oldHelm, 0o755);
    const tooOld = await deployAction({ 'model-version': '1', helm: oldHelm });
    expect(tooOld.exitCode).toBe(1);
    expect(errorOf(tooOld)!.message).toContain(`${oldHelm} is Helm v3.7.2; helm-deploy needs Helm 3.8 or newer`);

    expect(await releaseMissing()).toBe(true);
  });

  test('a token without deployments permission: a warning, and the deploy goes on without a Deployment', async () => {
    const r = await deployAction({
      'model-version': '1',
      environment: `faults-h${major}`,
      'github-token': READ_TOKEN,
      'promote-alias': aliasName,
    });
    expect([r.exitCode, errorOf(r)]).toEqual([0, undefined]);
    expect(r.outputs).toMatchObject({ status: 'deployed', revision: '1', 'model-version': '1' });
    expect(r.outputs['deployment-id']).toBeUndefined();
    const warning = r.annotations.find((a) => a.level === 'warning' && a.message.includes('GitHub Deployment'));
    expect(warning?.message).toContain('give the job `permissions: deployments: write`');
    expect(world.api.deployments('octo-org', 'octo-repo').filter((d) => d.environment === `faults-h${major}`)).toEqual(
      [],
    );
    expect((await history()).map((h) => [h.revision, h.status])).toEqual([[1, 'deployed']]);
    expect((await world.registry.listAliases(MODEL))[aliasName]?.version).toBe(1);
  });

  test('a version whose file no longer matches its sha256 is refused: nothing deployed, no alias moved', async () => {
    const copy = await mkdtemp(join(tmpdir(), 'deploy-tampered-'));
    await cp(world.root, copy, { recursive: true });
    await writeFile(join(copy, MODEL, 'versions/2/files/model.onnx'), 'not the pushed model');
    const r = await deployAction({ 'model-version': '2', registry: copy, 'promote-alias': aliasName });
    expect(r.exitCode).toBe(1);
    expect(errorOf(r)!.message).toMatch(/iris\/2 in the registry .* failed verification: .*model\.onnx/);
    expect((await history()).map((h) => h.revision)).toEqual([1]);
    const tampered = Registry.open(copy);
    expect((await tampered.listAliases(MODEL))[aliasName]?.version).toBe(1);
    tampered.close();
  });

  test('an upgrade whose pods never get ready (--wait times out, no smoke test): back on the last good revision, Deployment failure, alias not moved', async () => {
    const r = await deployAction({
      'model-version': '2',
      values: 'image:\n  repository: registry.example/never-ready\n',
      timeout: '8s',
      environment: `faults-w-h${major}`,
      'github-token': WRITE_TOKEN,
      'promote-alias': aliasName,
    });
    expect(r.exitCode).toBe(1);
    const message = errorOf(r)!.message;
    expect(message).toMatch(/^helm upgrade failed \(timeout\): /);
    expect(r.outputs).toMatchObject({ status: 'rolled-back', 'previous-revision': '1', 'model-version': '2' });
    const rows = await history();
    // helm's rollback-on-failure made a new revision with revision 1's content
    expect(rows.at(-1)).toMatchObject({ status: 'deployed', description: 'Rollback to 1' });
    expect(message).toContain(`${release} is now on revision ${rows.at(-1)!.revision}`);
    expect(rows.some((h) => h.status.startsWith('pending'))).toBe(false);
    expect(r.outputs.revision).toBe(String(rows.at(-1)!.revision));
    expect((await served(world.cluster.serviceUrl(namespace, release))).versions).toEqual(['1']);
    expect((await world.registry.listAliases(MODEL))[aliasName]?.version).toBe(1);
    const d = world.api.deployments('octo-org', 'octo-repo').filter((x) => x.environment === `faults-w-h${major}`);
    expect(d.map((x) => world.api.deploymentStatuses('octo-org', 'octo-repo', x.id).map((s) => s.state))).toEqual([
      ['in_progress', 'failure'],
    ]);
  });

  test('two deploys of the release at once: the second fails clearly, or with recover-pending waits for the first; nothing is left pending', async () => {
    const start = (extra: Record<string, string>) =>
      startAction('helm-deploy', { inputs: inputs(extra), env: world.cluster.env, node: '24' });
    const before = (await history()).at(-1)!;
    // the first job's upgrade hangs in --wait for 30 s (long enough for the second job to start on a loaded machine), then helm rolls it back
    const first = start({
      'model-version': '2',
      values: 'image:\n  repository: registry.example/never-ready\n',
      timeout: '30s',
    });
    await eventually(
      async () => ((await history()).at(-1)?.status === 'pending-upgrade' ? true : undefined),
      60_000,
      'the first upgrade to be pending',
    );
    const waiting = start({ 'model-version': '1', 'recover-pending': 'true' });
    const refused = await deployAction({ 'model-version': '1' });
    expect(refused.exitCode).toBe(1);
    expect(errorOf(refused)!.message).toMatch(
      /another operation \(install\/upgrade\/rollback\) is in progress|stuck in pending-upgrade at revision/,
    );
    expect(errorOf(refused)!.message).toContain('If no other job is deploying');
    const [a, b] = await Promise.all([first.result, waiting.result]);
    expect(a.exitCode).toBe(1);
    expect([b.exitCode, errorOf(b)?.message]).toEqual([0, undefined]);
    expect(b.summary).toContain(`waited for another operation on ${release} to finish`);
    const rows = await history();
    expect(rows.filter((h) => h.revision > before.revision && h.status.startsWith('pending'))).toEqual([]);
    expect(rows.at(-1)).toMatchObject({ revision: Number(b.outputs.revision), status: 'deployed' });
    expect((await served(world.cluster.serviceUrl(namespace, release))).versions).toEqual(['1']);
  });
});
