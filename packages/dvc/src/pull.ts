import { constants as fsConstants, lstatSync, mkdirSync, readFileSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { chmod, copyFile, link, lstat, mkdir, readdir, readFile, readlink, rename, rm, rmdir, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import pLimit from 'p-limit';
import { UserError, type Logger, type ProgressMeter } from '@mlops-gha/common';
import { IntegrityError, ObjectNotFoundError, openStore, withRetries, type ObjectStore } from '@mlops-gha/storage';
import { loadConfig, type DvcConfig, type RemoteConfig } from './config.js';
import { dataVersion } from './data-version.js';
import type { TrackedOutput } from './files.js';
import { digestMatches, hashFileBoth, md5Of, ObjectHasher, type DirEntry, type HashName } from './hash.js';
import { cachePathOf, objectKey } from './layout.js';
import { collectOutputs, findRoot, selectTargets, type Selection } from './repo.js';

export type LinkType = 'copy' | 'hardlink' | 'symlink';

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

export interface PulledOutput {
  path: string;
  md5: string;
  hash: HashName;
  size: number;
  nfiles?: number;
  /** Subtrees pulled when the target was inside this directory. */
  subpaths?: string[];
  files: number;
  downloaded: number;
  fromCache: number;
  /** Workspace files written or replaced. */
  changed: number;
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

interface ObjectNeed {
  oid: string;
  hashName: HashName;
  cachePath: string;
  key: string;
  remote: string;
  size?: number;
  state?: 'cached' | 'downloaded' | 'missing' | 'corrupt' | 'failed';
  error?: string;
}

interface PlannedFile {
  rel: string; // repo-relative workspace path
  object: ObjectNeed;
  isexec: boolean;
}

interface OutputPlan {
  selection: Selection;
  output: TrackedOutput;
  files: PlannedFile[];
  dirObject?: ObjectNeed;
  dirBytes?: Buffer;
  /** The whole directory is materialised, so extra workspace files inside it are removed. */
  whole: boolean;
  problem?: string;
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
    const file = relative(locationBase, join(root, '.dvc', 'config')).split(sep).join('/');
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
  for (const k of ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ACCESS_KEY_ID']) if (env[k]) secrets.push(env[k]!);
  return { root, config, selections, dataVersion: dataVersion(selections), cacheDir: options.cacheDir ? join(options.cwd, options.cacheDir) : cacheDir, secrets };
}

/**
 * `dvc pull`: fetch the selected outputs' objects into the cache (verified, read-only), then
 * check them out into the workspace. Outputs whose objects are all present are completed even
 * when others fail; the failures are reported together afterwards, and nothing partial is left.
 */
export async function pull(options: PullOptions, prepared?: PullContext): Promise<PullResult> {
  const started = Date.now();
  const ctx = prepared ?? (await preparePull(options));
  const { root, config, selections, cacheDir } = ctx;
  const logger = options.logger;
  const jobs = options.jobs ?? defaultJobs();
  const limit = pLimit(jobs);
  const linkType = options.linkType ?? linkTypeFromConfig(config, logger);
  const stores = new RemoteStores(config, options, root);
  const dirMode = config.sharedGroup ? 0o2775 : undefined;
  const dirs = new DirMaker(dirMode);

  // 1. Plan: directory manifests (from the cache or the remote), then every object wanted.
  const plans: OutputPlan[] = await Promise.all(
    selections.map((selection) => limit(() => planOutput(selection, cacheDir, stores, options.remote, root))),
  );
  // Manifests are checked in full before anything is written.
  for (const plan of plans) if (plan.problem === undefined) validateManifestPaths(plan);
  for (const plan of plans) {
    if (plan.dirObject && plan.dirBytes && plan.dirObject.state === 'downloaded') {
      await writeObject(plan.dirObject.cachePath, plan.dirBytes, dirs);
    }
  }

  const objects = new Map<string, ObjectNeed>();
  for (const plan of plans) {
    plan.files = plan.files.map((f) => {
      const existing = objects.get(f.object.cachePath);
      if (existing) return { ...f, object: existing };
      objects.set(f.object.cachePath, f.object);
      return f;
    });
  }
  options.meter?.setTotal(objects.size);

  // 2. Which objects are already in the cache: read-only files are trusted (as DVC does),
  //    others are re-hashed and removed when corrupt.
  //    Sync stats: one syscall each, no thread-pool round trip (10,000 objects in ~0.1 s).
  const rehash: ObjectNeed[] = [];
  for (const o of objects.values()) {
    const s = statOrUndefined(o.cachePath);
    if (!s || !s.isFile()) continue;
    if ((s.mode & 0o222) !== 0) {
      rehash.push(o);
      continue;
    }
    o.size = s.size;
    o.state = 'cached';
    options.meter?.add(1);
  }
  await Promise.all(
    rehash.map((o) =>
      limit(async () => {
        const digest = await hashFileBoth(o.cachePath, o.hashName === 'md5-dos2unix');
        if (!digestMatches(o.hashName, o.oid, digest)) {
          await rm(o.cachePath, { force: true });
          return;
        }
        await chmod(o.cachePath, 0o444);
        o.size = (await stat(o.cachePath)).size;
        o.state = 'cached';
        options.meter?.add(1);
      }),
    ),
  );

  // 3. Download what is missing, verified into the cache. Small verified bodies stay in memory
  //    (within a budget) so that checkout writes them without reading the cache back.
  const bodies = new BodyCache(256 * 1024 * 1024);
  const toFetch = [...objects.values()].filter((o) => o.state === undefined);
  // Copies of small objects go into the workspace while the other downloads are in flight
  // (the server, not the client, is the limit for small objects); undone for outputs that fail.
  const eager = linkType === 'copy' && dirMode === undefined ? new EagerCopies(root, plans, bodies) : undefined;
  let downloadedBytes = 0;
  if (toFetch.length) {
    for (const o of toFetch) await dirs.make(dirname(o.cachePath));
    await Promise.all(
      toFetch.map((o) =>
        limit(async () => {
          const store = await stores.forRemote(o.remote);
          try {
            const { bytes } = await store.downloadToFile(o.key, o.cachePath, {
              mode: 0o444,
              verifier: () => verifierFor(o, store, bodies),
              onBytes: (n) => options.meter?.addBytes(n),
            });
            o.size = bytes;
            o.state = 'downloaded';
            downloadedBytes += bytes;
            options.meter?.add(1);
            eager?.place(o);
          } catch (error) {
            if (error instanceof ObjectNotFoundError || (error as { name?: string }).name === 'ObjectNotFoundError') o.state = 'missing';
            else if (error instanceof IntegrityError) o.state = 'corrupt';
            else o.state = 'failed';
            o.error = error instanceof Error ? error.message : String(error);
          }
        }),
      ),
    );
  }
  stores.close();

  // 4. Checkout the outputs whose objects are all here.
  const complete = plans.filter((p) => p.problem === undefined && p.files.every((f) => f.object.state === 'cached' || f.object.state === 'downloaded'));
  const failed = plans.filter((p) => !complete.includes(p));
  await eager?.undo(failed);
  const checkout = new Checkout(root, cacheDir, linkType, !!options.force, limit, dirs, bodies, eager);
  let changes: Awaited<ReturnType<Checkout['diff']>>;
  try {
    changes = await checkout.diff(complete);
  } catch (error) {
    await eager?.undo(complete); // refused (unsaved workspace files): the workspace stays as it was
    throw error;
  }
  await checkout.apply(changes);

  const outputs: PulledOutput[] = complete.map((p) => {
    const files = p.files.length;
    const downloaded = p.files.filter((f) => f.object.state === 'downloaded').length;
    const out: PulledOutput = {
      path: p.output.path,
      md5: p.output.md5,
      hash: p.output.hashName,
      size: p.files.reduce((sum, f) => sum + (f.object.size ?? 0), 0),
      files,
      downloaded,
      fromCache: files - downloaded,
      changed: changes.changedByOutput.get(p) ?? 0,
    };
    if (p.output.nfiles !== undefined) out.nfiles = p.output.nfiles;
    if (p.selection.subpaths) out.subpaths = p.selection.subpaths;
    return out;
  });
  if (failed.length) throw failureError(failed, complete.length);

  const result: PullResult = {
    root,
    cacheDir,
    dataVersion: ctx.dataVersion,
    outputs,
    files: outputs.reduce((s, o) => s + o.files, 0),
    bytes: outputs.reduce((s, o) => s + o.size, 0),
    downloadedBytes,
    downloadedFiles: outputs.reduce((s, o) => s + o.downloaded, 0),
    fromCache: outputs.reduce((s, o) => s + o.fromCache, 0),
    changedFiles: changes.total,
    durationMs: Date.now() - started,
  };
  return result;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function linkTypeFromConfig(config: DvcConfig, logger: Logger): LinkType {
  for (const t of config.cacheTypes ?? []) {
    if (t === 'copy' || t === 'hardlink' || t === 'symlink') return t;
    if (t === 'reflink') continue; // copies are reflinked where the filesystem can
    logger.warning(`Unknown cache.type ${JSON.stringify(t)} in the DVC config; using copy.`);
  }
  return 'copy';
}

/** Verified bodies of small objects, kept for checkout up to a byte budget. */
class BodyCache {
  private readonly bodies = new Map<string, Buffer>();
  private used = 0;
  constructor(private readonly budget: number) {}
  offer(path: string, body: Buffer): void {
    if (this.used + body.length > this.budget) return;
    this.used += body.length;
    this.bodies.set(path, body);
  }
  take(path: string): Buffer | undefined {
    return this.bodies.get(path);
  }
}

const KEEP_BODY = 256 * 1024;

function verifierFor(o: ObjectNeed, store: ObjectStore, bodies: BodyCache) {
  const hasher = new ObjectHasher(o.hashName === 'md5-dos2unix');
  let chunks: Buffer[] | undefined = [];
  let length = 0;
  return {
    update: (chunk: Buffer) => {
      hasher.update(chunk);
      length += chunk.length;
      if (chunks && length <= KEEP_BODY) chunks.push(chunk);
      else chunks = undefined;
    },
    finish: () => {
      const digest = hasher.digest();
      if (!digestMatches(o.hashName, o.oid, digest)) {
        throw new IntegrityError(store.urlOf(o.key), o.oid, o.hashName === 'md5-dos2unix' ? `${digest.legacy} (dos2unix), ${digest.md5} (raw)` : digest.md5, 'md5');
      }
      if (chunks) bodies.offer(o.cachePath, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    },
  };
}

async function writeObject(path: string, bytes: Buffer, dirs: DirMaker): Promise<void> {
  await dirs.make(dirname(path));
  const temp = join(dirname(path), `.${randomBytes(8).toString('hex')}.tmp`);
  await writeFile(temp, bytes, { mode: 0o444 });
  await chmod(temp, 0o444);
  await rename(temp, path);
}

/**
 * Workspace copies made as soon as a small object is downloaded and verified, from its body
 * in memory, for files that do not exist yet (nothing is replaced or removed here: that waits
 * for the checkout's diff). The checkout counts them as created. When an output turns out
 * incomplete, or the checkout refuses, `undo` removes its copies and the folders made for
 * them, so the workspace is as it was.
 */
class EagerCopies {
  private readonly targets = new Map<string, { plan: OutputPlan; file: PlannedFile }[]>();
  private readonly made = new Map<string, OutputPlan>();
  private readonly createdDirs: string[] = [];
  /** Folders checked (and made) for eager copies: true when every part is a real folder. */
  private readonly knownDirs = new Map<string, boolean>();

  constructor(private readonly root: string, plans: OutputPlan[], private readonly bodies: BodyCache) {
    for (const plan of plans) {
      if (plan.problem !== undefined) continue;
      for (const file of plan.files) {
        if (file.isexec) continue;
        const list = this.targets.get(file.object.cachePath) ?? [];
        list.push({ plan, file });
        this.targets.set(file.object.cachePath, list);
      }
    }
  }

  place(o: ObjectNeed): void {
    const targets = this.targets.get(o.cachePath);
    if (!targets) return;
    const body = this.bodies.take(o.cachePath);
    if (!body) return;
    for (const { plan, file } of targets) {
      const path = join(this.root, ...file.rel.split('/'));
      try {
        const dir = dirname(path);
        let usable = this.knownDirs.get(dir);
        if (usable === undefined) {
          // Never write through a link or past a file standing where a folder should be (a
          // repository may hold `data -> /somewhere`): those are the checkout's to replace.
          usable = firstNonFolder(this.root, dir) === undefined;
          if (usable) {
            const first = mkdirSync(dir, { recursive: true });
            // every folder from `dir` up to the first one mkdir made is new
            for (let d = dir; first && d.length >= first.length; d = dirname(d)) this.createdDirs.push(d);
          }
          this.knownDirs.set(dir, usable);
        }
        if (!usable) continue;
        writeFileSync(path, body, { flag: 'wx', mode: 0o666 });
        this.made.set(path, plan);
      } catch {
        // something stands there (a file, a folder, a link): the checkout decides
      }
    }
  }

  placed(path: string): boolean {
    return this.made.has(path);
  }

  async undo(plans: OutputPlan[]): Promise<void> {
    if (!plans.length || !this.made.size) return;
    const undone = new Set(plans);
    for (const [path, plan] of this.made) {
      if (!undone.has(plan)) continue;
      await unlink(path).catch(() => undefined);
      this.made.delete(path);
    }
    // the folders made for them, deepest first, unless something else now lives there
    for (const dir of [...new Set(this.createdDirs)].sort((a, b) => b.length - a.length)) {
      await rmdir(dir).catch(() => undefined); // ENOTEMPTY
    }
  }
}

/**
 * The first part of `dir` below `root` that exists but is not a folder (a file, or a link
 * even to a folder), or undefined when every existing part is a real folder (the missing
 * rest is for mkdir to make).
 */
function firstNonFolder(root: string, dir: string): string | undefined {
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
class DirMaker {
  private readonly made = new Map<string, Promise<void>>();
  constructor(private readonly mode?: number) {}
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

class RemoteStores {
  private readonly stores = new Map<string, ObjectStore>();
  constructor(private readonly config: DvcConfig, private readonly options: PullOptions, private readonly root: string) {}

  /** The remote name an output uses: `-r`, else its own `remote:`, else core.remote. */
  nameFor(output: TrackedOutput, override?: string): string {
    const name = (override ?? output.remote ?? this.config.coreRemote?.name ?? '').toLowerCase();
    if (!name) {
      if (this.options.remoteUrl) return '';
      throw new UserError('No remote provided and no default remote set', {
        location: this.config.files.length ? undefined : undefined,
        fix: 'Set `remote-url:` on the step, or run `dvc remote add -d <name> <url>` and commit .dvc/config.',
        title: 'No DVC remote',
      });
    }
    if (!this.config.remotes.has(name) && !(this.options.remoteUrl && (override || !output.remote))) {
      const from = override ? 'the `remote` input' : output.remote ? `${output.declaredIn.file}` : 'core.remote';
      const location = override ? undefined : output.remote ? output.declaredIn : this.config.coreRemote?.location;
      throw new UserError(`Unknown remote "${name}" (named by ${from})`, {
        location,
        fix: `Define it in .dvc/config (\`dvc remote add ${name} <url>\`), or name one of: ${[...this.config.remotes.keys()].join(', ') || '(none defined)'}.`,
        title: 'Unknown DVC remote',
      });
    }
    return name;
  }

  resolve(name: string): RemoteConfig {
    const base = this.config.remotes.get(name) ?? { name, url: '' };
    const remote: RemoteConfig = { ...base };
    const isDefault = !this.options.remote || this.options.remote.toLowerCase() === name;
    if (this.options.remoteUrl && (isDefault || !base.url)) remote.url = this.options.remoteUrl;
    if (this.options.endpointUrl) remote.endpointurl = this.options.endpointUrl;
    if (this.options.region) remote.region = this.options.region;
    if (!remote.url) {
      throw new UserError(`Remote "${name}" has no url`, { location: base.location, fix: `Set url in [remote "${name}"] or give remote-url.` });
    }
    return remote;
  }

  async forRemote(name: string): Promise<ObjectStore> {
    let store = this.stores.get(name);
    if (!store) {
      const remote = this.resolve(name);
      if (/^[a-zA-Z]:[\\/]/.test(remote.url) && process.platform !== 'win32') {
        throw new UserError(`Remote "${name}" points at a Windows folder (${remote.url}) that does not exist here`, {
          location: remote.location,
          fix: 'Give `remote-url:` with the folder or bucket that holds the data on this machine.',
        });
      }
      const credentials =
        remote.access_key_id && remote.secret_access_key
          ? { accessKeyId: remote.access_key_id, secretAccessKey: remote.secret_access_key, sessionToken: remote.session_token }
          : undefined;
      if (remote.credentialpath) process.env.AWS_SHARED_CREDENTIALS_FILE = remote.credentialpath;
      if (remote.configpath) process.env.AWS_CONFIG_FILE = remote.configpath;
      store = openStore(remote.url, {
        source: this.options.remoteUrl && remote.url === this.options.remoteUrl ? 'the remote-url input' : `url of [remote "${name}"]${remote.location ? ` in ${remote.location.file}` : ''}`,
        cwd: this.root,
        endpoint: remote.endpointurl,
        region: remote.region,
        credentials,
        profile: remote.profile,
        maxSockets: this.options.jobs ?? defaultJobs(),
      });
      this.stores.set(name, store);
    }
    return store;
  }

  close(): void {
    for (const s of this.stores.values()) s.close();
  }
}

async function planOutput(selection: Selection, cacheDir: string, stores: RemoteStores, override: string | undefined, root: string): Promise<OutputPlan> {
  const output = selection.output;
  const remote = stores.nameFor(output, override);
  const need = (oid: string): ObjectNeed => ({
    oid,
    hashName: output.hashName,
    cachePath: cachePathOf(cacheDir, oid, output.hashName),
    key: objectKey(oid, output.hashName),
    remote,
  });
  const plan: OutputPlan = { selection, output, files: [], whole: !selection.subpaths };
  if (!output.md5.endsWith('.dir')) {
    plan.files.push({ rel: output.path, object: need(output.md5), isexec: output.isexec });
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
      const got = await withRetries(() => store.getBytes(dirObject.key));
      if (!got) {
        dirObject.state = 'missing';
        plan.problem = `missing: the directory manifest ${output.md5} is in neither the cache nor ${store.urlOf(dirObject.key)}`;
        return plan;
      }
      if (md5Of(got.body) !== expected) {
        dirObject.state = 'corrupt';
        plan.problem = `corrupt: the directory manifest ${store.urlOf(dirObject.key)} does not match its md5 ${output.md5}`;
        return plan;
      }
      bytes = got.body;
      dirObject.state = 'downloaded';
    } catch (error) {
      dirObject.state = 'failed';
      plan.problem = `failed to fetch the directory manifest ${output.md5}: ${error instanceof Error ? error.message : String(error)}`;
      return plan;
    }
  }
  plan.dirBytes = bytes;
  let entries: DirEntry[];
  try {
    entries = JSON.parse(bytes.toString('utf8')) as DirEntry[];
    if (!Array.isArray(entries)) throw new Error('not a list');
  } catch {
    plan.problem = `corrupt: the directory manifest ${output.md5} is not a JSON list`;
    return plan;
  }
  const wanted = selection.subpaths;
  for (const entry of entries) {
    if (!entry || typeof entry.relpath !== 'string' || typeof entry.md5 !== 'string' || !/^[0-9a-f]{32}$/.test(entry.md5)) {
      plan.problem = `corrupt: the directory manifest ${output.md5} has an entry without a valid md5 and relpath`;
      return plan;
    }
    if (wanted && !wanted.some((w) => entry.relpath === w || entry.relpath.startsWith(`${w}/`))) continue;
    plan.files.push({ rel: `${output.path}/${entry.relpath}`, object: need(entry.md5), isexec: false });
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
  void root;
  return plan;
}

/** A relpath from a .dir manifest must stay inside its output: absolute or `..` paths are refused. */
function validateManifestPaths(plan: OutputPlan): void {
  const output = plan.output;
  if (!plan.dirBytes) return;
  const entries = JSON.parse(plan.dirBytes.toString('utf8')) as DirEntry[];
  for (const e of entries) {
    const r = e.relpath;
    const bad =
      r === '' || r.startsWith('/') || /^[a-zA-Z]:/.test(r) || r.includes('\0') || r.includes('\\') ||
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

function failureError(failed: OutputPlan[], completed: number): UserError {
  const lines: string[] = [];
  let missing = 0;
  let corrupt = 0;
  for (const p of failed) {
    if (p.problem) {
      lines.push(`  ${p.output.path} (${p.output.md5}): ${p.problem}`);
      if (p.problem.startsWith('missing')) missing++;
      if (p.problem.startsWith('corrupt')) corrupt++;
      continue;
    }
    const bad = p.files.filter((f) => f.object.state !== 'cached' && f.object.state !== 'downloaded');
    const byState = new Map<string, PlannedFile[]>();
    for (const f of bad) byState.set(f.object.state ?? 'failed', [...(byState.get(f.object.state ?? 'failed') ?? []), f]);
    for (const [state, files] of byState) {
      if (state === 'missing') missing += files.length;
      if (state === 'corrupt') corrupt += files.length;
      const shown = files.slice(0, 20).map((f) => `md5: ${f.object.oid} (${f.rel})${state === 'corrupt' || state === 'failed' ? ` - ${f.object.error}` : ''}`);
      lines.push(`  ${p.output.path}: ${files.length} ${state === 'missing' ? 'missing on the remote' : state === 'corrupt' ? 'corrupt on the remote (bytes do not match the md5)' : 'failed to download'}:`);
      for (const s of shown) lines.push(`    ${s}`);
      if (files.length > shown.length) lines.push(`    … and ${files.length - shown.length} more`);
    }
  }
  const what = corrupt && !missing ? 'corrupt objects' : missing && !corrupt ? 'missing objects' : 'objects that could not be fetched';
  const message =
    `${failed.length} output${failed.length === 1 ? '' : 's'} could not be pulled (${what}); they were not written to the workspace` +
    (completed ? `, the ${completed} complete output${completed === 1 ? ' was' : 's were'} checked out` : '') +
    `:\n${lines.join('\n')}`;
  return new UserError(message, {
    location: failed[0]!.output.declaredIn,
    title: corrupt && !missing ? 'Corrupt DVC objects' : 'Missing DVC objects',
    fix: corrupt
      ? 'Push the data again (`dvc push`) from a machine whose cache has intact copies; the remote copies are damaged.'
      : 'Run `dvc push` where the data was produced (its cache holds these objects), or check remote-url.',
  });
}

interface FileChange {
  plan: OutputPlan;
  file?: PlannedFile;
  /** Absolute workspace path. */
  path: string;
  action: 'create' | 'replace' | 'chmod' | 'delete';
  /** Already made while the downloads ran (EagerCopies). */
  done?: boolean;
}

/** Makes the workspace match the plan the way `dvc checkout` does. */
class Checkout {
  private readonly fileMode: number;
  constructor(
    private readonly root: string,
    private readonly cacheDir: string,
    private readonly linkType: LinkType,
    private readonly force: boolean,
    private readonly limit: ReturnType<typeof pLimit>,
    private readonly dirs: DirMaker,
    private readonly bodies: BodyCache,
    private readonly eager?: EagerCopies,
  ) {
    const umask = process.umask();
    this.fileMode = 0o666 & ~umask;
  }

  async diff(plans: OutputPlan[]): Promise<{ list: FileChange[]; changedByOutput: Map<OutputPlan, number>; total: number }> {
    const list: FileChange[] = [];
    const unsaved: string[] = [];
    const jobs: Promise<void>[] = [];
    for (const plan of plans) {
      for (const file of plan.files) {
        jobs.push(
          this.limit(async () => {
            const change = await this.compare(plan, file, unsaved);
            if (change) list.push(change);
          }),
        );
      }
      if (plan.dirObject && plan.whole) jobs.push(this.extras(plan, list, unsaved));
    }
    await Promise.all(jobs);
    if (unsaved.length && !this.force) {
      unsaved.sort();
      throw new UserError(`Can't remove the following unsaved files without confirmation. Use \`--force\` to force.\n${unsaved.join('\n')}`, {
        title: 'Workspace files differ from the tracked data',
        fix: 'These workspace files differ from the tracked versions and their content is not in the DVC cache: commit them with `dvc add`/`dvc commit`, delete them, or set `force: true` to replace them.',
      });
    }
    const changedByOutput = new Map<OutputPlan, number>();
    for (const c of list) if (c.action !== 'delete') changedByOutput.set(c.plan, (changedByOutput.get(c.plan) ?? 0) + 1);
    return { list, changedByOutput, total: list.filter((c) => c.action !== 'delete').length };
  }

  private async compare(plan: OutputPlan, file: PlannedFile, unsaved: string[]): Promise<FileChange | undefined> {
    const path = join(this.root, ...file.rel.split('/'));
    const cachePath = file.object.cachePath;
    if (this.eager?.placed(path)) return { plan, file, path, action: 'create', done: true };
    const st = lstatOrUndefined(path);
    if (!st) return { plan, file, path, action: 'create' };
    if (st.isSymbolicLink()) {
      const target = await readlink(path).catch(() => '');
      if (target === cachePath) return undefined; // unchanged (no relink, as dvc)
      return { plan, file, path, action: 'replace' };
    }
    if (st.isDirectory()) {
      if (!(await this.inCacheTree(path, plan.output.hashName))) unsaved.push(path);
      return { plan, file, path, action: 'replace' };
    }
    const cst = statSync(cachePath);
    // Same inode as the cache object: unchanged, whatever link-type asks for now (dvc only
    // relinks unchanged files with `dvc checkout --relink`).
    if (st.ino === cst.ino && st.dev === cst.dev) return undefined;
    if (st.size !== cst.size) return this.changed(plan, file, path, unsaved, false);
    const digest = await hashFileBoth(path, file.object.hashName === "md5-dos2unix", st.size);
    if (digestMatches(file.object.hashName, file.object.oid, digest)) {
      const wantExec = file.isexec;
      const isExec = (st.mode & 0o100) !== 0;
      if (wantExec && !isExec) return { plan, file, path, action: 'chmod' };
      return undefined;
    }
    await this.noteUnsaved(path, file.object.hashName, unsaved, digest);
    return { plan, file, path, action: 'replace' };
  }

  private async changed(plan: OutputPlan, file: PlannedFile, path: string, unsaved: string[], mayMatch: boolean): Promise<FileChange | undefined> {
    const digest = await hashFileBoth(path, file.object.hashName === 'md5-dos2unix');
    if (mayMatch && digestMatches(file.object.hashName, file.object.oid, digest)) return { plan, file, path, action: 'replace' };
    await this.noteUnsaved(path, file.object.hashName, unsaved, digest);
    return { plan, file, path, action: 'replace' };
  }

  /** DVC refuses to delete a workspace file whose content is not in the cache, unless forced. */
  private async noteUnsaved(path: string, hashName: HashName, unsaved: string[], digest?: { md5: string; legacy?: string }): Promise<void> {
    const d = digest ?? (await hashFileBoth(path, hashName === 'md5-dos2unix'));
    const oid = hashName === 'md5-dos2unix' ? d.legacy! : d.md5;
    const inCache = await stat(cachePathOf(this.cacheDir, oid, hashName)).then(() => true, () => false);
    if (!inCache) unsaved.push(path);
  }

  private async inCacheTree(dir: string, hashName: HashName): Promise<boolean> {
    const unsaved: string[] = [];
    for (const f of await listFiles(dir)) await this.noteUnsaved(f, hashName, unsaved);
    return unsaved.length === 0;
  }

  private async extras(plan: OutputPlan, list: FileChange[], unsaved: string[]): Promise<void> {
    const dir = join(this.root, ...plan.output.path.split('/'));
    const st = await lstat(dir).catch(() => undefined);
    if (!st) return;
    if (!st.isDirectory()) {
      // a file (or link) where the folder should be
      if (!st.isSymbolicLink()) await this.noteUnsaved(dir, plan.output.hashName, unsaved);
      list.push({ plan, path: dir, action: 'delete' });
      return;
    }
    const wanted = new Set(plan.files.map((f) => join(this.root, ...f.rel.split('/'))));
    for (const f of await listFiles(dir)) {
      if (wanted.has(f)) continue;
      if (!(await lstat(f)).isSymbolicLink()) await this.noteUnsaved(f, plan.output.hashName, unsaved);
      list.push({ plan, path: f, action: 'delete' });
    }
  }

  async apply(changes: { list: FileChange[] }): Promise<void> {
    // Deletions first (a file may stand where a folder is wanted), then links.
    for (const c of changes.list.filter((c) => c.action === 'delete')) await rm(c.path, { recursive: true, force: true });
    await Promise.all(
      changes.list
        .filter((c) => c.action !== 'delete' && !c.done)
        .map((c) =>
          this.limit(async () => {
            const file = c.file!;
            if (c.action === 'chmod') {
              await chmod(c.path, ((await stat(c.path)).mode & 0o7777) | 0o100);
              return;
            }
            await this.link(file, c.path, c.action === 'replace');
          }),
        ),
    );
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
    const temp = join(dir, `.${randomBytes(8).toString('hex')}.tmp`);
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
          writeFileSync(dest, this.bodies.take(src) ?? readFileSync(src), { flag: 'wx', mode: 0o666 });
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
    if (this.checkedDirs.has(dir)) return this.dirs.make(dir);
    this.checkedDirs.add(dir);
    // A file or link standing where a folder is needed is removed first (it was already checked as unsaved).
    const blocker = firstNonFolder(this.root, dir);
    if (blocker) await rm(blocker, { force: true });
    await this.dirs.make(dir);
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  for (const e of entries) {
    if (e.isFile() || e.isSymbolicLink()) out.push(join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
  }
  return out;
}
