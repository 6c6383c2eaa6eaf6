/**
 * Issue and pull-request comments of the GitHub API double (docs.github.com/rest/issues/comments):
 * list with Link-header pagination, create, get, update and delete, with GitHub's body limit.
 */
import { DOCS, fieldNotSupplied, notFound, userFor, validationFailed } from './github-api-common.js';
import type { ApiContext, ApiRequest, ApiUser } from './github-api-common.js';

export interface IssueComment {
  id: number;
  node_id: string;
  url: string;
  html_url: string;
  issue_url: string;
  body: string;
  user: ApiUser & { node_id: string };
  created_at: string;
  updated_at: string;
  author_association: string;
  performed_via_github_app: null;
}

const MAX_COMMENT = 65536;
const CREATE_DOCS = `${DOCS}/issues/comments#create-an-issue-comment`;

export interface CommentRoutes {
  create(owner: string, repo: string, issueNumber: number, body: string, login: string): IssueComment;
  list(owner: string, repo: string, issueNumber: number): IssueComment[];
  /** Answers the request when it is a comments route; false when it is not one. */
  route(request: ApiRequest): boolean;
}

export function commentRoutes(ctx: ApiContext): CommentRoutes {
  const comments = new Map<string, IssueComment[]>(); // key owner/repo#n
  const commentIndex = new Map<number, { key: string }>();
  const commentKey = (o: string, r: string, n: number) => `${o}/${r}#${n}`;

  function create(o: string, r: string, n: number, body: string, login: string): IssueComment {
    const id = ctx.nextId();
    const at = ctx.now();
    const base = ctx.baseUrl();
    const comment: IssueComment = {
      id,
      node_id: `IC_kwDO${id}`,
      url: `${base}/repos/${o}/${r}/issues/comments/${id}`,
      html_url: `https://github.com/${o}/${r}/pull/${n}#issuecomment-${id}`,
      issue_url: `${base}/repos/${o}/${r}/issues/${n}`,
      body,
      user: userFor(login),
      created_at: at,
      updated_at: at,
      author_association: login.endsWith('[bot]') ? 'NONE' : 'OWNER',
      performed_via_github_app: null,
    };
    const key = commentKey(o, r, n);
    comments.set(key, [...(comments.get(key) ?? []), comment]);
    commentIndex.set(id, { key });
    return comment;
  }

  /** The comment text of a create or update, or undefined after answering GitHub's 422. */
  function commentText({ body, send }: ApiRequest, documentation: string): string | undefined {
    const text = (body as { body?: unknown } | undefined)?.body;
    if (typeof text !== 'string') {
      send(422, fieldNotSupplied('body', documentation));
      return undefined;
    }
    if (text.length > MAX_COMMENT) {
      const error = {
        resource: 'IssueComment',
        code: 'unprocessable',
        field: 'data',
        message: `Body is too long (maximum is ${MAX_COMMENT} characters)`,
      };
      send(422, validationFailed(error, CREATE_DOCS));
      return undefined;
    }
    return text;
  }

  function listPage(request: ApiRequest, all: IssueComment[]): void {
    const { url, path, send } = request;
    const perPage = Math.min(Math.max(Number(url.searchParams.get('per_page') ?? 30) || 30, 1), 100);
    const page = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(all.length / perPage), 1);
    const links: string[] = [];
    const link = (p: number, rel: string) => {
      const u = new URL(`${ctx.baseUrl()}${path}`);
      u.searchParams.set('per_page', String(perPage));
      u.searchParams.set('page', String(p));
      links.push(`<${u.toString()}>; rel="${rel}"`);
    };
    if (page > 1) link(page - 1, 'prev');
    if (page < last) {
      link(page + 1, 'next');
      link(last, 'last');
    }
    if (page > 1) link(1, 'first');
    send(200, all.slice((page - 1) * perPage, page * perPage), links.length ? { link: links.join(', ') } : {});
  }

  function onIssue(request: ApiRequest, o: string, r: string, n: number): boolean {
    if (request.method === 'GET') {
      listPage(request, comments.get(commentKey(o, r, n)) ?? []);
      return true;
    }
    if (request.method === 'POST') {
      const text = commentText(request, CREATE_DOCS);
      if (text !== undefined) request.send(201, create(o, r, n, text, request.grant.login));
      return true;
    }
    return false;
  }

  function onComment(request: ApiRequest, id: number): boolean {
    const { method, send } = request;
    const entry = commentIndex.get(id);
    const list = entry ? (comments.get(entry.key) ?? []) : [];
    const comment = list.find((c) => c.id === id);
    if (!entry || !comment) {
      send(404, notFound(`${DOCS}/issues/comments`));
      return true;
    }
    if (method === 'GET') {
      send(200, comment);
      return true;
    }
    if (method === 'PATCH') {
      const text = commentText(request, DOCS);
      if (text === undefined) return true;
      comment.body = text;
      comment.updated_at = ctx.now();
      send(200, comment);
      return true;
    }
    if (method === 'DELETE') {
      comments.set(
        entry.key,
        list.filter((c) => c.id !== id),
      );
      commentIndex.delete(id);
      send(204);
      return true;
    }
    return false;
  }

  return {
    create,
    list: (o, r, n) => [...(comments.get(commentKey(o, r, n)) ?? [])],
    route(request) {
      let m: RegExpMatchArray | null;
      if ((m = request.path.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/))) {
        const [, o, r, n] = m as unknown as [string, string, string, string];
        return onIssue(request, o, r, Number(n));
      }
      if ((m = request.path.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/))) {
        return onComment(request, Number(m[3]));
      }
      return false;
    },
  };
}
