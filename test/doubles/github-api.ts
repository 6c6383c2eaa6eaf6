/**
 * A local double of the parts of GitHub's REST API our actions use, served on loopback and
 * reached by the real @actions/github (Octokit) client through GITHUB_API_URL. It answers with
 * GitHub's documented shapes and status codes (docs.github.com/rest/issues/comments,
 * /rest/deployments), records every request, and enforces token permissions the way a
 * workflow's GITHUB_TOKEN is enforced: a read-only token (fork pull requests) gets
 * 403 "Resource not accessible by integration" on writes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  status: number;
}

export interface ApiUser {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

export interface TokenGrant {
  login: string;
  permission: 'write' | 'read';
}

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

export interface Deployment {
  id: number;
  node_id: string;
  url: string;
  sha: string;
  ref: string;
  task: string;
  payload: unknown;
  environment: string;
  original_environment: string;
  description: string | null;
  creator: ApiUser;
  created_at: string;
  updated_at: string;
  statuses_url: string;
  repository_url: string;
  transient_environment: boolean;
  production_environment: boolean;
}

export interface DeploymentStatus {
  id: number;
  node_id: string;
  url: string;
  state: string;
  creator: ApiUser;
  description: string;
  environment: string;
  environment_url: string;
  log_url: string;
  target_url: string;
  created_at: string;
  updated_at: string;
  deployment_url: string;
  repository_url: string;
}

export interface GitHubApiDouble {
  url: string;
  requests: RecordedRequest[];
  addToken(token: string, grant: TokenGrant): void;
  /** The comments of an issue or pull request, oldest first. */
  comments(owner: string, repo: string, issueNumber: number): IssueComment[];
  /** Puts a comment in place as if someone had written it earlier. */
  seedComment(owner: string, repo: string, issueNumber: number, body: string, login?: string): IssueComment;
  deployments(owner: string, repo: string): Deployment[];
  deploymentStatuses(owner: string, repo: string, deploymentId: number): DeploymentStatus[];
  /** Makes the next `count` requests matching method+path prefix fail with `status` (and `message`, when given). */
  failNext(method: string, pathPrefix: string, status: number, count?: number, message?: string): void;
  /** Drops the injected failures not yet consumed (so one test's faults never reach the next). */
  clearFaults(): void;
  stop(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';
const MAX_COMMENT = 65536;
const BOT_IDS: Record<string, number> = { 'github-actions[bot]': 41898282 };

function userFor(login: string): ApiUser & { node_id: string } {
  const bot = login.endsWith('[bot]');
  const id = BOT_IDS[login] ?? 1000 + [...login].reduce((a, c) => a + c.charCodeAt(0), 0);
  return { login, id, type: bot ? 'Bot' : 'User', node_id: `MDQ6VXNlcj${id}` };
}

export async function startGitHubApi(): Promise<GitHubApiDouble> {
  const tokens = new Map<string, TokenGrant>();
  const comments = new Map<string, IssueComment[]>(); // key owner/repo#n
  const commentIndex = new Map<number, { key: string }>();
  const deployments = new Map<string, Deployment[]>();
  const statuses = new Map<number, DeploymentStatus[]>();
  const requests: RecordedRequest[] = [];
  const faults: { method: string; prefix: string; status: number; count: number; message?: string }[] = [];
  let nextId = 1_000_000;
  let clock = Date.parse('2026-11-01T00:00:00Z');
  const now = () => new Date((clock += 1000)).toISOString().replace(/\.\d{3}Z$/, 'Z');
  let baseUrl = '';

  const commentKey = (o: string, r: string, n: number) => `${o}/${r}#${n}`;

  function createComment(o: string, r: string, n: number, body: string, login: string): IssueComment {
    const id = nextId++;
    const at = now();
    const comment: IssueComment = {
      id,
      node_id: `IC_kwDO${id}`,
      url: `${baseUrl}/repos/${o}/${r}/issues/comments/${id}`,
      html_url: `https://github.com/${o}/${r}/pull/${n}#issuecomment-${id}`,
      issue_url: `${baseUrl}/repos/${o}/${r}/issues/${n}`,
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

  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const query = Object.fromEntries(url.searchParams.entries());
      let body: unknown = undefined;
      if (raw) {
        try {
          body = JSON.parse(raw);
        } catch {
          body = raw;
        }
      }
      const record: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query,
        headers: req.headers,
        body,
        status: 0,
      };
      requests.push(record);
      const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
        record.status = status;
        res.writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'x-github-media-type': 'github.v3; format=json',
          'x-ratelimit-limit': '1000',
          'x-ratelimit-remaining': '999',
          'x-ratelimit-resource': 'core',
          'x-github-request-id': `0000:${requests.length}`,
          ...headers,
        });
        res.end(payload === undefined ? undefined : JSON.stringify(payload));
      };
      try {
        route(req, res, url, body, send);
      } catch (error) {
        send(500, { message: error instanceof Error ? error.message : String(error) });
      }
    });
  });

  type Send = (status: number, payload?: unknown, headers?: Record<string, string>) => void;

  function route(req: IncomingMessage, _res: ServerResponse, url: URL, body: unknown, send: Send): void {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const fault = faults.find((f) => f.method === method && path.startsWith(f.prefix) && f.count > 0);
    if (fault) {
      fault.count -= 1;
      send(fault.status, {
        message: fault.message ?? (fault.status >= 500 ? 'Server Error' : 'Error'),
        documentation_url: DOCS,
      });
      return;
    }

    const auth = req.headers.authorization ?? '';
    const token = auth.replace(/^(token|bearer)\s+/i, '');
    const grant = tokens.get(token);
    if (!grant) {
      send(401, {
        message: auth ? 'Bad credentials' : 'Requires authentication',
        documentation_url: DOCS,
        status: '401',
      });
      return;
    }
    const write = method !== 'GET' && method !== 'HEAD' && path !== '/graphql';
    if (write && grant.permission !== 'write') {
      send(403, {
        message: 'Resource not accessible by integration',
        documentation_url: `${DOCS}/issues/comments#create-an-issue-comment`,
        status: '403',
      });
      return;
    }

    if (path === '/graphql' && method === 'POST') {
      const q = (body as { query?: string } | undefined)?.query ?? '';
      if (/viewer\s*\{\s*login/.test(q)) {
        send(200, { data: { viewer: { login: grant.login } } });
        return;
      }
      send(200, { errors: [{ message: 'This GraphQL double only answers viewer { login }' }] });
      return;
    }

    let m: RegExpMatchArray | null;
    if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/))) {
      const [, o, r, n] = m as unknown as [string, string, string, string];
      if (method === 'GET') {
        const all = comments.get(commentKey(o, r, Number(n))) ?? [];
        const perPage = Math.min(Math.max(Number(url.searchParams.get('per_page') ?? 30) || 30, 1), 100);
        const page = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1);
        const last = Math.max(Math.ceil(all.length / perPage), 1);
        const links: string[] = [];
        const link = (p: number, rel: string) => {
          const u = new URL(`${baseUrl}${path}`);
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
        return;
      }
      if (method === 'POST') {
        const text = (body as { body?: unknown } | undefined)?.body;
        if (typeof text !== 'string') {
          send(422, {
            message: 'Invalid request.\n\n"body" wasn\'t supplied.',
            documentation_url: `${DOCS}/issues/comments#create-an-issue-comment`,
            status: '422',
          });
          return;
        }
        if (text.length > MAX_COMMENT) {
          send(422, tooLong());
          return;
        }
        send(201, createComment(o, r, Number(n), text, grant.login));
        return;
      }
    }
    if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/))) {
      const id = Number(m[3]);
      const entry = commentIndex.get(id);
      const list = entry ? (comments.get(entry.key) ?? []) : [];
      const comment = list.find((c) => c.id === id);
      if (!comment) {
        send(404, { message: 'Not Found', documentation_url: `${DOCS}/issues/comments`, status: '404' });
        return;
      }
      if (method === 'GET') {
        send(200, comment);
        return;
      }
      if (method === 'PATCH') {
        const text = (body as { body?: unknown } | undefined)?.body;
        if (typeof text !== 'string') {
          send(422, {
            message: 'Invalid request.\n\n"body" wasn\'t supplied.',
            documentation_url: DOCS,
            status: '422',
          });
          return;
        }
        if (text.length > MAX_COMMENT) {
          send(422, tooLong());
          return;
        }
        comment.body = text;
        comment.updated_at = now();
        send(200, comment);
        return;
      }
      if (method === 'DELETE') {
        comments.set(
          entry!.key,
          list.filter((c) => c.id !== id),
        );
        commentIndex.delete(id);
        send(204);
        return;
      }
    }
    if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/deployments$/))) {
      const [, o, r] = m as unknown as [string, string, string];
      const key = `${o}/${r}`;
      if (method === 'GET') {
        let list = [...(deployments.get(key) ?? [])].reverse(); // newest first, as GitHub lists them
        for (const f of ['environment', 'ref', 'sha', 'task'] as const) {
          const v = url.searchParams.get(f);
          if (v !== null) list = list.filter((d) => d[f] === v);
        }
        send(200, list);
        return;
      }
      if (method === 'POST') {
        const b = (body ?? {}) as Record<string, unknown>;
        if (typeof b.ref !== 'string' || b.ref === '') {
          send(422, {
            message: 'Invalid request.\n\n"ref" wasn\'t supplied.',
            documentation_url: `${DOCS}/deployments/deployments#create-a-deployment`,
            status: '422',
          });
          return;
        }
        const id = nextId++;
        const at = now();
        const environment = typeof b.environment === 'string' ? b.environment : 'production';
        const d: Deployment = {
          id,
          node_id: `DE_kwDO${id}`,
          url: `${baseUrl}/repos/${o}/${r}/deployments/${id}`,
          sha: /^[0-9a-f]{40}$/.test(b.ref) ? b.ref : '6dcb09b5b57875f334f61aebed695e2e4193db5e',
          ref: b.ref,
          task: typeof b.task === 'string' ? b.task : 'deploy',
          payload: b.payload ?? {},
          environment,
          original_environment: environment,
          description: typeof b.description === 'string' ? b.description : null,
          creator: userFor(grant.login),
          created_at: at,
          updated_at: at,
          statuses_url: `${baseUrl}/repos/${o}/${r}/deployments/${id}/statuses`,
          repository_url: `${baseUrl}/repos/${o}/${r}`,
          transient_environment: b.transient_environment === true,
          production_environment: b.production_environment === true || environment === 'production',
        };
        deployments.set(key, [...(deployments.get(key) ?? []), d]);
        send(201, d);
        return;
      }
    }
    if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/deployments\/(\d+)\/statuses$/))) {
      const [, o, r, idText] = m as unknown as [string, string, string, string];
      const id = Number(idText);
      const d = (deployments.get(`${o}/${r}`) ?? []).find((x) => x.id === id);
      if (!d) {
        send(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
        return;
      }
      if (method === 'GET') {
        send(200, [...(statuses.get(id) ?? [])].reverse());
        return;
      }
      if (method === 'POST') {
        const b = (body ?? {}) as Record<string, unknown>;
        const states = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];
        if (typeof b.state !== 'string' || !states.includes(b.state)) {
          send(422, {
            message: 'Validation Failed',
            errors: [
              {
                resource: 'DeploymentStatus',
                code: 'custom',
                field: 'state',
                message: `state is not included in the list`,
              },
            ],
            documentation_url: `${DOCS}/deployments/statuses#create-a-deployment-status`,
            status: '422',
          });
          return;
        }
        const sid = nextId++;
        const at = now();
        const s: DeploymentStatus = {
          id: sid,
          node_id: `DES_kwDO${sid}`,
          url: `${d.url}/statuses/${sid}`,
          state: b.state,
          creator: userFor(grant.login),
          description: typeof b.description === 'string' ? b.description : '',
          environment: typeof b.environment === 'string' ? b.environment : d.environment,
          environment_url: typeof b.environment_url === 'string' ? b.environment_url : '',
          log_url: typeof b.log_url === 'string' ? b.log_url : '',
          target_url: typeof b.log_url === 'string' ? b.log_url : typeof b.target_url === 'string' ? b.target_url : '',
          created_at: at,
          updated_at: at,
          deployment_url: d.url,
          repository_url: d.repository_url,
        };
        statuses.set(id, [...(statuses.get(id) ?? []), s]);
        send(201, s);
        return;
      }
    }
    send(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
  }

  function tooLong() {
    return {
      message: 'Validation Failed',
      errors: [
        {
          resource: 'IssueComment',
          code: 'unprocessable',
          field: 'data',
          message: 'Body is too long (maximum is 65536 characters)',
        },
      ],
      documentation_url: `${DOCS}/issues/comments#create-an-issue-comment`,
      status: '422',
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    requests,
    addToken: (token, grant) => void tokens.set(token, grant),
    comments: (o, r, n) => [...(comments.get(commentKey(o, r, n)) ?? [])],
    seedComment: (o, r, n, body, login = 'octocat') => createComment(o, r, n, body, login),
    deployments: (o, r) => [...(deployments.get(`${o}/${r}`) ?? [])],
    deploymentStatuses: (_o, _r, id) => [...(statuses.get(id) ?? [])],
    failNext: (method, prefix, status, count = 1, message) =>
      void faults.push({ method, prefix, status, count, message }),
    clearFaults: () => void faults.splice(0),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
