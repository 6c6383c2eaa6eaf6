import { getOctokit } from '@actions/github';
import { UserError, silentLogger, type Logger } from '@mlops-gha/common';

/** GitHub rejects comment bodies over 65,536 characters (422 "Body is too long"). */
export const MAX_COMMENT_LENGTH = 65_536;

export interface StickyCommentOptions {
  token: string;
  /** REST base URL, e.g. https://api.github.com (GITHUB_API_URL). */
  apiUrl: string;
  owner: string;
  repo: string;
  /** Pull request (or issue) number. */
  issueNumber: number;
  /** Identifies the comment among others on the same pull request, e.g. `metric-gate/default`. */
  key: string;
  /** Markdown; the hidden marker is added in front. */
  body: string;
  logger?: Logger;
}

export type StickyCommentResult =
  | { outcome: 'created' | 'updated' | 'unchanged'; id: number; url: string; removedDuplicates: number }
  | { outcome: 'forbidden'; message: string };

/** The hidden line that finds the comment again. The key is URI-encoded so it cannot end the HTML comment. */
export function stickyMarker(key: string): string {
  return `<!-- mlops-gha sticky-comment key=${encodeURIComponent(key)} -->`;
}

interface Comment {
  id: number;
  body?: string | null;
  html_url: string;
  user: { login: string; type?: string } | null;
}

const normaliseLogin = (login: string) => login.replace(/\[bot\]$/, '').toLowerCase();

function status(error: unknown): number | undefined {
  return typeof error === 'object' && error && 'status' in error
    ? Number((error as { status: unknown }).status)
    : undefined;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Creates or updates the one comment of a pull request that carries `key`'s marker and was
 * written by the token's own identity (so nobody can hijack it by pasting the marker). All
 * pages of comments are searched. If two jobs race and both create, the re-list after
 * creating finds both: the older is kept (with this body) and the younger deleted. A token
 * without write access (fork pull requests) yields `forbidden` instead of an error.
 */
export async function upsertStickyComment(options: StickyCommentOptions): Promise<StickyCommentResult> {
  const logger = options.logger ?? silentLogger;
  const octokit = getOctokit(options.token, { baseUrl: options.apiUrl.replace(/\/$/, '') });
  const marker = stickyMarker(options.key);
  const body = `${marker}\n${options.body}`;
  if (body.length > MAX_COMMENT_LENGTH) {
    throw new Error(`Comment body is ${body.length} characters; GitHub's limit is ${MAX_COMMENT_LENGTH}`);
  }
  const where = { owner: options.owner, repo: options.repo };

  // Who the token is: GraphQL viewer (GET /user is forbidden to GITHUB_TOKEN).
  let viewer: string | undefined;
  try {
    const result = await octokit.graphql<{ viewer: { login: string } }>('query { viewer { login } }');
    viewer = result.viewer.login;
  } catch (error) {
    logger.debug(
      `Could not read the token's login (${message(error)}); matching comments by marker among bot comments`,
    );
  }
  const ours = (c: Comment) =>
    !!c.body?.includes(marker) &&
    (viewer ? !!c.user && normaliseLogin(c.user.login) === normaliseLogin(viewer) : c.user?.type === 'Bot');

  const list = async (): Promise<Comment[]> => {
    const all = (await octokit.paginate(octokit.rest.issues.listComments, {
      ...where,
      issue_number: options.issueNumber,
      per_page: 100,
    })) as Comment[];
    return all.filter(ours).sort((a, b) => a.id - b.id);
  };

  const removeDuplicates = async (keep: Comment, matches: Comment[]): Promise<number> => {
    let removed = 0;
    for (const c of matches) {
      if (c.id === keep.id) continue;
      try {
        await octokit.rest.issues.deleteComment({ ...where, comment_id: c.id });
        removed++;
        logger.info(`Deleted duplicate comment ${c.html_url}`);
      } catch (error) {
        if (status(error) !== 404) throw error; // the other job deleted it first
      }
    }
    return removed;
  };

  try {
    const existing = await list();
    if (existing.length > 0) {
      const keep = existing[0]!;
      const removed = await removeDuplicates(keep, existing);
      if (keep.body === body)
        return { outcome: 'unchanged', id: keep.id, url: keep.html_url, removedDuplicates: removed };
      const { data } = await octokit.rest.issues.updateComment({ ...where, comment_id: keep.id, body });
      return { outcome: 'updated', id: data.id, url: data.html_url, removedDuplicates: removed };
    }
    const { data: created } = await octokit.rest.issues.createComment({
      ...where,
      issue_number: options.issueNumber,
      body,
    });
    // Another job may have created one at the same moment: keep the oldest, delete the rest.
    const after = await list();
    const keep = after[0];
    if (!keep || keep.id === created.id) {
      const removed = keep ? await removeDuplicates(keep, after) : 0;
      return { outcome: 'created', id: created.id, url: created.html_url, removedDuplicates: removed };
    }
    const removed = await removeDuplicates(keep, after);
    const { data } = await octokit.rest.issues.updateComment({ ...where, comment_id: keep.id, body });
    logger.info(`Another job created the comment at the same time; kept ${keep.html_url}`);
    return { outcome: 'updated', id: data.id, url: data.html_url, removedDuplicates: removed };
  } catch (error) {
    const code = status(error);
    if (code === 403) return { outcome: 'forbidden', message: message(error) };
    if (code === 422 && /too long/i.test(message(error))) {
      throw new UserError(`GitHub refused the comment as too long (${body.length} characters): ${message(error)}`, {
        fix: "Report this: the report is meant to be cut to fit GitHub's 65,536-character limit.",
        cause: error,
      });
    }
    throw new UserError(`Could not write the pull-request comment: ${message(error)}`, {
      fix: 'Give the job `permissions: pull-requests: write` (and issues: write), or set `comment: false`.',
      cause: error,
    });
  }
}
