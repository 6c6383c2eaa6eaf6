import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, rm, rename, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { formatBytes, hashFile, ProgressMeter, silentLogger, startProgressTicker, UserError, type Logger } from '@mlops-gha/common';
import { IntegrityError, openStore, PreconditionFailedError, type ObjectStore, type OpenStoreOptions } from '@mlops-gha/storage';
import { readAttachment, writeAttachments, type PushAttachments } from './attachments.js';
import { AliasConflictError, NotFoundInRegistryError, VersionIntegrityError } from './errors.js';
import { claimVersion, layout } from './layout.js';
import {
  contentDigest,
  MANIFEST_SCHEMA_ID,
  parseManifest,
  serializeManifest,
  validateManifest,
  versionSha256,
  type Lineage,
  type Manifest,
  type ManifestFile,
  type ModelSignature,
} from './manifest.js';
import { checkAliasName, checkModelName, checkTags, checkVersionNumber, formatModelRef, parseModelRef, type ModelRef } from './names.js';
import { probeConditionalWrites } from './probe.js';
import { readOnnxSignature } from './signature.js';
import type { SourceFile } from './sources.js';

export interface RegistryOptions extends OpenStoreOptions {
  logger?: Logger;
  /** Who acts (GITHUB_ACTOR, the laptop user): recorded in manifests and events. */
  actor?: string | null;
  /** The workflow run URL, recorded in events. */
  runUrl?: string | null;
  /** Skip the conditional-write probe (only for stores already known to honour them). */
  skipProbe?: boolean;
  /** The content lock: how often its holder refreshes it, and after how long without change a waiter takes it over. */
  contentLock?: { heartbeatMs?: number; staleMs?: number; pollMs?: number };
  /** For tests: called at named points of a push (e.g. to be killed there). */
  onStep?: (step: PushStep) => void | Promise<void>;
}

export type PushStep = 'hashed' | 'locked' | 'claimed' | 'uploaded' | 'manifest-written' | 'event-written' | 'alias-event-written' | 'alias-moved';

export interface PushRequest {
  name: string;
  files: SourceFile[];
  metrics?: Record<string, number>;
  params?: Record<string, unknown>;
  lineage?: Partial<Lineage>;
  tags?: Record<string, string>;
  description?: string | null;
  /** Move this alias to the pushed (or existing identical) version. */
  alias?: string;
  /** sample.json and profile.json, written beside the manifest before it (see attachments.ts). */
  attachments?: PushAttachments;
}

export interface PushResult {
  name: string;
  version: number;
  /** False when identical content was already a version (nothing uploaded). */
  created: boolean;
  uri: string;
  sha256: string;
  manifest: Manifest;
  uploadedBytes: number;
  alias?: AliasMove;
}

export interface AliasDocument {
  schema: 'mlops-gha/registry-alias@1';
  name: string;
  alias: string;
  version: number;
  /** The id of the event that recorded this move (events/<id>.json). */
  event: string;
  updated_at: string;
  updated_by: string | null;
}

export interface AliasMove {
  alias: string;
  from: number | null;
  to: number;
  /** False when the alias already pointed at the version (nothing written). */
  moved: boolean;
  event?: string;
}

export interface RegistryEvent {
  schema: 'mlops-gha/registry-event@1';
  /** `version-created`, `alias-moved`, or a type other actions append (`deployed`, `rollback`). */
  type: string;
  name: string;
  at: string;
  actor: string | null;
  run_url: string | null;
  version?: number;
  alias?: string;
  from?: number | null;
  to?: number;
  /** For alias-moved: the event of the alias document this move replaced (the alias's chain). */
  previous_event?: string | null;
  reason?: string;
  [key: string]: unknown;
}

export interface ListedEvent extends RegistryEvent {
  id: string;
  /** For alias-moved events: whether the move took effect (false: its compare-and-swap lost or the pusher died). */
  applied?: boolean;
}

export interface ResolvedVersion {
  name: string;
  version: number;
  /** The alias that was resolved, when the reference named one. */
  alias?: string;
  manifest: Manifest;
  uri: string;
  sha256: string;
}

export interface VersionSummary {
  version: number;
  created_at: string;
  created_by: string | null;
  sha256: string;
  size: number;
  aliases: string[];
}

export interface VerifyReport {
  ref: string;
  ok: boolean;
  files: { path: string; sha256: string; size: number; ok: boolean; problem?: string }[];
  problems: string[];
}

