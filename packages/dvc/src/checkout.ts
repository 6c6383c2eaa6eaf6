/**
 * Checkout (dvc-data's "diff" and "apply"): compares each planned file with the workspace
 * (stat first; content hashed only when size and inode do not settle it), refuses to drop
 * unsaved files unless forced, then creates, replaces, chmods and deletes as `dvc checkout`.
 */
import { constants as fsConstants, mkdirSync, rmSync, statSync, type Stats } from 'node:fs';
import { chmod, copyFile, link, lstat, readdir, readlink, rename, rm, stat, symlink, unlink } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { UserError } from '@mlops-gha/common';
import { tempBeside } from '@mlops-gha/storage';
import type { Changes, CheckoutSettings, FileChange, LinkType } from './checkout-types.js';
import type { BodyCache } from './fetch.js';
import type { Pool } from './pool.js';
import type { RecordedStats, WorkspaceState } from './state.js';
import {
  countEntries,
  firstNonFolder,
  listFiles,
  lstatOrUndefined,
  readlinkOrEmpty,
  workspacePath,
  type DirMaker,
} from './fs-util.js';
import { digestMatches, hashFileBoth, type HashName } from './hash.js';
import { cachePathOf } from './layout.js';
import type { OutputPlan, PlannedFile } from './plan.js';
import { writeNewFile } from './file-worker.js';
import { copySmallFiles, type HelperThreads } from './file-jobs.js';

/** A file written by the synchronous small-copy path: small enough to read whole, and no x bit to set. */
const isSmallCopy = (file: PlannedFile) =>
  file.object.size !== undefined && file.object.size <= 256 * 1024 && !file.isexec;

export type { Changes, CheckoutSettings, FileChange, LinkType } from './checkout-types.js';

/** Makes the workspace match the plan the way `dvc checkout` does. */
export class Checkout {
  private readonly fileMode: number;
  private readonly root: string;
  private readonly cacheDir: string;
  private readonly linkType: LinkType;
  private readonly force: boolean;
  private readonly limit: Pool;
  private readonly dirs: DirMaker;
  private readonly bodies: BodyCache;
  private readonly state?: WorkspaceState;
  private readonly absentKnown: boolean;
  private readonly threads?: HelperThreads;

  constructor(settings: CheckoutSettings) {
    ({
      root: this.root,
      cacheDir: this.cacheDir,
      linkType: this.linkType,
      force: this.force,
      limit: this.limit,
      dirs: this.dirs,
      bodies: this.bodies,
      state: this.state,
      threads: this.threads,
    } = settings);
    this.fileMode = 0o666 & ~process.umask();
    this.absentKnown = settings.absentKnown === true;
  }

  async diff(plans: OutputPlan[]): Promise<Changes> {
    const list: FileChange[] = [];
    const unsaved: string[] = [];
    const unrecorded: PlannedFile[] = [];
    const changedByOutput = new Map<OutputPlan, number>();
    let total = 0;
    const count = (plan: OutputPlan) => {
      changedByOutput.set(plan, (changedByOutput.get(plan) ?? 0) + 1);
      total++;
    };
    const found = new Map<OutputPlan, number>(); // regular files lstat found, per output
    // The common cases are settled here, synchronously, one lstat each: a file written while
    // the downloads ran, a missing file, a file unchanged since the state recorded it. Only the
    // rest (links, folders, files to hash) become async work in the pool.
    const state = this.state;
    const root = this.root;
    const absentKnown = this.absentKnown;
    const slow = function* () {
      for (const plan of plans) {
        for (const file of plan.files) {
          if (file.eager) {
            count(plan);
            continue;
          }
          if (file.current) {
            found.set(plan, (found.get(plan) ?? 0) + 1); // a regular file, unchanged (markCurrent's lstat)
            continue;
          }
          const path = workspacePath(root, file.rel);
          const st = absentKnown && file.absent ? undefined : lstatOrUndefined(path);
          if (!st) {
            // Stryker disable next-line StringLiteral: speed only: an unnamed action skips the small-file fast path and link() creates the same file
            // `recorded` set now: added later it would cost every change a property array
            list.push({ plan, file, path, action: 'create', recorded: false });
            count(plan);
            continue;
          }
          // Stryker disable next-line ConditionalExpression,ArithmeticOperator,LogicalOperator: speed only: a wrong count makes the extras check list the folder in full
          if (st.isFile()) found.set(plan, (found.get(plan) ?? 0) + 1);
          // Stryker disable next-line ConditionalExpression,OptionalChaining,BooleanLiteral,LogicalOperator,EqualityOperator: speed only: the state fast path; without it the file is hashed (state.matches compares ctime, which chmod changes)
          if (st.isFile() && state?.matches(file.rel, st, file.object.oid) && (!file.isexec || (st.mode & 0o100) !== 0))
            continue;
          // a symlink to its cache object is unchanged (as in compare): one readlink here
          // rather than a thread-pool round trip per link (symlink no-op pulls)
          // Stryker disable next-line ConditionalExpression: speed only: without it compare() readlinks the same link and finds it unchanged
          if (st.isSymbolicLink() && readlinkOrEmpty(path) === file.object.cachePath) continue;
          yield { plan, file, path, st };
        }
      }
    };
    await this.limit(slow(), async ({ plan, file, path, st }) => {
      const change = await this.compare(plan, file, path, st, unsaved);
      if (change === 'unrecorded') unrecorded.push(file);
      else if (change) {
        list.push(change);
        count(plan);
      }
    });
    for (const plan of plans)
      // Stryker disable next-line LogicalOperator: speed only: a wrong count makes the extras check list the folder in full
      if (plan.dirObject && plan.whole) await this.extras(plan, list, unsaved, found.get(plan) ?? 0);
    if (unsaved.length && !this.force) {
      unsaved.sort();
      throw new UserError(
        `Can't remove the following unsaved files without confirmation. Use \`--force\` to force.\n${unsaved.join('\n')}`,
        {
          title: 'Workspace files differ from the tracked data',
          fix: 'These workspace files differ from the tracked versions and their content is not in the DVC cache: commit them with `dvc add`/`dvc commit`, delete them, or set `force: true` to replace them.',
        },
      );
    }
    return { list, changedByOutput, total, unrecorded };
  }

