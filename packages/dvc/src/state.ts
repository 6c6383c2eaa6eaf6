/**
 * What the last checkout left in the workspace, as DVC's state database keeps it: for each
 * workspace file its size, mtime, ctime and inode when its content was known to be a given
 * object. A later pull whose lstat of the file gives the same four values skips hashing it
 * (the no-op pull is then a stat walk). Kept in `.dvc/tmp/` (git-ignored by `dvc init`); a
 * missing or unreadable file only means hashing as before. Inode and ctime cannot be chosen
 * by a file's author, so a copied or committed state file never matches a fresh checkout.
 */
import { lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';

const FILE = 'mlops-dvc-state.tsv';
const stamp = (st: Stats, oid: string) => `${st.size}\t${st.mtimeMs}\t${st.ctimeMs}\t${st.ino}\t${oid}`;

export class WorkspaceState {
  private constructor(
    private readonly dir: string,
    private readonly entries: Map<string, string>,
  ) {}

  static load(root: string): WorkspaceState {
    const dir = join(root, '.dvc', 'tmp');
    const entries = new Map<string, string>();
    let text = '';
    try {
      text = readFileSync(join(dir, FILE), 'utf8');
    } catch {
      // no state yet
    }
    for (const line of text.split('\n')) {
      const tab = line.indexOf('\t');
      if (tab > 0) entries.set(line.slice(0, tab), line.slice(tab + 1));
    }
    return new WorkspaceState(dir, entries);
  }

  /** True when `rel` was recorded as holding `oid` and its stat is unchanged since. */
  matches(rel: string, st: Stats, oid: string): boolean {
    const s = this.entries.get(rel);
    if (s === undefined || !s.endsWith(oid)) return false;
    // field by field: parsing four numbers costs less than printing the doubles of `stamp`
    // (Number(String(x)) === x for every double, so this is the same test)
    let start = 0;
    for (const value of [st.size, st.mtimeMs, st.ctimeMs, st.ino]) {
      const tab = s.indexOf('\t', start);
      if (tab < 0 || Number(s.slice(start, tab)) !== value) return false;
      start = tab + 1;
    }
    return s.length - start === oid.length;
  }

  /** Records what `rel` holds now (a regular file whose content is `oid`); anything else is forgotten. */
  record(rel: string, path: string, oid: string): void {
    let st: Stats | undefined;
    try {
      st = lstatSync(path);
    } catch {
      st = undefined;
    }
    if (st?.isFile()) this.entries.set(rel, stamp(st, oid));
    else this.entries.delete(rel);
  }

  /** Records a regular file's stat taken by the writer itself (fstat of the file it wrote). */
  recordStats(rel: string, st: Stats, oid: string): void {
    this.entries.set(rel, stamp(st, oid));
  }

  save(): void {
    try {
      mkdirSync(this.dir, { recursive: true });
      const temp = join(this.dir, `.${FILE}.${process.pid}`);
      const lines: string[] = [];
      for (const [rel, value] of this.entries)
        if (!rel.includes('\n') && !rel.includes('\t')) lines.push(`${rel}\t${value}\n`);
      writeFileSync(temp, lines.join(''), 'utf8');
      renameSync(temp, join(this.dir, FILE));
    } catch {
      // a read-only .dvc/tmp only costs the next pull its hashing
    }
  }
}
