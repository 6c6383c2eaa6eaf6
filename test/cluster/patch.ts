/**
 * The patch types real clients send: strategic merge patch (helm 3's three-way patches,
 * kubectl), JSON merge patch (RFC 7386; helm 3 for custom resources), and the merge that
 * server-side apply performs for one field manager.
 *
 * Strategic merge follows k8s.io/apimachinery/pkg/util/strategicpatch: lists with a merge
 * key merge item by item, `$patch: replace|delete|merge`, `$setElementOrder/<list>`,
 * `$retainKeys`, `$deleteFromPrimitiveList/<list>`, null deletes a key. Merge keys come from
 * the Go struct tags of the built-in types (table below), not from OpenAPI.
 */
import { badRequest, type K8sObject } from './status.js';

// Patches and objects are arbitrary JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const isObject = (v: Json): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Merge keys by list field name. `ports` depends on where it is: a container's ports merge
 * on containerPort, a Service's on port.
 */
function mergeKeyFor(path: string[], field: string): string | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
    case 'resourceClaims':
      return 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'hostAliases':
      return 'ip';
    case 'topologySpreadConstraints':
      return 'topologyKey';
    case 'conditions':
      return 'type';
    case 'ownerReferences':
      return 'uid';
    case 'ports':
      return path.includes('containers') || path.includes('initContainers') ? 'containerPort' : 'port';
    default:
      return undefined;
  }
}

/** Primitive lists whose patch strategy is merge (union) rather than replace. */
const MERGING_PRIMITIVE_LISTS = new Set(['finalizers']);

const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

function stripDirectives(value: Json): Json {
  if (Array.isArray(value))
    return value.filter((item) => !(isObject(item) && item.$patch === 'delete')).map(stripDirectives);
  if (!isObject(value)) return value;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(value)) {
    if (
      k === '$patch' ||
      k === '$retainKeys' ||
      k.startsWith('$setElementOrder/') ||
      k.startsWith('$deleteFromPrimitiveList/')
    )
      continue;
    if (v === null) continue;
    out[k] = stripDirectives(v);
  }
  return out;
}

export function strategicMerge(original: Json, patch: Json, path: string[] = []): Json {
  if (!isObject(patch)) throw badRequest('strategic merge patch: the patch is not a JSON object');
  if (patch.$patch === 'replace') return stripDirectives(patch);
  if (patch.$patch === 'delete') return undefined;
  const result: Record<string, Json> = isObject(original) ? clone(original) : {};
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set<string>(patch.$retainKeys);
    for (const k of Object.keys(result)) if (!keep.has(k)) delete result[k];
  }
  const orders = new Map<string, Json[]>();
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$setElementOrder/'))
      orders.set(key.slice('$setElementOrder/'.length), Array.isArray(value) ? value : []);
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(result[field]) && Array.isArray(value))
        result[field] = result[field].filter((x: Json) => !value.includes(x));
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    const current = result[key];
    if (isObject(value)) {
      const merged = strategicMerge(isObject(current) ? current : undefined, value, [...path, key]);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else if (Array.isArray(value)) {
      result[key] = mergeList(Array.isArray(current) ? current : [], value, path, key, orders.get(key));
    } else {
      result[key] = value;
    }
  }
  // An order for a list the patch does not otherwise touch still reorders it.
  for (const [field, order] of orders) {
    if (!(field in patch) && Array.isArray(result[field]))
      result[field] = mergeList(result[field], [], path, field, order);
  }
  return result;
}

/**
 * mergeSlice of strategicpatch: `$patch: delete|replace` items first, then item-by-item
 * merge on the merge key; then the order: items the patch (or its `$setElementOrder`) names,
 * in that order, interleaved with the server-only items in their original order.
 */
function mergeList(original: Json[], patch: Json[], parentPath: string[], field: string, order?: Json[]): Json[] {
  const key = mergeKeyFor(parentPath, field);
  const path = [...parentPath, field];
  const isPrimitive = !patch.concat(original).some(isObject);
  if (isPrimitive) {
    if (!MERGING_PRIMITIVE_LISTS.has(field))
      return order && patch.length === 0 ? applyOrder(original, order, undefined, original) : clone(patch);
    const merged = [...original, ...patch.filter((x) => !original.includes(x))];
    return order ? applyOrder(merged, order, undefined, original) : merged;
  }
  if (!key) return order && patch.length === 0 ? original : stripDirectives(patch);
  let base = original.map(clone);
  const plain: Json[] = [];
  for (const item of patch) {
    if (isObject(item) && item.$patch === 'delete') base = base.filter((o) => !(isObject(o) && o[key] === item[key]));
    else if (isObject(item) && item.$patch === 'replace')
      return stripDirectives(patch.filter((p) => !(isObject(p) && p.$patch === 'replace')));
    else plain.push(item);
  }
  for (const item of plain) {
    const index = base.findIndex((o) => isObject(o) && o[key] === item[key]);
    if (index >= 0) base[index] = strategicMerge(base[index], item, path);
    else base.push(stripDirectives(item));
  }
  return applyOrder(base, order ?? plain, key, original);
}

