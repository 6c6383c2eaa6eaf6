/**
 * A local double of the Actions cache service v2, as @actions/cache 6 speaks it
 * (reference/github.md §3): twirp JSON RPCs under
 * `/twirp/github.actions.results.api.v1.CacheService/<Method>` with the runtime token as a
 * bearer, and an Azure block-blob endpoint for the signed upload URL (one `PUT` with
 * `x-ms-blob-type: BlockBlob` up to 128 MiB, Put Block + Put Block List above) and the signed
 * download URL (a plain `GET`: the client uses the Azure SDK only for *.blob.core.windows.net).
 * Entries keep the archive exactly as it arrived, so tests can inspect what was saved.
 *
 * Semantics, as the service behaves:
 * - CreateCacheEntry `{key, version}` reserves an entry and answers `{ok, signed_upload_url}`;
 *   a second one for a key+version that exists (committed, or reserved by another job) is
 *   refused with twirp `already_exists` (409) "cache entry with the same key, version, and
 *   scope already exists" (the client then logs `Failed to save: Unable to reserve cache…`
 *   and returns -1).
 * - FinalizeCacheEntryUpload `{key, version, size_bytes}` commits the reserved entry once its
 *   blob is uploaded and its size matches; `{ok, entry_id}`.
 * - GetCacheEntryDownloadURL `{key, restore_keys[], version}`: only committed entries of that
 *   version; first an exact match of `key`, then the newest entry whose key starts with `key`,
 *   then each restore key in order, exact then newest prefix match. No match: `{ok: false}`
 *   (HTTP 200), which the client reads as a miss.
 * One scope (one branch) only: no fallback to the default branch's caches.
 *
 * The action finds it through `env()`; the client also needs the job's RUNNER_TEMP (where it
 * writes the archive) and GITHUB_WORKSPACE (what archive paths are relative to), which the
 * runner (and runAction) sets per job.
 */
import { ResultsServiceDouble, runtimeToken, twirpError, type BlobTarget, type TwirpReply } from './results-service.js';

export { type RecordedRequest } from './results-service.js';

export const CACHE_SERVICE = 'github.actions.results.api.v1.CacheService';

export const ALREADY_EXISTS = 'cache entry with the same key, version, and scope already exists';

export interface StoredCacheEntry {
  id: number;
  key: string;
  version: string;
  /** Reservation order: larger is newer. */
  sequence: number;
  createdAt: string;
  /** Committed by FinalizeCacheEntryUpload: only then can it be restored. */
  finalized: boolean;
  /** What FinalizeCacheEntryUpload declared. */
  declaredSize?: number;
  /** The uploaded archive (tar, zstd or gzip compressed), as it arrived. */
  bytes?: Buffer;
  contentType?: string;
  /** Times a download URL was handed out for it. */
  restores: number;
}

export class CacheServiceDouble extends ResultsServiceDouble {
  readonly entries: StoredCacheEntry[] = [];
  private nextId = 1;

  private constructor(token: string) {
    super(CACHE_SERVICE, 'cache', token);
  }

  static async start(): Promise<CacheServiceDouble> {
    const double = new CacheServiceDouble(runtimeToken());
    await double.listen();
    return double;
  }

  /** The variables the runner gives a node action for the cache service v2. */
  env(): Record<string, string> {
    return { ...this.resultsEnv(), ACTIONS_CACHE_SERVICE_V2: 'true', GITHUB_SERVER_URL: 'https://github.com' };
  }

  /** The committed entries (key, version, archive bytes), oldest first. */
  committed(): StoredCacheEntry[] {
    return this.entries.filter((e) => e.finalized);
  }

  /** The committed entry for this key (and version, when given), or undefined. */
  entry(key: string, version?: string): StoredCacheEntry | undefined {
    return this.committed().find((e) => e.key === key && (version === undefined || e.version === version));
  }

  /** The decoded bodies of the twirp requests of one method, in order. */
  calls(
    method: 'CreateCacheEntry' | 'FinalizeCacheEntryUpload' | 'GetCacheEntryDownloadURL',
  ): Record<string, unknown>[] {
    return this.requests.filter((r) => r.operation === method && r.body).map((r) => r.body!);
  }

