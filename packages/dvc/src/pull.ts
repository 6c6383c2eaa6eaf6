/**
 * `dvc pull`, as dvc-data splits it: prepare (repository, config, targets), plan (what each
 * output needs; .dir manifests parsed once), fetch (what the cache lacks, verified into it),
 * checkout (diff the workspace, apply). Outputs whose objects are all present are completed
 * even when others fail; the failures are reported together afterwards, by kind.
 */
import { join, relative, sep } from 'node:path';
import { cpus } from 'node:os';
import { UserError, type Logger, type ProgressMeter } from '@mlops-gha/common';
import { Checkout, type Changes, type LinkType } from './checkout.js';
import { loadConfig, type DvcConfig } from './config.js';
import { dataVersion } from './data-version.js';
import { EagerCopies } from './eager.js';
import { failureError } from './failures.js';
import { BodyCache, checkCache, fetchMissing, storeDirObjects } from './fetch.js';
import { DirMaker, workspacePath } from './fs-util.js';
import { planOutput, uniqueObjects, type ObjectNeed, type OutputPlan } from './plan.js';
import { pool } from './pool.js';
import { RemoteStores } from './remotes.js';
import { WorkspaceState } from './state.js';
import { collectOutputs, findRoot, selectTargets, type Selection } from './repo.js';
import { markCurrent } from './current.js';
import { clearOfStamps, findSettled, noteSettled, type SettledContext } from './settled.js';
import { keepHeapTight } from './heap-tuning.js';
import { HelperThreads } from './file-jobs.js';
import { pulledOutput, type PulledOutput } from './pulled-output.js';

export type { LinkType } from './checkout.js';
export type { PulledOutput } from './pulled-output.js';

export interface PullOptions {
  /** The working directory: the DVC repository root or a folder inside it. */
  cwd: string;
  /** Targets relative to cwd; empty = every tracked output. */
  targets?: string[];
  /** Remote name (default: each output's `remote:`, else `[core] remote`). */
  remote?: string;
  /** Overrides the remote's url: `s3://bucket/prefix` or a folder. */
  remoteUrl?: string;
  endpointUrl?: string;
  region?: string;
  /** Parallel transfers (default: 8 per core, 16..128). */
  jobs?: number;
  /** Cache folder (default: `[cache] dir`, else `.dvc/cache`), relative to cwd. */
  cacheDir?: string;
  /** How workspace files are made from the cache (default: `[cache] type`, else copy). */
  linkType?: LinkType;
  /** Replace workspace files whose content is not in the cache (dvc pull --force). */
  force?: boolean;
  /** Where error annotations are relative to (default cwd). */
  locationBase?: string;
  logger: Logger;
  meter?: ProgressMeter;
  env?: NodeJS.ProcessEnv;
  /** Read the user's global/system DVC config (default true). */
  includeGlobalConfig?: boolean;
}

export interface PullResult {
  root: string;
  cacheDir: string;
  dataVersion: string;
  outputs: PulledOutput[];
  files: number;
  bytes: number;
  downloadedBytes: number;
  downloadedFiles: number;
  /** Files whose object was already in the cache (served without download). */
  fromCache: number;
  changedFiles: number;
  durationMs: number;
}

export function defaultJobs(): number {
  return Math.min(128, Math.max(16, cpus().length * 8));
}

/** What a pull would need before it touches anything: repository, config, selections. */
export interface PullContext {
  root: string;
  config: DvcConfig;
  selections: Selection[];
  dataVersion: string;
  cacheDir: string;
  secrets: string[];
}

