// The public surface: `train` and what the train action and its tests use. The modules behind
// it (GPU probing and sampling, the command runner, params/metrics files, hashing) are reached
// through `train`; the README describes them.
export { train } from './train.js';
export type { TrainOptions, TrainOutcome } from './train.js';
export { parseGpuSpec } from './gpu.js';
export type { GpuSpec } from './gpu.js';
export { describeExit } from './command.js';
export type { RunStatus } from './command.js';
export { Cancellation } from './signals.js';
export type { CancelSignal } from './signals.js';
export { flatten } from './files.js';
export { RUN_RECORD_SCHEMA } from './record.js';
export type { RunRecord, RecordedOutput } from './record.js';
