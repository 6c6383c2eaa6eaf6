// The public surface: what actions, other packages and users call (see the README). The
// modules behind the Registry (reader, verify, events, aliases, push, the layout) stay internal.
export { Registry } from './registry.js';
export type {
  RegistryOptions,
  PushRequest,
  PushResult,
  AliasDocument,
  AliasMove,
  RegistryEvent,
  ListedEvent,
  ResolvedVersion,
  VersionSummary,
  VerifyReport,
} from './registry.js';
export { validateManifest, parseManifest } from './manifest.js';
export type { Manifest, ModelSignature, TensorSignature } from './manifest.js';
export type { PushAttachments } from './attachments.js';
export { buildSample } from './sample.js';
export { parseModelRef, checkModelName, checkAliasName, parseTags, checkTags } from './names.js';
export type { ModelRef } from './names.js';
export { NotFoundInRegistryError, VersionIntegrityError, AliasConflictError } from './errors.js';
export { ConditionalWritesUnsupportedError } from './probe.js';
export { collectModelFiles, readMetricsFile, readRunRecord } from './sources.js';
export type { SourceFile, RunRecordFacts } from './sources.js';
export { pushRequestFromRun } from './push-request.js';
export type { PushSources, PlannedPush } from './push-request.js';
export { runCli } from './cli.js';
