/**
 * hash.ts: DVC's object names, judged against DVC's documented rules computed here with
 * node:crypto (never with this module's hashers) and against literals printed by Python's
 * `json.dumps` (/usr/bin/python3, as DVC writes `.dir` objects): DVC 3 names an object by the
 * md5 of its raw bytes; DVC 2 by the md5 after CRLF -> LF when its first 512 bytes look like
 * text (dvc@2 `istextblock`: no NUL, at most 30 % of the bytes outside printable ASCII and
 * `\n\r\t\f\b`), converting per 1 MiB chunk.
 */
import { describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  comparePython,
  digestMatches,
  dirHash,
  dirManifestBytes,
  dos2unix,
  hashBytesAs,
  hashFileAs,
  hashFileBoth,
  isTextBlock,
  md5Of,
  ObjectHasher,
  pythonJsonString,
} from './hash.js';

const MiB = 1024 * 1024;
const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');
const crlfToLf = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
const mkdirTemp = () => mkdtemp(join(tmpdir(), 'dvc-hash-'));

describe("DVC 2's text test (istextblock)", () => {
  // 100-byte blocks: 30 odd bytes are text, 31 are binary; the boundary is DVC's `<= 0.30`
  const block = (odd: number, oddByte = 0x80) =>
    Buffer.concat([Buffer.alloc(odd, oddByte), Buffer.alloc(100 - odd, 0x61)]);

  it('is text up to 30 % of bytes outside printable ASCII and \\n\\r\\t\\f\\b, binary above', () => {
    expect(isTextBlock(block(30))).toBe(true);
    expect(isTextBlock(block(31))).toBe(false);
    expect(isTextBlock(block(100))).toBe(false);
    expect(isTextBlock(Buffer.alloc(0))).toBe(true);
  });

  it('counts \\n \\r \\t \\f \\b and the printable range 32..126 as text, 31 and 127 as odd', () => {
    for (const b of [0x0a, 0x0d, 0x09, 0x0c, 0x08, 0x20, 0x7e])
      expect([b, isTextBlock(block(100, b))]).toEqual([b, true]);
    for (const b of [0x1f, 0x7f, 0x01, 0x0b, 0xff]) expect([b, isTextBlock(block(31, b))]).toEqual([b, false]);
  });

  it('a single NUL byte makes a block binary', () => {
    expect(isTextBlock(Buffer.from('plain text\0more text'))).toBe(false);
  });
});

