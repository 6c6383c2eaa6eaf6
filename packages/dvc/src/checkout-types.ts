/** The settings and the change list of a checkout (checkout.ts). */
import type { BodyCache } from './fetch.js';
import type { DirMaker } from './fs-util.js';
import type { OutputPlan, PlannedFile } from './plan.js';
import type { Pool } from './pool.js';
import type { WorkspaceState } from './state.js';
import type { HelperThreads } from './file-jobs.js';

export type LinkType = 'copy' | 'hardlink' | 'symlink';

export interface CheckoutSettings {
  root: string;
  cacheDir: string;
  linkType: LinkType;
  /** Replace workspace files whose content is not in the cache (dvc pull --force). */
  force: boolean;
  /** Runs the per-file work with bounded concurrency. */
  limit: Pool;
  dirs: DirMaker;
  /** Verified small bodies, written without reading the cache back. */
  bodies: BodyCache;
  /** Stats recorded by the last checkout, to skip hashing unchanged files. */
  state?: WorkspaceState;
  /**
   * Files markCurrent found missing are still missing (nothing was downloaded meanwhile, so the
   * moments between are few): the diff does not lstat them again (warm pulls).
   */
  absentKnown?: boolean;
  /** The pull's helper threads, for many new files (default: the checkout starts its own when worth it). */
  threads?: HelperThreads;
}

export interface Changes {
  /** Work for apply (files written while the downloads ran are counted, not listed). */
  list: FileChange[];
  changedByOutput: Map<OutputPlan, number>;
  total: number;
  /** Unchanged files whose state was not recorded yet (settled by inode or by hashing). */
  unrecorded: PlannedFile[];
}

export interface FileChange {
  plan: OutputPlan;
  file?: PlannedFile;
  /** Absolute workspace path. */
  path: string;
  action: 'create' | 'replace' | 'chmod' | 'delete';
  /** Its state was recorded when it was written. */
  recorded?: boolean;
}
