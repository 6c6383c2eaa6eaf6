export { readTable, tableFormat } from './read.js';
export type { ReadTableOptions, TableFormat } from './read.js';
export type { TableBatch } from './batch.js';
export { parseCsvRecords } from './records.js';
export type { CsvRecord } from './records.js';
export { classifyText, isMissingText, MISSING_TOKENS } from './numbers.js';
