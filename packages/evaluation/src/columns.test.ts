import { describe, expect, it } from '@jest/globals';
import { badCell, labelColumnsOf, MISSING, parseNumber, planColumns } from './columns.js';

describe('labelColumnsOf', () => {
  it('several label columns win over one; the default is "label"', () => {
    expect(labelColumnsOf({})).toEqual(['label']);
    expect(labelColumnsOf({ labelColumn: 'y' })).toEqual(['y']);
    expect(labelColumnsOf({ labelColumn: 'y', labelColumns: ['b', 'a'] })).toEqual(['b', 'a']);
    expect(labelColumnsOf({ labelColumn: 'y', labelColumns: [] })).toEqual(['y']);
  });
});

describe('planColumns', () => {
  const header = ['x1', 'label', 'x2', 'b'];

  it('features are every other column in file order, or feature-columns in the order given', () => {
    expect(planColumns('h.csv', header, {})).toEqual({
      featureNames: ['x1', 'x2', 'b'],
      featureIndex: [0, 2, 3],
      labelColumns: ['label'],
      labelIndex: [1],
    });
    expect(planColumns('h.csv', header, { labelColumns: ['b', 'label'], featureColumns: ['x2', 'x1'] })).toEqual({
      featureNames: ['x2', 'x1'],
      featureIndex: [2, 0],
      labelColumns: ['b', 'label'],
      labelIndex: [3, 1],
    });
  });

  it.each([
    [{ labelColumn: 'y' }, 'Dataset h.csv has no label column "y" (columns: x1, label, x2, b)', 'Set `label-column:`'],
    [
      { labelColumns: ['y', 'label', 'z'] },
      'Dataset h.csv has no label columns "y", "z" (columns: x1, label, x2, b)',
      'comma-separated, for multilabel or multi-output models',
    ],
    [{ labelColumns: ['b', 'b'] }, '`label-column` names "b" twice', 'List each label column once'],
    [
      { featureColumns: ['x1', 'x3', 'x4'] },
      'Dataset h.csv lacks the feature column(s) x3, x4 named in `feature-columns` (columns: x1, label, x2, b)',
      'List only columns the dataset has',
    ],
    [
      { featureColumns: ['x1', 'label'] },
      '`feature-columns` includes the label column "label"',
      'Remove the label column',
    ],
  ])('refuses %j with the message and the fix', (options, message, fix) => {
    expect(() => planColumns('h.csv', header, options)).toThrow(message);
    try {
      planColumns('h.csv', header, options);
    } catch (error) {
      expect((error as { fix: string }).fix).toContain(fix);
    }
  });

  it('refuses a file with only label columns, and a header that names a column twice, at the header line', () => {
    expect(() => planColumns('h.csv', ['label'], {})).toThrow(
      'Dataset h.csv has no feature columns besides the label "label"',
    );
    expect(() => planColumns('h.csv', ['a', 'label', 'a'], {}, 3)).toThrow(
      expect.objectContaining({
        message: 'Dataset h.csv, line 3: the column "a" appears twice in the header',
        location: { file: 'h.csv', line: 3 },
      }),
    );
  });
});

describe('parseNumber', () => {
  it('reads numbers with blanks around them; empty, blank and nan text are NaN, never 0', () => {
    expect([' 1.5 ', '-2e-3', '.5', '7'].map(parseNumber)).toEqual([1.5, -0.002, 0.5, 7]);
    for (const t of ['', '   ', 'nan', 'NaN', 'abc', '1,5']) expect(parseNumber(t)).toBeNaN();
    // not finite: the reader refuses these as "not a number"
    expect(parseNumber('1e999')).toBe(Infinity);
  });
});

describe('MISSING and badCell', () => {
  it('missing-value tokens are empty, nan, na, n/a, null and none in any case, and nothing else', () => {
    for (const t of ['', 'nan', 'NaN', 'NA', 'n/a', 'NULL', 'None']) expect(MISSING.test(t)).toBe(true);
    for (const t of ['#N/A', '-nan', 'nil', ' na', 'nan0']) expect(MISSING.test(t)).toBe(false);
  });

  it('says what the cell is (empty, a missing value, text) and gives the fix that fits', () => {
    const empty = badCell('h.csv', 4, 'age', 2, '  ');
    expect([empty.message, empty.location, empty.title]).toEqual([
      'Dataset h.csv, line 4, column "age": empty cell; ONNX models take numeric features',
      { file: 'h.csv', line: 4, column: 2 },
      'Non-numeric feature',
    ]);
    expect(empty.fix).toContain('set `missing-values: nan`');
    expect(badCell('h.csv', 4, 'age', 2, 'NA').message).toContain('column "age": "NA" is a missing value;');
    const text = badCell('h.csv', 4, 'city', 3, 'Oslo');
    expect(text.message).toContain('column "city": "Oslo" is not a number;');
    expect(text.fix).toBe(
      'Encode the column as numbers (one-hot or ordinal) and fill missing values before the gate, or leave it out with `feature-columns:`.',
    );
    expect(badCell('h.csv', 4, 'city', 3, 'Oslo', true).fix).toBe(
      'Encode the column as numbers (one-hot or ordinal), or leave it out with `feature-columns:`; only empty, nan, NA and null cells count as missing.',
    );
  });

  it('cuts a long cell to 40 characters in the message (hostile or binary content stays short)', () => {
    const long = 'x'.repeat(39) + 'yz' + 'w'.repeat(1000);
    expect(badCell('h.csv', 2, 'a', 1, long).message).toContain(`"${'x'.repeat(39)}y…" is not a number`);
  });
});
