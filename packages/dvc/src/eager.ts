import { mkdirSync, writeFileSync } from 'node:fs';
import { rmdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BodyCache } from './fetch.js';
import { firstNonFolder } from './fs-util.js';
import type { ObjectNeed, OutputPlan, PlannedFile } from './plan.js';

/**
 * Workspace copies made as soon as a small object is downloaded and verified, from its body
 * in memory, for files that do not exist yet (nothing is replaced or removed here: that waits
 * for the checkout's diff). The checkout counts them as created. When an output turns out
 * incomplete, or the checkout refuses, `undo` removes its copies and the folders made for
 * them, so the workspace is as it was.
 */
export class EagerCopies {
  private readonly targets = new Map<string, { plan: OutputPlan; file: PlannedFile }[]>();
  private readonly made = new Map<string, OutputPlan>();
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
        const list = this.targets.get(file.object.cachePath) ?? [];
        list.push({ plan, file });
        this.targets.set(file.object.cachePath, list);
      }
    }
  }

  place(o: ObjectNeed): void {
    const targets = this.targets.get(o.cachePath);
    if (!targets) return;
    const body = this.bodies.take(o.cachePath);
    if (!body) return;
    for (const { plan, file } of targets) {
      const path = join(this.root, ...file.rel.split('/'));
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
        this.made.set(path, plan);
      } catch {
        // something stands there (a file, a folder, a link): the checkout decides
      }
    }
  }

  placed(path: string): boolean {
    return this.made.has(path);
  }

  async undo(plans: OutputPlan[]): Promise<void> {
    if (!plans.length || !this.made.size) return;
    const undone = new Set(plans);
    for (const [path, plan] of this.made) {
      if (!undone.has(plan)) continue;
      await unlink(path).catch(() => undefined);
      this.made.delete(path);
    }
    // the folders made for them, deepest first, unless something else now lives there
    for (const dir of [...new Set(this.createdDirs)].sort((a, b) => b.length - a.length)) {
      await rmdir(dir).catch(() => undefined); // ENOTEMPTY
    }
  }
}
