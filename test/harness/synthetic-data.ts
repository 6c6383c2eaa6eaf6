/**
 * Seeded tables for the suites that need data with a known shape (a holdout a model scores
 * well on, a snapshot whose columns have drifted): the same bytes on every machine and every
 * run, so a failure can be reproduced and a file's content is known without storing it.
 */

/**
 * A seeded standard-normal generator: a 32-bit linear congruential generator (glibc's
 * constants) for uniforms, Box-Muller for the normal. Not for statistics beyond test data.
 */
export function seededNormal(seed: number): () => number {
  let s = seed;
  const uniform = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
  return () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
}

export interface LabelledCsvOptions {
  /** Added to each feature column (moves its mean). */
  shift?: number[];
  /** Multiplies each feature column (widens it). */
  scale?: number[];
  /** The header line; `x1,x2,x3,label` by default. */
  header?: string;
  /** Rewrites one cell (features and label, as text) before it is written. */
  cell?: (row: number, col: number, value: string) => string;
}

/**
 * A CSV of three standard-normal features (5 decimals) and a 0/1 label: 1 when x·weights plus
 * normal noise (sd 0.8) is above 0, so a logistic model with these weights scores well on it.
 */
export function labelledCsv(rows: number, seed: number, weights: number[], options: LabelledCsvOptions = {}): string {
  const normal = seededNormal(seed);
  const lines = [options.header ?? 'x1,x2,x3,label'];
  for (let i = 0; i < rows; i++) {
    const x = [0, 1, 2].map((j) => normal() * (options.scale?.[j] ?? 1) + (options.shift?.[j] ?? 0));
    const z = x.reduce((a, v, j) => a + v * weights[j]!, 0) + normal() * 0.8;
    const cells = [...x.map((v) => v.toFixed(5)), z > 0 ? '1' : '0'];
    lines.push(cells.map((v, j) => (options.cell ? options.cell(i, j, v) : v)).join(','));
  }
  return `${lines.join('\n')}\n`;
}
