/**
 * The verbs on stored objects: create, update, patch (strategic, merge, JSON, apply), delete
 * with garbage collection of dependents, and the CustomResourceDefinition side effect of
 * registering its kinds. Everything here takes parsed input and returns objects; HTTP is in
 * api.ts.
 */
import { randomBytes } from 'node:crypto';
import { applyDefaults, unknownFields, validate } from './defaults.js';
import { groupVersion, TypeRegistry, type ResourceType } from './kinds.js';
import { applyMerge, jsonMergePatch, jsonPatch, strategicMerge } from './patch.js';
import type { Store } from './store.js';
import { ApiError, badRequest, conflict, notFound, unsupportedMediaType, type K8sObject } from './status.js';

export interface WriteOptions {
  dryRun: boolean;
  fieldManager?: string;
  fieldValidation: 'Strict' | 'Warn' | 'Ignore';
  force?: boolean;
  /** warnings for the `Warning` response header */
  warnings: string[];
}

const NAMESPACE_TYPE_KEY = { group: '', version: 'v1', resource: 'namespaces' };

export class Resources {
  /** What each field manager last applied (server-side apply), by object uid. */
  private readonly applied = new Map<string, K8sObject>();

  constructor(
    readonly store: Store,
    readonly registry: TypeRegistry,
  ) {
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      this.create(
        this.type(NAMESPACE_TYPE_KEY),
        undefined,
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
        { dryRun: false, fieldValidation: 'Ignore', warnings: [] },
      );
    }
  }

  type(k: { group: string; version: string; resource: string }): ResourceType {
    const t = this.registry.find(k.group, k.version, k.resource);
    if (!t) throw new Error(`unregistered type ${k.group}/${k.version}/${k.resource}`);
    return t;
  }

  private checkIdentity(t: ResourceType, namespace: string | undefined, obj: K8sObject, name?: string): void {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
      throw badRequest('the body of the request is not a JSON object');
    const expected = groupVersion(t);
    if (obj.apiVersion !== undefined && obj.apiVersion !== expected) {
      throw badRequest(
        `the API version in the data (${obj.apiVersion}) does not match the expected API version (${expected})`,
      );
    }
    if (obj.kind !== undefined && obj.kind !== t.kind)
      throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${t.kind})`);
    obj.apiVersion = expected;
    obj.kind = t.kind;
    obj.metadata ??= {};
    if (t.namespaced) {
      if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = namespace;
    } else delete obj.metadata.namespace;
    if (name !== undefined && obj.metadata.name && obj.metadata.name !== name) {
      throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    }
    if (name !== undefined) obj.metadata.name = name;
  }

  private checkFields(t: ResourceType, obj: K8sObject, opts: WriteOptions): void {
    if (opts.fieldValidation === 'Ignore') return;
    const unknown = unknownFields(t, obj);
    if (unknown.length === 0) return;
    const text = unknown.map((f) => `unknown field "${f.slice(1)}"`);
    if (opts.fieldValidation === 'Strict')
      throw badRequest(
        `${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: strict decoding error: ${text.join(', ')}`,
      );
    opts.warnings.push(...text);
  }

  private requireNamespace(t: ResourceType, namespace: string | undefined): void {
    if (!t.namespaced || namespace === undefined) return;
    const nsType = this.type(NAMESPACE_TYPE_KEY);
    if (!this.store.tryGet(nsType, undefined, namespace)) throw notFound(nsType, namespace);
  }

  private recordManager(obj: K8sObject, manager: string | undefined, operation: 'Apply' | 'Update'): void {
    if (!manager) return;
    const entries: K8sObject[] = (obj.metadata.managedFields ?? []).filter(
      (e: K8sObject) => !(e.manager === manager && e.operation === operation),
    );
    entries.push({
      manager,
      operation,
      apiVersion: obj.apiVersion,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      fieldsType: 'FieldsV1',
      fieldsV1: {},
    });
    obj.metadata.managedFields = entries;
  }

  create(t: ResourceType, namespace: string | undefined, obj: K8sObject, opts: WriteOptions): K8sObject {
    this.checkIdentity(t, namespace, obj);
    this.checkFields(t, obj, opts);
    if (!obj.metadata.name && obj.metadata.generateName)
      obj.metadata.name = `${obj.metadata.generateName}${randomBytes(3).toString('hex').slice(0, 5)}`;
    this.requireNamespace(t, namespace);
    if (t.subresources.includes('status') && t.kind !== 'Namespace') delete obj.status;
    applyDefaults(t, obj);
    if (t.custom && obj.status === undefined) delete obj.status;
    validate(t, obj);
    if (t.kind === 'CustomResourceDefinition') this.acceptCrd(obj);
    this.recordManager(obj, opts.fieldManager, 'Update');
    const created = this.store.create(t, obj, opts.dryRun);
    if (t.kind === 'CustomResourceDefinition' && !opts.dryRun) this.registerCrd(created);
    return created;
  }

  /** PUT: the whole object (or, for the status subresource, only its status). */
  update(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    obj: K8sObject,
    opts: WriteOptions,
    subresource?: string,
  ): K8sObject {
    this.checkIdentity(t, namespace, obj, name);
    const current = this.store.get(t, namespace, name);
    let next: K8sObject;
    if (subresource === 'status') {
      next = { ...current, status: obj.status };
      next.metadata = {
        ...current.metadata,
        resourceVersion: obj.metadata.resourceVersion ?? current.metadata.resourceVersion,
      };
    } else {
      this.checkFields(t, obj, opts);
      next = obj;
      if (t.subresources.includes('status')) next.status = current.status;
      applyDefaults(t, next);
    }
    return this.finishUpdate(t, current, next, opts, 'Update');
  }

  private finishUpdate(
    t: ResourceType,
    current: K8sObject,
    next: K8sObject,
    opts: WriteOptions,
    operation: 'Apply' | 'Update',
  ): K8sObject {
    validate(t, next, current);
    if (t.kind === 'CustomResourceDefinition') this.acceptCrd(next);
    next.metadata.managedFields = current.metadata.managedFields;
    this.recordManager(next, opts.fieldManager, operation);
    const updated = this.store.update(t, next, opts.dryRun);
    if (t.kind === 'CustomResourceDefinition' && !opts.dryRun) this.registerCrd(updated);
    return updated;
  }

  patch(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    contentType: string,
    body: unknown,
    opts: WriteOptions,
    subresource?: string,
  ): K8sObject {
    if (contentType === 'application/apply-patch+yaml' || contentType === 'application/apply-patch+cbor')
      return this.apply(t, namespace, name, body as K8sObject, opts);
    const current = this.store.get(t, namespace, name);
    let next: K8sObject;
    if (contentType === 'application/strategic-merge-patch+json') {
      if (t.custom) throw unsupportedMediaType(contentType);
      next = strategicMerge(current, body);
    } else if (contentType === 'application/merge-patch+json') next = jsonMergePatch(current, body);
    else if (contentType === 'application/json-patch+json') next = jsonPatch(current, body);
    else throw unsupportedMediaType(contentType);
    const patchRv = (body as K8sObject)?.metadata?.resourceVersion;
    if (patchRv && patchRv !== current.metadata.resourceVersion) throw conflict(t, name);
    this.checkIdentity(t, namespace, next, name);
    next.metadata.uid = current.metadata.uid;
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    if (subresource === 'status') next = { ...current, status: next.status };
    else if (t.subresources.includes('status')) next.status = current.status;
    this.checkFields(t, next, opts);
    applyDefaults(t, next);
    return this.finishUpdate(t, current, next, opts, 'Update');
  }

  /** Server-side apply (see applyMerge): creates the object when it does not exist. */
  apply(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    config: K8sObject,
    opts: WriteOptions,
  ): K8sObject {
    if (!opts.fieldManager)
      throw badRequest('PATCH, application/apply-patch+yaml requests must provide a fieldManager');
    this.checkIdentity(t, namespace, config, name);
    this.checkFields(t, config, opts);
    const current = this.store.tryGet(t, namespace, name);
    const remember = (obj: K8sObject) => {
      if (!opts.dryRun) this.applied.set(`${obj.metadata.uid}\u0000${opts.fieldManager}`, structuredClone(config));
      return obj;
    };
    if (!current) {
      const obj = structuredClone(config);
      this.requireNamespace(t, namespace);
      if (t.subresources.includes('status') && t.kind !== 'Namespace') delete obj.status;
      applyDefaults(t, obj);
      validate(t, obj);
      if (t.kind === 'CustomResourceDefinition') this.acceptCrd(obj);
      this.recordManager(obj, opts.fieldManager, 'Apply');
      const created = this.store.create(t, obj, opts.dryRun);
      if (t.kind === 'CustomResourceDefinition' && !opts.dryRun) this.registerCrd(created);
      return remember(created);
    }
    const previous = this.applied.get(`${current.metadata.uid}\u0000${opts.fieldManager}`);
    const { status: _ignored, ...applicable } = config;
    const next = applyMerge(current, previous, t.subresources.includes('status') ? applicable : config);
    next.metadata.uid = current.metadata.uid;
    next.metadata.resourceVersion = config.metadata?.resourceVersion ?? current.metadata.resourceVersion;
    applyDefaults(t, next);
    return remember(this.finishUpdate(t, current, next, opts, 'Apply'));
  }

  /** Deletes an object and, in the background as the garbage collector would, its dependents. */
  delete(t: ResourceType, namespace: string | undefined, name: string, dryRun: boolean): K8sObject {
    const deleted = this.store.delete(t, namespace, name, dryRun);
    if (dryRun) return deleted;
    for (const key of [...this.applied.keys()])
      if (key.startsWith(`${deleted.metadata.uid}\u0000`)) this.applied.delete(key);
    if (t.kind === 'CustomResourceDefinition') this.unregisterCrd(deleted);
    if (t.kind === 'Namespace') {
      for (const other of this.registry.all()) {
        if (!other.namespaced) continue;
        for (const obj of this.store.list(other, name)) this.safeDelete(other, obj);
      }
    }
    this.collectDependents(deleted.metadata.uid);
    return deleted;
  }

  private safeDelete(t: ResourceType, obj: K8sObject): void {
    try {
      this.delete(t, obj.metadata.namespace, obj.metadata.name, false);
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 404)) throw error;
    }
  }

  private collectDependents(uid: string): void {
    for (const t of this.registry.all()) {
      for (const obj of this.store.list(t)) {
        if ((obj.metadata.ownerReferences ?? []).some((r: K8sObject) => r.uid === uid)) this.safeDelete(t, obj);
      }
    }
  }

  // ---- CustomResourceDefinitions ----

  private acceptCrd(crd: K8sObject): void {
    const names = crd.spec?.names ?? {};
    const types = TypeRegistry.fromCrd(crd);
    if (!crd.spec?.group || !names.plural || !names.kind || types.length === 0) {
      throw new ApiError(
        422,
        'Invalid',
        `CustomResourceDefinition.apiextensions.k8s.io "${crd.metadata?.name}" is invalid: spec: Required value: group, names.plural, names.kind and a served version are required`,
      );
    }
    if (crd.metadata.name !== `${names.plural}.${crd.spec.group}`) {
      throw new ApiError(
        422,
        'Invalid',
        `CustomResourceDefinition.apiextensions.k8s.io "${crd.metadata.name}" is invalid: metadata.name: Invalid value: "${crd.metadata.name}": must be spec.names.plural+"."+spec.group`,
      );
    }
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    crd.status = {
      conditions: [
        {
          type: 'NamesAccepted',
          status: 'True',
          lastTransitionTime: now,
          reason: 'NoConflicts',
          message: 'no conflicts found',
        },
        {
          type: 'Established',
          status: 'True',
          lastTransitionTime: now,
          reason: 'InitialNamesAccepted',
          message: 'the initial names have been accepted',
        },
      ],
      acceptedNames: names,
      storedVersions: (crd.spec.versions ?? []).filter((v: K8sObject) => v.storage).map((v: K8sObject) => v.name),
    };
  }

  private registerCrd(crd: K8sObject): void {
    this.registry.removeCustom(crd.spec.group, crd.spec.names.plural);
    for (const t of TypeRegistry.fromCrd(crd)) this.registry.add(t);
  }

  private unregisterCrd(crd: K8sObject): void {
    const types = TypeRegistry.fromCrd(crd);
    for (const t of types.slice(0, 1)) for (const obj of this.store.list(t)) this.safeDelete(t, obj);
    this.registry.removeCustom(crd.spec.group, crd.spec.names.plural);
  }
}
