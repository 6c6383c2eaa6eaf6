/**
 * The resource types the double serves, and what discovery and OpenAPI v3 say about them.
 * Built-in kinds are fixed; a CustomResourceDefinition adds its served versions at runtime.
 */
import { createHash } from 'node:crypto';
import type { K8sObject } from './status.js';

export interface ResourceType {
  group: string;
  version: string;
  /** plural, as in the URL */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  subresources: string[];
  /** served from a CRD: strategic merge patch is refused, as a real server does */
  custom: boolean;
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function builtin(
  group: string,
  version: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {},
): ResourceType {
  return {
    group,
    version,
    resource,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    subresources: [],
    custom: false,
    ...extra,
  };
}

export const BUILTIN_TYPES: ResourceType[] = [
  builtin('', 'v1', 'namespaces', 'Namespace', false, { shortNames: ['ns'], subresources: ['status'] }),
  builtin('', 'v1', 'configmaps', 'ConfigMap', true, { shortNames: ['cm'] }),
  builtin('', 'v1', 'secrets', 'Secret', true),
  builtin('', 'v1', 'serviceaccounts', 'ServiceAccount', true, { shortNames: ['sa'] }),
  builtin('', 'v1', 'services', 'Service', true, { shortNames: ['svc'], subresources: ['status'] }),
  builtin('', 'v1', 'pods', 'Pod', true, { shortNames: ['po'], subresources: ['status', 'log'] }),
  builtin('', 'v1', 'events', 'Event', true, { shortNames: ['ev'] }),
  builtin('apps', 'v1', 'deployments', 'Deployment', true, {
    shortNames: ['deploy'],
    subresources: ['status', 'scale'],
  }),
  builtin('apps', 'v1', 'replicasets', 'ReplicaSet', true, { shortNames: ['rs'], subresources: ['status', 'scale'] }),
  builtin('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false, {
    shortNames: ['crd', 'crds'],
    subresources: ['status'],
  }),
];

export function groupVersion(t: { group: string; version: string }): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** Registered types, keyed by group/version/resource; CRDs add and remove entries. */
export class TypeRegistry {
  private readonly types = new Map<string, ResourceType>();

  constructor() {
    for (const t of BUILTIN_TYPES) this.add(t);
  }

  add(t: ResourceType): void {
    this.types.set(`${t.group}/${t.version}/${t.resource}`, t);
  }

  removeCustom(group: string, resource: string): void {
    for (const [key, t] of this.types)
      if (t.custom && t.group === group && t.resource === resource) this.types.delete(key);
  }

  find(group: string, version: string, resource: string): ResourceType | undefined {
    return this.types.get(`${group}/${version}/${resource}`);
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    for (const t of this.types.values()) if (groupVersion(t) === apiVersion && t.kind === kind) return t;
    return undefined;
  }

  all(): ResourceType[] {
    return [...this.types.values()];
  }

  groupVersions(): { group: string; version: string }[] {
    const seen = new Map<string, { group: string; version: string }>();
    for (const t of this.types.values()) seen.set(groupVersion(t), { group: t.group, version: t.version });
    return [...seen.values()];
  }

  /** A CRD's served versions become resource types (spec.names, spec.scope). */
  static fromCrd(crd: K8sObject): ResourceType[] {
    const spec = crd.spec ?? {};
    const names = spec.names ?? {};
    const versions: K8sObject[] = Array.isArray(spec.versions) ? spec.versions : [];
    return versions
      .filter((v) => v.served !== false)
      .map((v) => ({
        group: String(spec.group),
        version: String(v.name),
        resource: String(names.plural),
        singular: String(names.singular ?? String(names.kind).toLowerCase()),
        kind: String(names.kind),
        namespaced: spec.scope !== 'Cluster',
        shortNames: Array.isArray(names.shortNames) ? names.shortNames : undefined,
        subresources: v.subresources?.status ? ['status'] : [],
        custom: true,
      }));
  }
}

// ---- discovery documents ----------------------------------------------------------------

