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
  for (const plan of plans) {
    if (plan.problem !== undefined) continue;
    for (const file of plan.files) {
      const st = lstatOrUndefined(workspacePath(root, file.rel));
      const current =
        st !== undefined &&
        st.isFile() &&
        state.matches(file.rel, st, file.object.oid) &&
        (!file.isexec || (st.mode & 0o100) !== 0);
      file.current = current;
      const o = file.object;
      o.allCurrent = (o.allCurrent ?? true) && current;
      if (current) o.size ??= st.size;
    }
  }
}

/** A folder listed for fewer objects than this is not listed: a stat each is cheaper then. */
const LIST_FROM = 8;

/**
 * Which of `objects` (all `allCurrent`) exist in the cache: their folders listed once each
 * where several objects share one, a stat otherwise. Returns the objects found.
 */
export function existingInCache(objects: ObjectNeed[], exists: (path: string) => boolean): ObjectNeed[] {
  const byFolder = new Map<string, ObjectNeed[]>();
  for (const o of objects) {
    const path = o.cachePath;
    const folder = path.slice(0, path.lastIndexOf(sep));
    const group = byFolder.get(folder);
    if (group) group.push(o);
    else byFolder.set(folder, [o]);
  }
  const found: ObjectNeed[] = [];
  for (const [folder, group] of byFolder) {
    if (group.length < LIST_FROM) {
      for (const o of group) if (exists(o.cachePath)) found.push(o);
      continue;
    }
    let names: Set<string>;
    try {
      names = new Set(readdirSync(folder));
    } catch {
      continue; // no folder: none of them is cached
    }
    for (const o of group) {
      const path = o.cachePath;
      if (names.has(path.slice(path.lastIndexOf(sep) + 1))) found.push(o);
    }
  }
  return found;
}
