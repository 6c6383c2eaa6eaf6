import { stat } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import { hashFile } from '@mlops-gha/common';
import { availableParallelism } from 'node:os';
import { hashFiles, type FileDigest } from './hashing.js';

/** Identity of a file's content as the kernel tracks it: any write changes size, mtime or ctime. */
function statKey(s: BigIntStats): string {
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

/**
 * Hashes output files while the training command is still running, so that checkpoints and
 * models written during a long run are not hashed only after it. A hash is trusted at the end
 * only if the file's size, inode, mtime and ctime (nanoseconds) are exactly those it had before
 * it was read, and it had been still for `settleMs` (300 ms, far above the kernel clock tick) when the reading began (so that a write in
 * the same coarse kernel clock tick cannot go unnoticed: the "racy git" rule). Anything else is
 * hashed again after the run. The same rule DVC's state database and git's index rely on.
 */
export class OutputHashCache {
  private readonly entries = new Map<string, { key: string; digest: FileDigest }>();
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private stopped = false;
  private notBefore = 0;
  /** Files hashed during the run, and how many of those were reused at the end. */
  readonly stats = { hashedDuringRun: 0, reused: 0, hashedAfterRun: 0 };

  constructor(
    private readonly options: {
      /** Lists the output files now (absolute paths). */
      expand: () => Promise<string[]>;
      intervalMs?: number;
      settleMs?: number;
      now?: () => number;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.scan(), this.options.intervalMs ?? 1000);
    this.timer.unref();
  }

  /** One pass: hash every settled file that is new or changed since its last hash. */
  scan(): Promise<void> {
    if (this.scanning || this.stopped) return this.scanning ?? Promise.resolve();
    const now = this.options.now ?? Date.now;
    if (Date.now() < this.notBefore) return Promise.resolve();
    this.scanning = (async () => {
      let files: string[];
      const listing = Date.now();
      try {
        files = await this.options.expand();
      } catch {
        return; // a folder that does not exist yet, say; the final pass reports problems
      } finally {
        // A glob over a big tree must not eat the training's CPU: listing takes at most ~10%.
        this.notBefore = Date.now() + 9 * (Date.now() - listing);
      }
      for (const file of files) {
        if (this.stopped) return;
        try {
          const before = await stat(file, { bigint: true });
          if (!before.isFile()) continue;
          const key = statKey(before);
          if (this.entries.get(file)?.key === key) continue;
          if (now() - Number(before.mtimeMs) < (this.options.settleMs ?? 300)) continue;
          const sha256 = await hashFile(file, 'sha256');
          const after = await stat(file, { bigint: true });
          if (statKey(after) !== key) continue;
          this.entries.set(file, { key, digest: { sha256, size: Number(after.size) } });
          this.stats.hashedDuringRun += 1;
        } catch {
          // Deleted or replaced while we looked: hashed after the run if it is still there.
        }
      }
    })().finally(() => {
      this.scanning = undefined;
    });
    return this.scanning;
  }

  /** Stops scanning; a pass in progress ends after its current file. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.scanning) await this.scanning;
  }

  /** The digests of `files` now: verified hashes from the run reused, the rest computed. */
  async digest(files: string[], onFile?: (size: number) => void): Promise<FileDigest[]> {
    const results: (FileDigest | undefined)[] = await Promise.all(
      files.map(async (file) => {
        const entry = this.entries.get(file);
        if (!entry) return undefined;
        try {
          return statKey(await stat(file, { bigint: true })) === entry.key ? entry.digest : undefined;
        } catch {
          return undefined;
        }
      }),
    );
    const missing = files.filter((_, i) => results[i] === undefined);
    // The command has ended: every core is ours (during the run one is left to the training).
    const computed = await hashFiles(missing, { onFile, concurrency: availableParallelism() });
    this.stats.reused = files.length - missing.length;
    this.stats.hashedAfterRun = missing.length;
    let next = 0;
    return results.map((r) => r ?? computed[next++]!);
  }
}
