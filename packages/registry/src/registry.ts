import { silentLogger, UserError, type Logger } from '@mlops-gha/common';
import { openStore, type ObjectStore } from '@mlops-gha/storage';
import { moveAlias } from './aliases.js';
import type { RegistryContext } from './context.js';
import { appendEvent, listEvents } from './events.js';
import { layout } from './layout.js';
import type { Manifest } from './manifest.js';
import { formatModelRef, type ModelRef } from './names.js';
import { probeConditionalWrites } from './probe.js';
import { push } from './push.js';
import { stepHookOf } from './step-hook.js';
import * as reader from './reader.js';
import type {
  AliasDocument,
  AliasMove,
  ListedEvent,
  PushRequest,
  PushResult,
  PushStep,
  RegistryEvent,
  RegistryOptions,
  ResolvedVersion,
  VerifyReport,
  VersionSummary,
} from './types.js';
import { download, verify } from './verify.js';

export type * from './types.js';

/**
 * A model registry on an object store (S3 or a folder): the object users hold. Each operation
 * lives in its own module (reader, verify, events, aliases, push with its content lock and
 * version claims) as a function over a `RegistryContext`; this class owns what they share:
 * the store, the options and the one conditional-write probe. See the package README for the
 * layout and the concurrency protocol.
 */
export class Registry {
  readonly store: ObjectStore;
  readonly location: string;
  private readonly ctx: RegistryContext;
  private probed: Promise<void> | undefined;

  constructor(store: ObjectStore, options: RegistryOptions = {}) {
    this.store = store;
    this.location = store.location;
    if (options.skipProbe) this.probed = Promise.resolve();
    const logger: Logger = options.logger ?? silentLogger;
    const hook = stepHookOf(options);
    this.ctx = {
      store,
      location: store.location,
      logger,
      options,
      ensureConditionalWrites: () => this.ensureConditionalWrites(),
      now: () => new Date(),
      step: async (step: PushStep) => {
        await hook?.(step);
      },
      uriOf: (name, version) => this.uriOf(name, version),
    };
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

  uriOf(name: string, version: number): string {
    return this.store.urlOf(layout.filesPrefix(name, version).replace(/\/$/, '')) + '/';
  }

  // reading (reader.ts)
  listModels(): Promise<string[]> {
    return reader.listModels(this.ctx);
  }
  /** Numbers claimed so far (including claims whose push never finished), ascending. */
  claimedVersions(name: string): Promise<number[]> {
    return reader.claimedVersions(this.ctx, name);
  }
  /** The manifest of a version, validated; undefined when the version is not (yet) visible. */
  tryReadManifest(name: string, version: number): Promise<Manifest | undefined> {
    return reader.tryReadManifest(this.ctx, name, version);
  }
  readManifest(name: string, version: number): Promise<Manifest> {
    return reader.readManifest(this.ctx, name, version);
  }
  /** Visible versions (those with a manifest), ascending. */
  listVersionNumbers(name: string): Promise<number[]> {
    return reader.listVersionNumbers(this.ctx, name);
  }
  listVersions(name: string): Promise<VersionSummary[]> {
    return reader.listVersions(this.ctx, name);
  }
  listAliases(name: string): Promise<Record<string, AliasDocument>> {
    return reader.listAliases(this.ctx, name);
  }
  /** The newest visible version, or undefined when the model has none. */
  latestVersion(name: string): Promise<number | undefined> {
    return reader.latestVersion(this.ctx, name);
  }
  /** Resolves `NAME/VERSION`, `NAME@ALIAS` or `NAME@latest` to a visible version and its manifest. */
  resolve(reference: string | ModelRef): Promise<ResolvedVersion> {
    return reader.resolve(this.ctx, reference);
  }
  /** The version's stored sample (sample.json), verified against the manifest's sha256. */
  readSample(name: string, version: number): Promise<unknown> {
    return reader.readSample(this.ctx, name, version);
  }
  /** The version's data profile (profile.json), verified against the manifest's sha256. */
  readProfile(name: string, version: number): Promise<unknown> {
    return reader.readProfile(this.ctx, name, version);
  }

  // verify and download (verify.ts)
  /** Checks a version: manifest digests, exactly the listed files under `uri`, each one's sha256, the attachments. */
  verify(name: string, version: number): Promise<VerifyReport> {
    return verify(this.ctx, name, version);
  }
  /** Downloads a version's files into `dest`, each verified before it appears there; a bad version leaves nothing. */
  download(
    name: string,
    version: number,
    dest: string,
    options: { onBytes?: (n: number) => void } = {},
  ): Promise<{ manifest: Manifest; files: string[]; bytes: number }> {
    return download(this.ctx, name, version, dest, options);
  }

  // events (events.ts)
  /** Appends an audit event under a unique key (exclusive create). Returns its id. */
  appendEvent(name: string, event: Partial<RegistryEvent> & { type: string }): Promise<string> {
    return appendEvent(this.ctx, name, event);
  }
  /** The audit trail, oldest first; alias-moved events say whether they took effect. */
  listEvents(name: string): Promise<ListedEvent[]> {
    return listEvents(this.ctx, name);
  }

  // aliases (aliases.ts)
  /** Moves `alias` to `version` by compare-and-swap, its event written first (`expected`: null = create only). */
  moveAlias(
    name: string,
    alias: string,
    version: number,
    options: { expected?: number | null; reason?: string; extra?: Record<string, unknown> } = {},
  ): Promise<AliasMove> {
    return moveAlias(this.ctx, name, alias, version, options);
  }

  // push (push.ts, content-lock.ts, claims.ts)
  /** Pushes files as a new version, or returns the existing version with identical files. */
  push(request: PushRequest): Promise<PushResult> {
    return push(this.ctx, request);
  }
}

export { formatModelRef };
export type { ModelRef };
