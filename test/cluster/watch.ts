/**
 * Watch streams: newline-separated JSON events on a chunked response, as the API server
 * sends them to `?watch=true`. Supports the three starts clients use:
 *  - watch-list (`sendInitialEvents=true`, helm 4's watcher and kubectl 1.35): an ADDED event
 *    per existing object, then a BOOKMARK carrying `k8s.io/initial-events-end: "true"`;
 *  - no resourceVersion or "0": synthetic ADDED events for what exists, then changes;
 *  - a resourceVersion from a LIST: the changes after it (410 Gone when too old).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { groupVersion, type ResourceType } from './kinds.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { typeKey, type Store, type StoreEvent } from './store.js';
import { ApiError, badRequest, type K8sObject } from './status.js';

export interface WatchScope {
  type: ResourceType;
  namespace: string | undefined;
  query: URLSearchParams;
}

const MAX_WATCH_SECONDS = 1800;

export function serveWatch(
  req: IncomingMessage,
  res: ServerResponse,
  store: Store,
  scope: WatchScope,
  openStreams: Set<ServerResponse>,
): void {
  const { type, namespace, query } = scope;
  const labels = parseLabelSelector(query.get('labelSelector'));
  const fields = parseFieldSelector(query.get('fieldSelector'));
  const matches = (obj: K8sObject) =>
    (namespace === undefined || obj.metadata?.namespace === namespace) &&
    labels(obj.metadata?.labels ?? {}) &&
    fields(obj);
  const sendInitial = query.get('sendInitialEvents') === 'true';
  const rv = query.get('resourceVersion') ?? '';
  if (sendInitial && query.get('resourceVersionMatch') !== 'NotOlderThan') {
    throw new ApiError(
      422,
      'Invalid',
      `ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan`,
    );
  }
  if (rv !== '' && rv !== '0' && !/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${rv}`);
  const backlog: StoreEvent[] = !sendInitial && rv !== '' && rv !== '0' ? store.eventsSince(Number(rv)) : [];

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache, private',
  });
  res.flushHeaders();
  openStreams.add(res);
  const key = typeKey(type);
  const stamp = (obj: K8sObject) => ({ ...obj, kind: type.kind, apiVersion: groupVersion(type) });
  const write = (eventType: string, object: K8sObject) => {
    if (!res.writableEnded) res.write(`${JSON.stringify({ type: eventType, object })}\n`);
  };
  // Objects a client has seen in this stream: a MODIFIED that moves an object out of a
  // label selector is sent as DELETED, as the real cacher does.
  const visible = new Set<string>();
  const id = (obj: K8sObject) => `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
  const deliver = (e: StoreEvent) => {
    if (e.key !== key) return;
    const inScope = matches(e.object);
    const seen = visible.has(id(e.object));
    if (e.type === 'DELETED') {
      if (seen || inScope) write('DELETED', stamp(e.object));
      visible.delete(id(e.object));
    } else if (inScope) {
      write(seen ? 'MODIFIED' : 'ADDED', stamp(e.object));
      visible.add(id(e.object));
    } else if (seen) {
      write('DELETED', stamp(e.object));
      visible.delete(id(e.object));
    }
  };

  if (rv === '' || rv === '0' || sendInitial) {
    for (const obj of store.list(type, namespace).filter(matches)) {
      write('ADDED', stamp(obj));
      visible.add(id(obj));
    }
  }
  if (sendInitial) {
    write('BOOKMARK', {
      kind: type.kind,
      apiVersion: groupVersion(type),
      metadata: { resourceVersion: store.resourceVersion, annotations: { 'k8s.io/initial-events-end': 'true' } },
    });
  }
  for (const e of backlog) deliver(e);

  const listener = (e: StoreEvent) => deliver(e);
  store.on('event', listener);
  const seconds = Math.min(
    Number(query.get('timeoutSeconds') ?? MAX_WATCH_SECONDS) || MAX_WATCH_SECONDS,
    MAX_WATCH_SECONDS,
  );
  const timer = setTimeout(() => res.end(), seconds * 1000);
  const close = () => {
    clearTimeout(timer);
    store.off('event', listener);
    openStreams.delete(res);
  };
  res.on('close', close);
  req.on('close', close);
}
