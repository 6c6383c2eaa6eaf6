import { createHash, hash as oneShotHash, type Hash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';

/** DVC's hash names: `md5` (DVC 3, `hash: md5`) and `md5-dos2unix` (DVC 2 and older, no `hash:`). */
export type HashName = 'md5' | 'md5-dos2unix';

/** DVC 2 read files in 1 MiB chunks and normalised CRLF per chunk (dvc@2.0.0 file_md5). */
const CHUNK = 1024 * 1024;
const SMALL_FILE = 256 * 1024;
const TEXT_BYTES = new Uint8Array(256);
for (let b = 32; b < 127; b++) TEXT_BYTES[b] = 1;
for (const b of [0x0a, 0x0d, 0x09, 0x0c, 0x08]) TEXT_BYTES[b] = 1;

/**
 * DVC 2's `istextblock`: an empty block is text, a NUL byte means binary, otherwise text when
 * at most 30 % of the bytes are outside printable ASCII and `\n\r\t\f\b`.
 */
export function isTextBlock(block: Uint8Array): boolean {
  if (block.length === 0) return true;
  let nontext = 0;
  for (const byte of block) {
    if (byte === 0) return false;
    if (!TEXT_BYTES[byte]) nontext++;
  }
  return nontext / block.length <= 0.3;
}

/** Replaces every `\r\n` in one chunk with `\n` (a pair split across chunks stays, as in DVC 2). */
export function dos2unix(chunk: Buffer): Buffer {
  let idx = chunk.indexOf('\r\n');
  if (idx < 0) return chunk;
  const parts: Buffer[] = [];
  let start = 0;
  while (idx >= 0) {
    parts.push(chunk.subarray(start, idx));
    start = idx + 1; // keep the \n
    idx = chunk.indexOf('\r\n', start);
  }
  parts.push(chunk.subarray(start));
  return Buffer.concat(parts);
}

/**
 * Incremental hashes of a byte stream under both of DVC's rules at once: the raw md5 (DVC 3)
 * and DVC 2's dos2unix md5 (text decided by the first 512 bytes, CRLF -> LF per 1 MiB chunk).
 */
export class ObjectHasher {
  // Made on the second chunk: a small object (one chunk) is hashed by crypto.hash in one call,
  // without a Hash object per file (measured: the constructor cost more than hashing 4 KB).
  private raw?: Hash;
  private first?: Buffer;
  private readonly legacy?: Hash;
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private text: boolean | undefined;

  constructor(readonly withLegacy: boolean) {
    if (withLegacy) this.legacy = createHash('md5');
  }

  update(chunk: Buffer): void {
    if (this.raw) this.raw.update(chunk);
    else if (this.first === undefined) this.first = chunk;
    else {
      this.raw = createHash('md5').update(this.first).update(chunk);
      this.first = undefined;
    }
    if (!this.legacy) return;
    if (this.text === false) {
      this.legacy.update(chunk);
      return;
    }
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
    while (this.pendingLength >= CHUNK) {
      const all = Buffer.concat(this.pending);
      this.feedLegacy(all.subarray(0, CHUNK));
      const rest = all.subarray(CHUNK);
      this.pending = rest.length ? [rest] : [];
      this.pendingLength = rest.length;
      if ((this.text as boolean | undefined) === false) {
        for (const p of this.pending) this.legacy.update(p);
        this.pending = [];
        this.pendingLength = 0;
        return;
      }
    }
  }

  private feedLegacy(block: Buffer): void {
    if (this.text === undefined) this.text = isTextBlock(block.subarray(0, 512));
    this.legacy!.update(this.text ? dos2unix(block) : block);
  }

  /** `{ md5, legacy }`: legacy is the DVC 2 md5-dos2unix hash when asked for. */
  digest(): { md5: string; legacy?: string } {
    if (this.legacy && (this.pendingLength > 0 || this.text === undefined)) {
      this.feedLegacy(Buffer.concat(this.pending));
      this.pending = [];
      this.pendingLength = 0;
    }
    const md5 = this.raw ? this.raw.digest('hex') : oneShotHash('md5', this.first ?? Buffer.alloc(0), 'hex');
    return { md5, legacy: this.legacy?.digest('hex') };
  }
}

/** True when `digest` is an acceptable name for these bytes under `hashName`. */
export function digestMatches(hashName: HashName, oid: string, digest: { md5: string; legacy?: string }): boolean {
  if (digest.md5 === oid) return true;
  return hashName === 'md5-dos2unix' && digest.legacy === oid;
}

/** Hashes a file as DVC names it under `hashName`: raw md5, or DVC 2's dos2unix md5. */
export async function hashFileAs(path: string, hashName: HashName): Promise<string> {
  const digest = await hashFileBoth(path, hashName === 'md5-dos2unix');
  return hashName === 'md5-dos2unix' ? digest.legacy! : digest.md5;
}

export async function hashFileBoth(
  path: string,
  withLegacy: boolean,
  knownSize?: number,
): Promise<{ md5: string; legacy?: string }> {
  const hasher = new ObjectHasher(withLegacy);
  if (knownSize !== undefined && knownSize <= SMALL_FILE) {
    // Small files in one synchronous read: no stream, no thread-pool round trips.
    hasher.update(readFileSync(path));
    return hasher.digest();
  }
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) hasher.update(chunk as Buffer);
  return hasher.digest();
}

/** The md5 of bytes in memory under DVC's rules. */
export function hashBytesAs(bytes: Buffer, hashName: HashName): string {
  const hasher = new ObjectHasher(hashName === 'md5-dos2unix');
  hasher.update(bytes);
  const d = hasher.digest();
  return hashName === 'md5-dos2unix' ? d.legacy! : d.md5;
}

export interface DirEntry {
  md5: string;
  relpath: string;
}

/** Python's str ordering: by code point (JS compares UTF-16 units, which differs for astral characters). */
export function comparePython(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx - cy;
  }
}

/** A string as Python's `json.dumps` writes it with `ensure_ascii=True`. */
export function pythonJsonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += text[i];
  }
  return `${out}"`;
}

/** The bytes of a `.dir` object: `json.dumps(sorted entries, sort_keys=True)` as DVC writes it. */
export function dirManifestBytes(entries: DirEntry[]): Buffer {
  const sorted = [...entries].sort((a, b) => comparePython(a.relpath, b.relpath));
  const body = sorted
    .map((e) => `{"md5": ${pythonJsonString(e.md5)}, "relpath": ${pythonJsonString(e.relpath)}}`)
    .join(', ');
  return Buffer.from(`[${body}]`, 'utf8');
}

/** The hash DVC gives a directory: md5 of its manifest bytes plus `.dir`. */
export function dirHash(entries: DirEntry[]): string {
  return `${createHash('md5').update(dirManifestBytes(entries)).digest('hex')}.dir`;
}

/** The raw md5 of bytes in memory (small objects such as .dir manifests). */
export function md5Of(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex');
}
