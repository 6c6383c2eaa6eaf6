/** Streaming column profiles: exact counts and moments, type inference, categories, the seeded reservoir, validation. */
import { describe, expect, it } from '@jest/globals';
import {
  binCounts,
  ColumnProfiler,
  PROFILE_BOUNDS,
  PROFILE_FORMAT,
  profileColumns,
  quantileSorted,
  validateProfile,
  type Profile,
} from './profile.js';
import type { TableBatch } from './table.js';

/** One column's cells as the table reader gives them: numbers, text, or null for a missing cell; lines from 2. */
function batch(cells: (number | string | null)[], firstLine = 2): TableBatch {
  return {
    header: ['c'],
    rows: cells.length,
    lines: Int32Array.from(cells, (_, i) => firstLine + i),
    numbers: [Float64Array.from(cells, (v) => (typeof v === 'number' ? v : NaN))],
    texts: [cells.map((v) => (typeof v === 'string' ? v : undefined))],
  };
}

function profile(cells: (number | string | null)[], as?: 'numerical' | 'categorical', seed = 1) {
  const p = new ColumnProfiler('c', seed, as);
  p.addBatch(batch(cells), 0);
  return p;
}

describe('ColumnProfiler: numbers', () => {
  it('keeps exact count, missing, min, max, mean and population std, across batches as in one', () => {
    const one = profile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, null]).finish();
    expect(one).toMatchObject({ type: 'numerical', count: 10, missing: 1, unique: 10 });
    expect(one.numeric).toMatchObject({ min: 1, max: 10, mean: 5.5, sample_exact: true });
    expect(one.numeric!.std).toBeCloseTo(Math.sqrt(8.25), 14); // sum of (i - 5.5)^2 over 1..10 is 82.5
    const split = new ColumnProfiler('c', 1);
    split.addBatch(batch([1, 2, 3]), 0);
    split.addBatch(batch([4, 5, 6, 7, 8, 9, 10, null]), 0);
    const two = split.finish();
    expect(two.numeric!.mean).toBeCloseTo(5.5, 14);
    expect(two.numeric!.std).toBeCloseTo(Math.sqrt(8.25), 14);
    expect(two.count).toBe(10);
  });
  it('gives numpy-linear quantiles and 20 equal-width histogram bins over [min, max] from an exact sample', () => {
    const values = Array.from({ length: 101 }, (_, i) => i); // 0..100: quantile p is 100 p
    const n = profile(values).finish().numeric!;
    expect(n.quantiles).toEqual({ p1: 1, p5: 5, p25: 25, p50: 50, p75: 75, p95: 95, p99: 99 });
    expect(n.histogram.edges).toEqual(Array.from({ length: 21 }, (_, i) => 5 * i));
    // 5 values per bin; the last bin also holds the maximum
    expect(n.histogram.shares).toEqual([...new Array<number>(19).fill(5 / 101), 6 / 101]);
    expect(n.sample).toEqual(values);
  });
  it('keeps a sorted, seeded sample of 5,000 of a longer column, drawn from its values', () => {
    const values = Array.from({ length: 12_000 }, (_, i) => (i * 7919) % 12_000);
    const a = profile(values, undefined, 5).finish().numeric!;
    expect(a.sample).toHaveLength(PROFILE_BOUNDS.sample);
    expect(a.sample_exact).toBe(false);
    expect(a.sample).toEqual([...a.sample].sort((x, y) => x - y));
    expect(new Set(a.sample).size).toBe(PROFILE_BOUNDS.sample); // distinct values: no value drawn twice
    expect(a.sample.every((v) => Number.isInteger(v) && v >= 0 && v < 12_000)).toBe(true);
    expect(profile(values, undefined, 5).finish().numeric!.sample).toEqual(a.sample);
    expect(profile(values, undefined, 6).finish().numeric!.sample).not.toEqual(a.sample);
    // a uniform sample of 0..11,999 has its mean near 6,000 (standard error about 49)
    expect(Math.abs(a.sample.reduce((s, v) => s + v, 0) / a.sample.length - 6000)).toBeLessThan(250);
  });
});

describe('ColumnProfiler: types', () => {
  it('calls numbers with more than 5 distinct values numerical, fewer categorical (Evidently), text categorical', () => {
    expect(profile([1, 2, 3, 4, 5, 6]).inferredType()).toBe('numerical');
    expect(profile([1, 2, 3, 4, 5, 5]).inferredType()).toBe('categorical');
    expect(profile(['a', 'b', 1]).inferredType()).toBe('categorical');
    expect(profile([null, null]).inferredType()).toBe('empty');
    expect(profile([null, null]).finish()).toEqual({ name: 'c', type: 'empty', count: 0, missing: 2, unique: 0 });
  });
  it('calls a column with more distinct values than the cap free text, with no frequencies', () => {
    const cells = Array.from({ length: PROFILE_BOUNDS.distinct + 1 }, (_, i) => `id-${i}`);
    const p = profile(cells).finish();
    expect(p).toEqual({ name: 'c', type: 'text', count: cells.length, missing: 0, unique: null });
  });
  it('records the first text cell of a numerical column and its line (for "type changed" errors)', () => {
    const p = profile([1, 2, 'n/a', 'x', 3], 'numerical');
    expect(p.firstText).toEqual({ value: 'n/a', line: 4 });
    expect(p.texts).toBe(2);
  });
});

