/**
 * The plan of a pull (dvc-data's "diff" input): for each selected output, the workspace files
 * it needs and the object each one comes from. `.dir` manifests are read (cache first, then
 * the remote), verified and parsed once here; their paths are checked before anything is
 * written. Objects shared by several files or outputs become one ObjectNeed.
 */
import { readFile } from 'node:fs/promises';
import { UserError } from '@mlops-gha/common';
import type { ObjectState, PlanProblem } from './failures.js';
import type { TrackedOutput } from './files.js';
import { md5Of, type DirEntry, type HashName } from './hash.js';
import { cachePathOf, objectKey } from './layout.js';
import type { RemoteStores } from './remotes.js';
import type { Selection } from './repo.js';

/** One object the pull needs, shared by every file with that content. */
export interface ObjectNeed {
  readonly oid: string;
  readonly hashName: HashName;
  readonly cachePath: string;
  readonly key: string;
  readonly remote: string;
  size?: number;
  state?: ObjectState;
  /** Why it failed (a StoreFailure, an IntegrityError, ...). */
  error?: unknown;
  /**
   * Every workspace file of this object was unchanged since the state recorded it (markCurrent,
   * before the fetch): the cache then only needs to hold it, as DVC's fetch asks, not to be
   * trusted for a copy.
   */
  allCurrent?: boolean;
}

/**
 * An ObjectNeed whose cache path and remote key are derived when asked for, not stored: a
 * million-file directory keeps its oid strings (from the manifest) and nothing per object
 * beyond this small record.
 */
class Need implements ObjectNeed {
  size?: number;
  state?: ObjectState;
  error?: unknown;
  allCurrent?: boolean = undefined; // declared here: added later it would cost a property array
  constructor(
    readonly oid: string,
    readonly hashName: HashName,
    private readonly cacheDir: string,
    readonly remote: string,
  ) {}
  get cachePath(): string {
    return cachePathOf(this.cacheDir, this.oid, this.hashName);
  }
  get key(): string {
    return objectKey(this.oid, this.hashName);
  }
}

export interface PlannedFile {
  rel: string; // repo-relative workspace path
  object: ObjectNeed;
  isexec: boolean;
  /**
   * Written while the downloads ran (EagerCopies), from the verified body in memory. Set from
   * the start: a property added later costs every file a property array (40 B).
   */
  eager?: boolean;
  /** Unchanged since the state recorded it, found by markCurrent's lstat (the diff does not look again). */
  current?: boolean;
  /** Not there at markCurrent's lstat (the diff trusts it when nothing was downloaded since). */
  absent?: boolean;
}

export interface OutputPlan {
  selection: Selection;
  output: TrackedOutput;
  files: PlannedFile[];
  dirObject?: ObjectNeed;
  /** The verified .dir bytes when they came from the remote (written to the cache by fetch). */
  dirBytes?: Buffer;
  /** The whole directory is materialised, so extra workspace files inside it are removed. */
  whole: boolean;
  /** The manifest's paths are distinct (strictly ascending, as DVC writes them). */
  distinctPaths?: boolean;
  problem?: PlanProblem;
}

/** Every distinct object of the plans, shared ObjectNeeds replacing duplicates in place. */
export function uniqueObjects(plans: OutputPlan[]): Map<string, ObjectNeed> {
  // keyed by oid and layout (the same oid under DVC 2 and DVC 3 is two cache files)
  const objects = new Map<string, ObjectNeed>();
  for (const plan of plans) {
    for (const f of plan.files) {
      const id = f.object.hashName === 'md5' ? f.object.oid : `2:${f.object.oid}`;
      const existing = objects.get(id);
      if (existing) f.object = existing;
      else objects.set(id, f.object);
    }
  }
  return objects;
}

