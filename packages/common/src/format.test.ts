import { describe, expect, it } from '@jest/globals';
import { formatBytes, formatDuration, formatRate } from './format.js';

describe('formatting', () => {
  it('writes bytes in SI units with three significant digits', () => {
    expect([0, 999, 1000, 1234, 310_000_000, 1_250_000_000].map(formatBytes)).toEqual([
      '0 B',
      '999 B',
      '1.00 kB',
      '1.23 kB',
      '310 MB',
      '1.25 GB',
    ]);
    expect(formatRate(48_000_000, 1)).toBe('48.0 MB/s');
    expect([850, 12_300, 245_000, 7_380_000].map(formatDuration)).toEqual([
      '850 ms',
      '12.3 s',
      '4 min 05 s',
      '2 h 03 min',
    ]);
  });
});

describe('formatBytes', () => {
  it('moves to the next unit when rounding to three digits reaches 1000', () => {
    // 999.999 kB to three significant digits is 1000 kB, which is 1.00 MB
    expect(formatBytes(999_999)).toBe('1.00 MB');
    expect(formatBytes(999_499)).toBe('999 kB');
    expect(formatBytes(999_999_999)).toBe('1.00 GB');
  });

  it('never shows a fourth digit when rounding carries within a unit', () => {
    expect(formatBytes(99_999)).toBe('100 kB');
    expect(formatBytes(9_999)).toBe('10.0 kB');
    expect(formatBytes(99_949)).toBe('99.9 kB');
  });

  it('shows whole bytes below a kilobyte, as a rate of a few bytes a second is', () => {
    expect(formatBytes(333.333)).toBe('333 B');
    expect(formatBytes(0.4)).toBe('0 B');
    expect(formatBytes(999.6)).toBe('1.00 kB');
  });

  it('keeps terabytes as its largest unit', () => {
    expect(formatBytes(2_500_000_000_000)).toBe('2.50 TB');
    expect(formatBytes(5_000_000_000_000_000)).toBe('5000 TB');
  });

  it('shows a negative or non-finite count as it is, without looping or hiding it', () => {
    expect([-1, Number.NaN, Number.POSITIVE_INFINITY].map(formatBytes)).toEqual(['-1 B', 'NaN B', 'Infinity B']);
  });
});

describe('formatRate', () => {
  it('divides bytes by seconds and writes the result as bytes per second', () => {
    expect(formatRate(1_500_000, 2)).toBe('750 kB/s');
    expect(formatRate(1000, 3)).toBe('333 B/s');
  });

  it('writes a dash for no elapsed time instead of an infinite rate', () => {
    expect(formatRate(1000, 0)).toBe('- MB/s');
    expect(formatRate(1000, -1)).toBe('- MB/s');
  });
});

describe('formatDuration', () => {
  it('switches unit at a second, a minute and an hour', () => {
    expect([0, 999, 1000, 59_900, 60_000, 3_599_000, 3_600_000].map(formatDuration)).toEqual([
      '0 ms',
      '999 ms',
      '1.0 s',
      '59.9 s',
      '1 min 00 s',
      '59 min 59 s',
      '1 h 00 min',
    ]);
  });

  it('moves to the next unit when rounding reaches it', () => {
    expect(formatDuration(999.6)).toBe('1.0 s');
    expect(formatDuration(59_960)).toBe('1 min 00 s');
    expect(formatDuration(3_599_600)).toBe('1 h 00 min');
  });

  it('shows a non-finite or negative duration as it is', () => {
    expect([Number.NaN, Number.POSITIVE_INFINITY, -5].map(formatDuration)).toEqual(['NaN ms', 'Infinity ms', '-5 ms']);
  });
});
