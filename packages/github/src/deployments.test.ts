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

it('a non-production environment is marked so, with the task given; descriptions are clipped to 140 characters', async () => {
  const tracked = await startDeployment(
    options({ repo: 'staging-repo', environment: 'staging', task: 'rollback', description: 'y'.repeat(141) }),
  );
  const created = api.requests.filter((r) => r.method === 'POST' && r.path === '/repos/o/staging-repo/deployments');
  expect(created).toHaveLength(1);
  expect(created[0]!.body).toMatchObject({ environment: 'staging', task: 'rollback', production_environment: false });
  expect((created[0]!.body as { description: string }).description).toBe(`${'y'.repeat(139)}…`);
  await tracked!.setStatus('failure', 'z'.repeat(140));
  const [failure] = api.deploymentStatuses('o', 'staging-repo', tracked!.id);
  expect(failure).toMatchObject({ state: 'failure', description: 'z'.repeat(140) });
});

it('a status takes the environment URL of the options unless the call gives one, and no log URL when none is set', async () => {
  const tracked = await startDeployment(
    options({ repo: 'urls', logUrl: undefined, environmentUrl: 'https://iris.example/v2/models/iris' }),
  );
  await tracked!.setStatus('in_progress', 'deploying');
  await tracked!.setStatus('success', 'serving', { environmentUrl: 'https://iris-canary.example' });
  const posted = api.requests
    .filter((r) => r.method === 'POST' && r.path === `/repos/o/urls/deployments/${tracked!.id}/statuses`)
    .map((r) => r.body as Record<string, unknown>);
  expect(posted.map((b) => [b.environment_url, 'log_url' in b])).toEqual([
    ['https://iris.example/v2/models/iris', false],
    ['https://iris-canary.example', false],
  ]);
});

it('an unknown token and a server error give a warning that says which, and no deployment', async () => {
  const logger = new RecordingLogger();
  expect(await startDeployment(options({ token: 'nobody', logger }))).toBeUndefined();
  api.failNext('POST', '/repos/o/r/deployments', 500);
  expect(await startDeployment(options({ logger }))).toBeUndefined();
  expect(logger.messages('warning')).toEqual([
    expect.stringMatching(
      /^Could not create a GitHub Deployment for production \(the token was refused: .*Bad credentials.*\); deploying without one\.$/,
    ),
    expect.stringMatching(
      /^Could not create a GitHub Deployment for production \(GitHub answered 500: .*\); deploying without one\.$/,
    ),
  ]);
});

it('a status that cannot be posted is a warning, never the deploy’s failure', async () => {
  const logger = new RecordingLogger();
  const tracked = await startDeployment(options({ repo: 'flaky', logger }));
  api.failNext('POST', `/repos/o/flaky/deployments/${tracked!.id}/statuses`, 502);
  await expect(tracked!.setStatus('success', 'ok')).resolves.toBeUndefined();
  expect(logger.messages('warning')).toEqual([
    expect.stringMatching(new RegExp(`^Could not set the GitHub Deployment ${tracked!.id} to success: `)),
  ]);
  expect(api.deploymentStatuses('o', 'flaky', tracked!.id)).toEqual([]);
});

it('retires only earlier deployments of the same environment whose last status is success', async () => {
  const repo = 'retire';
  const succeeded = await startDeployment(options({ repo }));
  await succeeded!.setStatus('success', 'ok');
  const failed = await startDeployment(options({ repo }));
  await failed!.setStatus('failure', 'smoke test failed');
  const recovered = await startDeployment(options({ repo }));
  await recovered!.setStatus('failure', 'first try');
  await recovered!.setStatus('success', 'second try');
  const staging = await startDeployment(options({ repo, environment: 'staging' }));
  await staging!.setStatus('success', 'ok');
  const current = await startDeployment(options({ repo }));
  await current!.setStatus('success', 'ok');
  expect(await current!.retirePrevious()).toBe(2);
  const states = (d: { id: number }) => api.deploymentStatuses('o', repo, d.id).map((s) => s.state);
  expect(states(succeeded!)).toEqual(['success', 'inactive']);
  expect(states(failed!)).toEqual(['failure']);
  expect(states(recovered!)).toEqual(['failure', 'success', 'inactive']);
  expect(states(staging!)).toEqual(['success']);
  expect(states(current!)).toEqual(['success']);
  expect(api.deploymentStatuses('o', repo, succeeded!.id)[1]!.description).toBe(
    `superseded by deployment ${current!.id}`,
  );
});

it('a failure to list earlier deployments is a warning, and nothing is retired', async () => {
  const logger = new RecordingLogger();
  const tracked = await startDeployment(options({ repo: 'unlisted', logger }));
  api.failNext('GET', '/repos/o/unlisted/deployments', 500);
  expect(await tracked!.retirePrevious()).toBe(0);
  expect(logger.messages('warning')).toEqual([
    expect.stringMatching(/^Could not mark earlier deployments of production inactive: /),
  ]);
});