  protected blobTarget(id: number): BlobTarget | undefined {
    const entry = this.entries.find((e) => e.id === id);
    if (!entry) return undefined;
    return {
      readable: entry.finalized,
      writable: !entry.finalized,
      sealedMessage: 'The cache entry is already committed.',
      bytes: entry.bytes,
      contentType: entry.contentType || 'application/octet-stream',
      authorize: (sig, access) => sig === signature(entry, access),
      commit(bytes, contentType) {
        entry.bytes = bytes;
        entry.contentType = contentType;
      },
    };
  }

  protected rpc(method: string, request: Record<string, unknown>, path: string): TwirpReply {
    const key = typeof request.key === 'string' ? request.key : '';
    const version = typeof request.version === 'string' ? request.version : '';
    if (!key) return twirpError(400, 'invalid_argument', 'key is required');
    if (!version) return twirpError(400, 'invalid_argument', 'version is required');
    switch (method) {
      case 'CreateCacheEntry': {
        const invalid = keyError(key);
        if (invalid) return twirpError(400, 'invalid_argument', invalid);
        if (this.entries.some((e) => e.key === key && e.version === version))
          return twirpError(409, 'already_exists', ALREADY_EXISTS);
        const entry: StoredCacheEntry = {
          id: this.nextId++,
          key,
          version,
          sequence: this.entries.length,
          createdAt: new Date().toISOString(),
          finalized: false,
          restores: 0,
        };
        this.entries.push(entry);
        return {
          status: 200,
          body: { ok: true, signed_upload_url: this.blobUrl(entry.id, signature(entry, 'write')) },
        };
      }
      case 'FinalizeCacheEntryUpload': {
        const entry = this.entries.find((e) => e.key === key && e.version === version && !e.finalized);
        if (!entry)
          return twirpError(
            404,
            'not_found',
            `no cache entry with key ${key} and version ${version} is being uploaded`,
          );
        if (!entry.bytes) return twirpError(400, 'failed_precondition', 'the cache entry has no uploaded blob');
        const size = Number(request.size_bytes);
        if (size !== entry.bytes.length)
          return twirpError(
            400,
            'invalid_argument',
            `size_bytes ${request.size_bytes} does not match the uploaded blob (${entry.bytes.length} bytes)`,
          );
        entry.finalized = true;
        entry.declaredSize = size;
        return { status: 200, body: { ok: true, entry_id: String(entry.id) } };
      }
      case 'GetCacheEntryDownloadURL': {
        const restoreKeys = Array.isArray(request.restore_keys) ? request.restore_keys.map(String) : [];
        const entry = this.lookup([key, ...restoreKeys], version);
        if (!entry) return { status: 200, body: { ok: false, signed_download_url: '', matched_key: '' } };
        entry.restores++;
        return {
          status: 200,
          body: {
            ok: true,
            signed_download_url: this.blobUrl(entry.id, signature(entry, 'read')),
            matched_key: entry.key,
          },
        };
      }
      default:
        return twirpError(404, 'bad_route', `no handler for path "${path}"`);
    }
  }

  /** Each key in order: an exact match, else the newest entry whose key starts with it. */
  private lookup(keys: string[], version: string): StoredCacheEntry | undefined {
    const candidates = this.committed().filter((e) => e.version === version);
    for (const key of keys) {
      const exact = candidates.find((e) => e.key === key);
      if (exact) return exact;
      const prefixed = candidates.filter((e) => e.key.startsWith(key)).sort((a, b) => b.sequence - a.sequence);
      if (prefixed[0]) return prefixed[0];
    }
    return undefined;
  }
}

const signature = (entry: StoredCacheEntry, access: 'read' | 'write') =>
  `${access === 'write' ? 'upload' : 'download'}-signature-${entry.id}`;

function keyError(key: string): string | undefined {
  if (key.length > 512) return `key ${key} is longer than 512 characters`;
  if (key.includes(',')) return `key ${key} contains a comma`;
  return undefined;
}
