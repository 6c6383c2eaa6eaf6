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
export {
  MANIFEST_SCHEMA,
  MANIFEST_SCHEMA_ID,
  validateManifest,
  parseManifest,
  contentDigest,
  versionSha256,
} from './manifest.js';
export type { AttachmentRecord } from './manifest.js';
export type { PushAttachments } from './attachments.js';
export { buildSample, SAMPLE_FORMAT } from './sample.js';
export type { SampleDocument, SampleTensor } from './sample.js';
export type { Manifest, ManifestFile, ModelSignature, TensorSignature, Lineage } from './manifest.js';
export { parseModelRef, formatModelRef, checkModelName, checkAliasName, parseTags, checkTags } from './names.js';
export type { ModelRef } from './names.js';
export { NotFoundInRegistryError, VersionIntegrityError, AliasConflictError } from './errors.js';
export { ConditionalWritesUnsupportedError, probeConditionalWrites } from './probe.js';
export { readOnnxSignature, describeSignature } from './signature.js';
export { collectModelFiles, readMetricsFile, readRunRecord } from './sources.js';
export { pushRequestFromRun } from './push-request.js';
export type { PushSources, PlannedPush } from './push-request.js';
export type { SourceFile, RunRecordFacts } from './sources.js';
export { layout } from './layout.js';
export { runCli } from './cli.js';
