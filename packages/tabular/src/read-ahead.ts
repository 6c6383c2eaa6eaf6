/**
 * Reading a file a chunk ahead, for the streaming readers (`readTable`, `scanCsvFile`,
 * `scanJsonLinesFile`): the next read runs on libuv's thread pool while the current chunk is
 * parsed.
 */
import { open, type FileHandle } from 'node:fs/promises';

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

/**
 * Streams the file at `path` through `scan`, for the record-by-record readers (`scanCsvFile`,
 * `scanJsonLinesFile`): each call gets the bytes read so far, `buf[pos, end)`, and whether they
 * reach the end of the file, and returns the offset it consumed up to; what is left (an
 * unfinished record) is fed again with the next read. A UTF-8 byte order mark is skipped. An
 * error `scan` throws stops the reading and closes the file.
 */
export async function scanFile(
  path: string,
  readBytes: number | undefined,
  scan: (buf: Buffer, pos: number, end: number, eof: boolean) => number,
): Promise<void> {
  const chunk = Math.max(16, readBytes ?? CHUNK);
  const handle = await open(path, 'r');
  const ahead = new ReadAhead(handle, chunk);
  try {
    let buf: Buffer = Buffer.allocUnsafe(chunk * 2);
    let filled = 0;
    let pos = 0;
    let first = true;
    for (;;) {
      const bytes = await ahead.next();
      const eof = bytes.length === 0;
      buf = appendBytes(buf, filled, bytes);
      filled += bytes.length;
      if (first) {
        if (filled < 3 && !eof) continue;
        first = false;
        if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3; // a UTF-8 byte order mark
      }
      pos = scan(buf, pos, filled, eof);
      if (eof) return;
      // Keep the unfinished record and read on.
      buf.copy(buf, 0, pos, filled);
      filled -= pos;
      pos = 0;
    }
  } finally {
    await ahead.settle();
    await handle.close();
  }
}
