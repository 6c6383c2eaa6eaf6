import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { HashReply, HashRequest } from './hash-worker.js';

// The worker as hashing.ts starts it from sources (Node strips the types): its message protocol
// is the contract, one reply per request, carrying the request's id.
let worker: Worker;
let dir: string;
beforeAll(async () => {
  worker = new Worker(new URL('./hash-worker.ts', import.meta.url));
  dir = await mkdtemp(join(tmpdir(), 'hash-worker-'));
});
afterAll(async () => {
  await worker.terminate();
});

function ask(request: HashRequest): Promise<HashReply> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: HashReply) => {
      worker.off('error', reject);
      resolve(reply);
    };
    worker.once('message', onMessage);
    worker.once('error', reject);
    worker.postMessage(request);
  });
}

describe('hash-worker', () => {
  it('answers a path with the sha256 and size of the file, across its 4 MB read buffer', async () => {
    // 9 MB + 3 bytes: two full buffers and a short last read
    const bytes = Buffer.alloc((9 << 20) + 3, 0x5a);
    bytes.write('head', 0);
    bytes.write('tail', bytes.length - 4);
    const path = join(dir, 'shard.bin');
    await writeFile(path, bytes);
    expect(await ask({ id: 7, path })).toEqual({
      id: 7,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
    });
  });

  it('answers an empty file with the sha256 of no bytes', async () => {
    const path = join(dir, 'empty');
    await writeFile(path, '');
    expect(await ask({ id: 1, path })).toEqual({
      id: 1,
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      size: 0,
    });
  });

  it('answers a file it cannot read with the error, and keeps serving', async () => {
    await mkdir(join(dir, 'folder'));
    const missing = await ask({ id: 2, path: join(dir, 'absent.pt') });
    expect(missing).toEqual({ id: 2, error: expect.stringContaining('ENOENT') });
    const folder = await ask({ id: 3, path: join(dir, 'folder') });
    expect(folder).toEqual({ id: 3, error: expect.stringContaining('EISDIR') });
    await writeFile(join(dir, 'after'), 'abc');
    // sha256("abc"), FIPS 180-2 appendix B.1
    expect(await ask({ id: 4, path: join(dir, 'after') })).toEqual({
      id: 4,
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      size: 3,
    });
  });
});
