/**
 * The HTTP side of the API double: routes, content negotiation (JSON, YAML for apply, the
 * protobuf envelope for Secrets), discovery, OpenAPI v3, list/watch, and Status bodies for
 * every failure.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import {
  apiGroupList,
  apiResourceList,
  apiVersions,
  groupVersion,
  openApiDocument,
  openApiRoot,
  type ResourceType,
} from './kinds.js';
import { decodeEnvelope, encodeEnvelope, PROTOBUF } from './protobuf.js';
import type { Resources, WriteOptions } from './resources.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import {
  ApiError,
  badRequest,
  methodNotAllowed,
  pathNotFound,
  unsupportedMediaType,
  type K8sObject,
} from './status.js';
import { proxyToService, serviceProxyTarget, type ServiceUrl } from './service-proxy.js';
import { serveWatch } from './watch.js';
import { toTable, wantsTable } from './table.js';

export interface ApiDeps {
  resources: Resources;
  address: () => string;
  podLog: (namespace: string, name: string) => string | undefined;
  openStreams: Set<ServerResponse>;
  /** A Service's loopback URL, for the service proxy subresource. */
  serviceUrl?: ServiceUrl;
}

export const SERVER_VERSION = {
  major: '1',
  minor: '31',
  gitVersion: 'v1.31.0-mlops-gha-double',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

interface Target {
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

function send(res: ServerResponse, code: number, body: K8sObject, accept = '', warnings: string[] = []): void {
  const headers: Record<string, string> = {};
  if (warnings.length > 0) headers.Warning = warnings.map((w) => `299 - "${w.replace(/"/g, "'")}"`).join(', ');
  const wantsProtobuf = accept.split(',')[0]?.trim().startsWith(PROTOBUF);
  const encoded = wantsProtobuf && code < 300 ? encodeEnvelope(body) : undefined;
  if (encoded) {
    res.writeHead(code, { ...headers, 'Content-Type': PROTOBUF, 'Content-Length': encoded.length });
    res.end(encoded);
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(code, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, error: unknown): void {
  const apiError =
    error instanceof ApiError
      ? error
      : new ApiError(500, 'InternalError', `Internal error occurred: ${(error as Error)?.message ?? String(error)}`);
  if (!res.headersSent) send(res, apiError.code, apiError.body());
  else res.end();
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function decodeBody(contentType: string, body: Buffer): unknown {
  if (body.length === 0) return undefined;
  if (contentType === PROTOBUF) {
    const decoded = decodeEnvelope(body);
    if (!decoded) throw unsupportedMediaType(contentType);
    return decoded;
  }
  try {
    if (contentType.includes('yaml')) return parseYaml(body.toString('utf8'));
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw badRequest(`the body of the request could not be decoded as ${contentType}: ${(error as Error).message}`);
  }
}

function resolve(deps: ApiDeps, segments: string[]): { group: string; version: string; rest: string[] } | undefined {
  if (segments[0] === 'api' && segments.length >= 2)
    return { group: '', version: segments[1] as string, rest: segments.slice(2) };
  if (segments[0] === 'apis' && segments.length >= 3)
    return { group: segments[1] as string, version: segments[2] as string, rest: segments.slice(3) };
  void deps;
  return undefined;
}

function target(deps: ApiDeps, group: string, version: string, rest: string[]): Target | undefined {
  const registry = deps.resources.registry;
  const find = (resource: string | undefined) => (resource ? registry.find(group, version, resource) : undefined);
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const t = find(rest[2]);
    if (t?.namespaced) return { type: t, namespace: rest[1], name: rest[3], subresource: rest[4] };
    const ns = find('namespaces');
    if (ns && rest.length === 3) return { type: ns, namespace: undefined, name: rest[1], subresource: rest[2] };
    return undefined;
  }
  const t = find(rest[0]);
  if (!t) return undefined;
  if (t.namespaced && rest.length > 1) return undefined;
  return { type: t, namespace: undefined, name: rest[1], subresource: rest[2] };
}

function stamp(t: ResourceType, obj: K8sObject): K8sObject {
  return { ...obj, kind: t.kind, apiVersion: groupVersion(t) };
}

function writeOptions(query: URLSearchParams): WriteOptions {
  const validation = query.get('fieldValidation') ?? 'Warn';
  if (!['Strict', 'Warn', 'Ignore'].includes(validation))
    throw badRequest(`fieldValidation must be one of Strict, Warn, Ignore; got ${validation}`);
  const dryRun = query.getAll('dryRun');
  if (dryRun.some((d) => d !== 'All'))
    throw badRequest(`dryRun: Unsupported value: "${dryRun.join(',')}": supported values: "All"`);
  return {
    dryRun: dryRun.length > 0,
    fieldManager: query.get('fieldManager') ?? undefined,
    fieldValidation: validation as WriteOptions['fieldValidation'],
    force: query.get('force') === 'true',
    warnings: [],
  };
}

export async function handleApi(deps: ApiDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://double');
  const query = url.searchParams;
  const segments = url.pathname
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  const accept = String(req.headers.accept ?? '');
  const method = req.method ?? 'GET';
  const registry = deps.resources.registry;
  const path = url.pathname.replace(/\/+$/, '') || '/';

  // ---- discovery, health, OpenAPI ----
  if (method === 'GET') {
    if (path === '/version') return send(res, 200, SERVER_VERSION);
    if (['/healthz', '/readyz', '/livez'].includes(path)) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      return void res.end('ok');
    }
    // Aggregated discovery (apidiscovery.k8s.io/v2) is refused by answering the plain
    // documents with Content-Type application/json; clients then read them the legacy way.
    if (path === '/api') return send(res, 200, apiVersions(deps.address()));
    if (path === '/apis') return send(res, 200, apiGroupList(registry));
    if (segments[0] === 'apis' && segments.length === 2) {
      const group = apiGroupList(registry).groups.find((g: K8sObject) => g.name === segments[1]);
      if (group) return send(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...group });
      throw pathNotFound();
    }
    if (path === '/openapi/v3') return send(res, 200, openApiRoot(registry));
    if (segments[0] === 'openapi' && segments[1] === 'v3') {
      const gv = resolve(deps, segments.slice(2));
      const doc = gv && gv.rest.length === 0 ? openApiDocument(registry, gv.group, gv.version) : undefined;
      if (doc) return send(res, 200, doc);
      throw pathNotFound();
    }
  }
  const gv = resolve(deps, segments);
  if (!gv) throw pathNotFound();
  if (gv.rest.length === 0) {
    const list = method === 'GET' ? apiResourceList(registry, gv.group, gv.version) : undefined;
    if (list) return send(res, 200, list);
    throw pathNotFound();
  }
  const proxied = gv.group === '' && gv.version === 'v1' ? serviceProxyTarget(gv.rest) : undefined;
  if (proxied && deps.serviceUrl) return proxyToService(deps.serviceUrl, proxied, url.search, req, res);
  const t = target(deps, gv.group, gv.version, gv.rest);
  if (!t) throw pathNotFound();
  const { type, namespace, name, subresource } = t;
  const resources = deps.resources;

  if (
    subresource &&
    !type.subresources.includes(subresource) &&
    !(type.kind === 'Namespace' && subresource === 'finalize')
  )
    throw pathNotFound();

  if (method === 'GET' && name === undefined) {
    if (query.get('watch') === 'true' || query.get('watch') === '1') {
      return serveWatch(req, res, resources.store, { type, namespace, query }, deps.openStreams);
    }
    const labels = parseLabelSelector(query.get('labelSelector'));
    const fields = parseFieldSelector(query.get('fieldSelector'));
    const items = resources.store
      .list(type, namespace)
      .filter((o) => labels(o.metadata.labels ?? {}) && fields(o))
      .map((o) => stamp(type, o));
    if (wantsTable(accept)) return send(res, 200, toTable(type, items, resources.store.resourceVersion));
    return send(
      res,
      200,
      {
        kind: `${type.kind}List`,
        apiVersion: groupVersion(type),
        metadata: { resourceVersion: resources.store.resourceVersion },
        items,
      },
      accept,
    );
  }
  if (method === 'GET' && name !== undefined) {
    if (subresource === 'log') {
      resources.store.get(type, namespace, name);
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      return void res.end(deps.podLog(namespace ?? '', name) ?? '');
    }
    const obj = resources.store.get(type, namespace, name);
    if (subresource === 'scale') return send(res, 200, scaleOf(type, obj));
    if (wantsTable(accept)) return send(res, 200, toTable(type, [obj], resources.store.resourceVersion));
    return send(res, 200, stamp(type, obj), accept);
  }

  const body = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method) ? await readBody(req) : Buffer.alloc(0);
  const contentType =
    String(req.headers['content-type'] ?? 'application/json')
      .split(';')[0]
      ?.trim() ?? '';
  const opts = writeOptions(query);

  if (method === 'POST' && name === undefined) {
    const obj = decodeBody(contentType, body) as K8sObject;
    const created = resources.create(type, namespace, obj ?? {}, opts);
    return send(res, 201, stamp(type, created), accept, opts.warnings);
  }
  if (method === 'PUT' && name !== undefined) {
    const obj = decodeBody(contentType, body) as K8sObject;
    if (subresource === 'scale') {
      const current = resources.store.get(type, namespace, name);
      current.spec.replicas = Number(obj?.spec?.replicas ?? current.spec.replicas);
      return send(res, 200, scaleOf(type, resources.update(type, namespace, name, current, opts)));
    }
    const updated = resources.update(type, namespace, name, obj ?? {}, opts, subresource);
    return send(res, 200, stamp(type, updated), accept, opts.warnings);
  }
  if (method === 'PATCH' && name !== undefined) {
    const patch = decodeBody(
      contentType === 'application/apply-patch+yaml' ? 'application/yaml' : 'application/json',
      body,
    );
    const existed = resources.store.tryGet(type, namespace, name) !== undefined;
    const patched = resources.patch(type, namespace, name, contentType, patch, opts, subresource);
    return send(res, existed ? 200 : 201, stamp(type, patched), accept, opts.warnings);
  }
  if (method === 'DELETE' && name !== undefined) {
    const deleted = resources.delete(type, namespace, name, opts.dryRun);
    return send(res, 200, stamp(type, deleted), accept);
  }
  if (method === 'DELETE' && name === undefined) {
    const labels = parseLabelSelector(query.get('labelSelector'));
    for (const obj of resources.store.list(type, namespace).filter((o) => labels(o.metadata.labels ?? {}))) {
      resources.delete(type, namespace, obj.metadata.name, opts.dryRun);
    }
    return send(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' });
  }
  throw methodNotAllowed();
}

function scaleOf(type: ResourceType, obj: K8sObject): K8sObject {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
    },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: {
      replicas: obj.status?.replicas ?? 0,
      selector: Object.entries<string>(obj.spec?.selector?.matchLabels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    },
  };
}
