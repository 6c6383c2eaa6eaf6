import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startGitHubApi, type GitHubApiDouble } from './github-api.js';

// What a client sees when it asks the double for something GitHub refuses: the status and the
// body GitHub documents. The happy paths through the real Octokit client are in doubles.test.ts.
describe('the GitHub API double answers refusals as GitHub does', () => {
  let api: GitHubApiDouble;
  let commentId = 0;
  let deploymentId = 0;
  const call = async (method: string, path: string, body?: unknown, token = 'ghs_write') => {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };

  beforeAll(async () => {
    api = await startGitHubApi();
    api.addToken('ghs_write', { login: 'github-actions[bot]', permission: 'write' });
    api.addToken('ghs_read', { login: 'reader', permission: 'read' });
    commentId = api.seedComment('o', 'r', 3, 'kept').id;
    deploymentId = ((await call('POST', '/repos/o/r/deployments', { ref: 'main' })).body as { id: number }).id;
  });
  afterAll(() => api.stop());

  const docs = 'https://docs.github.com/rest';
  /** GitHub's 422 body for a request it understood but will not accept: one error, what it says. */
  const validationFailed = (error: object, message: string, documentation: string) => ({
    message: 'Validation Failed',
    errors: [{ ...error, message }],
    documentation_url: documentation,
    status: '422',
  });
  it.each([
    {
      what: 'a comment without a body',
      request: () => call('POST', '/repos/o/r/issues/3/comments', {}),
      status: 422,
      body: {
        message: 'Invalid request.\n\n"body" wasn\'t supplied.',
        documentation_url: `${docs}/issues/comments#create-an-issue-comment`,
        status: '422',
      },
    },
    {
      what: 'an update without a body',
      request: () => call('PATCH', `/repos/o/r/issues/comments/${commentId}`, { text: 'x' }),
      status: 422,
      body: { message: 'Invalid request.\n\n"body" wasn\'t supplied.', documentation_url: docs, status: '422' },
    },
    {
      what: 'an update over the length limit',
      request: () => call('PATCH', `/repos/o/r/issues/comments/${commentId}`, { body: 'x'.repeat(65537) }),
      status: 422,
      body: validationFailed(
        { resource: 'IssueComment', code: 'unprocessable', field: 'data' },
        'Body is too long (maximum is 65536 characters)',
        `${docs}/issues/comments#create-an-issue-comment`,
      ),
    },
    {
      what: 'a comment that does not exist',
      request: () => call('GET', '/repos/o/r/issues/comments/42'),
      status: 404,
      body: { message: 'Not Found', documentation_url: `${docs}/issues/comments`, status: '404' },
    },
    {
      what: 'a deployment without a ref',
      request: () => call('POST', '/repos/o/r/deployments', { environment: 'staging' }),
      status: 422,
      body: {
        message: 'Invalid request.\n\n"ref" wasn\'t supplied.',
        documentation_url: `${docs}/deployments/deployments#create-a-deployment`,
        status: '422',
      },
    },
    {
      what: 'a status with a state GitHub does not know',
      request: () => call('POST', `/repos/o/r/deployments/${deploymentId}/statuses`, { state: 'done' }),
      status: 422,
      body: validationFailed(
        { resource: 'DeploymentStatus', code: 'custom', field: 'state' },
        'state is not included in the list',
        `${docs}/deployments/statuses#create-a-deployment-status`,
      ),
    },
    {
      what: 'statuses of a deployment that does not exist',
      request: () => call('GET', '/repos/o/r/deployments/7/statuses'),
      status: 404,
      body: { message: 'Not Found', documentation_url: docs, status: '404' },
    },
    {
      what: 'a route the double does not serve',
      request: () => call('GET', '/repos/o/r/pulls'),
      status: 404,
      body: { message: 'Not Found', documentation_url: docs, status: '404' },
    },
    {
      what: 'a write with a read-only token',
      request: () => call('DELETE', `/repos/o/r/issues/comments/${commentId}`, undefined, 'ghs_read'),
      status: 403,
      body: {
        message: 'Resource not accessible by integration',
        documentation_url: `${docs}/issues/comments#create-an-issue-comment`,
        status: '403',
      },
    },
    {
      what: 'an unknown token',
      request: () => call('GET', '/repos/o/r/deployments', undefined, 'ghs_forged'),
      status: 401,
      body: { message: 'Bad credentials', documentation_url: docs, status: '401' },
    },
  ])('$what: $status', async ({ request, status, body }) => {
    expect(await request()).toEqual({ status, body });
    expect(api.comments('o', 'r', 3).map((c) => c.body)).toEqual(['kept']);
    expect(api.deployments('o', 'r').map((d) => d.id)).toEqual([deploymentId]);
  });

  it('deletes a comment (204) and answers 404 for it afterwards', async () => {
    const id = api.seedComment('o', 'r', 4, 'gone soon').id;
    expect(await call('DELETE', `/repos/o/r/issues/comments/${id}`)).toEqual({ status: 204, body: undefined });
    expect(api.comments('o', 'r', 4)).toEqual([]);
    expect((await call('GET', `/repos/o/r/issues/comments/${id}`)).status).toBe(404);
  });

  it('fails the next matching requests as told, then serves again', async () => {
    api.failNext('GET', '/repos/o/r/deployments', 503, 2);
    const first = await call('GET', '/repos/o/r/deployments');
    const second = await call('GET', '/repos/o/r/deployments');
    const third = await call('GET', '/repos/o/r/deployments');
    expect([first, second].map((r) => r.status)).toEqual([503, 503]);
    expect(first.body).toEqual({ message: 'Server Error', documentation_url: docs });
    expect(third.status).toBe(200);
  });
});
