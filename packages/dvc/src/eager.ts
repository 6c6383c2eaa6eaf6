import { mkdirSync, writeFileSync } from 'node:fs';
import { rmdir, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
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
        const dir = dirname(path);
        let usable = this.knownDirs.get(dir);
        if (usable === undefined) {
          // Never write through a link or past a file standing where a folder should be (a
          // repository may hold `data -> /somewhere`): those are the checkout's to replace.
          usable = firstNonFolder(this.root, dir) === undefined;
          if (usable) {
            const first = mkdirSync(dir, { recursive: true });
            // every folder from `dir` up to the first one mkdir made is new
            for (let d = dir; first && d.length >= first.length; d = dirname(d)) this.createdDirs.push(d);
          }
          this.knownDirs.set(dir, usable);
        }
        if (!usable) continue;
        writeFileSync(path, body, { flag: 'wx', mode: 0o666 });
        file.eager = true;
        this.made++;
      } catch {
        // something stands there (a file, a folder, a link): the checkout decides
      }
    }
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
