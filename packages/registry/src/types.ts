/** The registry's public shapes: options, push requests and results, aliases, events. */
import type { Logger } from '@mlops-gha/common';
import type { OpenStoreOptions } from '@mlops-gha/storage';
import type { PushAttachments } from './attachments.js';
import type { Lineage, Manifest } from './manifest.js';
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
}

/** The named points of a push a test hook can stop at (see step-hook.ts). */
export type PushStep =
  | 'hashed'
  | 'locked'
  | 'claimed'
  | 'uploaded'
  | 'manifest-written'
  | 'event-written'
  | 'alias-event-written'
  | 'alias-moved';

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
