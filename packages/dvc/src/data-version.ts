import { createHash } from 'node:crypto';
import type { Selection } from './repo.js';

/**
 * One hash over the selected outputs' paths and md5s (and the subtrees asked for): the same
 * data gives the same value on any machine, any change to a path or its content changes it.
 */
export function dataVersion(selections: Selection[]): string {
  const lines = selections
    .flatMap((s) =>
      (s.subpaths ? s.subpaths.map((sub) => `${s.output.path}/${sub}`) : [s.output.path]).map(
        (p) => `${s.output.md5}  ${p}\n`,
      ),
    )
    .sort();
  return createHash('sha256').update(lines.join('')).digest('hex').slice(0, 40);
}
