import { UserError } from '@mlops-gha/common';

// A `.`, `..` or empty segment (which covers a leading, trailing or doubled `/`), a backslash
// or a NUL: one regex test instead of a split per key (this runs for every object pulled).
const BAD_KEY = /(?:^|\/)\.{0,2}(?:\/|$)|[\\\0]/;

/**
 * Checks a store key: relative, `/`-separated, no `.`/`..` segments, no backslashes or NULs.
 * Keys often come from files other people wrote (manifests), so a key that could reach
 * outside the store root is refused rather than normalised.
 */
export function checkKey(key: string): string {
  if (BAD_KEY.test(key)) {
    throw new UserError(
      `Refusing the storage key ${JSON.stringify(key)}: keys must be relative paths without '.', '..' or empty segments`,
      {
        fix: 'This key came from a manifest or an input: correct it so it stays inside the store.',
      },
    );
  }
  return key;
}

/** Joins a prefix and a key with exactly one `/`. */
export function joinKey(prefix: string, key: string): string {
  const p = prefix.replace(/\/+$/, '');
  return p ? `${p}/${key}` : key;
}