export function apiVersions(address: string): K8sObject {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: address }],
  };
}

export function apiGroupList(registry: TypeRegistry): K8sObject {
  const groups = new Map<string, string[]>();
  for (const gv of registry.groupVersions()) {
    if (!gv.group) continue;
    const list = groups.get(gv.group) ?? [];
    if (!list.includes(gv.version)) list.push(gv.version);
    groups.set(gv.group, list);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => {
      const ordered = [...versions].sort().reverse();
      return {
        name,
        versions: ordered.map((version) => ({ groupVersion: `${name}/${version}`, version })),
        preferredVersion: { groupVersion: `${name}/${ordered[0]}`, version: ordered[0] },
      };
    }),
  };
}

export function apiResourceList(registry: TypeRegistry, group: string, version: string): K8sObject | undefined {
  const types = registry.all().filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const resources: K8sObject[] = [];
  for (const t of types) {
    const entry: K8sObject = {
      name: t.resource,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: VERBS,
    };
    if (t.shortNames) entry.shortNames = t.shortNames;
    resources.push(entry);
    for (const sub of t.subresources) {
      const verbs = sub === 'log' ? ['get'] : ['get', 'patch', 'update'];
      const kind = sub === 'scale' ? 'Scale' : t.kind;
      resources.push({ name: `${t.resource}/${sub}`, singularName: '', namespaced: t.namespaced, kind, verbs });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources };
}

// ---- OpenAPI v3 ---------------------------------------------------------------------------
// Only what clients read from it: helm (through kubectl's validator) looks, per kind, for a
// PATCH operation carrying `x-kubernetes-group-version-kind` and a `fieldValidation` query
// parameter, and then leaves validation to the server (fieldValidation=Strict). Schemas are
// open objects: the double does not validate field types.

function openApiKey(gv: { group: string; version: string }): string {
  return gv.group ? `apis/${gv.group}/${gv.version}` : `api/${gv.version}`;
}

export function openApiDocument(registry: TypeRegistry, group: string, version: string): K8sObject | undefined {
  const types = registry.all().filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const paths: K8sObject = {};
  const schemas: K8sObject = {};
  const query = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });
  for (const t of types) {
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    const schemaName = `${t.group || 'core'}.${t.version}.${t.kind}`;
    schemas[schemaName] = {
      type: 'object',
      'x-kubernetes-group-version-kind': [gvk],
      'x-kubernetes-preserve-unknown-fields': true,
    };
    const ref = { $ref: `#/components/schemas/${schemaName}` };
    const body = { content: { 'application/json': { schema: ref } } };
    const ok = { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } };
    const prefix = `/${openApiKey(t)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.resource}`;
    const op = (action: string, params: string[], withBody: boolean) => ({
      operationId: `${action}${t.kind}`,
      parameters: params.map(query),
      ...(withBody ? { requestBody: body } : {}),
      responses: ok,
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
    });
    paths[prefix] = {
      get: op('list', ['labelSelector', 'fieldSelector', 'watch', 'resourceVersion'], false),
      post: op('post', ['dryRun', 'fieldManager', 'fieldValidation'], true),
    };
    paths[`${prefix}/{name}`] = {
      get: op('get', [], false),
      put: op('put', ['dryRun', 'fieldManager', 'fieldValidation'], true),
      patch: op('patch', ['dryRun', 'fieldManager', 'fieldValidation', 'force'], true),
      delete: op('delete', ['dryRun', 'propagationPolicy'], false),
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.31.0' }, paths, components: { schemas } };
}

export function openApiRoot(registry: TypeRegistry): K8sObject {
  const paths: K8sObject = {};
  for (const gv of registry.groupVersions()) {
    const doc = openApiDocument(registry, gv.group, gv.version);
    const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 128).toUpperCase();
    paths[openApiKey(gv)] = { serverRelativeURL: `/openapi/v3/${openApiKey(gv)}?hash=${hash}` };
  }
  return { paths };
}
