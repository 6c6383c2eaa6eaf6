export { ks2Samp, ks2SampSorted, ksStatistic } from './ks.js';
export type { TestResult } from './ks.js';
export { kolmogorovSf, smirnov } from './kolmogorov.js';
export { chiSquaredSf, normalSf, gammaQ, logGamma } from './special.js';
export {
  chiSquaredContingency,
  proportionsZTest,
  wasserstein,
  wassersteinSorted,
  normalizedWasserstein,
  populationStd,
  jensenShannon,
  populationStabilityIndex,
} from './statistics.js';
export { SeededRandom } from './random.js';
export { readTable, tableFormat } from './table.js';
export type { TableBatch, ReadTableOptions } from './table.js';
export {
  PROFILE_FORMAT,
  PROFILE_BOUNDS,
  ColumnProfiler,
  validateProfile,
  quantileSorted,
  binCounts,
} from './profile.js';
export type { Profile, ColumnProfile, ColumnType, NumericSummary } from './profile.js';
export { buildProfile } from './build.js';
export type { BuildProfileOptions } from './build.js';
export { compareProfiles, comparePredictions, METHODS, METHOD_INFO, SMALL_REFERENCE_ROWS } from './compare.js';
export type { Method, Correction, CompareOptions, ColumnDrift, DatasetDrift } from './compare.js';
export { renderReport, escapeCell, MAX_REPORT_LENGTH } from './report.js';
export type { ReportInput, QualityChange } from './report.js';
export { checkDrift } from './check.js';
export type { DriftCheckRequest, DriftCheckOutcome } from './check.js';
