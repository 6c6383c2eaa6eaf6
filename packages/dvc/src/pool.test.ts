/**
 * pool.ts: at most `jobs` calls in flight, items taken lazily (a million-file pull keeps no
 * promise per item), the first failure stops the pool and is rethrown. Concurrency is counted
 * with promises the test releases by hand, never with timers.
 */
import { describe, expect, it } from '@jest/globals';
import { pool } from './pool.js';

/** A call that waits until the test releases it. */
function gate() {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  return { done, release };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('pool', () => {
  it('runs every item once, never more than `jobs` at a time', async () => {
    const gates = Array.from({ length: 7 }, gate);
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    const run = pool(3)(gates.keys(), async (i) => {
      seen.push(i);
      running++;
      peak = Math.max(peak, running);
      await gates[i]!.done;
      running--;
    });
    await tick();
    expect(seen).toEqual([0, 1, 2]); // three started, the rest wait for a free slot
    for (const g of gates) {
      g.release();
      await tick();
    }
    await run;
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(peak).toBe(3);
  });

  it('takes items from the iterator only when a slot is free (lazily)', async () => {
    let taken = 0;
    function* items() {
      for (let i = 0; i < 100; i++) {
        taken++;
        yield i;
      }
    }
    const gates = Array.from({ length: 100 }, gate);
    const run = pool(2)(items(), (i) => gates[i]!.done);
    await tick();
    expect(taken).toBe(2);
    gates[0]!.release();
    await tick();
    expect(taken).toBe(3);
    gates.forEach((g) => g.release());
    await run;
    expect(taken).toBe(100);
  });

  it('rethrows the first failure and takes no further items after it', async () => {
    const started: number[] = [];
    const run = pool(1)([0, 1, 2, 3], (i) => {
      started.push(i);
      if (i === 1) throw new Error('object 1 failed');
      if (i === 2) throw new Error('object 2 failed');
    });
    await expect(run).rejects.toThrow('object 1 failed');
    expect(started).toEqual([0, 1]);
  });

  it('with several workers, the first failure wins even when another follows', async () => {
    const g = gate();
    const run = pool(2)([0, 1], async (i) => {
      if (i === 0) throw new Error('first');
      await g.done;
      throw new Error('second');
    });
    await tick();
    g.release();
    await expect(run).rejects.toThrow('first');
  });

  it('an empty list resolves at once; jobs below 1 still run one worker', async () => {
    await expect(pool(4)([], () => undefined)).resolves.toBeUndefined();
    const seen: string[] = [];
    await pool(0)(['a', 'b'], (x) => void seen.push(x));
    expect(seen).toEqual(['a', 'b']);
  });
});
