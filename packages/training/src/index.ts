export { train, resolveWorkingDirectory } from './train.js';
export type { TrainOptions, TrainOutcome } from './train.js';
export {
  probeGpus,
  parseInventory,
  parseCudaVersion,
  parseDriverVersion,
  parseGpuSpec,
  selectGpus,
  gpuIdentity,
  INVENTORY_QUERY,
  SAMPLE_QUERY,
} from './gpu.js';
export type { GpuDevice, GpuProbe, GpuProbeStatus, GpuSpec, GpuSelection, GpuIdentity } from './gpu.js';
export { GpuSampler, parseSamples } from './sampler.js';
export type { GpuUtilization } from './sampler.js';
export { runCommand, describeExit } from './command.js';
export type { CommandOptions, CommandResult, RunStatus } from './command.js';
export { Cancellation } from './signals.js';
export type { CancelSignal } from './signals.js';
export { readValuesFile, parseValues, parseCsv, flatten, formatOf } from './files.js';
export type { Values, ReadValues, FileFormat } from './files.js';
export { hashFiles } from './hashing.js';
export type { FileDigest } from './hashing.js';
export { RUN_RECORD_SCHEMA, runContextFromEnv, newRunId, writeRunRecord } from './record.js';
export type { RunRecord, RunContext, RecordedOutput } from './record.js';
export { OutputHashCache } from './output-cache.js';
