/**
 * The lifecycle chained as the workflows in workflows-examples/ chain it, on consecutive
 * "commits" of the example project, every step the committed bundle run on Node 24 as the
 * runner runs it, each step's outputs fed to the next as `${{ steps.x.outputs.y }}` would:
 *
 *   main, commit 1    data-pull -> train -> gate (absolute rules) -> registry-push v1 (staging)
 *                     -> helm-deploy staging (smoke test) -> helm-deploy production (promote-alias)
 *   PR #1, commit 2   a worse model: the gate fails and posts the sticky comment
 *   PR #1, commit 3   the next push to the PR fixes it: the gate passes, the SAME comment is edited
 *   main, commit 4    released as v2 (staging, then production)
 *   main, commit 5    v3 exported with noise: its smoke test fails on staging, rolled back to v2
 *   rollback.yml      production rolled back by hand to v1, with a reason
 *
 * Everything is judged from what a user could look at: GITHUB_OUTPUT values, files on disk
 * (run.json, the registry's manifests, aliases and events read as plain JSON), the requests
 * the GitHub API double received, sha256 computed here, real helm's `helm history` against the
 * Kubernetes API double, and what the model-server pods answer through the Service.
 * (demo/run.ts tells the same story with an HTML report.)
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoCluster, type DemoCluster } from '../../demo/cluster.js';
import { BASELINE_RULES, FEATURES, MODEL, OWNER, PRODUCTION_BASELINE, REPO } from '../../demo/workflow-steps.js';
import { commit as commitParams, deployInputs, rollbackInputs, trainInputs } from '../../demo/workflow-steps.js';
import type { Environment } from '../../demo/workflow-steps.js';
import { startGitHubApi, type GitHubApiDouble } from '../doubles/github-api.js';
import { pullRequestEvent } from '../harness/github-events.js';
import { requireHelmTools } from '../harness/helm-tools.js';
import { errorMessages, repoRoot, runAction, type ActionResult, type RunActionOptions } from '../harness/run-action.js';

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const TOKEN = 'ghs_pipeline';
const ALL = FEATURES;
const V1 = ALL.filter((f) => f !== 'late_payments');
const WORSE = V1.filter((f) => f !== 'support_calls');

let api: GitHubApiDouble;
let work: string;
let project: string;
let registry: string;
let k8s: DemoCluster;
const urls: Record<Environment, string> = { staging: '', production: '' };

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const json = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const modelDir = (): string => join(registry, MODEL);
const aliasesOnDisk = (): Record<string, number> =>
  Object.fromEntries(
    readdirSync(join(modelDir(), 'aliases')).map((f) => [
      f.replace(/\.json$/, ''),
      json<{ version: number }>(join(modelDir(), 'aliases', f)).version,
    ]),
  );
const eventsOnDisk = (): {
  type: string;
  version?: number;
  alias?: string;
  from?: number | null;
  to?: number;
  reason?: string;
  actor?: string;
}[] =>
  readdirSync(join(modelDir(), 'events'))
    .sort()
    .map((f) => json(join(modelDir(), 'events', f)));

const commit = (features: string[], noise = 0): Promise<string> => commitParams(project, features, noise);

function step(
  action: string,
  inputs: Record<string, string>,
  sha: string,
  extra: Partial<RunActionOptions> = {},
): Promise<ActionResult> {
  const { env, ...rest } = extra;
  return runAction(action, { cwd: project, node: '24', inputs, ...rest, env: { GITHUB_SHA: sha, ...env } });
}

function expectOk(result: ActionResult): void {
  expect({ exit: result.exitCode, errors: errorMessages(result) }).toEqual({ exit: 0, errors: [] });
}

const train = (dataVersion: string, sha: string) => step('train', trainInputs(PYTHON, dataVersion), sha);

const gateInputs = (dataVersion: string, extra: Record<string, string>): Record<string, string> => ({
  model: 'model.onnx',
  dataset: 'data/holdout.csv',
  'label-column': 'churn',
  registry,
  seed: '3',
  'bootstrap-samples': '1000',
  'data-version': dataVersion,
  ...extra,
});

/** pr.yml's gate on a push to pull request #1: against production, with the sticky comment. */
const gateOnPullRequest = (dataVersion: string, sha: string) =>
  step(
    'metric-gate',
    gateInputs(dataVersion, { baseline: PRODUCTION_BASELINE, rules: BASELINE_RULES, 'comment-key': MODEL }),
    sha,
    {
      eventName: 'pull_request',
      event: pullRequestEvent({ number: 1, headSha: sha, owner: OWNER, repo: REPO }),
      apiUrl: api.url,
      token: TOKEN,
      env: { GITHUB_SHA: sha, GITHUB_REF: 'refs/pull/1/merge' },
    },
  );

