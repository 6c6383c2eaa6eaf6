import { UserError } from '@mlops-gha/common';

/**
 * Checks a store key: relative, `/`-separated, no `.`/`..` segments, no backslashes or NULs.
 * Keys often come from files other people wrote (manifests), so a key that could reach
 * outside the store root is refused rather than normalised.
 */
export function checkKey(key: string): string {
  if (
    key === '' ||
    key.startsWith('/') ||
    key.includes('\\') ||
    key.includes('\0') ||
    key.split('/').some((segment) => segment === '..' || segment === '.' || segment === '')
  ) {
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
