/**
 * What every part of the registry (reader, verify, events, aliases, push) works with: the
 * store, the options, and the few behaviours the Registry object owns (its one conditional-write
 * probe, the clock, the push-step hook). The parts are plain functions over this context so
 * that each can be read and tested on its own; `Registry` is the object users hold.
 */
import type { Logger } from '@mlops-gha/common';
import { PreconditionFailedError, type ObjectStore } from '@mlops-gha/storage';
import type { PushStep, RegistryOptions } from './types.js';

export interface RegistryContext {
  readonly store: ObjectStore;
  /** The registry's URL, for messages. */
  readonly location: string;
  readonly logger: Logger;
  readonly options: RegistryOptions;
  /** Probes the store for conditional writes once, before the first write. */
  ensureConditionalWrites(): Promise<void>;
  now(): Date;
  /** Calls the push-step hook (fault injection in tests and the CLI). */
  step(step: PushStep): Promise<void>;
  /** The URL of a version's files prefix (the `uri`). */
  uriOf(name: string, version: number): string;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A conditional write that lost: 412, or If-Match on a key deleted meanwhile (AWS/MinIO answer 404 NoSuchKey). */
export const isPrecondition = (error: unknown) =>
  error instanceof PreconditionFailedError ||
  (error as Error)?.name === 'PreconditionFailedError' ||
  (error as Error)?.name === 'NoSuchKey';
