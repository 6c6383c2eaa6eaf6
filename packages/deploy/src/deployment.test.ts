/** The GitHub Deployment of a deploy or rollback, against the GitHub API double: made only with an environment and a token. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { silentLogger } from '@mlops-gha/common';
import { startGitHubApi, type GitHubApiDouble } from '../../../test/doubles/github-api.js';
import { trackDeployment } from './deployment.js';
import type { GitHubContext } from './types.js';

let api: GitHubApiDouble;
const TOKEN = 'ghs_deploymentTestToken000000000000000';
beforeAll(async () => {
  api = await startGitHubApi();
  api.addToken(TOKEN, { login: 'github-actions[bot]', permission: 'write' });
});
afterAll(() => api?.stop());

const github = (o: Partial<GitHubContext> = {}): GitHubContext => ({
  token: TOKEN,
  apiUrl: api.url,
  owner: 'octo',
  repo: 'ml',
  ref: 'abc123',
  runUrl: 'https://github.com/octo/ml/actions/runs/9',
  ...o,
});

describe('trackDeployment', () => {
  it('makes nothing without an environment or without a token', async () => {
    const before = api.requests.length;
    expect(
      await trackDeployment({ github: github(), logger: silentLogger, description: 'd', payload: {} }),
    ).toBeUndefined();
    expect(
      await trackDeployment({
        environment: 'production',
        github: github({ token: undefined }),
        logger: silentLogger,
        description: 'd',
        payload: {},
      }),
    ).toBeUndefined();
    expect(
      await trackDeployment({ environment: 'production', logger: silentLogger, description: 'd', payload: {} }),
    ).toBeUndefined();
    expect(api.requests.length).toBe(before);
  });

  it('creates the deployment for the commit with the task, description and payload; statuses carry the run and smoke URLs', async () => {
    const tracked = await trackDeployment({
      environment: 'production',
      github: github(),
      smokeTestUrl: 'https://iris.example/v2',
      logger: silentLogger,
      task: 'deploy:rollback',
      description: 'iris: rollback to revision 3',
      payload: { release: 'iris', from: 5, to: 3 },
    });
    expect(tracked).toBeDefined();
    const [d] = api.deployments('octo', 'ml').filter((x) => x.id === tracked!.id);
    expect(d).toMatchObject({
      ref: 'abc123',
      task: 'deploy:rollback',
      environment: 'production',
      description: 'iris: rollback to revision 3',
      payload: { release: 'iris', from: 5, to: 3 },
      production_environment: true,
    });
    await tracked!.setStatus('success', 'revision 6 serves iris/2');
    const [status] = api.deploymentStatuses('octo', 'ml', tracked!.id).slice(-1);
    expect(status).toMatchObject({
      state: 'success',
      description: 'revision 6 serves iris/2',
      log_url: 'https://github.com/octo/ml/actions/runs/9',
      environment_url: 'https://iris.example/v2',
    });
  });

  it("a deploy's task is GitHub's default `deploy`", async () => {
    const tracked = await trackDeployment({
      environment: 'staging',
      github: github(),
      logger: silentLogger,
      description: 'iris/2 to iris',
      payload: {},
    });
    expect(api.deployments('octo', 'ml').find((x) => x.id === tracked!.id)).toMatchObject({
      task: 'deploy',
      environment: 'staging',
    });
  });
});