/** normalizeElementOrder + mergeSortedSlice of k8s.io/apimachinery/pkg/util/strategicpatch. */
function applyOrder(merged: Json[], order: Json[], key: string | undefined, original: Json[]): Json[] {
  const id = (x: Json) => (key && isObject(x) ? x[key] : JSON.stringify(x));
  const indexIn = (list: Json[], x: Json) => list.findIndex((y) => id(y) === id(x));
  const named = merged.filter((x) => indexIn(order, x) >= 0).sort((a, b) => indexIn(order, a) - indexIn(order, b));
  const serverOnly = merged
    .filter((x) => indexIn(order, x) < 0)
    .sort((a, b) => indexIn(original, a) - indexIn(original, b));
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < named.length) {
    if (i >= serverOnly.length) out.push(named[j++]);
    else if (j >= named.length) out.push(serverOnly[i++]);
    else {
      const li = indexIn(original, serverOnly[i]);
      const ri = indexIn(original, named[j]);
      if (li >= 0 && ri >= 0 && li < ri) out.push(serverOnly[i++]);
      else out.push(named[j++]);
    }
  }
  return out;
}

/** RFC 7386 JSON merge patch. */
export function jsonMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const result: Record<string, Json> = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else result[k] = jsonMergePatch(result[k], v);
  }
  return result;
}

/** RFC 6902 JSON patch: add, remove, replace, test (what kubectl patch --type json sends). */
export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw badRequest('json patch: the patch is not a JSON array');
  const doc = { root: clone(target) };
  for (const op of ops) {
    const parts = String(op.path ?? '')
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    let parent: Json = doc;
    let last: string = 'root';
    for (const part of parts) {
      parent = parent[last];
      last = part;
      if (parent == null) throw badRequest(`json patch: path ${op.path} does not exist`);
    }
    const index = Array.isArray(parent) ? (last === '-' ? parent.length : Number(last)) : last;
    if (op.op === 'add') {
      if (Array.isArray(parent)) parent.splice(index as number, 0, clone(op.value));
      else parent[last] = clone(op.value);
    } else if (op.op === 'replace') parent[index] = clone(op.value);
    else if (op.op === 'remove') {
      if (Array.isArray(parent)) parent.splice(index as number, 1);
      else delete parent[last];
    } else if (op.op === 'test') {
      if (JSON.stringify(parent[index]) !== JSON.stringify(op.value))
        throw badRequest(`json patch: test of ${op.path} failed`);
    } else throw badRequest(`json patch: unsupported operation ${op.op}`);
  }
  return doc.root;
}

/**
 * Server-side apply for one field manager: the applied configuration `next` is merged onto
 * the live object; what the same manager applied before (`previous`) and no longer applies is
 * removed; what other writers set (server defaults, status, other managers' labels) stays.
 * Lists with a merge key merge by item; other lists are atomic.
 */
export function applyMerge(live: Json, previous: Json, next: Json, path: string[] = []): Json {
  if (isObject(next)) {
    const result: Record<string, Json> = isObject(live) ? clone(live) : {};
    if (isObject(previous)) for (const k of Object.keys(previous)) if (!(k in next)) delete result[k];
    for (const [k, v] of Object.entries(next)) {
      if (v === null) continue;
      result[k] = applyMerge(isObject(live) ? live[k] : undefined, isObject(previous) ? previous[k] : undefined, v, [
        ...path,
        k,
      ]);
    }
    return result;
  }
  if (Array.isArray(next)) {
    const field = path[path.length - 1] ?? '';
    const key = mergeKeyFor(path.slice(0, -1), field);
    if (!key || !next.every(isObject)) return clone(next);
    const liveList: Json[] = Array.isArray(live) ? live : [];
    const prevList: Json[] = Array.isArray(previous) ? previous : [];
    const find = (list: Json[], id: Json) => list.find((x) => isObject(x) && x[key] === id);
    const merged = next.map((item) => applyMerge(find(liveList, item[key]), find(prevList, item[key]), item, path));
    const others = liveList.filter((x) => isObject(x) && !find(next, x[key]) && !find(prevList, x[key]));
    return [...merged, ...others];
  }
  return next;
}

export function deepEqual(a: Json, b: Json): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

export function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObject(v)) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys(v[k])]),
  );
}

export type { K8sObject };