describe('the DVC 2 (md5-dos2unix) hash of bytes in memory and on disk', () => {
  it('is decided by the first 512 bytes only', async () => {
    // text head, a NUL later: still text, so CRLF is converted everywhere
    const textHead = Buffer.concat([Buffer.from('a\r\n'.repeat(200)), Buffer.from([0]), Buffer.from('z\r\n')]);
    expect(hashBytesAs(textHead, 'md5-dos2unix')).toBe(md5(crlfToLf(textHead)));
    // a NUL within the head: binary, hashed raw even though CRLFs follow
    const binaryHead = Buffer.concat([Buffer.from([0]), Buffer.from('b\r\n'.repeat(300))]);
    expect(hashBytesAs(binaryHead, 'md5-dos2unix')).toBe(md5(binaryHead));
  });

  it('converts per 1 MiB chunk: a CRLF split by the chunk boundary stays, every other one is converted', async () => {
    const bytes = Buffer.alloc(2 * MiB + 10, 0x61);
    bytes.write('\r\n', 10, 'latin1');
    bytes.write('\r', MiB - 1, 'latin1'); // \r last byte of chunk 1,
    bytes.write('\n', MiB, 'latin1'); //     \n first byte of chunk 2
    bytes.write('\r\n', MiB + 100, 'latin1');
    bytes.write('\r\n', 2 * MiB + 4, 'latin1');
    const expected = md5(
      Buffer.concat([
        crlfToLf(bytes.subarray(0, MiB)),
        crlfToLf(bytes.subarray(MiB, 2 * MiB)),
        crlfToLf(bytes.subarray(2 * MiB)),
      ]),
    );
    expect(expected).not.toBe(md5(crlfToLf(bytes))); // the split pair matters
    expect(hashBytesAs(bytes, 'md5-dos2unix')).toBe(expected);
    const file = join(await mkdirTemp(), 'big.txt');
    await writeFile(file, bytes);
    expect(await hashFileBoth(file, true)).toEqual({ md5: md5(bytes), legacy: expected });
  });

  it('decides text once per file: a later 1 MiB chunk that looks binary is still converted', async () => {
    const head = Buffer.from('a\r\n'.repeat(MiB / 3 + 1)).subarray(0, MiB); // text, exactly one chunk
    const tail = Buffer.concat([Buffer.from([0, 0, 0]), Buffer.from('b\r\n'.repeat(100))]);
    const bytes = Buffer.concat([head, tail]);
    const expected = md5(Buffer.concat([crlfToLf(head), crlfToLf(tail)]));
    expect(hashBytesAs(bytes, 'md5-dos2unix')).toBe(expected);
  });

  it('a binary file over 1 MiB is hashed raw, streamed from disk', async () => {
    const bytes = Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from('x\r\n'.repeat(MiB))]);
    const file = join(await mkdirTemp(), 'big.bin');
    await writeFile(file, bytes);
    expect(await hashFileBoth(file, true)).toEqual({ md5: md5(bytes), legacy: md5(bytes) });
    expect(await hashFileBoth(file, true, bytes.length)).toEqual({ md5: md5(bytes), legacy: md5(bytes) });
  });
});

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

  it('gives the same two digests however a text stream over 1 MiB is cut into chunks', () => {
    const bytes = Buffer.from('id,label\r\n'.repeat(Math.ceil((1.5 * MiB) / 10)));
    // one pass per chunking: whole, 64 KiB reads (a stream's), and odd sizes that split CRLF pairs
    const expected = {
      md5: md5(bytes),
      legacy: md5(Buffer.concat([crlfToLf(bytes.subarray(0, MiB)), crlfToLf(bytes.subarray(MiB))])),
    };
    for (const size of [bytes.length, 64 * 1024, 9999]) {
      const hasher = new ObjectHasher(true);
      for (let at = 0; at < bytes.length; at += size) hasher.update(bytes.subarray(at, at + size));
      expect([size, hasher.digest()]).toEqual([size, expected]);
    }
  });

  it('an empty stream is text for DVC 2: both digests are the md5 of nothing', () => {
    expect(new ObjectHasher(true).digest()).toEqual({
      md5: 'd41d8cd98f00b204e9800998ecf8427e',
      legacy: 'd41d8cd98f00b204e9800998ecf8427e',
    });
  });
});

describe('dos2unix (one chunk)', () => {
  it('turns each CRLF into LF and leaves lone CR and LF alone', () => {
    expect(dos2unix(Buffer.from('a\r\nb\rc\nd\r\n\r\n')).toString()).toBe('a\nb\rc\nd\n\n');
    expect(dos2unix(Buffer.from('\r\nfirst bytes')).toString()).toBe('\nfirst bytes'); // a pair at offset 0
  });

  it('returns a chunk without CRLF as it is, and a CR at the very end stays', () => {
    const chunk = Buffer.from('no pairs here\r');
    expect(dos2unix(chunk)).toBe(chunk);
    expect(dos2unix(Buffer.alloc(0))).toHaveLength(0);
  });
});

describe('digestMatches: which names a download may carry', () => {
  const raw = md5('a\r\nb\r\n');
  const legacy = md5('a\nb\n');
  it('a DVC 3 (md5) object matches its raw md5 only', () => {
    expect(digestMatches('md5', raw, { md5: raw, legacy })).toBe(true);
    expect(digestMatches('md5', legacy, { md5: raw, legacy })).toBe(false);
  });
  it('a DVC 2 (md5-dos2unix) object matches its dos2unix md5 or its raw md5', () => {
    expect(digestMatches('md5-dos2unix', legacy, { md5: raw, legacy })).toBe(true);
    expect(digestMatches('md5-dos2unix', raw, { md5: raw, legacy })).toBe(true);
    expect(digestMatches('md5-dos2unix', md5('other'), { md5: raw, legacy })).toBe(false);
  });
});

describe('hashFileAs / hashBytesAs / md5Of', () => {
  // the example of the DVC facts sheet: `a\r\nb\r\n` is 59b0d777… raw and dd8c6a39… under dos2unix
  const crlf = Buffer.from('a\r\nb\r\n');
  it('names a file as DVC 3 and as DVC 2 would', async () => {
    const file = join(await mkdirTemp(), 'crlf.txt');
    await writeFile(file, crlf);
    expect(await hashFileAs(file, 'md5')).toBe('59b0d7772f0561efb95518f3cb8abc60');
    expect(await hashFileAs(file, 'md5-dos2unix')).toBe('dd8c6a395b5dd36c56d23275028f526c');
    expect(hashBytesAs(crlf, 'md5')).toBe('59b0d7772f0561efb95518f3cb8abc60');
    expect(hashBytesAs(crlf, 'md5-dos2unix')).toBe('dd8c6a395b5dd36c56d23275028f526c');
    expect(md5Of(crlf)).toBe('59b0d7772f0561efb95518f3cb8abc60');
  });

  it('a missing file is an error, not a hash', async () => {
    await expect(hashFileAs(join(await mkdirTemp(), 'absent'), 'md5')).rejects.toThrow(/ENOENT/);
  });
});

