/**
 * A local double of the parts of GitHub's REST API our actions use, served on loopback and
 * reached by the real @actions/github (Octokit) client through GITHUB_API_URL. It answers with
 * GitHub's documented shapes and status codes (docs.github.com/rest/issues/comments,
 * /rest/deployments), records every request, and enforces token permissions the way a
 * workflow's GITHUB_TOKEN is enforced: a read-only token (fork pull requests) gets
 * 403 "Resource not accessible by integration" on writes.
 *
 * This module is the server: recording, injected faults, authentication and the GraphQL
 * viewer query; the REST routes live by area in github-api-comments.ts and
 * github-api-deployments.ts.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { commentRoutes, type IssueComment } from './github-api-comments.js';
import { DOCS, notFound, type ApiContext, type Send, type TokenGrant } from './github-api-common.js';
import { deploymentRoutes, type Deployment, type DeploymentStatus } from './github-api-deployments.js';

export type { ApiUser, TokenGrant } from './github-api-common.js';
export type { IssueComment } from './github-api-comments.js';
export type { Deployment, DeploymentStatus } from './github-api-deployments.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  status: number;
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

interface Fault {
  method: string;
  prefix: string;
  status: number;
  count: number;
  message?: string;
}

function parseBody(raw: string): unknown {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export async function startGitHubApi(): Promise<GitHubApiDouble> {
  const tokens = new Map<string, TokenGrant>();
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  let nextId = 1_000_000;
  let clock = Date.parse('2026-11-01T00:00:00Z');
  let baseUrl = '';
  const ctx: ApiContext = {
    baseUrl: () => baseUrl,
    nextId: () => nextId++,
    now: () => new Date((clock += 1000)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  const comments = commentRoutes(ctx);
  const deployments = deploymentRoutes(ctx);

  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const body = parseBody(raw);
      const record: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams.entries()),
        headers: req.headers,
        body,
        status: 0,
      };
      requests.push(record);
      const send: Send = (status, payload, headers = {}) => {
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
        route(req, url, body, send);
      } catch (error) {
        send(500, { message: error instanceof Error ? error.message : String(error) });
      }
    });
  });

  /** Answers an injected fault, if one matches; true when it did. */
  function injectedFault(method: string, path: string, send: Send): boolean {
    const fault = faults.find((f) => f.method === method && path.startsWith(f.prefix) && f.count > 0);
    if (!fault) return false;
    fault.count -= 1;
    send(fault.status, {
      message: fault.message ?? (fault.status >= 500 ? 'Server Error' : 'Error'),
      documentation_url: DOCS,
    });
    return true;
  }

  /** The token's grant when it may make this request; undefined after answering 401 or 403. */
  function authorize(req: IncomingMessage, method: string, path: string, send: Send): TokenGrant | undefined {
    const auth = req.headers.authorization ?? '';
    const grant = tokens.get(auth.replace(/^(token|bearer)\s+/i, ''));
    if (!grant) {
      send(401, {
        message: auth ? 'Bad credentials' : 'Requires authentication',
        documentation_url: DOCS,
        status: '401',
      });
      return undefined;
    }
    const write = method !== 'GET' && method !== 'HEAD' && path !== '/graphql';
    if (write && grant.permission !== 'write') {
      send(403, {
        message: 'Resource not accessible by integration',
        documentation_url: `${DOCS}/issues/comments#create-an-issue-comment`,
        status: '403',
      });
      return undefined;
    }
    return grant;
  }

  function route(req: IncomingMessage, url: URL, body: unknown, send: Send): void {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (injectedFault(method, path, send)) return;
    const grant = authorize(req, method, path, send);
    if (!grant) return;

    if (path === '/graphql' && method === 'POST') {
      const q = (body as { query?: string } | undefined)?.query ?? '';
      if (/viewer\s*\{\s*login/.test(q)) send(200, { data: { viewer: { login: grant.login } } });
      else send(200, { errors: [{ message: 'This GraphQL double only answers viewer { login }' }] });
      return;
    }
    const request = { method, path, url, body, grant, send };
    if (comments.route(request) || deployments.route(request)) return;
    send(404, notFound());
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    requests,
    addToken: (token, grant) => void tokens.set(token, grant),
    comments: comments.list,
    seedComment: (o, r, n, body, login = 'octocat') => comments.create(o, r, n, body, login),
    deployments: deployments.list,
    deploymentStatuses: (_o, _r, id) => deployments.statuses(id),
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
