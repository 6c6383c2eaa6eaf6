/**
 * The hashing worker thread: sha256 and size of each file path it is sent, one at a time,
 * with one reused 4 MB buffer. A module of its own (type-checked like the rest), bundled as
 * dist/train/hash-worker.js beside the action; from sources Node runs this file directly
 * (it uses only erasable TypeScript, which Node >= 22.18 strips).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

export interface HashRequest {
  id: number;
  path: string;
}

export type HashReply = { id: number; sha256: string; size: number } | { id: number; error: string };

const buffer = Buffer.allocUnsafe(4 << 20);

function hashOne(path: string): { sha256: string; size: number } {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    let size = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      hash.update(n === buffer.length ? buffer : buffer.subarray(0, n));
      size += n;
    }
    return { sha256: hash.digest('hex'), size };
  } finally {
    closeSync(fd);
  }
}

parentPort?.on('message', ({ id, path }: HashRequest) => {
  let reply: HashReply;
  try {
    reply = { id, ...hashOne(path) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
