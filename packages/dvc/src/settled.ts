/**
 * Settled outputs: a tracked directory that the last pull checked out whole, and that nothing
 * has touched since, is recognised from the state alone, without its manifest, its objects or
 * a listing of its folders. This is the no-op pull of a large directory (100,000 files: the
 * plan, the cache listing and the folder listing were nearly half of it).
 *
 * After a pull that completed a whole directory output, the state keeps a note for it: its
 * `.dir` oid, hash, cache folder and link type, how many files it has, and the stamp (mtime,
 * ctime, inode) of every folder it lives in: every folder inside it (a file added, removed or
 * renamed in one changes that folder's stamp; so does a new subfolder, in its parent), the
 * cache folders of its objects (an object removed changes its folder) and the `.dir` file.
 * The next pull of the same output is settled when every such stamp is unchanged, every file
 * the state holds under the output still matches its lstat (the check a no-op always made),
 * and there are as many as the note says. Anything else, or no note, takes the full path,
 * which writes a fresh note. ctime cannot be set by a user, so a touched-back mtime is seen.
 *
 * Racy stamps (git's "racy clean"): a folder changed in the same clock tick as the state file
 * was written could change again within that tick without its stamp moving, so a stamp not
 * strictly older than the state file is not trusted (the next pull takes the full path and
 * notes it again).
 */
import { readdirSync, type Dirent, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { pulledOutput, type PulledOutput } from './pulled-output.js';
import type { LinkType } from './checkout.js';
import { lstatOrUndefined, workspacePath } from './fs-util.js';
import { cachePathOf } from './layout.js';
import type { OutputPlan } from './plan.js';
import type { Selection } from './repo.js';
import type { WorkspaceState } from './state.js';

interface SettledNote {
  oid: string;
  hash: string;
  cache: string;
  link: LinkType;
  files: number;
  /** Folder (absolute path) -> [mtimeMs, ctimeMs, ino]; the `.dir` cache file is one of them. */
  stamps: Record<string, [number, number, number]>;
}

const noteKey = (path: string) => `settled:${path}`;

/** What a pull needs to know to recognise and note settled outputs. */
export interface SettledContext {
  root: string;
  cacheDir: string;
  linkType: LinkType;
  state: WorkspaceState;
}

/**
 * The selections that are settled, each with its result (nothing to fetch, nothing changed).
 * One pass over the state's paths for all candidates; no write of any kind.
 */
export function findSettled(selections: Selection[], ctx: SettledContext): Map<Selection, PulledOutput> {
  const settled = new Map<Selection, PulledOutput>();
  const candidates: { selection: Selection; note: SettledNote; prefix: string; files: number; bytes: number }[] = [];
  for (const selection of selections) {
    const note = noteOf(selection, ctx);
    if (note && stampsUnchanged(note, ctx.state.writtenAt))
      candidates.push({ selection, note, prefix: `${selection.output.path}/`, files: 0, bytes: 0 });
  }
  if (!candidates.length) return settled;
  const failed = new Set<(typeof candidates)[number]>();
  for (const rel of ctx.state.paths()) {
    for (const c of candidates) {
      if (!rel.startsWith(c.prefix) || failed.has(c)) continue;
      const st = lstatOrUndefined(workspacePath(ctx.root, rel));
      if (st?.isFile() && ctx.state.unchanged(rel, st)) {
        c.files++;
        c.bytes += st.size;
      } else failed.add(c);
    }
    if (failed.size === candidates.length) return settled;
  }
  for (const c of candidates) {
    if (failed.has(c) || c.files !== c.note.files) continue;
    settled.set(c.selection, pulledOutput(c.selection, { size: c.bytes, files: c.files, downloaded: 0, changed: 0 }));
  }
  return settled;
}

function noteOf(selection: Selection, ctx: SettledContext): SettledNote | undefined {
  const output = selection.output;
  if (selection.subpaths || !output.md5.endsWith('.dir')) return undefined;
  const text = ctx.state.note(noteKey(output.path));
  if (text === undefined) return undefined;
  let note: SettledNote;
  try {
    note = JSON.parse(text) as SettledNote;
  } catch {
    return undefined; // damaged: the full path notes it afresh
  }
  const same =
    note !== null &&
    typeof note === 'object' &&
    note.oid === output.md5 &&
    note.hash === output.hashName &&
    note.cache === ctx.cacheDir &&
    note.link === ctx.linkType &&
    typeof note.files === 'number' &&
    note.stamps !== null &&
    typeof note.stamps === 'object' &&
    // the stamps of the output's own folder and of its .dir file, at least (a note without
    // them, planted in a fresh clone, would vouch for a folder that is not there)
    Array.isArray(note.stamps[workspacePath(ctx.root, output.path)]) &&
    Array.isArray(note.stamps[cachePathOf(ctx.cacheDir, output.md5, output.hashName)]);
  return same ? note : undefined;
}

/** Every stamp of the note is older than the state file (none is racy). */
function stampsBefore(note: SettledNote, writtenAt: number): boolean {
  return Object.values(note.stamps).every((stamp) => Array.isArray(stamp) && stamp[1]! < writtenAt);
}

function stampsUnchanged(note: SettledNote, writtenAt: number): boolean {
  if (!stampsBefore(note, writtenAt)) return false;
  for (const [path, stamp] of Object.entries(note.stamps)) {
    const st = lstatOrUndefined(path);
    if (!st || st.mtimeMs !== stamp[0] || st.ctimeMs !== stamp[1] || st.ino !== stamp[2]) return false;
  }
  return true;
}

/**
 * After a pull: notes each whole directory output it completed, whose every file the state
 * now holds with the object the manifest names (a file it could not record, a symlink for
 * instance, leaves the output unnoted), after forgetting the state's other paths under it
 * (files the checkout deleted). The note of every other planned output is dropped. Returns
 * whether the state changed, and the latest stamp noted (0: none), for `clearOfStamps`.
 */
export function noteSettled(complete: OutputPlan[], ctx: SettledContext): { changed: boolean; latest: number } {
  let changed = false;
  let latest = 0;
  for (const plan of complete) {
    const whole = plan.whole && plan.dirObject !== undefined;
    if (whole && forgetOthers(plan, ctx.state)) changed = true;
    const note = whole ? settledNote(plan, ctx) : undefined;
    const text = note && JSON.stringify(note);
    const key = noteKey(plan.output.path);
    // an unchanged note is written again when it was racy: the new state file is later than it
    if (text !== ctx.state.note(key) || (note && !stampsBefore(note, ctx.state.writtenAt))) {
      ctx.state.setNote(key, text);
      changed = true;
    }
    for (const stamp of Object.values(note?.stamps ?? {})) latest = Math.max(latest, stamp[1]);
  }
  return { changed, latest };
}

/**
 * Waits until the clock is 20 ms past `latest`, so that the state file written next is
 * strictly later than every stamp it notes and the next pull can trust them: a file's times
 * come from the kernel's coarse clock, which lags by up to one tick (4 ms at HZ 250, 10 ms at
 * HZ 100). At most 20 ms, once per pull that noted something.
 */
export async function clearOfStamps(latest: number): Promise<void> {
  const wait = latest + 20 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 20)));
}

