export { parseCsv, metricsFromCsv } from './csv.js';
export type { CsvSource } from './csv.js';
export { parseMetrics, readMetricsFile, flattenMetrics } from './read.js';
