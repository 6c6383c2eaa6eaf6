import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RecordingLogger } from '@mlops-gha/common';
import { startGitHubApi, type GitHubApiDouble } from '../../../test/doubles/github-api.js';
import { MAX_COMMENT_LENGTH, stickyMarker, upsertStickyComment, type StickyCommentOptions } from './sticky-comment.js';

let api: GitHubApiDouble;
beforeAll(async () => {
  api = await startGitHubApi();
  api.addToken('w', { login: 'github-actions[bot]', permission: 'write' });
  api.addToken('r', { login: 'github-actions[bot]', permission: 'read' });
});
afterAll(async () => {
  await api.stop();
});

const options = (
  issueNumber: number,
  body: string,
  extra: Partial<StickyCommentOptions> = {},
): StickyCommentOptions => ({
  token: 'w',
  apiUrl: api.url,
  owner: 'o',
  repo: 'r',
  issueNumber,
  key: 'metric-gate/default',
  body,
  ...extra,
});

describe('upsertStickyComment', () => {
  it('creates, then updates in place, then leaves an unchanged body alone', async () => {
    const created = await upsertStickyComment(options(1, 'one'));
    const updated = await upsertStickyComment(options(1, 'two'));
    const before = api.requests.length;
    const same = await upsertStickyComment(options(1, 'two'));
    expect([created.outcome, updated.outcome, same.outcome]).toEqual(['created', 'updated', 'unchanged']);
    expect(api.requests.slice(before).some((r) => r.method === 'PATCH')).toBe(false);
    const comments = api.comments('o', 'r', 1);
    expect(comments.map((c) => c.body)).toEqual([`${stickyMarker('metric-gate/default')}\ntwo`]);
  });

  it('two jobs racing on a new pull request leave exactly one comment', async () => {
    const results = await Promise.all([
      upsertStickyComment(options(2, 'job A')),
      upsertStickyComment(options(2, 'job B')),
    ]);
    const comments = api.comments('o', 'r', 2);
    expect(comments).toHaveLength(1);
    expect(results.every((r) => r.outcome !== 'forbidden' && r.id === comments[0]!.id)).toBe(true);
    expect(['job A', 'job B'].map((b) => `${stickyMarker('metric-gate/default')}\n${b}`)).toContain(comments[0]!.body);
    // the job whose comment was kept created it; the other one updated it
    expect(results.map((r) => r.outcome).sort()).toEqual(['created', 'updated']);
  });

  it('cleans up duplicates left by an earlier race, keeping the oldest', async () => {
    const marker = stickyMarker('metric-gate/default');
    const first = api.seedComment('o', 'r', 3, `${marker}\nold 1`, 'github-actions[bot]');
    api.seedComment('o', 'r', 3, `${marker}\nold 2`, 'github-actions[bot]');
    const result = await upsertStickyComment(options(3, 'new'));
    expect(result).toMatchObject({ outcome: 'updated', id: first.id, removedDuplicates: 1 });
    expect(api.comments('o', 'r', 3).map((c) => c.body)).toEqual([`${marker}\nnew`]);
  });

  it('a key is not a prefix of another key', async () => {
    // `ab` first: a marker matched as a prefix would let `a` find (and overwrite) the `ab` comment
    const ab = await upsertStickyComment(options(4, 'ab body', { key: 'metric-gate/ab' }));
    const a = await upsertStickyComment(options(4, 'a body', { key: 'metric-gate/a' }));
    expect([ab.outcome, a.outcome]).toEqual(['created', 'created']);
    const again = await upsertStickyComment(options(4, 'a body 2', { key: 'metric-gate/a' }));
    expect(again).toMatchObject({ outcome: 'updated', id: (a as { id: number }).id });
    expect(api.comments('o', 'r', 4).map((c) => c.body)).toEqual([
      '<!-- mlops-gha sticky-comment key=metric-gate%2Fab -->\nab body',
      '<!-- mlops-gha sticky-comment key=metric-gate%2Fa -->\na body 2',
    ]);
    expect(stickyMarker('x --> <b>')).toBe('<!-- mlops-gha sticky-comment key=x%20--%3E%20%3Cb%3E -->');
  });

  it('a read-only token is reported as forbidden, not thrown', async () => {
    const result = await upsertStickyComment(options(5, 'x', { token: 'r' }));
    expect(result).toEqual({
      outcome: 'forbidden',
      message: expect.stringContaining('Resource not accessible by integration'),
    });
    expect(api.comments('o', 'r', 5)).toHaveLength(0);
  });

  it('without the GraphQL identity, falls back to bot comments carrying the marker', async () => {
    const marker = stickyMarker('metric-gate/default');
    api.seedComment('o', 'r', 6, `${marker}\nby a person`, 'mallory');
    const mine = api.seedComment('o', 'r', 6, `${marker}\nmine`, 'github-actions[bot]');
    api.failNext('POST', '/graphql', 502, 5);
    const logger = new RecordingLogger();
    const result = await upsertStickyComment(options(6, 'updated', { logger }));
    expect(result).toMatchObject({ outcome: 'updated', id: mine.id });
    expect(api.comments('o', 'r', 6).find((c) => c.user.login === 'mallory')!.body).toContain('by a person');
    expect(logger.messages('debug').join('\n')).toContain("Could not read the token's login");
    api.clearFaults();
  });

  it('with the token known, never edits a comment of another author carrying the marker', async () => {
    // A person or another app may paste the marker (quoting our comment): only the token's own comments count.
    const marker = stickyMarker('metric-gate/default');
    const person = api.seedComment('o', 'r', 7, `${marker}\nquoted by a person`, 'mallory');
    const otherApp = api.seedComment('o', 'r', 7, `${marker}\nanother app`, 'other-app[bot]');
    const result = await upsertStickyComment(options(7, 'ours'));
    expect(result).toMatchObject({ outcome: 'created' });
    const comments = api.comments('o', 'r', 7);
    expect(comments.map((c) => [c.user.login, c.body])).toEqual([
      ['mallory', `${marker}\nquoted by a person`],
      ['other-app[bot]', `${marker}\nanother app`],
      ['github-actions[bot]', `${marker}\nours`],
    ]);
    expect([person.id, otherApp.id]).not.toContain((result as { id: number }).id);
  });

  it('a duplicate that another job deleted first (404 on delete) is not an error', async () => {
    const marker = stickyMarker('metric-gate/default');
    const first = api.seedComment('o', 'r', 8, `${marker}\nold 1`, 'github-actions[bot]');
    const second = api.seedComment('o', 'r', 8, `${marker}\nold 2`, 'github-actions[bot]');
    api.failNext('DELETE', `/repos/o/r/issues/comments/${second.id}`, 404);
    const result = await upsertStickyComment(options(8, 'new'));
    expect(result).toMatchObject({ outcome: 'updated', id: first.id, removedDuplicates: 0 });
    expect(api.comments('o', 'r', 8).find((c) => c.id === first.id)!.body).toBe(`${marker}\nnew`);
  });

  it('an app token whose login lacks "[bot]" still finds its own comments, whatever the case', async () => {
    // the GraphQL viewer of an app token is `my-app`; its comments are by `my-app[bot]`
    api.addToken('app', { login: 'My-App', permission: 'write' });
    const marker = stickyMarker('metric-gate/default');
    const mine = api.seedComment('o', 'r', 9, `${marker}\nold`, 'my-app[bot]');
    const result = await upsertStickyComment(options(9, 'new', { token: 'app' }));
    expect(result).toMatchObject({ outcome: 'updated', id: mine.id });
    expect(api.comments('o', 'r', 9).map((c) => c.body)).toEqual([`${marker}\nnew`]);
  });

  it('takes the API URL with or without a trailing slash', async () => {
    const result = await upsertStickyComment(options(10, 'x', { apiUrl: `${api.url}/` }));
    expect(result.outcome).toBe('created');
    expect(api.comments('o', 'r', 10)).toHaveLength(1);
  });

  it("refuses a body over GitHub's limit before any request, and sends one exactly at it", async () => {
    const room = MAX_COMMENT_LENGTH - stickyMarker('metric-gate/default').length - 1;
    const before = api.requests.length;
    await expect(upsertStickyComment(options(11, 'x'.repeat(room + 1)))).rejects.toThrow(
      `Comment body is ${MAX_COMMENT_LENGTH + 1} characters; GitHub's limit is ${MAX_COMMENT_LENGTH}`,
    );
    expect(api.requests.length).toBe(before);
    const fits = await upsertStickyComment(options(11, 'x'.repeat(room)));
    expect(fits.outcome).toBe('created');
    expect(api.comments('o', 'r', 11)[0]!.body).toHaveLength(MAX_COMMENT_LENGTH);
  });

  it('a failed delete of a duplicate, other than 404, is not swallowed', async () => {
    const marker = stickyMarker('metric-gate/default');
    api.seedComment('o', 'r', 12, `${marker}\nold 1`, 'github-actions[bot]');
    const second = api.seedComment('o', 'r', 12, `${marker}\nold 2`, 'github-actions[bot]');
    api.failNext('DELETE', `/repos/o/r/issues/comments/${second.id}`, 500);
    const error = await upsertStickyComment(options(12, 'new')).then(
      () => undefined,
      (e: unknown) => e as Error & { fix?: string },
    );
    expect(error?.message).toMatch(/^Could not write the pull-request comment: Server Error/);
    expect(error?.fix).toBe(
      'Give the job `permissions: pull-requests: write` (and issues: write), or set `comment: false`.',
    );
    expect(api.comments('o', 'r', 12)).toHaveLength(2);
  });

  it("GitHub's own too-long refusal is reported as ours to fix, not as a permission problem", async () => {
    api.failNext(
      'POST',
      '/repos/o/r/issues/13/comments',
      422,
      1,
      'Validation Failed: Body is too long (maximum is 65536 characters)',
    );
    const error = await upsertStickyComment(options(13, 'short')).then(
      () => undefined,
      (e: unknown) => e as Error & { fix?: string },
    );
    expect(error?.message).toMatch(
      /^GitHub refused the comment as too long \(\d+ characters\): Validation Failed: Body is too long/,
    );
    expect(error?.fix).toBe("Report this: the report is meant to be cut to fit GitHub's 65,536-character limit.");
    // only GitHub's 422 means the body: a gateway that "took too long" is the generic failure
    api.failNext('POST', '/repos/o/r/issues/13/comments', 502, 1, 'Server Error: the upstream took too long');
    await expect(upsertStickyComment(options(13, 'short'))).rejects.toThrow(
      'Could not write the pull-request comment: Server Error: the upstream took too long',
    );
    // any other 422 is the generic failure
    api.failNext('POST', '/repos/o/r/issues/13/comments', 422, 1, 'Validation Failed');
    await expect(upsertStickyComment(options(13, 'short'))).rejects.toThrow(
      'Could not write the pull-request comment: Validation Failed',
    );
    expect(api.comments('o', 'r', 13)).toHaveLength(0);
  });

  it('a failure to list the comments (GitHub down) is a UserError with the fix, and nothing is written', async () => {
    api.failNext('GET', '/repos/o/r/issues/14/comments', 503);
    const error = await upsertStickyComment(options(14, 'body')).then(
      () => undefined,
      (e: unknown) => e as Error & { fix?: string },
    );
    expect(error?.message).toMatch(/^Could not write the pull-request comment: /);
    expect(error?.fix).toBe(
      'Give the job `permissions: pull-requests: write` (and issues: write), or set `comment: false`.',
    );
    expect(api.comments('o', 'r', 14)).toHaveLength(0);
  });
});

describe('stickyMarker', () => {
  it('is one HTML comment whatever the key: a key cannot close it early or inject markup', () => {
    const marker = stickyMarker('gate --> <img src=x onerror=alert(1)> <!--');
    expect(marker).toBe(
      '<!-- mlops-gha sticky-comment key=gate%20--%3E%20%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E%20%3C!-- -->',
    );
    expect(marker.indexOf('-->')).toBe(marker.length - 3);
    expect(marker.includes('<img')).toBe(false);
  });

  it('gives different keys different markers, neither containing the other', () => {
    const a = stickyMarker('metric-gate/default');
    const b = stickyMarker('metric-gate/default-2');
    expect(a).toBe('<!-- mlops-gha sticky-comment key=metric-gate%2Fdefault -->');
    expect(b.includes(a)).toBe(false);
    expect(a.includes(b)).toBe(false);
  });
});
