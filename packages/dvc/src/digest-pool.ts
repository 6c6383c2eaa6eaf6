/**
 * md5 of large objects off the main thread. A download of a big object spends most of its
 * CPU on md5; done inline, four parallel 64 MB objects hash one after another on the thread
 * that also reads the sockets. Here each object's chunks go, in order, to a worker thread
 * (digest-worker.ts), and `digest()` resolves with the md5 once the last chunk was hashed.
 * Only the raw md5 (DVC 3) is computed there; DVC 2's dos2unix rule stays on the main thread.
 * Where the worker module is not beside the code (a bundle built without it), `open` returns
 * undefined and callers hash inline, as before.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DigestReply, DigestRequest } from './digest-worker.js';

/** A streaming md5 whose result arrives from a worker thread. */
export interface RemoteDigest {
  update(chunk: Uint8Array): void;
  /** The md5 (hex) of every chunk given. */
  digest(): Promise<string>;
  /** Forgets the object (an attempt that failed). */
  drop(): void;
}

/** The worker module: `digest-worker.js` beside the bundle, or `digest-worker.ts` beside this file (sources). */
function workerPath(): string | undefined {
  const name = 'digest-worker';
  for (const ext of ['js', 'ts']) {
    const path = fileURLToPath(new URL(`./${name}.${ext}`, import.meta.url));
    if (existsSync(path)) return path;
  }
  return undefined;
}

export class DigestPool {
  private workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (md5: string) => void; reject: (e: unknown) => void }>();
  private nextId = 0;
  private failure?: unknown;

  /** Worker threads for `size` (default: one per core beyond the main thread's, at least one, at most 4). */
  constructor(private readonly size = Math.max(1, Math.min(4, availableParallelism() - 1))) {}

  /** A digest computed in a worker, or undefined where workers are not available. */
  open(): RemoteDigest | undefined {
    if (this.failure) return undefined;
    if (!this.workers.length && !this.start()) return undefined;
    const id = this.nextId++;
    const worker = this.workers[id % this.workers.length]!;
    let ended = false;
    const send = (m: DigestRequest, transfer?: ArrayBuffer[]) => worker.postMessage(m, transfer);
    return {
      update: (chunk) => {
        // a copy of just this view, transferred (a socket chunk may share its ArrayBuffer)
        const copy = new Uint8Array(chunk);
        send({ id, chunk: copy }, [copy.buffer as ArrayBuffer]);
      },
      digest: () => {
        ended = true;
        return new Promise<string>((resolve, reject) => {
          if (this.failure) return reject(this.failure);
          this.waiting.set(id, { resolve, reject });
          send({ id, end: true });
        });
      },
      drop: () => {
        if (!ended) send({ id, drop: true });
        ended = true;
      },
    };
  }

  private start(): boolean {
    const path = workerPath();
    if (!path) return false;
    this.workers = Array.from({ length: this.size }, () => {
      const worker = new Worker(path);
      worker.unref(); // never what keeps a process alive
      worker.on('message', (m: DigestReply) => {
        const w = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        w?.resolve(m.md5);
      });
      worker.on('error', (error) => this.fail(error));
      return worker;
    });
    return true;
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    for (const w of this.waiting.values()) w.reject(error);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
