/**
 * data-version.ts: the `data-version` output, "one hash over every pulled output's md5 and
 * path" (DESIGN, the data-pull README). Its contract is a property, not a recipe: 40 hex,
 * the same for the same data in any order, different when a path, an md5 or the pulled
 * subtree differs. The Actions cache is keyed on it, so equal data must give equal values.
 */
import { describe, expect, it } from '@jest/globals';
import type { TrackedOutput } from './files.js';
import { dataVersion } from './data-version.js';
import type { Selection } from './repo.js';

const out = (path: string, md5: string): TrackedOutput => ({
  path,
  md5,
  hashName: 'md5',
  isexec: false,
  cache: true,
  declaredIn: { file: `${path}.dvc`, line: 1 },
  declaredInRepo: `${path}.dvc`,
});
const A = 'acbd18db4cc2f85cedef654fccc4a4d8';
const B = '37b51d194a7513e45b56f6524f2d51f2';
const DIR = '72fef5191248fee439bb75c4762404b4.dir';

describe('dataVersion', () => {
  it('is 40 lowercase hex digits, also for no selection at all', () => {
    expect(dataVersion([{ output: out('data.csv', A) }])).toMatch(/^[0-9a-f]{40}$/);
    expect(dataVersion([])).toMatch(/^[0-9a-f]{40}$/);
  });

  it('does not depend on the order of the outputs, nor on where the repository is', () => {
    const one = [{ output: out('a.csv', A) }, { output: out('b.csv', B) }];
    const other = [
      { output: { ...out('b.csv', B), declaredIn: { file: 'elsewhere/b.csv.dvc' } } },
      { output: out('a.csv', A) },
    ];
    expect(dataVersion(other)).toBe(dataVersion(one));
  });

  it('changes when an md5 changes, when the same data sits at another path, and when outputs swap contents', () => {
    const base = dataVersion([{ output: out('a.csv', A) }, { output: out('b.csv', B) }]);
    const values = [
      base,
      dataVersion([{ output: out('a.csv', B) }, { output: out('b.csv', B) }]),
      dataVersion([{ output: out('c.csv', A) }, { output: out('b.csv', B) }]),
      dataVersion([{ output: out('a.csv', B) }, { output: out('b.csv', A) }]),
      dataVersion([{ output: out('a.csv', A) }]),
    ];
    expect(new Set(values).size).toBe(values.length);
  });

  it('tells a whole directory from a subtree of it, and subtrees from each other, in any order', () => {
    const dir = out('images', DIR);
    const whole = dataVersion([{ output: dir }]);
    const cats = dataVersion([{ output: dir, subpaths: ['cats'] }]);
    const both = dataVersion([{ output: dir, subpaths: ['cats', 'dogs'] }]);
    expect(new Set([whole, cats, both, dataVersion([{ output: dir, subpaths: ['dogs'] }])]).size).toBe(4);
    expect(dataVersion([{ output: dir, subpaths: ['dogs', 'cats'] }] satisfies Selection[])).toBe(both);
  });
});
