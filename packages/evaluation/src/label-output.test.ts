import { describe, expect, it } from '@jest/globals';
import { canonicalLabel, distinctLabels, labelIndices, labelText } from './label-output.js';
import type { OutputColumn } from './predict.js';

const numeric = (values: number[]): OutputColumn => ({
  name: 'label',
  type: 'int64',
  width: 1,
  values: Float64Array.from(values),
});
const text = (values: string[]): OutputColumn => ({ name: 'label', type: 'string', width: 1, values });

describe('canonicalLabel', () => {
  it('writes decimal numbers as JavaScript prints them, so "1.0" in a CSV and 1 from a model are one class', () => {
    expect(['1.0', ' 2.50 ', '1e3', '-0', '007', '.5', '+3', '1E-7'].map(canonicalLabel)).toEqual([
      '1',
      '2.5',
      '1000',
      '0',
      '7',
      '0.5',
      '3',
      '1e-7',
    ]);
  });

  it('keeps other text as written, trimmed (hex, words, empty)', () => {
    expect([' cat ', '0x10', 'NaN', '1.0.0', '', '  '].map(canonicalLabel)).toEqual([
      'cat',
      '0x10',
      'NaN',
      '1.0.0',
      '',
      '',
    ]);
  });
});

describe('labelText, distinctLabels, labelIndices', () => {
  it('a string label output: canonical text per row, the distinct labels, each row’s class index', () => {
    const column = text(['yes', '1.0', ' yes', '1']);
    expect([0, 1, 2, 3].map((i) => labelText(column, i))).toEqual(['yes', '1', 'yes', '1']);
    expect([...distinctLabels(column)]).toEqual(['yes', '1']);
    const index = new Map([
      ['1', 0],
      ['yes', 1],
    ]);
    expect(Array.from(labelIndices(column, index))).toEqual([1, 0, 1, 0]);
  });

  it('a numeric label output: runs of one value and values that come back later map to the same class', () => {
    const column = numeric([2, 2, 0, 2.5, 0, 0, 2]);
    expect(labelText(column, 3)).toBe('2.5');
    expect([...distinctLabels(column)].sort()).toEqual(['0', '2', '2.5']);
    const index = new Map([
      ['0', 0],
      ['2', 1],
      ['2.5', 2],
    ]);
    expect(Array.from(labelIndices(column, index))).toEqual([1, 1, 0, 2, 0, 0, 1]);
    expect(Array.from(labelIndices(numeric([]), index))).toEqual([]);
  });
});