interface ContentRecord {
  schema: 'mlops-gha/registry-content@1';
  state: 'pending' | 'published';
  push_id: string;
  version: number | null;
  beat: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isPrecondition = (error: unknown) =>
  error instanceof PreconditionFailedError || (error as Error)?.name === 'PreconditionFailedError' ||
  // If-Match on a key deleted meanwhile: AWS/MinIO answer 404 NoSuchKey.
  (error as Error)?.name === 'NoSuchKey';

function parseContentRecord(body: Buffer): ContentRecord | undefined {
  try {
    return JSON.parse(body.toString()) as ContentRecord;
  } catch {
    return undefined; // damaged: treated as held by nobody known; it is taken over once stale
  }
}

/** What changes whenever a file's bytes may have: size, mtime, ctime (a rename onto it: inode). */
function statStamp(st: { size: number; mtimeMs: number; ctimeMs: number; ino: number; dev: number }): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
}

function changedWhilePushed(path: string, when: 'hashed' | 'pushed'): UserError {
  return new UserError(`${path} changed while it was being ${when}`, { fix: 'Push it once the training step has finished writing it.' });
}

function eventId(now: Date): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace('.', '')}-${randomBytes(5).toString('hex')}`;
}

/**
 * A model registry on an object store (S3 or a folder). See the package README for the layout
 * and the concurrency protocol; every write below follows it.
 */
export class Registry {
  readonly store: ObjectStore;
  readonly location: string;
  private readonly logger: Logger;
  private probed: Promise<void> | undefined;

  constructor(store: ObjectStore, private readonly options: RegistryOptions = {}) {
    this.store = store;
    this.location = store.location;
    this.logger = options.logger ?? silentLogger;
    if (options.skipProbe) this.probed = Promise.resolve();
  }

  /** Opens the registry at `s3://bucket/prefix` or a folder. Nothing is read or written yet. */
  static open(url: string, options: RegistryOptions = {}): Registry {
    if (url.trim() === '') {
      throw new UserError('No registry given', { fix: 'Set `registry:` to s3://bucket/prefix or a folder path.' });
    }
    return new Registry(openStore(url, options), options);
  }

  close(): void {
    this.store.close();
  }

  /** Probes the store for conditional writes once per Registry, before its first write. */
  ensureConditionalWrites(): Promise<void> {
    this.probed ??= probeConditionalWrites(this.store).catch((error: unknown) => {
      this.probed = undefined;
      throw error;
    });
    return this.probed;
  }

  private now(): Date {
    return new Date();
  }

  private async step(step: PushStep): Promise<void> {
    await this.options.onStep?.(step);
  }

  uriOf(name: string, version: number): string {
    return this.store.urlOf(layout.filesPrefix(name, version).replace(/\/$/, '')) + '/';
  }

  // ---------------------------------------------------------------- reading

  async listModels(): Promise<string[]> {
    const names = new Set<string>();
    for await (const o of this.store.list('')) {
      const m = /^([^/]+)\/claims\/\d+\.json$/.exec(o.key);
      if (m) names.add(m[1]!);
    }
    return [...names].sort();
  }

  /** Numbers claimed so far (including claims whose push never finished), ascending. */
  async claimedVersions(name: string): Promise<number[]> {
    checkModelName(name);
    const out: number[] = [];
    for await (const o of this.store.list(layout.claims(name))) {
      const v = claimVersion(name, o.key);
      if (v !== undefined) out.push(v);
    }
    return out.sort((a, b) => a - b);
  }

  /** The manifest of a version, validated; undefined when the version is not (yet) visible. */
  async tryReadManifest(name: string, version: number): Promise<Manifest | undefined> {
    const key = layout.manifest(name, version);
    const got = await this.store.getBytes(key);
    if (!got) return undefined;
    const manifest = parseManifest(got.body, this.store.urlOf(key));
    if (manifest.name !== name || manifest.version !== version) {
      throw new VersionIntegrityError(`${name}/${version}`, [`its manifest names ${manifest.name}/${manifest.version}`]);
    }
    return manifest;
  }

  async readManifest(name: string, version: number): Promise<Manifest> {
    checkModelName(name);
    checkVersionNumber(version);
    const manifest = await this.tryReadManifest(name, version);
    if (!manifest) {
      const known = await this.listVersionNumbers(name);
      throw new NotFoundInRegistryError(
        `${name}/${version} does not exist in the registry ${this.location}`,
        known.length ? `Versions of ${name}: ${known.join(', ')}.` : `The registry has no versions of ${name}: push one first, or check the name and registry.`,
      );
    }
    return manifest;
  }

  /** Visible versions (those with a manifest), ascending. */
  async listVersionNumbers(name: string): Promise<number[]> {
    const out: number[] = [];
    for await (const o of this.store.list(`${name}/versions/`)) {
      const m = /^[^/]+\/versions\/(\d+)\/manifest\.json$/.exec(o.key);
      if (m) out.push(Number(m[1]));
    }
    return out.sort((a, b) => a - b);
  }

  async listVersions(name: string): Promise<VersionSummary[]> {
    checkModelName(name);
    const aliases = await this.listAliases(name);
    const out: VersionSummary[] = [];
    for (const v of await this.listVersionNumbers(name)) {
      const m = await this.tryReadManifest(name, v);
      if (!m) continue;
      out.push({
        version: v,
        created_at: m.created_at,
        created_by: m.created_by,
        sha256: m.sha256,
        size: m.files.reduce((s, f) => s + f.size, 0),
        aliases: Object.entries(aliases).filter(([, d]) => d.version === v).map(([a]) => a).sort(),
      });
    }
    return out;
  }

  async listAliases(name: string): Promise<Record<string, AliasDocument>> {
    checkModelName(name);
    const out: Record<string, AliasDocument> = {};
    for await (const o of this.store.list(layout.aliases(name))) {
      const m = /\/aliases\/([^/]+)\.json$/.exec(o.key);
      if (!m) continue;
      const doc = await this.readAlias(name, m[1]!);
      if (doc) out[m[1]!] = doc.doc;
    }
    return out;
  }

  private async readAlias(name: string, alias: string): Promise<{ doc: AliasDocument; etag?: string } | undefined> {
    const key = layout.alias(name, alias);
    const got = await this.store.getBytes(key);
    if (!got) return undefined;
    let doc: AliasDocument;
    try {
      doc = JSON.parse(got.body.toString()) as AliasDocument;
    } catch {
      throw new UserError(`The alias document ${this.store.urlOf(key)} is not valid JSON`, {
        fix: 'Alias documents are written by the registry only: move the alias again with `alias set` after deleting the damaged file.',
      });
    }
    if (typeof doc?.version !== 'number' || doc.alias !== alias) {
      throw new UserError(`The alias document ${this.store.urlOf(key)} is malformed`, { fix: 'Move the alias again with `alias set`.' });
    }
    return { doc, etag: got.etag };
  }

  /** The newest visible version, or undefined when the model has none. */
  async latestVersion(name: string): Promise<number | undefined> {
    const versions = await this.listVersionNumbers(name);
    return versions[versions.length - 1];
  }

  /** Resolves `NAME/VERSION`, `NAME@ALIAS` or `NAME@latest` to a visible version and its manifest. */
  async resolve(reference: string | ModelRef): Promise<ResolvedVersion> {
    const ref = typeof reference === 'string' ? parseModelRef(reference) : reference;
    let version: number;
    if (ref.kind === 'version') version = ref.version;
    else if (ref.kind === 'latest') {
      const latest = await this.latestVersion(ref.name);
      if (latest === undefined) {
        throw new NotFoundInRegistryError(`${ref.name} has no versions in the registry ${this.location}`, 'Push a version first, or check the model name and registry.');
      }
      version = latest;
    } else {
      const alias = await this.readAlias(ref.name, ref.alias);
      if (!alias) {
        const known = Object.keys(await this.listAliases(ref.name));
        throw new NotFoundInRegistryError(
          `The alias ${ref.alias} of ${ref.name} does not exist in the registry ${this.location}`,
          known.length ? `Aliases of ${ref.name}: ${known.join(', ')}.` : `${ref.name} has no aliases: set one with registry-push's \`alias\` input or \`alias set\`.`,
        );
      }
      version = alias.doc.version;
    }
    const manifest = await this.readManifest(ref.name, version);
    return {
      name: ref.name,
      version,
      ...(ref.kind === 'alias' ? { alias: ref.alias } : {}),
      manifest,
      uri: manifest.uri,
      sha256: manifest.sha256,
    };
  }

  /** The version's stored sample (sample.json), verified against the manifest's sha256. */
  async readSample(name: string, version: number): Promise<unknown> {
    return readAttachment(this.store, await this.readManifest(name, version), 'sample');
  }

  /** The version's data profile (profile.json), verified against the manifest's sha256. */
  async readProfile(name: string, version: number): Promise<unknown> {
    return readAttachment(this.store, await this.readManifest(name, version), 'profile');
  }

  // ---------------------------------------------------------------- verify and download

  /**
   * Checks a version: the manifest's own digests agree with its file list, the files under
   * `uri` are exactly those it lists, and each one's bytes hash to its sha256.
   */
  async verify(name: string, version: number): Promise<VerifyReport> {
    const ref = `${name}/${version}`;
    const manifest = await this.readManifest(name, version);
    const problems = this.manifestProblems(manifest);
    const prefix = layout.filesPrefix(name, version);
    const present = new Map<string, number>();
    for await (const o of this.store.list(prefix)) present.set(o.key.slice(prefix.length), o.size);
    const files: VerifyReport['files'] = [];
    for (const f of manifest.files) {
      let problem: string | undefined;
      const size = present.get(f.path);
      if (size === undefined) problem = 'missing from the store';
      else if (size !== f.size) problem = `size ${size}, manifest says ${f.size}`;
      else {
        const hash = createHash('sha256');
        for await (const chunk of await this.store.get(layout.file(name, version, f.path))) hash.update(chunk as Buffer);
        const actual = hash.digest('hex');
        if (actual !== f.sha256) problem = `sha256 ${actual}, manifest says ${f.sha256}`;
      }
      if (problem) problems.push(`${f.path}: ${problem}`);
      files.push({ path: f.path, sha256: f.sha256, size: f.size, ok: !problem, ...(problem ? { problem } : {}) });
      present.delete(f.path);
    }
    for (const extra of present.keys()) problems.push(`${extra}: in the store but not in the manifest`);
    for (const kind of ['sample', 'profile'] as const) {
      if (!manifest[kind]) continue;
      try {
        await readAttachment(this.store, manifest, kind);
      } catch (error) {
        if (!(error instanceof VersionIntegrityError)) throw error;
        problems.push(...error.problems);
      }
    }
    return { ref, ok: problems.length === 0, files, problems };
  }

  private manifestProblems(manifest: Manifest): string[] {
    const problems: string[] = [];
    const digest = contentDigest(manifest.files);
    if (digest !== manifest.content_digest) problems.push(`the manifest's content_digest ${manifest.content_digest} does not match its file list (${digest}): the manifest was edited`);
    if (versionSha256(manifest.files) !== manifest.sha256) problems.push("the manifest's sha256 does not match its file list: the manifest was edited");
    return problems;
  }

  /**
   * Downloads a version's files into `dest` (a folder), each verified against its sha256
   * before it appears there. A version that fails verification is refused and nothing of it
   * is left in `dest`.
   */
  async download(name: string, version: number, dest: string, options: { onBytes?: (n: number) => void } = {}): Promise<{ manifest: Manifest; files: string[]; bytes: number }> {
    const ref = `${name}/${version}`;
    const manifest = await this.readManifest(name, version);
    const problems = this.manifestProblems(manifest);
    if (problems.length) throw new VersionIntegrityError(ref, problems);
    const target = resolve(dest);
    const staging = join(dirname(target), `.${ref.replace('/', '-')}.pull-${randomBytes(4).toString('hex')}`);
    let bytes = 0;
    const written: string[] = [];
    try {
      for (const f of manifest.files) {
        try {
          const got = await this.store.downloadToFile(layout.file(name, version, f.path), join(staging, ...f.path.split('/')), {
            verify: { algorithm: 'sha256', digest: f.sha256 },
            onBytes: options.onBytes,
          });
          bytes += got.bytes;
        } catch (error) {
          if (error instanceof IntegrityError || (error as Error).name === 'IntegrityError') {
            throw new VersionIntegrityError(ref, [`${f.path}: ${(error as Error).message}`]);
          }
          throw error;
        }
      }
      await mkdir(target, { recursive: true });
      for (const f of manifest.files) {
        const to = join(target, ...f.path.split('/'));
        await mkdir(dirname(to), { recursive: true });
        await rename(join(staging, ...f.path.split('/')), to);
        written.push(to);
      }
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    return { manifest, files: written, bytes };
  }

  // ---------------------------------------------------------------- events

  /** Appends an audit event under a unique key (exclusive create). Returns its id. */
  async appendEvent(name: string, event: Partial<RegistryEvent> & { type: string }): Promise<string> {
    checkModelName(name);
    await this.ensureConditionalWrites();
    const now = this.now();
    const full: RegistryEvent = {
      schema: 'mlops-gha/registry-event@1',
      name,
      at: now.toISOString(),
      actor: this.options.actor ?? null,
      run_url: this.options.runUrl ?? null,
      ...event,
    };
    for (;;) {
      const id = eventId(now);
      try {
        await this.store.put(layout.event(name, id), `${JSON.stringify(full, null, 2)}\n`, { ifNoneMatch: '*', contentType: 'application/json' });
        return id;
      } catch (error) {
        if (!isPrecondition(error)) throw error;
      }
    }
  }

  /**
   * The audit trail, oldest first. alias-moved events carry `applied`: true when the move is
   * on the alias's chain (alias document -> its event -> previous_event -> ...), false when its
   * compare-and-swap lost or its pusher died between the event and the move.
   */
  async listEvents(name: string): Promise<ListedEvent[]> {
    checkModelName(name);
    const events: ListedEvent[] = [];
    for await (const o of this.store.list(layout.events(name))) {
      const m = /\/events\/([^/]+)\.json$/.exec(o.key);
      if (!m) continue;
      const got = await this.store.getBytes(o.key);
      if (!got) continue;
      try {
        events.push({ ...(JSON.parse(got.body.toString()) as RegistryEvent), id: m[1]! });
      } catch {
        this.logger.warning(`Skipping the unreadable event ${this.store.urlOf(o.key)}`);
      }
    }
    events.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const byId = new Map(events.map((e) => [e.id, e]));
    const applied = new Set<string>();
    for (const doc of Object.values(await this.listAliases(name))) {
      let id: string | null | undefined = doc.event;
      const seen = new Set<string>();
      while (id && !seen.has(id)) {
        seen.add(id);
        applied.add(id);
        id = byId.get(id)?.previous_event;
      }
    }
    for (const e of events) if (e.type === 'alias-moved') e.applied = applied.has(e.id);
    return events;
  }

  // ---------------------------------------------------------------- aliases

  /**
   * Moves `alias` to `version` by compare-and-swap: the alias document is replaced only if it
   * is still the one read (If-Match on its etag; If-None-Match: * when creating it). The event
   * is written first and the alias document names it, so no alias ever moves without its
   * audit record. With `expected`, the move happens only if the alias currently points there
   * (null = only if it does not exist yet); otherwise concurrent moves are retried on the
   * fresh value.
   */
  async moveAlias(
    name: string,
    alias: string,
    version: number,
    options: { expected?: number | null; reason?: string; extra?: Record<string, unknown> } = {},
  ): Promise<AliasMove> {
    checkModelName(name);
    checkAliasName(alias);
    checkVersionNumber(version);
    await this.readManifest(name, version);
    await this.ensureConditionalWrites();
    for (let attempt = 0; ; attempt++) {
      const current = await this.readAlias(name, alias);
      const from = current?.doc.version ?? null;
      if (options.expected !== undefined && options.expected !== from) throw new AliasConflictError(alias, options.expected, from);
      if (from === version) return { alias, from, to: version, moved: false, event: current?.doc.event };
      const event = await this.appendEvent(name, {
        type: 'alias-moved',
        alias,
        from,
        to: version,
        previous_event: current?.doc.event ?? null,
        ...(options.reason ? { reason: options.reason } : {}),
        ...(options.extra ?? {}),
      });
      await this.step('alias-event-written');
      const doc: AliasDocument = {
        schema: 'mlops-gha/registry-alias@1',
        name,
        alias,
        version,
        event,
        updated_at: this.now().toISOString(),
        updated_by: this.options.actor ?? null,
      };
      try {
        await this.store.put(layout.alias(name, alias), `${JSON.stringify(doc, null, 2)}\n`, {
          ...(current ? { ifMatch: current.etag } : { ifNoneMatch: '*' as const }),
          contentType: 'application/json',
        });
      } catch (error) {
        if (!isPrecondition(error)) throw error;
        const now = await this.readAlias(name, alias);
        if (now?.doc.event === event) {
          // our own retried PUT had landed (its response was lost)
          await this.step('alias-moved');
          return { alias, from, to: version, moved: true, event };
        }
        if (attempt >= 20) {
          throw new UserError(
            `Could not move the alias ${alias} of ${name} in ${this.location}: another writer moved it between our read and our write 21 times in a row`,
            {
              fix: `Something else is moving ${name}@${alias} continuously (another job's registry-push with alias: ${alias}, or a script running \`alias set\`). ` +
                `List its alias-moved records (\`events ${name}\` in the registry CLI: each names the actor and run), stop or serialise that writer ` +
                `(a workflow \`concurrency:\` group per model), then run this step again.`,
            },
          );
        }
        this.logger.info(`The alias ${alias} changed while moving it; retrying on its new value`);
        await sleep(10 + Math.random() * 40);
        continue;
      }
      await this.step('alias-moved');
      return { alias, from, to: version, moved: true, event };
    }
  }

  // ---------------------------------------------------------------- push

  /** Pushes files as a new version, or returns the existing version with identical files. */
  async push(request: PushRequest): Promise<PushResult> {
    const name = checkModelName(request.name);
    if (request.alias !== undefined) checkAliasName(request.alias);
    const tags = checkTags(request.tags ?? {});
    if (request.files.length === 0) throw new UserError('No model files to push', { fix: 'Set `model:` to the model file(s).' });

    // 1. Hash (one read of each file), with the file's stat before and after: a file still
    //    being written (or rewritten during the upload, checked again below) would make the
    //    manifest's sha256 lie.
    const hashed: ManifestFile[] = [];
    const stamps = new Map<string, string>();
    for (const f of request.files) {
      const before = await stat(f.source);
      const sha256 = await hashFile(f.source, 'sha256');
      const stamp = statStamp(before);
      if (statStamp(await stat(f.source)) !== stamp) throw changedWhilePushed(f.source, 'hashed');
      stamps.set(f.path, stamp);
      hashed.push({ path: f.path, sha256, size: before.size });
    }
    const digest = contentDigest(hashed);
    this.logger.info(`Hashed ${hashed.length} file(s), ${formatBytes(hashed.reduce((s, f) => s + f.size, 0))}: content ${digest.slice(0, 12)}`);
    await this.step('hashed');

    // 2. Identical content already published? Then nothing is uploaded.
    const existing = await this.findPublished(name, digest);
    if (existing) return this.finishExisting(existing, request);

    // 3. Validate everything that can fail before the first write.
    const signatures = new Map<string, ModelSignature>();
    for (const f of request.files) {
      if (/\.onnx$/i.test(f.path)) signatures.set(f.path, await readOnnxSignature(f.source));
    }
    await this.ensureConditionalWrites();

    // 4. The content lock: only one push uploads a given content.
    const lock = await this.acquireContentLock(name, digest);
    if (lock.published) return this.finishExisting(lock.published, request);
    await this.step('locked');
    let stopUploadTicker = () => {};
    try {
      // 5. Claim the next version number with an exclusive create.
      const version = await this.claimNextVersion(name, lock.pushId);
      lock.version = version;
      await lock.beat();
      await this.step('claimed');

      // 6. Upload the files under the claim's own prefix (no other push writes there).
      let uploadedBytes = 0;
      const meter = new ProgressMeter('registry-push', 'files', request.files.length);
      const stopTicker = startProgressTicker(meter, (line) => this.logger.info(line), 5000);
      for (const f of request.files) {
        const key = layout.file(name, version, f.path);
        this.logger.info(`Uploading ${f.path} (${formatBytes(f.size)}) to ${this.store.urlOf(key)}`);
        stopUploadTicker = stopTicker;
        await this.store.putFile(key, f.source, { onBytes: (n) => meter.addBytes(n) });
        meter.add(1);
        const head = await this.store.head(key);
        const expected = hashed.find((h) => h.path === f.path)!;
        if (!head || head.size !== expected.size) {
          throw new Error(`Upload of ${f.source} to ${this.store.urlOf(key)} did not land whole (${head?.size ?? 'missing'} of ${expected.size} bytes)`);
        }
        // A file changed while we pushed it would make the manifest lie: size, mtime, ctime, inode.
        if (statStamp(await stat(f.source)) !== stamps.get(f.path)) throw changedWhilePushed(f.source, 'pushed');
        uploadedBytes += expected.size;
      }
      stopTicker();
      const attached = await writeAttachments(this.store, name, version, request.attachments ?? {});
      await this.step('uploaded');

      // 7. The manifest, written last and exclusively: from now on the version is visible.
      const files = hashed.map((h) => ({ ...h, ...(signatures.has(h.path) ? { signature: signatures.get(h.path)! } : {}) }));
      const firstOnnx = files.find((f) => f.signature);
      const manifest = validateManifest(
        {
          schema: MANIFEST_SCHEMA_ID,
          name,
          version,
          created_at: this.now().toISOString(),
          created_by: this.options.actor ?? null,
          uri: this.uriOf(name, version),
          sha256: versionSha256(hashed),
          content_digest: digest,
          files,
          signature: firstOnnx?.signature ?? null,
          metrics: request.metrics ?? {},
          params: request.params ?? {},
          lineage: {
            git_sha: null,
            git_ref: null,
            repository: null,
            run_url: null,
            run_id: null,
            data_version: null,
            ...Object.fromEntries(Object.entries(request.lineage ?? {}).filter(([, v]) => v !== undefined)),
          },
          tags,
          description: request.description ?? null,
          ...attached,
        } satisfies Manifest,
        `for ${name}/${version}`,
      );
      const manifestBody = serializeManifest(manifest);
      try {
        await this.store.put(layout.manifest(name, version), manifestBody, { ifNoneMatch: '*', contentType: 'application/json' });
      } catch (error) {
        // Only this push writes under its claim: a 412 here is its own retried PUT that landed.
        const landed = isPrecondition(error) ? await this.store.getBytes(layout.manifest(name, version)) : undefined;
        if (!landed || landed.body.toString() !== manifestBody) throw error;
      }
      await this.step('manifest-written');
      await lock.publish(version);

      await this.appendEvent(name, { type: 'version-created', version, sha256: manifest.sha256, uri: manifest.uri });
      await this.step('event-written');
      this.logger.info(`Created ${name}/${version} at ${manifest.uri}`);
      const result: PushResult = { name, version, created: true, uri: manifest.uri, sha256: manifest.sha256, manifest, uploadedBytes };
      if (request.alias) result.alias = await this.moveAlias(name, request.alias, version);
      return result;
    } finally {
      stopUploadTicker();
      lock.stop();
    }
  }

  private async finishExisting(manifest: Manifest, request: PushRequest): Promise<PushResult> {
    this.logger.info(`${manifest.name}/${manifest.version} already holds identical files: nothing uploaded`);
    for (const kind of ['sample', 'profile'] as const) {
      if (request.attachments?.[kind]) {
        this.logger.warning(`${manifest.name}/${manifest.version} is immutable: its ${kind === 'sample' ? 'sample' : 'data profile'} ${manifest[kind] ? 'stays as first pushed' : 'stays absent'}; the one given now was not stored`);
      }
    }
    const result: PushResult = {
      name: manifest.name,
      version: manifest.version,
      created: false,
      uri: manifest.uri,
      sha256: manifest.sha256,
      manifest,
      uploadedBytes: 0,
    };
    if (request.alias) result.alias = await this.moveAlias(manifest.name, request.alias, manifest.version);
    return result;
  }

  /** The published version with this content digest, if any (via its content record). */
  private async findPublished(name: string, digest: string): Promise<Manifest | undefined> {
    const got = await this.store.getBytes(layout.content(name, digest));
    if (!got) return undefined;
    const record = parseContentRecord(got.body);
    if (!record || record.version === null || record.version === undefined) return undefined;
    const manifest = await this.tryReadManifest(name, record.version);
    return manifest && manifest.content_digest === digest ? manifest : undefined;
  }

  /**
   * Takes the content record `content/<digest>.json` with an exclusive create. A push that
   * finds it held waits: if the holder publishes, the existing version is returned; if the
   * record stops changing (its holder's heartbeat stopped: it died) for `staleMs` by this
   * process's own clock, it is taken over with If-Match on the etag that went stale.
   */
  private async acquireContentLock(name: string, digest: string) {
    const key = layout.content(name, digest);
    const heartbeatMs = this.options.contentLock?.heartbeatMs ?? 5000;
    const staleMs = this.options.contentLock?.staleMs ?? 30_000;
    const pollMs = this.options.contentLock?.pollMs ?? 250;
    const pushId = randomUUID();
    const record: ContentRecord = { schema: 'mlops-gha/registry-content@1', state: 'pending', push_id: pushId, version: null, beat: 0 };
    let etag: string | undefined;
    let lost = false;
    const body = () => `${JSON.stringify(record)}\n`;

    const tryCreate = async (): Promise<boolean> => {
      try {
        etag = (await this.store.put(key, body(), { ifNoneMatch: '*', contentType: 'application/json' })).etag;
        return true;
      } catch (error) {
        if (isPrecondition(error)) return false;
        throw error;
      }
    };
    let published: Manifest | undefined;
    if (!(await tryCreate())) {
      let seenEtag: string | undefined;
      let seenSince = Date.now();
      let announced = false;
      let waits = 0;
      for (;;) {
        const got = await this.store.getBytes(key);
        if (!got) {
          if (await tryCreate()) break;
          continue;
        }
        const other = parseContentRecord(got.body);
        if (other && other.version !== null && other.version !== undefined) {
          const manifest = await this.tryReadManifest(name, other.version);
          if (manifest && manifest.content_digest === digest) {
            published = manifest;
            break;
          }
        }
        if (got.etag !== seenEtag) {
          seenEtag = got.etag;
          seenSince = Date.now();
        } else if (Date.now() - seenSince > staleMs) {
          this.logger.info(`The push that held ${this.store.urlOf(key)} stopped (no heartbeat for ${Math.round(staleMs / 1000)} s): taking over`);
          try {
            etag = (await this.store.put(key, body(), { ifMatch: got.etag, contentType: 'application/json' })).etag;
            break;
          } catch (error) {
            if (!isPrecondition(error)) throw error;
          }
        }
        if (!announced) {
          this.logger.info('Another push of identical files is in progress: waiting for it to publish');
          announced = true;
        }
        // Back off (up to 2 s) so that many waiters do not load the store.
        await sleep(Math.min(2000, pollMs * 1.5 ** Math.min(waits, 8)) * (0.5 + Math.random()));
        waits += 1;
      }
    }
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    let beating: Promise<void> = Promise.resolve();
    const beat = async () => {
      if (lost || published) return;
      record.beat += 1;
      try {
        etag = (await this.store.put(key, body(), { ifMatch: etag, contentType: 'application/json' })).etag;
      } catch (error) {
        if (!isPrecondition(error)) throw error;
        lost = true;
        this.logger.warning(`Another push took over ${this.store.urlOf(key)}; this push goes on and may duplicate identical content`);
      }
    };
    const schedule = () => {
      if (stopped) return;
      timer = setTimeout(() => {
        beating = beat().catch((error: unknown) => this.logger.debug(`content heartbeat failed: ${String(error)}`)).then(schedule);
      }, heartbeatMs);
      timer.unref();
    };
    if (!published) schedule();
    return {
      pushId,
      published,
      set version(v: number) {
        record.version = v;
      },
      beat: async () => {
        await beating;
        await beat();
      },
      publish: async (version: number) => {
        stopped = true;
        if (timer) clearTimeout(timer);
        await beating;
        if (lost) return;
        record.version = version;
        record.state = 'published';
        try {
          await this.store.put(key, body(), { ifMatch: etag, contentType: 'application/json' });
        } catch (error) {
          if (!isPrecondition(error)) throw error;
        }
      },
      stop: () => {
        stopped = true;
        if (timer) clearTimeout(timer);
      },
    };
  }

  /**
   * Claims the next version number: lists the claims, then creates `claims/<N>.json` with
   * If-None-Match: * for N = highest + 1, moving up by one on each 412. Claimed numbers thus
   * always form 1..K with no gap, and each belongs to exactly one push.
   */
  private async claimNextVersion(name: string, pushId: string): Promise<number> {
    const claimed = await this.claimedVersions(name);
    let next = (claimed[claimed.length - 1] ?? 0) + 1;
    const body = JSON.stringify({ push_id: pushId, at: this.now().toISOString(), actor: this.options.actor ?? null });
    for (;;) {
      try {
        await this.store.put(layout.claim(name, next), `${body}\n`, { ifNoneMatch: '*', contentType: 'application/json' });
        return next;
      } catch (error) {
        if (!isPrecondition(error)) throw error;
        // A retried PUT whose first attempt landed (response lost) also answers 412: it is ours.
        const claim = await this.store.getBytes(layout.claim(name, next));
        if (claim && claim.body.toString().includes(`"push_id":"${pushId}"`)) return next;
        next += 1;
      }
    }
  }
}

export { formatModelRef };
export type { ModelRef };
