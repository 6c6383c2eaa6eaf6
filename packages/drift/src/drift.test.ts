/**
 * The table reader drift re-exports from @mlops-gha/tabular (table.ts), as drift's callers use it:
 * quoting, missing tokens, numbers parsed as Number() does, and the line of a ragged row. Each
 * drift module has its own test file beside it (build, compare, report, profile, ...).
 */
import { describe, expect, it } from '@jest/globals';
import { readTable } from './index.js';
import { tempFile } from '../../../test/fixtures/drift-support.js';

describe('readTable', () => {
  it('reads quoted fields, missing tokens, numbers and text column-major, with line numbers', async () => {
    const path = await tempFile('t.csv', 'a,b,c\r\n1.5,"x, ""y""",NA\n\n-2e3,plain,\n"3",z,7\n');
    const batches = [];
    for await (const b of readTable(path)) batches.push(b);
    const b = batches[0]!;
    expect(b.header).toEqual(['a', 'b', 'c']);
    expect(b.rows).toBe(3);
    expect([...b.lines]).toEqual([2, 4, 5]);
    expect([...b.numbers[0]!]).toEqual([1.5, -2000, 3]);
    expect(b.texts[1]!.slice(0, 3)).toEqual(['x, "y"', 'plain', 'z']);
    expect(Number.isNaN(b.numbers[2]![0])).toBe(true);
    expect(b.texts[2]![0]).toBeUndefined(); // NA is missing, not text
    expect(b.numbers[2]![2]).toBe(7);
  });
  it('parses numbers exactly as Number() does', async () => {
    const values = [
      '0.1',
      '123456789012345',
      '1234567890123456789',
      '-0.000001234',
      '1e-30',
      '4.35',
      '9007199254740993',
      '.5',
      '5.',
    ];
    const path = await tempFile('n.csv', `v\n${values.join('\n')}\n`);
    for await (const b of readTable(path)) expect([...b.numbers[0]!]).toEqual(values.map(Number));
  });
  it('names the line of a row with the wrong number of fields', async () => {
    const path = await tempFile('bad.csv', 'a,b\n1,2\n3,4,5\n');
    await expect(async () => {
      for await (const _ of readTable(path, { input: 'current' })) void _;
    }).rejects.toThrow(/current: .*bad\.csv, line 3: 3 fields, but the header has 2/);
  });
});
