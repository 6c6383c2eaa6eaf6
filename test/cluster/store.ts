/**
 * Generic object storage: one map for every kind, a cluster-wide resourceVersion counter,
 * and the event log that watches replay from. Objects are stored as the JSON the API serves;
 * every read returns a copy.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { ResourceType } from './kinds.js';
import { alreadyExists, conflict, gone, notFound, type K8sObject } from './status.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  key: TypeKey;
  object: K8sObject;
  rv: number;
}

/** group/resource: versions of one kind share storage (the double serves one version per kind). */
export type TypeKey = string;
export const typeKey = (t: { group: string; resource: string }): TypeKey => `${t.group}/${t.resource}`;

const EVENT_LOG_SIZE = 5000;

export class Store extends EventEmitter {
  private rv = 1;
  private readonly objects = new Map<TypeKey, Map<string, K8sObject>>();
  private readonly log: StoreEvent[] = [];

  constructor() {
    super();
    this.setMaxListeners(0);
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  private bucket(t: ResourceType): Map<string, K8sObject> {
    const key = typeKey(t);
    let bucket = this.objects.get(key);
    if (!bucket) {
      bucket = new Map();
      this.objects.set(key, bucket);
    }
    return bucket;
  }

  private static id(namespace: string | undefined, name: string): string {
    return `${namespace ?? ''}/${name}`;
  }

  private record(type: EventType, t: ResourceType, object: K8sObject): void {
    const event: StoreEvent = { type, key: typeKey(t), object: structuredClone(object), rv: this.rv };
    this.log.push(event);
    if (this.log.length > EVENT_LOG_SIZE) this.log.shift();
    this.emit('event', event);
  }

  get(t: ResourceType, namespace: string | undefined, name: string): K8sObject {
    const found = this.bucket(t).get(Store.id(namespace, name));
    if (!found) throw notFound(t, name);
    return structuredClone(found);
  }

  tryGet(t: ResourceType, namespace: string | undefined, name: string): K8sObject | undefined {
    const found = this.bucket(t).get(Store.id(namespace, name));
    return found ? structuredClone(found) : undefined;
  }

  list(t: ResourceType, namespace?: string): K8sObject[] {
    const out: K8sObject[] = [];
    for (const obj of this.bucket(t).values()) {
      if (namespace === undefined || obj.metadata.namespace === namespace) out.push(structuredClone(obj));
    }
    return out.sort((a, b) =>
      `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`),
    );
  }

  /** Stores a new object: uid, creationTimestamp, resourceVersion and generation are the server's. */
  create(t: ResourceType, obj: K8sObject, dryRun = false): K8sObject {
    const meta = obj.metadata;
    const bucket = this.bucket(t);
    const id = Store.id(meta.namespace, meta.name);
    if (bucket.has(id)) throw alreadyExists(t, meta.name);
    meta.uid = randomUUID();
    meta.creationTimestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (obj.spec !== undefined) meta.generation = 1;
    else delete meta.generation;
    delete meta.deletionTimestamp;
    if (dryRun) {
      meta.resourceVersion = String(this.rv);
      return structuredClone(obj);
    }
    this.rv++;
    meta.resourceVersion = String(this.rv);
    bucket.set(id, structuredClone(obj));
    this.record('ADDED', t, obj);
    return structuredClone(obj);
  }

  /**
   * Replaces an object. A resourceVersion in the new object must match the stored one (409
   * Conflict otherwise); generation moves when the spec changes.
   */
  update(t: ResourceType, obj: K8sObject, dryRun = false): K8sObject {
    const meta = obj.metadata;
    const bucket = this.bucket(t);
    const id = Store.id(meta.namespace, meta.name);
    const current = bucket.get(id);
    if (!current) throw notFound(t, meta.name);
    if (meta.resourceVersion && meta.resourceVersion !== current.metadata.resourceVersion) throw conflict(t, meta.name);
    meta.uid = current.metadata.uid;
    meta.creationTimestamp = current.metadata.creationTimestamp;
    if (current.metadata.generation !== undefined || obj.spec !== undefined) {
      const specChanged = JSON.stringify(current.spec) !== JSON.stringify(obj.spec);
      meta.generation = (current.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    }
    if (
      JSON.stringify({ ...current, metadata: { ...current.metadata, resourceVersion: '' } }) ===
      JSON.stringify({ ...obj, metadata: { ...meta, resourceVersion: '' } })
    ) {
      // An update that changes nothing does not move resourceVersion (as etcd-backed servers do).
      return structuredClone(current);
    }
    if (dryRun) {
      meta.resourceVersion = current.metadata.resourceVersion;
      return structuredClone(obj);
    }
    this.rv++;
    meta.resourceVersion = String(this.rv);
    bucket.set(id, structuredClone(obj));
    this.record('MODIFIED', t, obj);
    return structuredClone(obj);
  }

  delete(t: ResourceType, namespace: string | undefined, name: string, dryRun = false): K8sObject {
    const bucket = this.bucket(t);
    const id = Store.id(namespace, name);
    const current = bucket.get(id);
    if (!current) throw notFound(t, name);
    if (dryRun) return structuredClone(current);
    bucket.delete(id);
    this.rv++;
    current.metadata.resourceVersion = String(this.rv);
    this.record('DELETED', t, current);
    return structuredClone(current);
  }

  /** Events after resourceVersion `since`, or 410 Gone when the log no longer reaches back that far. */
  eventsSince(since: number): StoreEvent[] {
    const first = this.log[0];
    if (first && since < first.rv - 1 && this.rv - since > EVENT_LOG_SIZE)
      throw gone(`too old resource version: ${since} (${first.rv - 1})`);
    return this.log.filter((e) => e.rv > since);
  }
}
