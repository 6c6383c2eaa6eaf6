/**
 * The md5 worker thread of a pull: large objects' bytes are hashed here as they stream in,
 * so that the main thread only moves bytes (socket to file) while another core hashes. One
 * md5 per object id; chunks come in order, transferred. A module of its own (type-checked
 * like the rest), bundled as dist/data-pull/digest-worker.js beside the action; from sources
 * Node runs this file directly (erasable TypeScript only, no imports of our modules).
 */
import { createHash, type Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

export type DigestRequest = { id: number; chunk: Uint8Array } | { id: number; end: true } | { id: number; drop: true };
export interface DigestReply {
  id: number;
  md5: string;
}

const hashes = new Map<number, Hash>();

parentPort?.on('message', (m: DigestRequest) => {
  if ('chunk' in m) {
    let hash = hashes.get(m.id);
    if (!hash) {
      hash = createHash('md5');
      hashes.set(m.id, hash);
    }
    hash.update(m.chunk);
    return;
  }
  const hash = hashes.get(m.id) ?? createHash('md5');
  hashes.delete(m.id);
  if ('end' in m) parentPort!.postMessage({ id: m.id, md5: hash.digest('hex') } satisfies DigestReply);
});