describe('ColumnProfiler: categories', () => {
  it('counts numbers and text as categories, most frequent first, ties by text, 1 and 1.0 as one', () => {
    const p = profile([1, 1.0, 2, 'b', 'a', 'b', 2, null], 'categorical').finish();
    expect(p.categories).toEqual({
      values: [
        ['1', 2],
        ['2', 2],
        ['b', 2],
        ['a', 1],
      ],
      other: 0,
    });
    expect(p).toMatchObject({ type: 'categorical', count: 7, missing: 1, unique: 4 });
  });
  it('keeps 100 categories and counts the rest as other; cuts a category at 200 characters', () => {
    const cells = Array.from({ length: 150 }, (_, i) => `k${String(i).padStart(3, '0')}`);
    const p = profile([...cells, 'k000'], 'categorical').finish();
    expect(p.categories!.values).toHaveLength(PROFILE_BOUNDS.categories);
    expect(p.categories!.values[0]).toEqual(['k000', 2]);
    expect(p.categories!.other).toBe(50);
    const long = profile(['x'.repeat(500), 'x'.repeat(300)], 'categorical').finish();
    expect(long.categories!.values).toEqual([['x'.repeat(200), 2]]);
  });
});

describe('quantileSorted and binCounts', () => {
  it('quantileSorted interpolates linearly between order statistics (numpy.quantile default)', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 15); // position 0.75
    expect(quantileSorted([7], 0.9)).toBe(7);
    expect(quantileSorted([1, 5], 1)).toBe(5);
  });
  it('binCounts puts values outside the edges into the end bins and everything into bin 0 when the edges coincide', () => {
    expect(binCounts([0, 0.5, 1, 1.5, 2, -3, 9], [0, 1, 2])).toEqual([3, 4]);
    expect(binCounts([4, 4, 4], [4, 4, 4])).toEqual([3, 0]);
  });
});

describe('profileColumns', () => {
  it('gives one profiler per header column, reading each as the reference typed it', () => {
    const reference = { columns: [{ name: 'b', type: 'categorical' }] } as unknown as Profile;
    const [a, b] = profileColumns(['a', 'b'], reference);
    expect([a!.name, b!.name]).toEqual(['a', 'b']);
    b!.addBatch(batch([1, 2, 3, 4, 5, 6, 7]), 0);
    expect(b!.finish().type).toBe('categorical'); // 7 distinct numbers, but categorical in the reference
  });
});

describe('validateProfile', () => {
  const good = (): Profile => ({
    format: PROFILE_FORMAT,
    rows: 3,
    source: 'x.csv',
    bounds: PROFILE_BOUNDS,
    label: null,
    features: null,
    columns: [profile([1, 2, 3, 4, 5, 6]).finish(), { ...profile(['a'], 'categorical').finish(), name: 'k' }],
    predictions: null,
  });
  it('returns a valid profile as it is', () => {
    const p = good();
    expect(validateProfile(p, 'in p.json')).toBe(p);
  });
  it.each([
    ['not a JSON object', () => 'text'],
    ['format is "other/v2"', () => ({ ...good(), format: 'other/v2' })],
    ['rows is not a count', () => ({ ...good(), rows: -1 })],
    ['columns is not a list', () => ({ ...good(), columns: {} })],
    ['a column has no name or an unknown type', () => ({ ...good(), columns: [{ name: 'x', type: 'blob' }] })],
    [
      'the numerical column "c" has no finite sample',
      () => {
        const p = good();
        p.columns[0]!.numeric!.sample = [1, null as unknown as number];
        return p;
      },
    ],
    [
      'the categorical column "k" has no frequencies',
      () => {
        const p = good();
        delete p.columns[1]!.categories;
        return p;
      },
    ],
  ])('refuses a profile when %s, naming where it came from and how to make a new one', (what, make) => {
    expect(() => validateProfile(make(), 'of registry://m@prod')).toThrow(
      expect.objectContaining({
        message: `The data profile of registry://m@prod is not a ${PROFILE_FORMAT} profile: ${what}`,
        fix: expect.stringContaining('push the model again with `profile-data` set'),
      }),
    );
  });
});