/** Plans one selected output; a missing or damaged .dir manifest becomes `problem`, not a throw. */
export async function planOutput(
  selection: Selection,
  cacheDir: string,
  stores: RemoteStores,
  override: string | undefined,
): Promise<OutputPlan> {
  const output = selection.output;
  const remote = stores.nameFor(output, override);
  const need = (oid: string): ObjectNeed => new Need(oid, output.hashName, cacheDir, remote);
  const plan: OutputPlan = { selection, output, files: [], whole: !selection.subpaths };
  if (!output.md5.endsWith('.dir')) {
    plan.files.push({
      rel: output.path,
      object: need(output.md5),
      isexec: output.isexec,
      eager: false,
      current: false,
      absent: false,
    });
    return plan;
  }
  const dirObject = need(output.md5);
  plan.dirObject = dirObject;
  const expected = output.md5.slice(0, -4);
  let bytes: Buffer | undefined = await readFile(dirObject.cachePath).catch(() => undefined);
  if (bytes && md5Of(bytes) !== expected) bytes = undefined;
  if (bytes) dirObject.state = 'cached';
  else {
    const store = await stores.forRemote(remote);
    try {
      // one retry layer: the store's (getBytes); a StoreFailure names the cause
      const got = await store.getBytes(dirObject.key);
      if (!got) {
        dirObject.state = 'missing';
        plan.problem = {
          kind: 'missing',
          message: `missing: the directory manifest ${output.md5} is in neither the cache nor ${store.urlOf(dirObject.key)}`,
        };
        return plan;
      }
      if (md5Of(got.body) !== expected) {
        dirObject.state = 'corrupt';
        plan.problem = {
          kind: 'corrupt',
          message: `corrupt: the directory manifest ${store.urlOf(dirObject.key)} does not match its md5 ${output.md5}`,
        };
        return plan;
      }
      bytes = got.body;
      dirObject.state = 'downloaded';
    } catch (error) {
      dirObject.state = 'failed';
      plan.problem = {
        kind: 'failed',
        message: `failed to fetch the directory manifest ${output.md5}: ${error instanceof Error ? error.message : String(error)}`,
        cause: error,
      };
      return plan;
    }
  }
  plan.dirBytes = bytes;
  let entries: DirEntry[];
  try {
    entries = JSON.parse(bytes.toString('utf8')) as DirEntry[];
    if (!Array.isArray(entries)) throw new Error('not a list');
  } catch {
    plan.problem = { kind: 'corrupt', message: `corrupt: the directory manifest ${output.md5} is not a JSON list` };
    return plan;
  }
  // every entry's shape first: the path check below reads relpath as a string
  if (!entries.every(isDirEntry)) {
    plan.problem = {
      kind: 'corrupt',
      message: `corrupt: the directory manifest ${output.md5} has an entry without a valid md5 and relpath`,
    };
    return plan;
  }
  checkManifestPaths(output, entries);
  const wanted = selection.subpaths;
  const prefix = `${output.path}/`;
  let previous = '';
  plan.distinctPaths = true;
  for (const entry of entries) {
    if (entry.relpath <= previous) plan.distinctPaths = false;
    previous = entry.relpath;
    if (wanted && !wanted.some((w) => entry.relpath === w || entry.relpath.startsWith(`${w}/`))) continue;
    // joined, not concatenated: `a + b` keeps a 32-byte rope and the manifest's string alive per file
    plan.files.push({
      rel: [prefix, entry.relpath].join(''),
      object: need(entry.md5),
      isexec: false,
      eager: false,
      current: false,
      absent: false,
    });
  }
  if (wanted) {
    for (const w of wanted) {
      if (!entries.some((e) => e.relpath === w || e.relpath.startsWith(`${w}/`))) {
        throw new UserError(`'${output.path}/${w}' is not in the tracked directory ${output.path}`, {
          location: output.declaredIn,
          fix: `List what ${output.path} holds with \`dvc ls . ${output.path}\`, and give one of its files or folders.`,
          title: 'Unknown target',
        });
      }
    }
  }
  return plan;
}

function isDirEntry(entry: unknown): entry is DirEntry {
  if (entry === null || typeof entry !== 'object') return false;
  const { relpath, md5 } = entry as Partial<Record<keyof DirEntry, unknown>>;
  return typeof relpath === 'string' && typeof md5 === 'string' && /^[0-9a-f]{32}$/.test(md5);
}

/** A relpath from a .dir manifest must stay inside its output: absolute or `..` paths are refused. */
function checkManifestPaths(output: TrackedOutput, entries: DirEntry[]): void {
  for (const e of entries) {
    const r = e.relpath;
    const bad =
      r === '' ||
      r.startsWith('/') ||
      /^[a-zA-Z]:/.test(r) ||
      r.includes('\0') ||
      r.includes('\\') ||
      r.split('/').some((seg) => seg === '..' || seg === '.' || seg === '');
    if (bad) {
      throw new UserError(
        `The directory manifest ${output.md5} of ${output.path} lists the path ${JSON.stringify(r)}, which is absolute or climbs out of ${output.path}/; refusing to pull it (nothing was written)`,
        {
          location: output.declaredIn,
          title: 'Unsafe path in a DVC directory manifest',
          fix: 'The .dir object on the remote was altered: re-add the folder with `dvc add` from a trusted copy and push it again.',
        },
      );
    }
  }
}
