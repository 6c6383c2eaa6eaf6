import { closeSync, linkSync, mkdirSync, openSync, unlinkSync, writeFileSync } from 'node:fs';
import { rmdir, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tempBeside, writeAllSync } from '@mlops-gha/storage';
import type { BodyCache } from './fetch.js';
import { firstNonFolder, workspacePath } from './fs-util.js';
import type { ObjectNeed, OutputPlan, PlannedFile } from './plan.js';

/**
 * Workspace copies made as soon as a small object is downloaded and verified, from its body
 * in memory, for files that do not exist yet (nothing is replaced or removed here: that waits
 * for the checkout's diff). The checkout counts them as created. When an output turns out
 * incomplete, or the checkout refuses, `undo` removes its copies and the folders made for
 * them, so the workspace is as it was. What was written is a flag on the PlannedFile, and the
 * targets are keyed by the object itself: no path string is kept per file.
 *
 * A large object (no body kept in memory) gets its copies as its bytes arrive (`stream`): each
 * verified chunk the download feeds its verifier is also written to a temporary file beside
 * each target, and the temporaries are linked into place only when the object's digest
 * matched. Without this the checkout copied each large file again after the download.
 */
export class EagerCopies {
  /** The file(s) each object is copied to: one PlannedFile, or a list when several share it. */
  private readonly targets = new Map<ObjectNeed, PlannedFile | PlannedFile[]>();
  private made = 0;
  private readonly createdDirs: string[] = [];
  /** Folders checked (and made) for eager copies: true when every part is a real folder. */
  private readonly knownDirs = new Map<string, boolean>();

  constructor(
    private readonly root: string,
    plans: OutputPlan[],
    private readonly bodies: BodyCache,
  ) {
    for (const plan of plans) {
      if (plan.problem !== undefined) continue;
      for (const file of plan.files) {
        if (file.isexec) continue;
        const known = this.targets.get(file.object);
        if (known === undefined) this.targets.set(file.object, file);
        else if (Array.isArray(known)) known.push(file);
        else this.targets.set(file.object, [known, file]);
      }
    }
  }

  place(o: ObjectNeed): void {
    const targets = this.targets.get(o);
    if (!targets) return;
    this.targets.delete(o);
    const body = this.bodies.take(o);
    if (!body) return;
    for (const file of Array.isArray(targets) ? targets : [targets]) {
      const path = workspacePath(this.root, file.rel);
      try {
        if (!this.usableDir(dirname(path))) continue;
        writeFileSync(path, body, { flag: 'wx', mode: 0o666 });
        file.eager = true;
        this.made++;
      } catch {
        // something stands there (a file, a folder, a link): the checkout decides
      }
    }
  }

  /**
   * Never write through a link or past a file standing where a folder should be (a repository
   * may hold `data -> /somewhere`): those are the checkout's to replace. Makes what is missing.
   */
  private usableDir(dir: string): boolean {
    let usable = this.knownDirs.get(dir);
    if (usable === undefined) {
      usable = firstNonFolder(this.root, dir) === undefined;
      if (usable) {
        const first = mkdirSync(dir, { recursive: true });
        // every folder from `dir` up to the first one mkdir made is new
        for (let d = dir; first && d.length >= first.length; d = dirname(d)) this.createdDirs.push(d);
      }
      this.knownDirs.set(dir, usable);
    }
    return usable;
  }

  /** Open streamed copies, one per object (a retried download starts its copy again). */
  private readonly streams = new Map<ObjectNeed, StreamedCopy>();

  /**
   * Starts the workspace copies of `o` from its bytes as they arrive, or undefined when it has
   * no eager target. A copy started earlier for `o` (a failed attempt) is dropped first.
   */
  stream(o: ObjectNeed): StreamedCopy | undefined {
    this.streams.get(o)?.discard();
    this.streams.delete(o);
    const targets = this.targets.get(o);
    if (!targets) return undefined;
    const files: { file: PlannedFile; path: string; temp: string; fd: number }[] = [];
    for (const file of Array.isArray(targets) ? targets : [targets]) {
      const path = workspacePath(this.root, file.rel);
      try {
        if (!this.usableDir(dirname(path))) continue;
        const temp = tempBeside(path);
        files.push({ file, path, temp, fd: openSync(temp, 'wx', 0o666) });
      } catch {
        // the checkout decides (as in place)
      }
    }
    if (!files.length) return undefined;
    const copy = new StreamedCopy(
      files,
      (file) => {
        file.eager = true;
        this.made++;
      },
      () => {
        this.streams.delete(o);
        this.targets.delete(o);
      },
    );
    this.streams.set(o, copy);
    return copy;
  }

  /** Drops the streamed copies whose download never finished (called once the fetch is over). */
  dropOpenStreams(): void {
    for (const copy of this.streams.values()) copy.discard();
    this.streams.clear();
  }

  async undo(plans: OutputPlan[]): Promise<void> {
    if (!plans.length || !this.made) return;
    for (const plan of plans) {
      for (const file of plan.files) {
        if (!file.eager) continue;
        await unlink(workspacePath(this.root, file.rel)).catch(() => undefined);
        file.eager = false;
        this.made--;
      }
    }
    // the folders made for them, deepest first, unless something else now lives there
    for (const dir of [...new Set(this.createdDirs)].sort((a, b) => b.length - a.length)) {
      await rmdir(dir).catch(() => undefined); // ENOTEMPTY
    }
  }
}

/** The temporary copies of one large object, written chunk by chunk, linked into place when verified. */
export class StreamedCopy {
  private open = true;

  constructor(
    private readonly files: { file: PlannedFile; path: string; temp: string; fd: number }[],
    /** A copy is in place at its file's path. */
    private readonly committed: (file: PlannedFile) => void,
    /** Every copy was committed or refused: the object needs nothing more. */
    private readonly done: () => void,
  ) {}

  /**
   * Called with each verified-in-order chunk, during the call (the chunk is a reused buffer's
   * view). A failed write (a full disk) abandons these copies, not the download: the checkout
   * then copies from the cache as it would have.
   */
  write(chunk: Buffer): void {
    if (!this.open) return;
    try {
      for (const f of this.files) writeAllSync(f.fd, chunk);
    } catch {
      this.discard();
    }
  }

  /** The digest matched: each copy is linked in where nothing appeared meanwhile (like 'wx'). */
  commit(): void {
    if (!this.open) return;
    this.close();
    for (const f of this.files) {
      try {
        linkSync(f.temp, f.path);
        this.committed(f.file);
      } catch {
        // something appeared there meanwhile: the checkout decides
      }
    }
    this.removeTemps();
    this.done();
  }

  discard(): void {
    if (!this.open) return;
    this.close();
    this.removeTemps();
  }

  private removeTemps(): void {
    for (const f of this.files) {
      try {
        unlinkSync(f.temp);
      } catch {
        // already gone
      }
    }
  }

  private close(): void {
    this.open = false;
    for (const f of this.files) {
      try {
        closeSync(f.fd);
      } catch {
        // a descriptor the failed write left unusable
      }
    }
  }
}
