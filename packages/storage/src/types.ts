import type { Readable } from 'node:stream';

export interface ObjectInfo {
  /** Key relative to the store's root (its prefix). */
  key: string;
  size: number;
  /** The store's entity tag, used by conditional writes (`ifMatch`). */
  etag?: string;
}

export interface PutOptions {
  /** `'*'`: write only if no object exists at the key (S3 If-None-Match: *; exclusive create on a folder). */
  ifNoneMatch?: '*';
  /** Write only if the object's current etag equals this one (S3 If-Match; a locked compare on a folder). */
  ifMatch?: string;
  contentType?: string;
}

export interface PutResult {
  etag?: string;
}

/** A caller-supplied integrity check: fed every chunk; `finish` throws when the bytes are wrong. */
export interface ChunkVerifier {
  /**
   * A chunk is valid only during the call (streams hand out views of a reused read buffer):
   * a verifier that keeps one copies it, unless `owned` says the buffer is never reused.
   */
  update(chunk: Buffer, owned?: boolean): void;
  finish(): void;
}

export interface DownloadOptions {
  /** Verify the bytes against this digest before the file is moved into place. */
  verify?: { algorithm: 'md5' | 'sha256'; digest: string };
  /** A custom check (e.g. DVC 2's dos2unix md5), created afresh for every attempt. */
  verifier?: () => ChunkVerifier;
  /** Called with each chunk's length, for progress meters. */
  onBytes?: (n: number) => void;
  /** File mode of the final file (DVC's cache files are read-only: 0o444). */
  mode?: number;
}

/**
 * A flat key -> bytes store rooted at a prefix: an S3 bucket (any S3-compatible endpoint) or
 * a local folder. Keys use `/` and are relative to the root; they never climb out of it.
 */
export interface ObjectStore {
  /** Where the store points, for messages: `s3://bucket/prefix` or a folder path. */
  readonly location: string;
  /** The URL of a key, for messages and for loaders that fetch by URL (e.g. KServe's storageUri). */
  urlOf(key: string): string;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** A stream of the object's bytes; throws ObjectNotFoundError when absent. */
  get(key: string): Promise<Readable>;
  /** The whole object in memory, or undefined when absent (for small JSON documents). */
  getBytes(key: string): Promise<{ body: Buffer; etag?: string } | undefined>;
  /** Writes a small object from memory; conditional writes throw PreconditionFailedError. */
  put(key: string, body: Buffer | string, options?: PutOptions): Promise<PutResult>;
  /** Uploads a file (multipart where the store has it). */
  putFile(
    key: string,
    path: string,
    options?: { contentType?: string; onBytes?: (n: number) => void },
  ): Promise<PutResult>;
  list(prefix: string): AsyncIterable<ObjectInfo>;
  delete(key: string): Promise<void>;
  /** Streams an object to `dest` through a temporary file, verifying it, with retries. */
  downloadToFile(key: string, dest: string, options?: DownloadOptions): Promise<{ bytes: number }>;
  close(): void;
}
