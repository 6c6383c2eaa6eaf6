/** The tabular reader lives in @mlops-gha/tabular (one reader for every package); re-exported for drift's callers. */
export { readTable, tableFormat } from '@mlops-gha/tabular';
export type { TableBatch, ReadTableOptions } from '@mlops-gha/tabular';
