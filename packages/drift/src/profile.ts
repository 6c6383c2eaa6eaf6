/**
 * Streaming column profiles with a fixed size bound. Each column keeps exact counts (rows,
 * missing, numbers, text), exact mean/std/min/max (Welford), exact category frequencies up to
 * DISTINCT_CAP distinct values, and a uniform reservoir sample of at most SAMPLE_SIZE values
 * (Li's Algorithm L, seeded: the same data gives the same sample). Quantiles and histogram
 * shares come from that sample, which is the whole column when it has at most SAMPLE_SIZE
 * values. Whatever the data's size, a column's profile holds at most SAMPLE_SIZE numbers,
 * HISTOGRAM_BINS + 1 edges and CATEGORY_CAP categories of at most 200 characters.
 */
import { UserError } from '@mlops-gha/common';
import { SeededRandom } from './random.js';
import type { TableBatch } from './table.js';

export const PROFILE_FORMAT = 'mlops-gha.profile/v1';
export const PROFILE_BOUNDS = {
  sample: 5000,
  bins: 20,
  categories: 100,
  distinct: 10_000,
  categoryLength: 200,
} as const;

export type ColumnType = 'numerical' | 'categorical' | 'text' | 'empty';

export interface NumericSummary {
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation (ddof 0) over every value. */
  std: number;
  /** p1, p5, p25, p50, p75, p95, p99 of the sample. */
  quantiles: Record<string, number>;
  /** Equal-width bins over [min, max]; shares of the sample in each. */
  histogram: { edges: number[]; shares: number[] };
  /** Uniform sample of the non-missing values, ascending. */
  sample: number[];
  /** True when the sample is every value of the column. */
  sample_exact: boolean;
}

export interface ColumnProfile {
  name: string;
  type: ColumnType;
  /** Non-missing cells. */
  count: number;
  missing: number;
  /** Distinct non-missing values, or null when there are more than the distinct cap. */
  unique: number | null;
  numeric?: NumericSummary;
  /** Most frequent values first (at most CATEGORY_CAP), with the count of all the others. */
  categories?: { values: [string, number][]; other: number };
}

export interface Profile {
  format: typeof PROFILE_FORMAT;
  rows: number;
  /** The profiled file's name (no directories). */
  source: string;
  bounds: typeof PROFILE_BOUNDS;
  /** The label column, when the data had one. */
  label: string | null;
  /** The model's input columns in order, when a model was profiled with the data. */
  features: string[] | null;
  columns: ColumnProfile[];
  /** Profiles of the model's outputs on the same rows (scores and labels), or null. */
  predictions: ColumnProfile[] | null;
}

/** The canonical text of a number in a categorical column (`1.0` and `1` are one category). */
const numberKey = (v: number) => String(v);

/** Accumulates one column. With `as`, cells are read as that type (the reference's). */
export class ColumnProfiler {
  rows = 0;
  missing = 0;
  numbers = 0;
  texts = 0;
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;
  private distinct: Map<string, number> | undefined = new Map();
  private distinctNumbers: Map<number, number> | undefined = new Map();
  private readonly sample = new Float64Array(PROFILE_BOUNDS.sample);
  private seen = 0;
  private readonly rng: SeededRandom;
  private w = 0;
  private nextPick = 0;
  firstText: { value: string; line: number } | undefined;

  constructor(
    readonly name: string,
    seed: number,
    private readonly as?: ColumnType,
  ) {
    this.rng = new SeededRandom(seed);
  }

  /** Adds rows [0, batch.rows) of column `c`. */
  addBatch(batch: TableBatch, c: number): void {
    const nums = batch.numbers[c]!;
    const texts = batch.texts[c]!;
    if (this.as === 'categorical') {
      for (let r = 0; r < batch.rows; r++) {
        const v = nums[r]!;
        if (v === v) this.addText(numberKey(v), batch.lines[r]!, true);
        else {
          const t = texts[r];
          if (t === undefined) this.missing++;
          else this.addText(t, batch.lines[r]!, false);
        }
      }
    } else this.addNumbers(batch, nums, texts);
    this.rows += batch.rows;
  }