describe("Python's json.dumps string and sort order, as DVC writes .dir objects", () => {
  // right-hand sides printed by /usr/bin/python3: json.dumps(s) (ensure_ascii=True)
  it.each([
    ['plain', '"plain"'],
    ['quote"back\\slash', '"quote\\"back\\\\slash"'],
    ['tab\tnl\ncr\rbs\bff\f', '"tab\\tnl\\ncr\\rbs\\bff\\f"'],
    ['\x00\x01\x1f\x7f', '"\\u0000\\u0001\\u001f\\u007f"'],
    ['caf\u00e9', '"caf\\u00e9"'],
    ['\u65e5\u672c', '"\\u65e5\\u672c"'],
    ['\u{1F600}', '"\\ud83d\\ude00"'],
    ['a/b', '"a/b"'],
    ['\u2028', '"\\u2028"'],
  ])('%j is written %s', (text, python) => {
    expect(pythonJsonString(text)).toBe(python);
  });

  it('orders by code point: an astral character after U+FF5E (UTF-16 order would put it first)', () => {
    // sorted() by /usr/bin/python3
    const python = ['B', 'a', 'a-b', 'a.b', 'a/b', 'ab', '\u00e9', '\uff5e', '\u{1F600}'];
    const shuffled = ['a/b', 'a.b', 'a-b', '\uff5e', '\u{1F600}', 'B', 'a', 'ab', '\u00e9'];
    expect([...shuffled].sort(comparePython)).toEqual(python);
    expect(comparePython('abc', 'abc')).toBe(0);
    expect(Math.sign(comparePython('ab', 'abc'))).toBe(-1);
    expect(Math.sign(comparePython('abc', 'ab'))).toBe(1);
  });
});

describe('dirManifestBytes / dirHash', () => {
  it("gives the facts sheet's 130 bytes and hash for bar and sub/foo, in any input order", () => {
    const entries = [
      { md5: 'acbd18db4cc2f85cedef654fccc4a4d8', relpath: 'sub/foo' },
      { md5: '37b51d194a7513e45b56f6524f2d51f2', relpath: 'bar' },
    ];
    const bytes = dirManifestBytes(entries);
    expect(bytes.toString('utf8')).toBe(
      '[{"md5": "37b51d194a7513e45b56f6524f2d51f2", "relpath": "bar"}, {"md5": "acbd18db4cc2f85cedef654fccc4a4d8", "relpath": "sub/foo"}]',
    );
    expect(bytes).toHaveLength(130);
    expect(dirHash(entries)).toBe('72fef5191248fee439bb75c4762404b4.dir');
    expect(entries[0]!.relpath).toBe('sub/foo'); // the caller's list is not sorted in place
  });

  it('an empty folder is [] and d7517139….dir', () => {
    expect(dirManifestBytes([]).toString()).toBe('[]');
    expect(dirHash([])).toBe('d751713988987e9331980363e24189ce.dir');
  });

  it('escapes and orders non-ASCII relpaths as Python does', () => {
    // bytes and md5 printed by /usr/bin/python3: json.dumps(sorted(entries, key=relpath), sort_keys=True)
    const entries = [
      { md5: 'acbd18db4cc2f85cedef654fccc4a4d8', relpath: '\u{1F600}.txt' },
      { md5: '37b51d194a7513e45b56f6524f2d51f2', relpath: '\uff5e.txt' },
      { md5: '37b51d194a7513e45b56f6524f2d51f2', relpath: 'caf\u00e9/"q".txt' },
    ];
    expect(dirManifestBytes(entries).toString()).toBe(
      '[{"md5": "37b51d194a7513e45b56f6524f2d51f2", "relpath": "caf\\u00e9/\\"q\\".txt"}, ' +
        '{"md5": "37b51d194a7513e45b56f6524f2d51f2", "relpath": "\\uff5e.txt"}, ' +
        '{"md5": "acbd18db4cc2f85cedef654fccc4a4d8", "relpath": "\\ud83d\\ude00.txt"}]',
    );
    expect(dirHash(entries)).toBe('7198ea91a61953fdf0124313305c36a5.dir');
  });
});
