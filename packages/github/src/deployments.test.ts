import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { RecordingLogger } from '@mlops-gha/common';
import { startGitHubApi, type GitHubApiDouble } from '../../../test/doubles/github-api.js';
import { startDeployment, type DeploymentOptions } from './deployments.js';

let api: GitHubApiDouble;
beforeAll(async () => {
  api = await startGitHubApi();
  api.addToken('w', { login: 'github-actions[bot]', permission: 'write' });
  api.addToken('r', { login: 'github-actions[bot]', permission: 'read' });
});
afterAll(async () => {
  await api.stop();
});

const options = (extra: Partial<DeploymentOptions> = {}): DeploymentOptions => ({
  token: 'w',
  apiUrl: api.url,
  owner: 'o',
  repo: 'r',
  ref: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
  environment: 'production',
  description: 'iris/3 to iris-prod',
  payload: { release: 'iris-prod', version: 3 },
  logUrl: 'https://github.com/o/r/actions/runs/1',
  ...extra,
});

it('creates a deployment that skips checks and auto-merge, follows it, and retires the previous success', async () => {
  const first = await startDeployment(options());
  await first!.setStatus('in_progress', 'deploying');
  await first!.setStatus('success', 'iris/3 serves', { environmentUrl: 'http://svc' });
  const second = await startDeployment(options({ description: 'x'.repeat(300) }));
  await second!.setStatus('success', 'ok');
  expect(await second!.retirePrevious()).toBe(1);

  const created = api.requests.filter((r) => r.method === 'POST' && r.path === '/repos/o/r/deployments');
  expect(created[0]!.body).toMatchObject({
    auto_merge: false,
    required_contexts: [],
    environment: 'production',
    production_environment: true,
    payload: { release: 'iris-prod', version: 3 },
  });
  expect((created[1]!.body as { description: string }).description).toHaveLength(140);
  expect(api.deploymentStatuses('o', 'r', first!.id).map((s) => s.state)).toEqual([
    'in_progress',
    'success',
    'inactive',
  ]);
  const success = api.deploymentStatuses('o', 'r', first!.id)[1]!;
  expect([success.environment_url, success.log_url]).toEqual(['http://svc', 'https://github.com/o/r/actions/runs/1']);
  expect(api.deploymentStatuses('o', 'r', second!.id).map((s) => s.state)).toEqual(['success']);
});

it('a token without deployments permission warns and gives no deployment', async () => {
  const logger = new RecordingLogger();
  expect(await startDeployment(options({ token: 'r', logger }))).toBeUndefined();
  expect(logger.messages('warning')[0]).toMatch(/permissions: deployments: write/);
});
