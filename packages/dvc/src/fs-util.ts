/** Small filesystem helpers shared by fetch, early copies and checkout. */
import { lstatSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { chmod, mkdir, readdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

export function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false }); // no exception object per missing file
  } catch {
    return undefined;
  }
}

export function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/**
 * The first part of `dir` below `root` that exists but is not a folder (a file, or a link
 * even to a folder), or undefined when every existing part is a real folder (the missing
 * rest is for mkdir to make).
 */
export function firstNonFolder(root: string, dir: string): string | undefined {
  let current = root;
  for (const part of relative(root, dir).split(sep)) {
    if (!part) continue;
    current = join(current, part);
    const st = lstatOrUndefined(current);
    if (!st) return undefined;
    if (!st.isDirectory()) return current;
  }
  return undefined;
}

/** Creates folders once each, with DVC's shared-group mode when configured. */
export class DirMaker {
  private readonly made = new Map<string, Promise<void>>();
  constructor(readonly mode?: number) {}
  make(dir: string): Promise<void> {
    let p = this.made.get(dir);
    if (!p) {
      p = (async () => {
        const first = await mkdir(dir, { recursive: true });
        if (this.mode !== undefined && first) {
          // chmod every folder mkdir created (setgid needs an explicit chmod)
          let d = dir;
          while (d.length >= first.length) {
            await chmod(d, this.mode);
            const parent = dirname(d);
            if (parent === d) break;
            d = parent;
          }
        }
      })();
      this.made.set(dir, p);
    }
    return p;
  }
}

/**
 * The absolute path of a repo-relative POSIX path (`rel` is checked: no `..`, no empty or
 * absolute parts). A string concatenation rather than join(...split()): this runs per file.
 */
export function workspacePath(root: string, rel: string): string {
  const base = root.endsWith(sep) ? root : `${root}${sep}`;
  return sep === '/' ? `${base}${rel}` : `${base}${rel.split('/').join(sep)}`;
}

/** Every file and link under `dir` (recursively), as absolute paths. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  for (const e of entries) {
    if (e.isFile() || e.isSymbolicLink()) out.push(join(e.parentPath, e.name));
  }
  return out;
}

/**
 * How many regular files and links are under `dir`, 16 folders at a time (only their
 * entries in memory: a recursive listing of a million files would hold them all).
 */
export async function countEntries(dir: string): Promise<{ files: number; links: number }> {
  let files = 0;
  let links = 0;
  const pending = [dir];
  // up to 16 folders listed at once: one at a time left the thread pool (and the CPU) idle
  while (pending.length) {
    await Promise.all(
      pending.splice(0, 16).map(async (folder) => {
        for (const e of await readdir(folder, { withFileTypes: true })) {
          if (e.isFile()) files++;
          else if (e.isSymbolicLink()) links++;
          else if (e.isDirectory()) pending.push(join(folder, e.name));
        }
      }),
    );
  }
  return { files, links };
}

/** The target of a symbolic link, or empty when `path` is not one (or cannot be read). */
export function readlinkOrEmpty(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}
