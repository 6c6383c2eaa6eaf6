/**
 * Before the fetch: the workspace files unchanged since the state recorded them (one lstat
 * each, the check the checkout's diff makes, which then skips them). An object whose every
 * file is current only needs to exist in the cache, as DVC's fetch asks (its `oids_exist`):
 * checkCache then lists the object's cache folder once for all such objects instead of a stat
 * per object. The read-only-or-rehash check stays for every object a checkout copies or links
 * from. On a no-op pull this halves the syscalls (one lstat per file, no stat per object).
 */
import { readdirSync } from 'node:fs';
import { sep } from 'node:path';
import { lstatOrUndefined, workspacePath } from './fs-util.js';
import type { ObjectNeed, OutputPlan } from './plan.js';
import type { WorkspaceState } from './state.js';

export function markCurrent(plans: OutputPlan[], root: string, state: WorkspaceState): void {
  if (state.empty) return; // a first pull: no lstat that can only miss
  for (const plan of plans) {
    if (plan.problem !== undefined) continue;
    // a directory output whose folder is gone (a warm pull): every file is missing, no lstat each
    const gone = plan.dirObject !== undefined && lstatOrUndefined(workspacePath(root, plan.output.path)) === undefined;
    for (const file of plan.files) {
      const st = gone ? undefined : lstatOrUndefined(workspacePath(root, file.rel));
      const current =
        st !== undefined &&
        st.isFile() &&
        state.matches(file.rel, st, file.object.oid) &&
        (!file.isexec || (st.mode & 0o100) !== 0);
      file.current = current;
      file.absent = st === undefined;
      const o = file.object;
      o.allCurrent = (o.allCurrent ?? true) && current;
      if (current) o.size ??= st.size;
    }
  }
}

/** A folder listed for fewer objects than this is not listed: a stat each is cheaper then. */
const LIST_FROM = 8;

/** The cache folder of an object, as a number: its layout and the oid's first two hex digits. */
function folderOf(o: ObjectNeed): number {
  const hex = (c: number) => (c <= 57 ? c - 48 : (c | 32) - 87); // oids are checked lowercase hex
  return (o.hashName === 'md5' ? 0 : 256) + hex(o.oid.charCodeAt(0)) * 16 + hex(o.oid.charCodeAt(1));
}

/**
 * Which of `objects` (all `allCurrent`) exist in the cache: their folders listed once each
 * where several objects share one, a stat otherwise. Returns the objects found. Grouped by a
 * number, and named by the oid's tail: no path string is built per object (at 100,000
 * objects, building and hashing paths cost more than the listings).
 */
export function existingInCache(objects: ObjectNeed[], exists: (path: string) => boolean): ObjectNeed[] {
  const byFolder = new Map<number, ObjectNeed[]>();
  for (const o of objects) {
    const folder = folderOf(o);
    const group = byFolder.get(folder);
    if (group) group.push(o);
    else byFolder.set(folder, [o]);
  }
  const found: ObjectNeed[] = [];
  for (const group of byFolder.values()) {
    if (group.length < LIST_FROM) {
      for (const o of group) if (exists(o.cachePath)) found.push(o);
      continue;
    }
    const first = group[0]!.cachePath;
    let names: Set<string>;
    try {
      names = new Set(readdirSync(first.slice(0, first.lastIndexOf(sep))));
    } catch {
      continue; // no folder: none of them is cached
    }
    for (const o of group) if (names.has(o.oid.slice(2))) found.push(o);
  }
  return found;
}