  /**
   * The numeric path, in tight loops over the batch's Float64Array (this is most of a drift
   * check's time): counts, sum, min and max in one pass, the batch's sum of squared deviations
   * in a second, merged into the running mean and M2 by Chan et al.'s pairwise update (as
   * stable as Welford's, without a division per value); then distinct values and the reservoir.
   */
  private addNumbers(batch: TableBatch, nums: Float64Array, texts: (string | undefined)[]): void {
    const n = batch.rows;
    let count = 0;
    let sum = 0;
    let min = this.min;
    let max = this.max;
    for (let r = 0; r < n; r++) {
      const v = nums[r]!;
      if (v === v) {
        count++;
        sum += v;
        if (v < min) min = v;
        if (v > max) max = v;
      } else {
        const t = texts[r];
        if (t === undefined) this.missing++;
        else this.addText(t, batch.lines[r]!, false);
      }
    }
    if (count === 0) return;
    this.min = min;
    this.max = max;
    const mean = sum / count;
    let m2 = 0;
    for (let r = 0; r < n; r++) {
      const v = nums[r]!;
      if (v === v) m2 += (v - mean) * (v - mean);
    }
    const before = this.numbers;
    const total = before + count;
    const delta = mean - this.mean;
    this.mean += (delta * count) / total;
    this.m2 += m2 + (delta * delta * before * count) / total;
    this.numbers = total;
    // Numbers are counted under number keys (no string per value) and named at finish().
    if (this.distinctNumbers) {
      const distinct = this.distinctNumbers;
      for (let r = 0; r < n; r++) {
        const v = nums[r]!;
        if (v === v) distinct.set(v, (distinct.get(v) ?? 0) + 1);
      }
      if (distinct.size + (this.distinct?.size ?? 0) > PROFILE_BOUNDS.distinct)
        this.distinctNumbers = this.distinct = undefined;
    }
    if (count === n && this.seen >= PROFILE_BOUNDS.sample) this.reservoirSkip(nums, n);
    else
      for (let r = 0; r < n; r++) {
        const v = nums[r]!;
        if (v === v) this.reservoir(v);
      }
  }

  /** Algorithm L over a batch without missing values: jumps straight to the picked positions. */
  private reservoirSkip(nums: Float64Array, n: number): void {
    const k = PROFILE_BOUNDS.sample;
    const base = this.seen;
    while (this.nextPick < base + n) {
      this.sample[this.rng.below(k)] = nums[this.nextPick - base]!;
      this.w *= Math.exp(Math.log(this.rng.next() || Number.MIN_VALUE) / k);
      this.nextPick += 1 + Math.floor(Math.log(this.rng.next() || Number.MIN_VALUE) / Math.log(1 - this.w));
    }
    this.seen = base + n;
  }

  private reservoir(v: number): void {
    const k = PROFILE_BOUNDS.sample;
    const i = this.seen++;
    if (i < k) {
      this.sample[i] = v;
      if (i === k - 1) {
        this.w = Math.exp(Math.log(this.rng.next() || Number.MIN_VALUE) / k);
        this.nextPick = k + Math.floor(Math.log(this.rng.next() || Number.MIN_VALUE) / Math.log(1 - this.w));
      }
      return;
    }
    if (i === this.nextPick) {
      this.sample[this.rng.below(k)] = v;
      this.w *= Math.exp(Math.log(this.rng.next() || Number.MIN_VALUE) / k);
      this.nextPick += 1 + Math.floor(Math.log(this.rng.next() || Number.MIN_VALUE) / Math.log(1 - this.w));
    }
  }

  private addText(t: string, line: number, fromNumber: boolean): void {
    if (fromNumber) this.numbers++;
    else {
      this.texts++;
      this.firstText ??= { value: t, line };
    }
    if (this.distinct) {
      const key = t.length > PROFILE_BOUNDS.categoryLength ? t.slice(0, PROFILE_BOUNDS.categoryLength) : t;
      this.distinct.set(key, (this.distinct.get(key) ?? 0) + 1);
      if (this.distinct.size + (this.distinctNumbers?.size ?? 0) > PROFILE_BOUNDS.distinct)
        this.distinctNumbers = this.distinct = undefined;
    }
  }

  /** Every distinct value as its category text (numbers as JavaScript prints them), or undefined past the cap. */
  private categories(): Map<string, number> | undefined {
    if (!this.distinct || !this.distinctNumbers) return undefined;
    const all = new Map(this.distinct);
    for (const [v, n] of this.distinctNumbers) {
      const key = numberKey(v);
      all.set(key, (all.get(key) ?? 0) + n);
    }
    return all;
  }

  private distinctCount(): number | undefined {
    return this.distinct && this.distinctNumbers ? this.distinct.size + this.distinctNumbers.size : undefined;
  }

