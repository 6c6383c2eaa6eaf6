/**
 * What the last checkout left in the workspace, as DVC's state database keeps it: for each
 * workspace file its size, mtime, ctime and inode when its content was known to be a given
 * object. A later pull whose lstat of the file gives the same four values skips hashing it
 * (the no-op pull is then a stat walk). Kept in `.dvc/tmp/` (git-ignored by `dvc init`); a
 * missing or unreadable file only means hashing as before. Inode and ctime cannot be chosen
 * by a file's author, so a copied or committed state file never matches a fresh checkout.
 *
 * Format, one file a line: `rel \t stamp \t oid`, the stamp being the four numbers' 64-bit
 * doubles in hex (exact, and read back without decimal parsing). In memory: the numbers in
 * one Float64Array, a Map from path to row, and the oids; the file's text is not kept.
 * Lines of another shape (an older format, damage) are ignored. Lines starting with a NUL byte
 * (never a path: manifests with NUL are refused) are notes, `\0key \t value`, kept as text for
 * other modules (settled.ts); older versions ignore them.
 */
import {
  closeSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { join } from 'node:path';

const FILE = 'mlops-dvc-state.tsv';
const FIELDS = 4; // size, mtimeMs, ctimeMs, ino

/** What a row holds of a file's stat. */
export type RecordedStats = Pick<Stats, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino'>;
const STAMP_HEX = FIELDS * 16;

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX[HEX_DIGITS[i]!] = i;
}

export class WorkspaceState {
  private readonly rows = new Map<string, number>();
  private numbers = new Float64Array(0);
  private words = new Uint32Array(this.numbers.buffer);
  private readonly oids: string[] = [];
  private readonly notes = new Map<string, string>();
  /** The state file's mtime when loaded (0: none): what was stamped before it is not racy. */
  private writtenAtMs = 0;

  private constructor(private readonly dir: string) {}

  static load(root: string): WorkspaceState {
    const state = new WorkspaceState(join(root, '.dvc', 'tmp'));
    let fd: number;
    try {
      fd = openSync(join(state.dir, FILE), 'r');
    } catch {
      return state; // no state yet
    }
    try {
      state.writtenAtMs = fstatSync(fd).mtimeMs;
      state.readLines(fd);
      return state;
    } catch {
      return new WorkspaceState(state.dir); // unreadable: hashing as before
    } finally {
      closeSync(fd);
    }
  }

  /** Parses the file through one 1 MB buffer (a million-file state is ~130 MB: never read whole). */
  private readLines(fd: number): void {
    this.grow(Math.ceil(fstatSync(fd).size / 120));
    const buffer = Buffer.allocUnsafe(1 << 20);
    let kept = 0; // an unfinished line, moved to the buffer's start
    let skipping = false; // inside a line longer than the buffer: not one of ours
    for (;;) {
      const got = readSync(fd, buffer, kept, buffer.length - kept, null);
      const end = kept + got;
      let start = 0;
      for (let nl = buffer.indexOf(10, kept); nl >= 0 && nl < end; nl = buffer.indexOf(10, start)) {
        if (!skipping) this.parseLine(buffer, start, nl);
        skipping = false;
        start = nl + 1;
      }
      if (got === 0) {
        if (!skipping && start < end) this.parseLine(buffer, start, end); // no final newline
        return;
      }
      kept = end - start;
      if (kept === buffer.length) {
        skipping = true;
        kept = 0;
      } else buffer.copy(buffer, 0, start, end);
    }
  }

  private parseLine(bytes: Buffer, start: number, end: number): void {
    const tab = bytes.indexOf(9, start);
    if (bytes[start] === 0) {
      if (tab > start + 1 && tab < end)
        this.notes.set(bytes.toString('utf8', start + 1, tab), bytes.toString('utf8', tab + 1, end));
      return;
    }
    // rel \t 64 hex digits \t 32 hex digits
    if (tab <= start || tab + 1 + STAMP_HEX + 1 + 32 !== end || bytes[tab + 1 + STAMP_HEX] !== 9) return;
    const row = this.oids.length;
    this.grow(row + 1);
    for (let w = 0; w < FIELDS * 2; w++) {
      let value = 0;
      for (let i = tab + 1 + w * 8, last = i + 8; i < last; i++) {
        const digit = HEX[bytes[i]!] ?? -1;
        if (digit < 0) return;
        value = value * 16 + digit;
      }
      this.words[row * FIELDS * 2 + w] = value;
    }
    const oid = bytes.toString('latin1', end - 32, end);
    const rel = bytes.toString('utf8', start, tab);
    this.oids.push(oid);
    this.rows.set(rel, row);
  }

  private grow(rows: number): void {
    if (this.numbers.length >= rows * FIELDS) return;
    const next = new Float64Array(Math.max(rows, (this.numbers.length / FIELDS) * 2, 64) * FIELDS);
    next.set(this.numbers);
    this.numbers = next;
    this.words = new Uint32Array(next.buffer);
  }

  /** Nothing recorded (a fresh clone): no workspace file can match. */
  get empty(): boolean {
    return this.rows.size === 0;
  }

  /** True when `rel` was recorded as holding `oid` and its stat is unchanged since. */
  matches(rel: string, st: Stats, oid: string): boolean {
    const row = this.rows.get(rel);
    return row !== undefined && this.oids[row] === oid && this.sameStamp(row, st);
  }

