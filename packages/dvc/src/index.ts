export { pull, preparePull, defaultJobs } from './pull.js';
export type { PullOptions, PullResult, PulledOutput, PullContext, LinkType } from './pull.js';
export { loadConfig } from './config.js';
export type { DvcConfig, RemoteConfig } from './config.js';
export { parseDvcFile, parseLockfile } from './files.js';
export type { TrackedOutput, ParseContext } from './files.js';
export { collectOutputs, selectTargets, findRoot } from './repo.js';
export type { Selection } from './repo.js';
export {
  isTextBlock,
  dos2unix,
  ObjectHasher,
  hashFileAs,
  hashBytesAs,
  md5Of,
  dirManifestBytes,
  dirHash,
  pythonJsonString,
  comparePython,
} from './hash.js';
export type { HashName, DirEntry } from './hash.js';
export { objectKey, cachePathOf } from './layout.js';
export { dataVersion } from './data-version.js';
export { writeManifest } from './manifest.js';
export type { PullManifest } from './manifest.js';