  /** The type this column's cells say it has (Evidently: numbers with more than 5 values are numerical). */
  inferredType(): ColumnType {
    if (this.numbers + this.texts === 0) return 'empty';
    const distinct = this.distinctCount();
    if (this.texts === 0 && this.as !== 'categorical' && (distinct === undefined || distinct > 5)) return 'numerical';
    return distinct !== undefined ? 'categorical' : 'text';
  }

  finish(type: ColumnType = this.as ?? this.inferredType()): ColumnProfile {
    const out: ColumnProfile = {
      name: this.name,
      type,
      count: this.numbers + this.texts,
      missing: this.missing,
      unique: null,
    };
    const categories = this.categories();
    out.unique = categories ? categories.size : null;
    if (type === 'numerical' && this.numbers > 0) out.numeric = this.numericSummary();
    if (type === 'categorical' && categories) {
      const sorted = [...categories.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      const kept = sorted.slice(0, PROFILE_BOUNDS.categories);
      out.categories = { values: kept, other: sorted.slice(PROFILE_BOUNDS.categories).reduce((s, [, n]) => s + n, 0) };
    }
    return out;
  }

  private numericSummary(): NumericSummary {
    const n = Math.min(this.seen, PROFILE_BOUNDS.sample);
    const sample = this.sample.slice(0, n).sort();
    const q = (p: number) => quantileSorted(sample, p);
    const bins = PROFILE_BOUNDS.bins;
    const edges = Array.from({ length: bins + 1 }, (_, i) =>
      i === bins ? this.max : this.min + ((this.max - this.min) * i) / bins,
    );
    const counts = binCounts(sample, edges);
    return {
      min: this.min,
      max: this.max,
      mean: this.mean,
      std: Math.sqrt(this.m2 / this.numbers),
      quantiles: { p1: q(0.01), p5: q(0.05), p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: q(0.95), p99: q(0.99) },
      histogram: { edges, shares: counts.map((c) => c / n) },
      sample: [...sample],
      sample_exact: this.seen <= PROFILE_BOUNDS.sample,
    };
  }
}

/** numpy.quantile's default (linear) on a sorted array. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Counts of values per bin; values outside [first, last edge] go to the end bins. */
export function binCounts(values: ArrayLike<number>, edges: number[]): number[] {
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  const lo = edges[0]!;
  const width = (edges[bins]! - lo) / bins;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let b = width > 0 ? Math.floor((v - lo) / width) : 0;
    if (b < 0) b = 0;
    if (b >= bins) b = bins - 1;
    counts[b]!++;
  }
  return counts;
}

/** Column names, as written in profiles and reports, refuse nothing: any text is a name. */
export function profileColumns(header: string[], reference?: Profile): ColumnProfiler[] {
  const types = new Map(reference?.columns.map((c) => [c.name, c.type]));
  return header.map((name, i) => new ColumnProfiler(name, 0x5eed + i, types.get(name)));
}

/** Checks that a value parsed from a file is a profile this version can read. */
export function validateProfile(value: unknown, where: string): Profile {
  const p = value as Profile;
  const bad = (what: string) =>
    new UserError(`The data profile ${where} is not a ${PROFILE_FORMAT} profile: ${what}`, {
      fix: 'Profiles are written by registry-push from `profile-data`: push the model again with `profile-data` set.',
    });
  if (!p || typeof p !== 'object') throw bad('not a JSON object');
  if (p.format !== PROFILE_FORMAT) throw bad(`format is ${JSON.stringify(p.format)}`);
  if (!Number.isInteger(p.rows) || p.rows < 0) throw bad('rows is not a count');
  if (!Array.isArray(p.columns)) throw bad('columns is not a list');
  for (const c of [...p.columns, ...(p.predictions ?? [])]) {
    if (!c || typeof c.name !== 'string' || !['numerical', 'categorical', 'text', 'empty'].includes(c.type))
      throw bad('a column has no name or an unknown type');
    if (
      c.type === 'numerical' &&
      (!c.numeric ||
        !Array.isArray(c.numeric.sample) ||
        c.numeric.sample.some((v) => typeof v !== 'number' || !Number.isFinite(v)))
    ) {
      throw bad(`the numerical column ${JSON.stringify(c.name)} has no finite sample`);
    }
    if (c.type === 'categorical' && (!c.categories || !Array.isArray(c.categories.values)))
      throw bad(`the categorical column ${JSON.stringify(c.name)} has no frequencies`);
  }
  return p;
}
