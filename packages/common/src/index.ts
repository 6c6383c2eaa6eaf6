export { UserError, isUserError, describeError } from './errors.js';
export type { FileLocation, UserErrorDetails } from './errors.js';
export { silentLogger, consoleLogger, RecordingLogger, formatLocation } from './logger.js';
export type { Logger } from './logger.js';
export { formatBytes, formatRate, formatDuration } from './format.js';
export { ProgressMeter, startProgressTicker } from './progress.js';
export type { ProgressSnapshot } from './progress.js';
export { hashFile } from './hash.js';
