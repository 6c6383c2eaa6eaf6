import { describe, expect, it } from '@jest/globals';
import { classifyText, isMissingText, MISSING_TOKENS } from './numbers.js';

describe('classifyText', () => {
  it('reads decimal literals, blanks around allowed', () => {
    expect(['-1.5', '.5', '3e-4', ' 1e-3 ', '+7', '5.', '0', '-0', '1E+2'].map(classifyText)).toEqual([
      -1.5, 0.5, 0.0003, 0.001, 7, 5, 0, -0, 100,
    ]);
  });

  it('keeps as (trimmed) text what Number() would read but a CSV reader must not: inf, hex, separators, overflow', () => {
    const texts = [
      'inf',
      'Infinity',
      '-Infinity',
      '0x10',
      '0b1',
      '1_000',
      '1e999',
      '1,5',
      '.',
      '-',
      'e5',
      '1e',
      ' abc ',
    ];
    expect(texts.map(classifyText)).toEqual(texts.map((t) => t.trim()));
  });

  it('reads the missing-value tokens of pandas, R and spreadsheets as null, in any case and with blanks around', () => {
    for (const t of ['', '  ', 'NA', 'na', 'NaN', 'nan', 'N/A', 'null', 'NULL', 'None', '#N/A', '-NaN', ' NA '])
      expect([t, classifyText(t)]).toEqual([t, null]);
    expect(classifyText('nan2')).toBe('nan2');
    expect(classifyText('Nonesuch')).toBe('Nonesuch');
  });
});

describe('isMissingText and MISSING_TOKENS', () => {
  it('tells a trimmed text that means "no value", case aside', () => {
    expect(MISSING_TOKENS).toEqual(['', 'na', 'nan', 'n/a', 'null', 'none', '#n/a', '-nan']);
    expect(['NA', 'None', '#n/a', '-NAN', ''].map(isMissingText)).toEqual([true, true, true, true, true]);
    expect(['0', 'nil', ' NA', 'n.a.'].map(isMissingText)).toEqual([false, false, false, false]);
  });
});