  /** True when `rel` was recorded (holding whatever object) and its stat is unchanged since. */
  unchanged(rel: string, st: Stats): boolean {
    const row = this.rows.get(rel);
    return row !== undefined && this.sameStamp(row, st);
  }

  private sameStamp(row: number, st: Stats): boolean {
    const n = this.numbers;
    const at = row * FIELDS;
    return n[at] === st.size && n[at + 1] === st.mtimeMs && n[at + 2] === st.ctimeMs && n[at + 3] === st.ino;
  }

  /** The object `rel` was recorded as holding. */
  oidOf(rel: string): string | undefined {
    const row = this.rows.get(rel);
    return row === undefined ? undefined : this.oids[row];
  }

  /** Every recorded path, in no particular order. */
  paths(): IterableIterator<string> {
    return this.rows.keys();
  }

  /** Forgets what `rel` held (its row stays allocated but is no longer written). */
  forget(rel: string): void {
    this.rows.delete(rel);
  }

  /** When the loaded state file was written (its mtime in ms; 0 when there was none). */
  get writtenAt(): number {
    return this.writtenAtMs;
  }

  note(key: string): string | undefined {
    return this.notes.get(key);
  }

  /** Sets (or with undefined, removes) a note; the value must not hold a newline. */
  setNote(key: string, value: string | undefined): void {
    if (value === undefined) this.notes.delete(key);
    else this.notes.set(key, value);
  }

  /** Records what `rel` holds now (a regular file whose content is `oid`); anything else is forgotten. */
  record(rel: string, path: string, oid: string): void {
    let st: Stats | undefined;
    try {
      st = lstatSync(path, { throwIfNoEntry: false });
    } catch {
      st = undefined;
    }
    if (st?.isFile()) this.recordStats(rel, st, oid);
    else this.rows.delete(rel);
  }

  /** Records a regular file's stat taken by the writer itself (fstat of the file it wrote). */
  recordStats(rel: string, st: RecordedStats, oid: string): void {
    let row = this.rows.get(rel);
    if (row === undefined) {
      row = this.oids.length;
      this.grow(row + 1);
      this.oids.push(oid);
      this.rows.set(rel, row);
    } else this.oids[row] = oid;
    const at = row * FIELDS;
    this.numbers[at] = st.size;
    this.numbers[at + 1] = st.mtimeMs;
    this.numbers[at + 2] = st.ctimeMs;
    this.numbers[at + 3] = st.ino;
  }

  /**
   * Writes the state file (temp file, then rename). Lines are encoded straight into one
   * reused buffer: building them as strings left a rope of a dozen pieces per file alive
   * until the join, most of a million-file pull's peak memory.
   */
  save(): void {
    const temp = join(this.dir, `.${FILE}.${process.pid}`);
    let fd: number | undefined;
    try {
      mkdirSync(this.dir, { recursive: true });
      fd = openSync(temp, 'w');
      const out = new LineWriter(fd);
      for (const [key, value] of this.notes) {
        if (key.includes('\t') || key.includes('\n') || value.includes('\n')) continue;
        const line = Buffer.from(`\0${key}\t${value}\n`);
        const at = out.reserve(line.length);
        if (at >= 0) line.copy(out.buffer, at);
      }
      for (const [rel, row] of this.rows) {
        const oid = this.oids[row]!;
        // what load() could not read back is not written (and a short oid would leave buffer bytes unset)
        if (rel.includes('\n') || rel.includes('\t') || oid.length !== 32) continue;
        let at = out.reserve(Buffer.byteLength(rel) + 1 + STAMP_HEX + 1 + 32 + 1);
        if (at < 0) continue; // longer than any path a filesystem accepts
        const buffer = out.buffer;
        at += buffer.write(rel, at);
        buffer[at++] = 9;
        for (let w = row * FIELDS * 2, last = w + FIELDS * 2; w < last; w++) {
          const value = this.words[w]!;
          for (let shift = 28; shift >= 0; shift -= 4) buffer[at++] = HEX_DIGITS[(value >>> shift) & 15]!;
        }
        buffer[at++] = 9;
        at += buffer.write(oid, at, 'latin1');
        buffer[at] = 10;
      }
      out.flush();
      closeSync(fd);
      fd = undefined;
      renameSync(temp, join(this.dir, FILE));
    } catch {
      // a read-only .dvc/tmp only costs the next pull its hashing
      try {
        if (fd !== undefined) closeSync(fd);
        rmSync(temp, { force: true });
      } catch {
        // nothing was created there
      }
    }
  }
}

/** Fixed-size lines appended to a file through one 1 MB buffer. */
class LineWriter {
  readonly buffer = Buffer.allocUnsafe(1 << 20);
  private used = 0;

  constructor(private readonly fd: number) {}

  /** Where a line of `bytes` bytes, to be filled in full, starts in `buffer`; -1 when it cannot fit at all. */
  reserve(bytes: number): number {
    if (bytes > this.buffer.length) return -1;
    if (this.used + bytes > this.buffer.length) this.flush();
    const start = this.used;
    this.used += bytes;
    return start;
  }

  flush(): void {
    for (let done = 0; done < this.used;) done += writeSync(this.fd, this.buffer, done, this.used - done);
    this.used = 0;
  }
}