  /** A workspace file the fast path could not settle. 'unrecorded': unchanged, but not in the state yet. */
  private async compare(
    plan: OutputPlan,
    file: PlannedFile,
    path: string,
    st: Stats,
    unsaved: string[],
  ): Promise<FileChange | 'unrecorded' | undefined> {
    const cachePath = file.object.cachePath;
    if (st.isSymbolicLink()) {
      // Stryker disable next-line ArrowFunction,StringLiteral: an unreadable link and an empty target are both 'not the cache object'
      const target = await readlink(path).catch(() => '');
      // Stryker disable next-line ConditionalExpression: a link to its cache object was already settled by the diff's readlink, so this never holds
      if (target === cachePath) return undefined; // unchanged (no relink, as dvc)
      // Stryker disable next-line StringLiteral: speed only: an unnamed action takes link()'s create-then-rename path, which writes the same file
      return { plan, file, path, action: 'replace' };
    }
    if (st.isDirectory()) {
      if (!(await this.inCacheTree(path, plan.output.hashName))) unsaved.push(path);
      return { plan, file, path, action: 'replace' };
    }
    const cst = statSync(cachePath);
    // Same inode as the cache object: unchanged, whatever link-type asks for now (dvc only
    // relinks unchanged files with `dvc checkout --relink`).
    if (st.ino === cst.ino && st.dev === cst.dev) return 'unrecorded';
    if (st.size !== cst.size) return this.changed(plan, file, path, unsaved);
    const digest = await hashFileBoth(path, file.object.hashName === 'md5-dos2unix', st.size);
    if (digestMatches(file.object.hashName, file.object.oid, digest)) {
      const wantExec = file.isexec;
      const isExec = (st.mode & 0o100) !== 0;
      // Stryker disable next-line StringLiteral: an unnamed action relinks the file from the cache, which also restores its x bit
      if (wantExec && !isExec) return { plan, file, path, action: 'chmod' };
      // Stryker disable next-line StringLiteral: speed only: an unrecorded unchanged file is re-hashed by the next pull, with the same result
      return 'unrecorded';
    }
    await this.noteUnsaved(path, file.object.hashName, unsaved, digest);
    // Stryker disable next-line StringLiteral: speed only: an unnamed action takes link()'s create-then-rename path, which writes the same file
    return { plan, file, path, action: 'replace' };
  }

  /** A workspace file of another size than its object: replaced, after noting whether its content is saved. */
  private async changed(
    plan: OutputPlan,
    file: PlannedFile,
    path: string,
    unsaved: string[],
  ): Promise<FileChange | undefined> {
    await this.noteUnsaved(path, file.object.hashName, unsaved);
    // Stryker disable next-line StringLiteral: speed only: an unnamed action takes link()'s create-then-rename path, which writes the same file
    return { plan, file, path, action: 'replace' };
  }