/** release.yml's registry-push: the trained model as staging, with its run record and smoke sample. */
const register = (trained: ActionResult, sha: string) =>
  step(
    'registry-push',
    {
      name: MODEL,
      model: 'model.onnx',
      registry,
      alias: 'staging',
      'metrics-file': 'metrics.json',
      'run-record': trained.outputs['run-record']!,
      'sample-data': 'smoke-sample.csv',
    },
    sha,
  );

/** release.yml's deploy job: helm-deploy with the smoke test through the environment's URL. */
function deploy(environment: Environment, version: string, sha: string, promote = false): Promise<ActionResult> {
  const inputs = deployInputs({
    registry,
    environment,
    version,
    smokeTestUrl: urls[environment],
    token: TOKEN,
    helm: k8s.helm,
    promote,
  });
  return step('helm-deploy', inputs, sha, {
    apiUrl: api.url,
    token: TOKEN,
    env: { GITHUB_SHA: sha, ...k8s.cluster.env },
  });
}

/** What the pods of an environment serve, asked through its Service. */
async function served(environment: Environment): Promise<string[]> {
  const response = await fetch(`${urls[environment]}/v2/models/${MODEL}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { versions: string[] }).versions;
}

beforeAll(async () => {
  requireHelmTools();
  api = await startGitHubApi();
  api.addToken(TOKEN, { login: 'github-actions[bot]', permission: 'write' });
  work = await mkdtemp(join(tmpdir(), 'pipeline-e2e-'));
  project = join(work, 'project');
  registry = join(work, 'registry');
  await cp(join(repoRoot, 'workflows-examples/example-project'), project, {
    recursive: true,
    filter: (src) => !/example-project\/(data|fresh|model\.onnx|metrics\.json|run\.json)$/.test(src),
  });
  await cp(join(repoRoot, 'workflows-examples/chart'), join(project, 'chart'), { recursive: true });
  k8s = await startDemoCluster(work);
  urls.staging = await k8s.ingress('staging', 'churn-api');
  urls.production = await k8s.ingress('production', 'churn-api');
});

afterAll(async () => {
  await k8s?.stop();
  await api?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the lifecycle on consecutive commits of the example project (Node 24 bundles)', () => {
  let dataVersion = '';

  it('main, commit 1: pull -> train -> gate -> registry v1 as staging, then production', async () => {
    const sha = await commit(V1);
    const pull = await step('data-pull', { targets: 'data.dvc', remote: 'local' }, sha);
    expectOk(pull);
    dataVersion = pull.outputs['data-version']!;
    expect(dataVersion).toMatch(/^[0-9a-f]{40}$/);
    // Byte for byte what the local remote holds (the object named by data.dvc's .dir manifest).
    const dir = json<{ md5: string; relpath: string }[]>(
      join(project, 'dvc-remote/files/md5/94/2959303b6e5e917cf5555fabcdce40.dir'),
    );
    for (const entry of dir) {
      expect(
        createHash('md5')
          .update(readFileSync(join(project, 'data', entry.relpath)))
          .digest('hex'),
      ).toBe(entry.md5);
    }

    const trained = await train(dataVersion, sha);
    expectOk(trained);
    const record = json<{
      data_version: string;
      git: { sha: string };
      outputs: { path: string; sha256: string }[];
      metrics: Record<string, number>;
    }>(join(project, trained.outputs['run-record']!));
    expect(record.data_version).toBe(dataVersion);
    expect(record.git.sha).toBe(sha);
    expect(record.outputs).toEqual([
      expect.objectContaining({ path: 'model.onnx', sha256: sha256(join(project, 'model.onnx')) }),
    ]);
    expect(JSON.parse(trained.outputs.metrics!)).toEqual(json(join(project, 'metrics.json')));

    const gate = await step(
      'metric-gate',
      gateInputs(dataVersion, { rules: 'roc_auc >= 0.7\naccuracy >= 0.65', comment: 'false' }),
      sha,
    );
    expectOk(gate);
    expect(gate.outputs.verdict).toBe('pass');

    const push = await register(trained, sha);
    expectOk(push);
    expect(push.outputs).toMatchObject({ version: '1', created: 'true', sha256: sha256(join(project, 'model.onnx')) });
    const manifest = json<{
      lineage: { git_sha: string; data_version: string };
      metrics: Record<string, number>;
      files: { path: string; sha256: string }[];
    }>(join(modelDir(), 'versions/1/manifest.json'));
    expect(manifest.lineage).toMatchObject({ git_sha: sha, data_version: dataVersion });
    expect(manifest.metrics).toEqual(json(join(project, 'metrics.json')));
    expect(sha256(join(modelDir(), 'versions/1/files/model.onnx'))).toBe(sha256(join(project, 'model.onnx')));

    const staging = await deploy('staging', push.outputs.version!, sha);
    expectOk(staging);
    expect(staging.outputs).toMatchObject({ revision: '1', status: 'deployed', 'model-version': '1' });
    const production = await deploy('production', push.outputs.version!, sha, true);
    expectOk(production);
    expect(production.outputs).toMatchObject({ revision: '1', status: 'deployed', 'model-version': '1' });
    expect(aliasesOnDisk()).toEqual({ staging: 1, production: 1 });
    expect(await served('production')).toEqual(['1']);
    // The GitHub Deployment of each environment ends in success.
    const deployments = api.deployments(OWNER, REPO);
    expect(deployments.map((d) => d.environment).sort()).toEqual(['production', 'staging']);
    for (const d of deployments) expect(api.deploymentStatuses(OWNER, REPO, d.id).at(-1)?.state).toBe('success');
  }, 240_000);

  it('PR #1, commit 2: a worse model is stopped and the gate posts one sticky comment', async () => {
    const sha = await commit(WORSE);
    expectOk(await train(dataVersion, sha));
    const gate = await gateOnPullRequest(dataVersion, sha);
    expect(gate.exitCode).toBe(1);
    expect(gate.outputs.verdict).toBe('fail');
    const comments = api.comments(OWNER, REPO, 1);
    expect(comments).toHaveLength(1);
    expect(gate.outputs['comment-url']).toBe(comments[0]!.html_url);
    expect(comments[0]!.body).toMatch(/FAIL/);
    expect(comments[0]!.body).toMatch(/roc_auc/);
    // Nothing was registered from the pull request.
    expect(readdirSync(join(modelDir(), 'versions'))).toEqual(['1']);
  }, 180_000);

  it('PR #1, commit 3: the fix passes and the same comment is edited in place', async () => {
    const sha = await commit(ALL);
    expectOk(await train(dataVersion, sha));
    const before = { ...api.comments(OWNER, REPO, 1)[0]! };
    const gate = await gateOnPullRequest(dataVersion, sha);
    expectOk(gate);
    expect(gate.outputs.verdict).toBe('pass');
    const after = api.comments(OWNER, REPO, 1);
    expect(after).toHaveLength(1);
    expect(after[0]!.id).toBe(before.id);
    expect(after[0]!.body).toMatch(/PASS/);
    expect(after[0]!.body).not.toBe(before.body);
    const writes = api.requests.filter(
      (r) => r.path.includes(`/repos/${OWNER}/${REPO}/issues/`) && ['POST', 'PATCH'].includes(r.method),
    );
    expect(writes.map((r) => r.method)).toEqual(['POST', 'PATCH']);
  }, 180_000);

  it('main, commit 4: the merged change is released as v2 and production moves to it, with the audit trail', async () => {
    const sha = await commit(ALL);
    const trained = await train(dataVersion, sha);
    expectOk(trained);
    const gate = await step(
      'metric-gate',
      gateInputs(dataVersion, { baseline: PRODUCTION_BASELINE, rules: BASELINE_RULES, comment: 'false' }),
      sha,
    );
    expectOk(gate);
    const push = await register(trained, sha);
    expectOk(push);
    expect(push.outputs).toMatchObject({ version: '2', created: 'true' });
    expectOk(await deploy('staging', '2', sha));
    const production = await deploy('production', '2', sha, true);
    expectOk(production);
    expect(production.outputs).toMatchObject({ revision: '2', 'previous-revision': '1', 'model-version': '2' });
    expect(aliasesOnDisk()).toEqual({ staging: 2, production: 2 });
    expect(await served('production')).toEqual(['2']);
    expect(json<{ lineage: { git_sha: string } }>(join(modelDir(), 'versions/2/manifest.json')).lineage.git_sha).toBe(
      sha,
    );
    expect(
      eventsOnDisk()
        .filter((e) => e.type !== 'deployed')
        .map((e) => [e.type, e.version ?? null, e.alias ?? null, e.from ?? null, e.to ?? null]),
    ).toEqual([
      ['version-created', 1, null, null, null],
      ['alias-moved', null, 'staging', null, 1],
      ['alias-moved', null, 'production', null, 1],
      ['version-created', 2, null, null, null],
      ['alias-moved', null, 'staging', 1, 2],
      ['alias-moved', null, 'production', 1, 2],
    ]);
  }, 240_000);

  it('main, commit 5: v3 exported with noise fails its smoke test on staging and is rolled back to v2', async () => {
    const sha = await commit(ALL, 0.05);
    const trained = await train(dataVersion, sha);
    expectOk(trained);
    const push = await register(trained, sha);
    expectOk(push);
    expect(push.outputs.version).toBe('3');
    const staging = await deploy('staging', '3', sha);
    expect(staging.exitCode).toBe(1);
    expect(staging.outputs).toMatchObject({ status: 'rolled-back', 'model-version': '3' });
    expect(staging.annotations.find((a) => a.level === 'error')?.message).toMatch(/smoke test/i);
    const history = await k8s.history('churn-api', 'staging');
    expect(history.map((h) => h.status)).toEqual(['superseded', 'superseded', 'superseded', 'deployed']);
    expect(history.at(-1)!.description).toBe('Rollback to 2');
    expect(await served('staging')).toEqual(['2']);
    expect(await served('production')).toEqual(['2']);
    expect(aliasesOnDisk().production).toBe(2);
    expect(eventsOnDisk().some((e) => e.type === 'smoke-test-failed' && e.version === 3)).toBe(true);
    await commit(ALL, 0);
  }, 240_000);

  it('rollback.yml: production back to v1 by hand, with the reason in the audit log', async () => {
    const reason = 'v2 over-predicts churn for annual contracts (incident 42)';
    const result = await step(
      'rollback',
      rollbackInputs({ registry, version: '1', reason, smokeTestUrl: urls.production, token: TOKEN, helm: k8s.helm }),
      'c'.repeat(40),
      {
        eventName: 'workflow_dispatch',
        apiUrl: api.url,
        token: TOKEN,
        env: { GITHUB_SHA: 'c'.repeat(40), ...k8s.cluster.env },
      },
    );
    expectOk(result);
    expect(result.outputs).toMatchObject({
      'from-revision': '2',
      'to-revision': '1',
      'new-revision': '3',
      'model-version': '1',
    });
    expect(aliasesOnDisk().production).toBe(1);
    expect(await served('production')).toEqual(['1']);
    const history = await k8s.history('churn-api', 'production');
    expect(history.map((h) => [h.revision, h.status])).toEqual([
      [1, 'superseded'],
      [2, 'superseded'],
      [3, 'deployed'],
    ]);
    const rollback = eventsOnDisk().filter((e) => e.type === 'rollback');
    expect(rollback).toHaveLength(1);
    expect(rollback[0]).toMatchObject({ version: 1, reason, actor: 'octocat' });
  }, 240_000);
});
