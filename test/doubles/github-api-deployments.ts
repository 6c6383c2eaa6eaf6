/**
 * Deployments and deployment statuses of the GitHub API double
 * (docs.github.com/rest/deployments): create and list (newest first, filtered as GitHub
 * filters), and statuses with GitHub's list of states.
 */
import { DOCS, fieldNotSupplied, notFound, userFor, validationFailed } from './github-api-common.js';
import type { ApiContext, ApiRequest, ApiUser } from './github-api-common.js';

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

const STATES = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];
/** The sha GitHub's examples use, for a ref that is not itself a commit sha. */
const EXAMPLE_SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e';

export interface DeploymentRoutes {
  list(owner: string, repo: string): Deployment[];
  statuses(deploymentId: number): DeploymentStatus[];
  /** Answers the request when it is a deployments route; false when it is not one. */
  route(request: ApiRequest): boolean;
}

const stringOr = <T>(value: unknown, fallback: T): string | T => (typeof value === 'string' ? value : fallback);

export function deploymentRoutes(ctx: ApiContext): DeploymentRoutes {
  const deployments = new Map<string, Deployment[]>(); // key owner/repo
  const statuses = new Map<number, DeploymentStatus[]>();

  function onDeployments(request: ApiRequest, o: string, r: string): boolean {
    const { method, url, send } = request;
    const key = `${o}/${r}`;
    if (method === 'GET') {
      let list = [...(deployments.get(key) ?? [])].reverse(); // newest first, as GitHub lists them
      for (const f of ['environment', 'ref', 'sha', 'task'] as const) {
        const v = url.searchParams.get(f);
        if (v !== null) list = list.filter((d) => d[f] === v);
      }
      send(200, list);
      return true;
    }
    if (method !== 'POST') return false;
    const b = (request.body ?? {}) as Record<string, unknown>;
    if (typeof b.ref !== 'string' || b.ref === '') {
      send(422, fieldNotSupplied('ref', `${DOCS}/deployments/deployments#create-a-deployment`));
      return true;
    }
    const id = ctx.nextId();
    const at = ctx.now();
    const base = ctx.baseUrl();
    const environment = stringOr(b.environment, 'production');
    const d: Deployment = {
      id,
      node_id: `DE_kwDO${id}`,
      url: `${base}/repos/${o}/${r}/deployments/${id}`,
      sha: /^[0-9a-f]{40}$/.test(b.ref) ? b.ref : EXAMPLE_SHA,
      ref: b.ref,
      task: stringOr(b.task, 'deploy'),
      payload: b.payload ?? {},
      environment,
      original_environment: environment,
      description: stringOr(b.description, null),
      creator: userFor(request.grant.login),
      created_at: at,
      updated_at: at,
      statuses_url: `${base}/repos/${o}/${r}/deployments/${id}/statuses`,
      repository_url: `${base}/repos/${o}/${r}`,
      transient_environment: b.transient_environment === true,
      production_environment: b.production_environment === true || environment === 'production',
    };
    deployments.set(key, [...(deployments.get(key) ?? []), d]);
    send(201, d);
    return true;
  }

  function onStatuses(request: ApiRequest, o: string, r: string, id: number): boolean {
    const { method, send } = request;
    const d = (deployments.get(`${o}/${r}`) ?? []).find((x) => x.id === id);
    if (!d) {
      send(404, notFound());
      return true;
    }
    if (method === 'GET') {
      send(200, [...(statuses.get(id) ?? [])].reverse());
      return true;
    }
    if (method !== 'POST') return false;
    const b = (request.body ?? {}) as Record<string, unknown>;
    if (typeof b.state !== 'string' || !STATES.includes(b.state)) {
      const error = {
        resource: 'DeploymentStatus',
        code: 'custom',
        field: 'state',
        message: 'state is not included in the list',
      };
      send(422, validationFailed(error, `${DOCS}/deployments/statuses#create-a-deployment-status`));
      return true;
    }
    const sid = ctx.nextId();
    const at = ctx.now();
    const s: DeploymentStatus = {
      id: sid,
      node_id: `DES_kwDO${sid}`,
      url: `${d.url}/statuses/${sid}`,
      state: b.state,
      creator: userFor(request.grant.login),
      description: stringOr(b.description, ''),
      environment: stringOr(b.environment, d.environment),
      environment_url: stringOr(b.environment_url, ''),
      log_url: stringOr(b.log_url, ''),
      // GitHub fills target_url from log_url, which replaced it.
      target_url: stringOr(b.log_url, stringOr(b.target_url, '')),
      created_at: at,
      updated_at: at,
      deployment_url: d.url,
      repository_url: d.repository_url,
    };
    statuses.set(id, [...(statuses.get(id) ?? []), s]);
    send(201, s);
    return true;
  }

  return {
    list: (o, r) => [...(deployments.get(`${o}/${r}`) ?? [])],
    statuses: (id) => [...(statuses.get(id) ?? [])],
    route(request) {
      let m: RegExpMatchArray | null;
      if ((m = request.path.match(/^\/repos\/([^/]+)\/([^/]+)\/deployments$/))) {
        const [, o, r] = m as unknown as [string, string, string];
        return onDeployments(request, o, r);
      }
      if ((m = request.path.match(/^\/repos\/([^/]+)\/([^/]+)\/deployments\/(\d+)\/statuses$/))) {
        const [, o, r, id] = m as unknown as [string, string, string, string];
        return onStatuses(request, o, r, Number(id));
      }
      return false;
    },
  };
}