  /** DVC refuses to delete a workspace file whose content is not in the cache, unless forced. */
  private async noteUnsaved(
    path: string,
    hashName: HashName,
    unsaved: string[],
    digest?: { md5: string; legacy?: string },
  ): Promise<void> {
    const d = digest ?? (await hashFileBoth(path, hashName === 'md5-dos2unix'));
    const oid = hashName === 'md5-dos2unix' ? d.legacy! : d.md5;
    const inCache = await stat(cachePathOf(this.cacheDir, oid, hashName)).then(
      () => true,
      // Stryker disable next-line ArrowFunction: a failed stat and an undefined answer are the same falsy outcome
      () => false,
    );
    if (!inCache) unsaved.push(path);
  }

  private async inCacheTree(dir: string, hashName: HashName): Promise<boolean> {
    const unsaved: string[] = [];
    for (const f of await listFiles(dir)) await this.noteUnsaved(f, hashName, unsaved);
    return unsaved.length === 0;
  }

  /** Workspace files inside a whole tracked folder that the manifest does not list: deleted. */
  private async extras(plan: OutputPlan, list: FileChange[], unsaved: string[], found: number): Promise<void> {
    const dir = join(this.root, ...plan.output.path.split('/'));
    const st = await lstat(dir).catch(() => undefined);
    if (!st) return;
    if (!st.isDirectory()) {
      // a file (or link) where the folder should be
      if (!st.isSymbolicLink()) await this.noteUnsaved(dir, plan.output.hashName, unsaved);
      list.push({ plan, path: dir, action: 'delete' });
      return;
    }
    const { files, links } = await countEntries(dir);
    // Every file listed is a planned one when the counts agree: the planned paths are distinct
    // and each was found (a regular file) by the diff's lstat, under real folders since no
    // link was listed. Not on case-insensitive filesystems, where two paths can be one file.
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: speed only on Linux: without the shortcut the full listing runs and finds the same extras
    if (plan.distinctPaths && links === 0 && files === found && process.platform === 'linux') return;
    const listed = await readdir(dir, { withFileTypes: true, recursive: true });
    const wanted = new Set(plan.files.map((f) => workspacePath(this.root, f.rel)));
    for (const e of listed) {
      if (!e.isFile() && !e.isSymbolicLink()) continue;
      const f = join(e.parentPath, e.name);
      if (wanted.has(f)) continue;
      if (e.isFile()) await this.noteUnsaved(f, plan.output.hashName, unsaved);
      list.push({ plan, path: f, action: 'delete' });
    }
  }

  async apply(changes: { list: FileChange[] }): Promise<void> {
    // Deletions first (a file may stand where a folder is wanted), then links.
    for (const c of changes.list.filter((c) => c.action === 'delete'))
      await rm(c.path, { recursive: true, force: true });
    // Small copies of missing files are written synchronously, not one promise per file (a
    // thread-pool round trip costs more than the I/O): from the verified body in memory here,
    // from the cache by this thread and helper threads (file-jobs.ts). The rest (links,
    // replacements, large or executable copies, what those could not make) go to the pool.
    const quick = this.linkType === 'copy' && this.dirs.mode === undefined; // DirMaker sets shared-group folders' mode
    const made = (c: FileChange) => quick && c.action === 'create' && isSmallCopy(c.file!);
    let count = 0;
    for (const c of changes.list) if (made(c)) count++;
    const retry: FileChange[] = []; // what the synchronous paths could not make
    const locate = (c: FileChange) => ({ src: c.file!.object.cachePath, dest: c.path });
    const written = (c: FileChange, st: RecordedStats) => this.written(c, st);
    const work = { jobs: this.fromCache(changes.list, made, retry), count };
    const notMade = await copySmallFiles(work, locate, written, { threads: this.threads });
    for (const c of notMade) retry.push(c);
    const rest = function* () {
      for (const c of changes.list) if (c.action !== 'delete' && !made(c)) yield c;
      yield* retry;
    };
    await this.limit(rest(), async (c) => {
      if (c.action === 'chmod') {
        await chmod(c.path, ((await stat(c.path)).mode & 0o7777) | 0o100);
        return;
      }
      await this.link(c.file!, c.path, c.action === 'replace');
    });
  }

