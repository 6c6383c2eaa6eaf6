import { describe, expect, it } from '@jest/globals';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendBytes, ReadAhead, scanFile } from './read-ahead.js';

describe('ReadAhead', () => {
  it('hands out the file in chunks of the given size, in order, then empty chunks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'read-ahead-'));
    try {
      const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
      await writeFile(join(dir, 'f.bin'), bytes);
      const handle = await open(join(dir, 'f.bin'), 'r');
      try {
        const ahead = new ReadAhead(handle, 300);
        const parts: Buffer[] = [];
        for (;;) {
          const chunk = await ahead.next();
          if (chunk.length === 0) break;
          parts.push(Buffer.from(chunk)); // copied out at once, as the contract asks
        }
        expect(parts.map((p) => p.length)).toEqual([300, 300, 300, 100]);
        expect(Buffer.concat(parts).equals(bytes)).toBe(true);
        expect((await ahead.next()).length).toBe(0);
        await ahead.settle();
      } finally {
        await handle.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('appendBytes', () => {
  it('appends in place while there is room, else into a larger copy that keeps the first bytes', () => {
    const buf = Buffer.alloc(8);
    buf.write('abc');
    const same = appendBytes(buf, 3, Buffer.from('de'));
    expect([same === buf, same.toString('utf8', 0, 5)]).toEqual([true, 'abcde']);
    const bigger = appendBytes(buf, 5, Buffer.from('0123456789'));
    expect([bigger === buf, bigger.length >= 16, bigger.toString('utf8', 0, 15)]).toEqual([
      false,
      true,
      'abcde0123456789',
    ]);
  });
});

describe('scanFile', () => {
  it('feeds the bytes after a byte order mark, keeping what the scan leaves for the next call', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scan-file-'));
    try {
      const text = 'abcdefghijklmnopqrstuvwxyz0123456789';
      await writeFile(join(dir, 'f.txt'), `\ufeff${text}`);
      const consumed: string[] = [];
      let calls = 0;
      await scanFile(join(dir, 'f.txt'), 16, (buf, pos, end, eof) => {
        calls++;
        // consume all but the last 3 bytes (an "unfinished record") until the end of the file
        const upto = eof ? end : Math.max(pos, end - 3);
        consumed.push(buf.toString('utf8', pos, upto));
        return upto;
      });
      expect(consumed.join('')).toBe(text);
      expect(calls).toBeGreaterThan(2);
      const stop = new Error('stop');
      await expect(
        scanFile(join(dir, 'f.txt'), 16, () => {
          throw stop;
        }),
      ).rejects.toBe(stop);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
