/**
 * The registry as plain functions, for the actions that consume it (metric-gate's baseline,
 * helm-deploy, rollback): each takes an open Registry (see `openRegistry`).
 */
import type { Registry, RegistryEvent, RegistryOptions } from './registry.js';
import { Registry as RegistryClass } from './registry.js';
import { VersionIntegrityError } from './errors.js';
import type { ModelRef } from './names.js';

/** Opens `s3://bucket/prefix` or a folder. Reads need no probe; the first write probes conditional writes. */
export function openRegistry(url: string, options: RegistryOptions = {}): Registry {
  return RegistryClass.open(url, options);
}

/** `NAME@ALIAS`, `NAME/VERSION`, `NAME@latest` (a `registry://` prefix is accepted) -> version, manifest, uri, sha256. */
export function resolve(registry: Registry, ref: string | ModelRef) {
  return registry.resolve(ref);
}

/** The version's sample.json (inputs and recorded outputs), verified by sha256; a version without one is a UserError. */
export function readSample(registry: Registry, name: string, version: number) {
  return registry.readSample(name, version);
}

/** The version's profile.json (the drift reference), verified by sha256; a version without one is a UserError. */
export function readProfile(registry: Registry, name: string, version: number) {
  return registry.readProfile(name, version);
}

export function readManifest(registry: Registry, name: string, version: number) {
  return registry.readManifest(name, version);
}

/** Hashes every file of a version against its manifest; with `throwOnFailure`, refuses a bad version. */
export async function verify(
  registry: Registry,
  name: string,
  version: number,
  options: { throwOnFailure?: boolean } = {},
) {
  const report = await registry.verify(name, version);
  if (!report.ok && options.throwOnFailure) throw new VersionIntegrityError(report.ref, report.problems);
  return report;
}

export function download(
  registry: Registry,
  name: string,
  version: number,
  dest: string,
  options: { onBytes?: (n: number) => void } = {},
) {
  return registry.download(name, version, dest, options);
}

export function moveAlias(
  registry: Registry,
  name: string,
  alias: string,
  version: number,
  options: { expected?: number | null; reason?: string; extra?: Record<string, unknown> } = {},
) {
  return registry.moveAlias(name, alias, version, options);
}

export function appendEvent(registry: Registry, name: string, event: Partial<RegistryEvent> & { type: string }) {
  return registry.appendEvent(name, event);
}

export function listEvents(registry: Registry, name: string) {
  return registry.listEvents(name);
}
