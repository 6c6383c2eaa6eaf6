/**
 * Reads a file a chunk ahead, for the streaming readers (`readTable`, `scanCsvFile`): the next
 * read runs on libuv's thread pool while the current chunk is parsed.
 */
import type { FileHandle } from 'node:fs/promises';

/** Bytes per read: 4 MiB. */
export const CHUNK = 4 << 20;

/**
 * Reads the file a chunk ahead: the next read runs on libuv's thread pool while the current
 * chunk is parsed. Two buffers take turns; a chunk's bytes stay valid until the second
 * `next()` after it, and the caller copies them out at once.
 */
export class ReadAhead {
  private readonly buffers: [Buffer, Buffer];
  private turn = 0;
  private pending: Promise<number>;

  constructor(
    private readonly handle: FileHandle,
    private readonly size: number,
  ) {
    this.buffers = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
    this.pending = this.read(0);
  }

  private read(turn: number): Promise<number> {
    return this.handle.read(this.buffers[turn]!, 0, this.size, null).then((r) => r.bytesRead);
  }

  /** The next chunk (empty at the end of the file). */
  async next(): Promise<Buffer> {
    const n = await this.pending;
    const current = this.buffers[this.turn]!;
    this.turn ^= 1;
    this.pending = n > 0 ? this.read(this.turn) : Promise.resolve(0);
    return current.subarray(0, n);
  }

  /** Waits for a read still in flight (before the file is closed). */
  async settle(): Promise<void> {
    await this.pending.catch(() => 0);
  }
}

/**
 * Appends `bytes` after the first `filled` bytes of `buf` (the unfinished record kept from the
 * last read) and returns the buffer holding both: `buf` itself, or a larger copy when a record
 * is longer than what `buf` holds.
 */
export function appendBytes(buf: Buffer, filled: number, bytes: Buffer): Buffer {
  let out = buf;
  if (filled + bytes.length > buf.length) {
    out = Buffer.allocUnsafe(Math.max(buf.length * 2, filled + bytes.length));
    buf.copy(out, 0, 0, filled);
  }
  bytes.copy(out, filled);
  return out;
}
