import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { getOctokit } from '@actions/github';
import { randomBytes } from 'node:crypto';
import { startGitHubApi, type GitHubApiDouble } from './github-api.js';
import { startS3Server, type S3TestServer } from './s3.js';

describe('the GitHub API double, reached by the real @actions/github client', () => {
  let api: GitHubApiDouble;
  beforeAll(async () => {
    api = await startGitHubApi();
    api.addToken('ghs_write', { login: 'github-actions[bot]', permission: 'write' });
    api.addToken('ghs_read', { login: 'github-actions[bot]', permission: 'read' });
  });
  afterAll(() => api.stop());

  it('creates a comment, lists it across two pages, and updates it in place', async () => {
    const octokit = getOctokit('ghs_write', { baseUrl: api.url });
    const repo = { owner: 'octo-org', repo: 'octo-repo', issue_number: 7 };
    for (let i = 0; i < 4; i++) api.seedComment('octo-org', 'octo-repo', 7, `human comment ${i}`);
    const created = await octokit.rest.issues.createComment({ ...repo, body: '<!-- key -->\nfirst' });
    expect(created.status).toBe(201);
    expect(created.data.user?.login).toBe('github-actions[bot]');

    const firstPage = await octokit.rest.issues.listComments({ ...repo, per_page: 3 });
    expect(firstPage.data).toHaveLength(3);
    expect(firstPage.headers.link).toContain('rel="next"');
    const all = await octokit.paginate(octokit.rest.issues.listComments, { ...repo, per_page: 3 });
    expect(all.map((c) => c.body)).toEqual([
      'human comment 0',
      'human comment 1',
      'human comment 2',
      'human comment 3',
      '<!-- key -->\nfirst',
    ]);

    const updated = await octokit.rest.issues.updateComment({
      owner: 'octo-org',
      repo: 'octo-repo',
      comment_id: created.data.id,
      body: '<!-- key -->\nsecond',
    });
    expect(updated.status).toBe(200);
    expect(api.comments('octo-org', 'octo-repo', 7).map((c) => c.body)).toEqual([
      'human comment 0',
      'human comment 1',
      'human comment 2',
      'human comment 3',
      '<!-- key -->\nsecond',
    ]);
    expect(api.requests.filter((r) => r.method === 'GET').map((r) => r.query.page ?? '1')).toEqual(['1', '1', '2']);
  });

  it('refuses writes from a read-only token with 403 and refuses over-long bodies with 422', async () => {
    const readOnly = getOctokit('ghs_read', { baseUrl: api.url });
    await expect(
      readOnly.rest.issues.createComment({ owner: 'o', repo: 'r', issue_number: 1, body: 'x' }),
    ).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('Resource not accessible by integration'),
    });
    const writer = getOctokit('ghs_write', { baseUrl: api.url });
    await expect(
      writer.rest.issues.createComment({ owner: 'o', repo: 'r', issue_number: 1, body: 'x'.repeat(65537) }),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('Body is too long (maximum is 65536 characters)'),
    });
    expect(api.comments('o', 'r', 1)).toEqual([]);
  });

  it('serves deployments and their statuses', async () => {
    const octokit = getOctokit('ghs_write', { baseUrl: api.url });
    const d = await octokit.rest.repos.createDeployment({
      owner: 'o',
      repo: 'r',
      ref: 'main',
      environment: 'staging',
      auto_merge: false,
      required_contexts: [],
    });
    expect(d.status).toBe(201);
    const id = (d.data as { id: number }).id;
    await octokit.rest.repos.createDeploymentStatus({ owner: 'o', repo: 'r', deployment_id: id, state: 'in_progress' });
    await octokit.rest.repos.createDeploymentStatus({ owner: 'o', repo: 'r', deployment_id: id, state: 'success' });
    const statuses = await octokit.rest.repos.listDeploymentStatuses({ owner: 'o', repo: 'r', deployment_id: id });
    expect(statuses.data.map((s) => s.state)).toEqual(['success', 'in_progress']);
    const viewer = await octokit.graphql<{ viewer: { login: string } }>('query { viewer { login } }');
    expect(viewer.viewer.login).toBe('github-actions[bot]');
  });
});

describe('the S3 server (s3rver), reached by @aws-sdk/client-s3', () => {
  let s3: S3TestServer;
  beforeAll(async () => {
    s3 = await startS3Server({ buckets: ['data'] });
  });
  afterAll(() => s3.stop());

  it('puts, lists and gets objects byte for byte', async () => {
    const client = s3.client();
    const bodies = new Map([
      ['a/one.bin', randomBytes(70_000)],
      ['a/two.bin', randomBytes(10)],
      ['b/three.bin', Buffer.alloc(0)],
    ]);
    for (const [Key, Body] of bodies) await client.send(new PutObjectCommand({ Bucket: 'data', Key, Body }));
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'data', Prefix: 'a/' }));
    expect(listed.Contents?.map((c) => [c.Key, c.Size])).toEqual([
      ['a/one.bin', 70_000],
      ['a/two.bin', 10],
    ]);
    for (const [Key, body] of bodies) {
      const got = await client.send(new GetObjectCommand({ Bucket: 'data', Key }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    }
  });
});
