import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '@mlops-gha/common';
import { LocalStore } from './local-store.js';
import { parseS3Url, S3Store, type S3StoreOptions } from './s3-store.js';
import type { ObjectStore } from './types.js';

export interface OpenStoreOptions extends Omit<S3StoreOptions, 'bucket' | 'prefix'> {
  /** Base folder for relative local paths (e.g. the repository root). */
  cwd?: string;
  /** What held the URL, named in errors about it: e.g. "the `registry` input", "url of [remote \"storage\"] in .dvc/config". */
  source?: string;
}

/**
 * Opens the store a URL names: `s3://bucket/prefix` (any S3-compatible endpoint with
 * `endpoint`), `file:///abs/path`, or a local folder path (relative to `cwd`).
 */
export function openStore(url: string, options: OpenStoreOptions = {}): ObjectStore {
  const trimmed = url.trim();
  const { source, ...storeOptions } = options;
  const where = source ? ` (${source})` : '';
  if (trimmed.startsWith('s3://')) return new S3Store({ ...parseS3Url(trimmed, source), ...storeOptions });
  if (trimmed.startsWith('file://')) return new LocalStore(fileURLToPath(trimmed));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    const scheme = trimmed.slice(0, trimmed.indexOf(':'));
    throw new UserError(`Unsupported storage URL scheme ${scheme}:// in ${JSON.stringify(url)}${where}`, {
      fix: 'Use s3://bucket/prefix (any S3-compatible endpoint via endpoint-url) or a local folder path.',
    });
  }
  if (trimmed === '')
    throw new UserError(`Empty storage URL${where}`, { fix: 'Give s3://bucket/prefix or a folder path.' });
  return new LocalStore(isAbsolute(trimmed) ? trimmed : resolve(storeOptions.cwd ?? process.cwd(), trimmed));
}