/**
 * Forgets the state's paths under a whole output that its plan does not have. Counted first:
 * when the state holds no more paths under it than the plan has files, none is stale (a path
 * the plan lacks would leave one of the plan's files unrecorded, which settledNote refuses).
 */
function forgetOthers(plan: OutputPlan, state: WorkspaceState): boolean {
  const prefix = `${plan.output.path}/`;
  let under = 0;
  for (const rel of state.paths()) if (rel.startsWith(prefix)) under++;
  if (under <= plan.files.length) return false;
  const wanted = new Set<string>();
  for (const f of plan.files) wanted.add(f.rel);
  const stale = [...state.paths()].filter((rel) => rel.startsWith(prefix) && !wanted.has(rel));
  for (const rel of stale) state.forget(rel);
  return stale.length > 0;
}

function settledNote(plan: OutputPlan, ctx: SettledContext): SettledNote | undefined {
  // one pass over the files: each recorded with its object; the output's folders (every parent
  // of a file, up to the output itself); its cache folders (one per layout and first two hex
  // digits, one path built for each)
  const top = workspacePath(ctx.root, plan.output.path);
  const folders = new Set<string>([top]);
  const cacheFolders = new Map<string, string>();
  let previous = ''; // the files come sorted: most share the previous file's folder
  for (const f of plan.files) {
    const o = f.object;
    if (ctx.state.oidOf(f.rel) !== o.oid) return undefined;
    const id = `${o.hashName}${o.oid.slice(0, 2)}`;
    if (!cacheFolders.has(id)) cacheFolders.set(id, dirname(o.cachePath));
    const folder = f.rel.slice(0, f.rel.lastIndexOf('/'));
    if (folder === previous) continue;
    previous = folder;
    for (let d = workspacePath(ctx.root, folder); d.length > top.length && !folders.has(d); d = dirname(d))
      folders.add(d);
  }
  const stamps: SettledNote['stamps'] = {};
  if (!stampFolders(folders, stamps)) return undefined;
  for (const path of cacheFolders.values()) if (!stamp(path, true, stamps)) return undefined;
  if (!stamp(plan.dirObject!.cachePath, false, stamps)) return undefined;
  return {
    oid: plan.output.md5,
    hash: plan.output.hashName,
    cache: ctx.cacheDir,
    link: ctx.linkType,
    files: plan.files.length,
    stamps,
  };
}

/** Adds the stamp of `path` (a real folder, or a regular file) and returns its stat; undefined when it is not one. */
function stamp(path: string, folder: boolean, stamps: SettledNote['stamps']): Stats | undefined {
  const st = lstatOrUndefined(path);
  if (!st || (folder ? !st.isDirectory() : !st.isFile())) return undefined;
  stamps[path] = [st.mtimeMs, st.ctimeMs, st.ino];
  return st;
}

/**
 * Stamps every workspace folder of the output: the parents of its files, and any other folder
 * inside them (an empty one left behind, say), since a file added to a folder changes that
 * folder's stamp, not its parent's. A folder whose link count says it has more subfolders
 * than the files explain (ext4 counts 2 + subfolders; 1 where it does not count) is listed to
 * find them. False when one is not a real folder.
 */
function stampFolders(folders: Set<string>, stamps: SettledNote['stamps']): boolean {
  const known = new Map<string, number>(); // folder -> subfolders the files explain
  for (const d of folders) {
    const parent = dirname(d);
    if (folders.has(parent)) known.set(parent, (known.get(parent) ?? 0) + 1);
  }
  const pending = [...folders];
  for (let d = pending.pop(); d !== undefined; d = pending.pop()) {
    const st = stamp(d, true, stamps);
    if (!st) return false;
    if (st.nlink === 2 + (known.get(d) ?? 0)) continue;
    let entries: Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return false;
    }
    for (const e of entries) {
      const sub = join(d, e.name);
      if (e.isDirectory() && !Object.hasOwn(stamps, sub) && !folders.has(sub)) pending.push(sub);
    }
  }
  return true;
}
