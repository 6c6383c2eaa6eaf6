import { describe, expect, it } from '@jest/globals';
import { labelledCsv, seededNormal } from './synthetic-data.js';

const rowsOf = (csv: string) =>
  csv
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',').map(Number));

describe('seededNormal', () => {
  it('gives the same numbers for a seed and other numbers for another seed', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, seededNormal(seed));
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('draws from a standard normal (mean near 0, sd near 1 over 20,000 draws)', () => {
    const draw = seededNormal(3);
    const xs = Array.from({ length: 20_000 }, () => draw());
    const mean = xs.reduce((a, v) => a + v, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, v) => a + (v - mean) ** 2, 0) / (xs.length - 1));
    // Standard errors: 1/sqrt(20000) ≈ 0.007 for the mean, ≈ 0.005 for the sd.
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
    expect(xs.every(Number.isFinite)).toBe(true);
  });
});

describe('labelledCsv', () => {
  it('writes the header and one row of three 5-decimal features and a 0/1 label per row', () => {
    const csv = labelledCsv(50, 11, [1.5, -2, 0.5]);
    const lines = csv.trimEnd().split('\n');
    expect(csv.endsWith('\n')).toBe(true);
    expect(lines[0]).toBe('x1,x2,x3,label');
    expect(lines).toHaveLength(51);
    for (const line of lines.slice(1)) expect(line).toMatch(/^(-?\d+\.\d{5},){3}[01]$/);
    expect(labelledCsv(50, 11, [1.5, -2, 0.5])).toBe(csv);
  });

  it('labels agree with the sign of x·w on most rows (noise sd 0.8 against a signal of sd 2.55)', () => {
    const weights = [1.5, -2, 0.5];
    const rows = rowsOf(labelledCsv(2000, 5, weights));
    const agree = rows.filter(([a, b, c, label]) => (a! * 1.5 - b! * 2 + c! * 0.5 > 0 ? 1 : 0) === label).length;
    // P(noise flips the sign) = E[Phi(-|s|/0.8)] for s ~ N(0, 2.55^2): about 0.10.
    expect(agree / rows.length).toBeGreaterThan(0.85);
    expect(agree / rows.length).toBeLessThan(0.95);
  });

  it('shifts and scales the feature columns it is told to', () => {
    const plain = rowsOf(labelledCsv(4000, 9, [1, 1, 1]));
    const moved = rowsOf(labelledCsv(4000, 9, [1, 1, 1], { shift: [2, 0, 0], scale: [1, 3, 1] }));
    const mean = (rows: number[][], j: number) => rows.reduce((a, r) => a + r[j]!, 0) / rows.length;
    const sd = (rows: number[][], j: number) =>
      Math.sqrt(rows.reduce((a, r) => a + (r[j]! - mean(rows, j)) ** 2, 0) / (rows.length - 1));
    expect(mean(moved, 0) - mean(plain, 0)).toBeCloseTo(2, 4);
    expect(sd(moved, 1) / sd(plain, 1)).toBeCloseTo(3, 3);
    expect(moved.map((r) => r[2])).toEqual(plain.map((r) => r[2]));
  });

  it('writes the header and the cells it is given', () => {
    const csv = labelledCsv(3, 1, [1, 1, 1], {
      header: 'a,b,c,y',
      cell: (row, col, value) => (row === 1 && col === 3 ? 'unknown' : value),
    });
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe('a,b,c,y');
    expect(lines[2]!.split(',')[3]).toBe('unknown');
    expect(lines[1]!.split(',')[3]).toMatch(/^[01]$/);
  });
});
