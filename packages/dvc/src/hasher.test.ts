/** ObjectHasher's one-chunk path (crypto.hash, no Hash object) against md5 of the same bytes. */
import { describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { ObjectHasher } from './hash.js';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

describe('ObjectHasher', () => {
  const body = randomBytes(3 * 4096 + 5);
  it.each([
    ['no chunk', [] as Buffer[]],
    ['one chunk', [body]],
    ['two chunks', [body.subarray(0, 100), body.subarray(100)]],
    ['three chunks', [body.subarray(0, 1), body.subarray(1, 4097), body.subarray(4097)]],
  ])('gives the md5 of the bytes fed as %s', (_name, chunks) => {
    const hasher = new ObjectHasher(false);
    for (const c of chunks) hasher.update(c);
    expect(hasher.digest()).toEqual({ md5: md5(Buffer.concat(chunks)), legacy: undefined });
  });

  it('keeps the dos2unix hash beside the raw one for a single text chunk', () => {
    const text = Buffer.from('a,b\r\n1,2\r\n');
    const hasher = new ObjectHasher(true);
    hasher.update(text);
    expect(hasher.digest()).toEqual({ md5: md5(text), legacy: md5(Buffer.from('a,b\n1,2\n')) });
  });
});