/** Reads the repository, its config and the targets; computes the data version. Writes nothing. */
export async function preparePull(options: PullOptions): Promise<PullContext> {
  keepHeapTight(); // before any per-file record: they are long-lived (heap-tuning.ts); pull() always comes after
  const logger = options.logger;
  const root = findRoot(options.cwd);
  const locationBase = options.locationBase ?? options.cwd;
  if (!root) {
    throw new UserError(`${options.cwd} is not inside a DVC repository (no .dvc folder found here or above)`, {
      fix: 'Check out the repository first (actions/checkout) and set working-directory to the folder that holds .dvc/.',
      title: 'Not a DVC repository',
    });
  }
  const env = options.env ?? process.env;
  const config = await loadConfig({ root, locationBase, includeGlobal: options.includeGlobalConfig, env });
  if (!options.remoteUrl && !config.files.includes(join(root, '.dvc', 'config'))) {
    const file = relative(locationBase, join(root, '.dvc', 'config'))
      .split(sep)
      .join('/');
    throw new UserError(`${file} is missing, so there is no remote to pull from`, {
      location: { file },
      title: 'Missing DVC config',
      fix: 'Commit .dvc/config (created by `dvc init`, with `dvc remote add -d <name> <url>`), or set `remote-url:` on the step.',
    });
  }
  const ctx = { root, locationBase };
  const outputs = await collectOutputs(ctx, logger);
  const selections = await selectTargets(outputs, options.targets ?? [], { ...ctx, base: options.cwd }, logger);
  const cacheDir = options.cacheDir ? join(options.cwd, options.cacheDir) : config.cacheDir;
  const secrets = [...config.secrets];
  for (const k of ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ACCESS_KEY_ID'])
    if (env[k]) secrets.push(env[k]!);
  return {
    root,
    config,
    selections,
    dataVersion: dataVersion(selections),
    cacheDir: options.cacheDir ? join(options.cwd, options.cacheDir) : cacheDir,
    secrets,
  };
}

/**
 * `dvc pull`: fetch the selected outputs' objects into the cache (verified, read-only), then
 * check them out into the workspace. Nothing partial is left for outputs that fail.
 */
export async function pull(options: PullOptions, prepared?: PullContext): Promise<PullResult> {
  const started = Date.now();
  const ctx = prepared ?? (await preparePull(options));
  const jobs = options.jobs ?? defaultJobs();
  const limit = pool(jobs);
  const linkType = options.linkType ?? linkTypeFromConfig(ctx.config, options.logger);
  const state = WorkspaceState.load(ctx.root);

  // 0. outputs the last pull checked out whole and nothing touched since: no plan (settled.ts)
  const settledCtx: SettledContext = { root: ctx.root, cacheDir: ctx.cacheDir, linkType, state };
  const settled = findSettled(ctx.selections, settledCtx);
  const selections = settled.size ? ctx.selections.filter((s) => !settled.has(s)) : ctx.selections;
  if (!selections.length) return summarize(ctx, settled, [], undefined, 0, Date.now() - started);

  // helper threads for many small files (file-jobs.ts), started once when there are many to make
  const threads = new HelperThreads();
  try {
    const stores = new RemoteStores(ctx.config, { ...options, jobs }, ctx.root);
    const dirMode = ctx.config.sharedGroup ? 0o2775 : undefined;
    const dirs = new DirMaker(dirMode);

    // 1. plan
    const plans: OutputPlan[] = [];
    await limit(selections.entries(), async ([i, s]) => {
      plans[i] = await planOutput(s, ctx.cacheDir, stores, options.remote);
    });
    await storeDirObjects(plans, dirs);
    // dropped after the fetch: the plans' files hold the objects the checkout needs
    let objects: Map<string, ObjectNeed> | undefined = uniqueObjects(plans);
    options.meter?.setTotal(objects.size);

    // 2. fetch: what the cache holds, then the rest. Small objects' workspace copies are made
    //    while other downloads are in flight (the server, not the client, is the limit for them).
    // bodies are kept only for copies (links never read them)
    const bodies = new BodyCache(linkType === 'copy' ? 256 * 1024 * 1024 : 0);
    markCurrent(plans, ctx.root, state); // before the cache check: current files' objects need only exist
    // Many files to write: the helper threads start now, during the cache check, when they
    // will be used: for a local remote's objects, or (below) when all are in the cache. With
    // downloads to do, the first batch of files large enough starts them.
    let toWrite = 0;
    for (const p of plans) for (const f of p.files) if (!f.current) toWrite++;
    const manyToWrite = threads.worth(toWrite);
    if (manyToWrite && (await stores.anyLocal(objects.values()))) threads.warm();
    await checkCache(objects.values(), limit, options.meter);
    let toFetch = false;
    for (const o of objects.values()) if (o.state === undefined) toFetch = true;
    if (manyToWrite && !toFetch) threads.warm();
    const eager =
      toFetch && linkType === 'copy' && dirMode === undefined ? new EagerCopies(ctx.root, plans, bodies) : undefined;
    let downloadedBytes: number;
    try {
      downloadedBytes = await fetchMissing(objects.values(), {
        stores,
        limit,
        dirs,
        bodies,
        meter: options.meter,
        onFetched: (o) => eager?.place(o),
        tee: eager && ((o) => eager.stream(o)),
        threads,
      });
    } finally {
      eager?.dropOpenStreams(); // those of downloads that failed after their last attempt
      stores.close();
      objects = undefined;
    }

    // 3. checkout the outputs whose objects are all here; undo early copies of the others
    const isComplete = (p: OutputPlan) =>
      p.problem === undefined && p.files.every((f) => f.object.state === 'cached' || f.object.state === 'downloaded');
    const complete = plans.filter(isComplete);
    const failed = plans.filter((p) => !isComplete(p));
    await eager?.undo(failed);
    const checkout = new Checkout({
      root: ctx.root,
      cacheDir: ctx.cacheDir,
      linkType,
      force: !!options.force,
      limit,
      dirs,
      bodies,
      state,
      absentKnown: !toFetch,
      threads,
    });
    let changes: Changes;
    try {
      changes = await checkout.diff(complete);
    } catch (error) {
      await eager?.undo(complete); // refused (unsaved workspace files): the workspace stays as it was
      throw error;
    }
    await checkout.apply(changes);
    // What the workspace now holds, so that the next pull stats instead of hashing: the files
    // written or settled by this pull (those the state already matched keep their record).
    for (const p of complete)
      for (const f of p.files) if (f.eager) state.record(f.rel, workspacePath(ctx.root, f.rel), f.object.oid);
    for (const c of changes.list)
      if (c.file && c.action !== 'delete' && !c.recorded) state.record(c.file.rel, c.path, c.file.object.oid);
    for (const f of changes.unrecorded) state.record(f.rel, workspacePath(ctx.root, f.rel), f.object.oid);
    const noted = noteSettled(complete, settledCtx);
    if (changes.list.length || changes.unrecorded.length || changes.total || noted.changed) {
      await clearOfStamps(noted.latest);
      state.save();
    }

    // 4. report
    if (failed.length) throw failureError(failed, complete.length + settled.size);
    return summarize(ctx, settled, complete, changes, downloadedBytes, Date.now() - started);
  } finally {
    await threads.close();
  }
}

/** The result, outputs in the order they were selected: the settled ones and those checked out. */
function summarize(
  ctx: PullContext,
  settled: Map<Selection, PulledOutput>,
  complete: OutputPlan[],
  changes: Changes | undefined,
  downloadedBytes: number,
  durationMs: number,
): PullResult {
  const pulled = new Map<Selection, PulledOutput>(settled);
  for (const p of complete) {
    const counts = {
      size: p.files.reduce((sum, f) => sum + (f.object.size ?? 0), 0),
      files: p.files.length,
      downloaded: p.files.filter((f) => f.object.state === 'downloaded').length,
      changed: changes?.changedByOutput.get(p) ?? 0,
    };
    pulled.set(p.selection, pulledOutput(p.selection, counts));
  }
  const outputs = ctx.selections.flatMap((s) => pulled.get(s) ?? []);
  return {
    root: ctx.root,
    cacheDir: ctx.cacheDir,
    dataVersion: ctx.dataVersion,
    outputs,
    files: outputs.reduce((s, o) => s + o.files, 0),
    bytes: outputs.reduce((s, o) => s + o.size, 0),
    downloadedBytes,
    downloadedFiles: outputs.reduce((s, o) => s + o.downloaded, 0),
    fromCache: outputs.reduce((s, o) => s + o.fromCache, 0),
    changedFiles: changes?.total ?? 0,
    durationMs,
  };
}

function linkTypeFromConfig(config: DvcConfig, logger: Logger): LinkType {
  for (const t of config.cacheTypes ?? []) {
    if (t === 'copy' || t === 'hardlink' || t === 'symlink') return t;
    if (t === 'reflink') continue; // copies are reflinked where the filesystem can
    logger.warning(`Unknown cache.type ${JSON.stringify(t)} in the DVC config; using copy.`);
  }
  return 'copy';
}