  /**
   * The new small copies (`made`) to make from the cache, as the rounds take them: each one's folder made
   * first; a copy whose verified body is in memory is written here instead (into `retry` when
   * something stood there).
   */
  private *fromCache(list: FileChange[], made: (c: FileChange) => boolean, retry: FileChange[]): Generator<FileChange> {
    for (const c of list) {
      if (!made(c)) continue;
      this.prepareDirSync(dirname(c.path));
      const body = this.bodies.take(c.file!.object);
      if (!body) yield c;
      else if (!this.createSmall(c, body)) retry.push(c);
    }
  }

  /**
   * Creates a small, non-executable copy where nothing exists from its verified body, and
   * records its state from fstat (no later lstat). False when something appeared there (the
   * pool's path handles it).
   */
  private createSmall(c: FileChange, body: Buffer): boolean {
    const st = writeNewFile(c.path, body);
    if (st) this.written(c, st);
    return st !== undefined;
  }

  private written(c: FileChange, st: RecordedStats): void {
    this.state?.recordStats(c.file!.rel, st, c.file!.object.oid);
    c.recorded = true;
  }

  /** The folder of a new file, made once, after removing a file or link standing where it or a parent should be. */
  private prepareDirSync(dir: string): void {
    if (this.checkedDirs.has(dir)) return;
    this.checkedDirs.add(dir);
    const blocker = firstNonFolder(this.root, dir); // already checked as unsaved by diff
    if (blocker) rmSync(blocker, { force: true });
    mkdirSync(dir, { recursive: true });
  }

  private async link(file: PlannedFile, dest: string, replace: boolean): Promise<void> {
    const dir = dirname(dest);
    await this.ensureDir(dir);
    if (replace) {
      const st = await lstat(dest).catch(() => undefined);
      if (st?.isDirectory()) await rm(dest, { recursive: true, force: true });
    }
    const src = file.object.cachePath;
    if (!replace && (await this.create(file, src, dest))) return;
    const temp = tempBeside(dest);
    try {
      if (this.linkType === 'copy') {
        await copyFile(src, temp, fsConstants.COPYFILE_FICLONE); // a reflink where the filesystem has them (dvc's default `reflink,copy`)
        await chmod(temp, file.isexec ? this.fileMode | 0o100 : this.fileMode);
      } else if (this.linkType === 'hardlink') {
        await link(src, temp);
      } else {
        await symlink(src, temp);
      }
      await rename(temp, dest);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      const code = (error as NodeJS.ErrnoException).code;
      if (this.linkType !== 'copy' && code && ['EXDEV', 'EPERM', 'ENOTSUP', 'EINVAL', 'ENOSYS'].includes(code)) {
        throw new UserError(`Cannot ${this.linkType} ${relative(this.root, dest)} to the cache ${src} (${code})`, {
          fix: `The cache and the workspace must be on one filesystem for ${this.linkType}s: set \`link-type: copy\`, or put cache-dir on the workspace's filesystem.`,
        });
      }
      throw error;
    }
  }

  /**
   * A file that did not exist is created in place, exclusively (no temp file and rename: half
   * the metadata operations). False when something appeared there meanwhile.
   */
  private async create(file: PlannedFile, src: string, dest: string): Promise<boolean> {
    try {
      if (this.linkType === 'copy') {
        const size = file.object.size ?? Infinity;
        if (size <= 256 * 1024 && !file.isexec) {
          // small file: read whole, create with the final mode (0o666 & ~umask) in one call,
          // synchronously (a thread-pool round trip per small file costs more than the I/O)
          if (!writeNewFile(dest, this.bodies.take(file.object) ?? src)) return false;
        } else {
          await copyFile(src, dest, fsConstants.COPYFILE_EXCL | fsConstants.COPYFILE_FICLONE);
          await chmod(dest, file.isexec ? this.fileMode | 0o100 : this.fileMode);
        }
      } else if (this.linkType === 'hardlink') {
        await link(src, dest);
      } else {
        await symlink(src, dest);
      }
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      if (this.linkType === 'copy') await unlink(dest).catch(() => undefined);
      throw error;
    }
  }

  private readonly checkedDirs = new Set<string>();

  private async ensureDir(dir: string): Promise<void> {
    // Stryker disable next-line ConditionalExpression: speed only: checking for a blocker on every visit finds none after the first
    if (this.checkedDirs.has(dir)) return this.dirs.make(dir);
    this.checkedDirs.add(dir);
    // A file or link standing where a folder is needed is removed first (it was already checked as unsaved).
    const blocker = firstNonFolder(this.root, dir);
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: the blocker was just found by lstat, so rm's force option never matters
    if (blocker) await rm(blocker, { force: true });
    await this.dirs.make(dir);
  }
}
