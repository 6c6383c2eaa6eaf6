import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputHashCache } from './output-cache.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('OutputHashCache', () => {
  it('reuses a hash taken during the run only while the file is unchanged', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'out-cache-'));
    const [a, b, c] = ['a.bin', 'b.bin', 'c.bin'].map((f) => join(dir, f)) as [string, string, string];
    await writeFile(a, 'checkpoint-1');
    await writeFile(b, 'model-v1');
    await writeFile(c, 'same-size-1');
    const later = () => Date.now() + 5_000; // everything looks settled
    const cache = new OutputHashCache({ expand: async () => [a, b, c], now: later });
    await cache.scan();
    expect(cache.stats.hashedDuringRun).toBe(3);

    await pause(20); // past the kernel's coarse clock tick
    await appendFile(b, '-more'); // grew after it was hashed
    await writeFile(c, 'same-size-2'); // rewritten in place, same size
    await cache.stop();
    expect(await cache.digest([a, b, c])).toEqual([
      { sha256: sha('checkpoint-1'), size: 12 },
      { sha256: sha('model-v1-more'), size: 13 },
      { sha256: sha('same-size-2'), size: 11 },
    ]);
    expect(cache.stats).toEqual({ hashedDuringRun: 3, reused: 1, hashedAfterRun: 2 });
  });

  it('does not hash a file that is still being written (modified within the settle time)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'out-cache-'));
    const file = join(dir, 'growing.bin');
    await writeFile(file, 'partial');
    const cache = new OutputHashCache({ expand: async () => [file], settleMs: 60_000 });
    await cache.scan();
    await cache.stop();
    expect(cache.stats.hashedDuringRun).toBe(0);
    expect(await cache.digest([file])).toEqual([{ sha256: sha('partial'), size: 7 }]);
  });

  it('survives an output folder that does not exist yet', async () => {
    const cache = new OutputHashCache({
      expand: async () => {
        throw new Error('ENOENT');
      },
    });
    await cache.scan();
    await cache.stop();
    expect(await cache.digest([])).toEqual([]);
  });
});
