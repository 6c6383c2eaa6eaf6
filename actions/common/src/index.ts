export {
  getString,
  getOptional,
  getBoolean,
  getTriState,
  getNumber,
  getList,
  getKeyValues,
  getChoice,
  getSecret,
} from './inputs.js';
export { actionsLogger } from './logger.js';
export { runMain, reportFailure } from './run.js';
export { setOutputs } from './outputs.js';
export { addTable, addKeyValueTable, escapeHtml, writeSummary } from './summary.js';
export type { Cell } from './summary.js';
export { startProgress } from './progress.js';
