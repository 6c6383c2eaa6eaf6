/**
 * What a benchmark is done with (a pull's workspace and cache, a copier's output) is set aside
 * (renamed into one folder: no inode is freed) and deleted only when the benchmark ends, never
 * between timed runs.
 *
 * Why: on ext4 without a journal (`/proc/fs/jbd2/` empty; the root file system of the VMs these
 * benchmarks were first run on) the inode allocator skips every inode freed in the last 60 s
 * (360 s while its inode-table block is dirty), and pays a buffer-cache lookup for each one it
 * skips (Linux fs/ext4/ialloc.c: `find_inode_bit` calls `recently_deleted` when `s_journal` is
 * NULL). After a round had deleted 10,000 files, every file the next run created walked past
 * them: 5,000 empty-file creations took 0.17 s or 4.3 s depending on what had been deleted in
 * the minute before, `perf` put 50-60% of a pull's CPU in `recently_deleted`, and whichever
 * tool ran after a deletion lost. Ext4 with a journal (mkfs's default) does no such check.
 *
 * A folder of a few large files is deleted at once instead (`discard`): it frees a few inodes,
 * nothing for the allocator to skip, and keeps the benchmark's disk use down (the 4 x 64 MB
 * case would set aside ~4.6 GB). Another property of the same VMs, not neutralised here: memory
 * freed for more than ~3 s is handed back to the host, and writing into it again costs ~1.3 ms
 * per MB (`dd` of 512 MB into the page cache: 0.14 s right after an `rm`, 0.65-0.74 s later),
 * so every tool pays it for what it writes.
 */
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let folder: string | undefined;
let count = 0;

/** Moves `path` (a file or folder in the temp folder's file system) out of the way; nothing is deleted yet. */
export function setAside(path: string): void {
  folder ??= mkdtempSync(join(tmpdir(), 'bench-spent-'));
  try {
    renameSync(path, join(folder, String(count++)));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/** Deletes `path` now when it holds at most 100 files, else sets it aside (see above). */
export async function discard(path: string, files: number): Promise<void> {
  if (files > 100) setAside(path);
  else await rm(path, { recursive: true, force: true });
}

/** Deletes everything set aside (when the benchmark is over, or fails). */
export function removeSetAside(): void {
  if (folder) rmSync(folder, { recursive: true, force: true });
  folder = undefined;
}

process.on('exit', removeSetAside);
