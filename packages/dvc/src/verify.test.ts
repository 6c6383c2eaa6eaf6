/**
 * What a pull accepts as an object's bytes, judged against DVC's documented rules computed here
 * with node:crypto (never with this package's hashers): DVC 3 names an object by the md5 of its
 * raw bytes; DVC 2 by the md5 after CRLF -> LF when its first 512 bytes look like text
 * (dvc@2 `istextblock`: no NUL, at most 30 % of the bytes outside printable ASCII and
 * `\n\r\t\f\b`), converting per 1 MiB chunk.
 */
import { describe, expect, it } from '@jest/globals';
import { chmod, lstat, mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingLogger, type UserError } from '@mlops-gha/common';
import { hashBytesAs, hashFileBoth, isTextBlock } from './hash.js';
import { pull } from './pull.js';
import { buildFixture, md5, objectPath, put } from '../../../test/fixtures/dvc-repo.js';

const MiB = 1024 * 1024;
const crlfToLf = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');

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

const mkdirTemp = () => mkdtemp(join(tmpdir(), 'dvc-hash-'));

/** A .dir object as DVC writes it (json.dumps escapes), for relpaths the fixture's builder cannot spell. */
function dirObject(files: Record<string, string>): { bytes: Buffer; oid: string } {
  const entries = Object.keys(files)
    .sort()
    .map((rel) => `{"md5": "${files[rel]}", "relpath": ${JSON.stringify(rel)}}`);
  const bytes = Buffer.from(`[${entries.join(', ')}]`);
  return { bytes, oid: `${md5(bytes)}.dir` };
}

const quiet = { logger: new RecordingLogger(), includeGlobalConfig: false };

describe('a pull uses an object only when its bytes match its name', () => {
  it('a DVC 3 output never accepts bytes that only match after CRLF conversion', async () => {
    const repo = await buildFixture();
    const crlf = Buffer.from('line one\r\nline two\r\n');
    const lf = crlfToLf(crlf);
    // the remote holds the CRLF bytes under the LF md5: right for DVC 2, corrupt for DVC 3
    await put(repo.remote, objectPath(md5(lf), false), crlf);
    await put(
      repo.root,
      'notes.txt.dvc',
      `outs:\n- md5: ${md5(lf)}\n  size: ${lf.length}\n  hash: md5\n  path: notes.txt\n`,
    );
    const error = await pull({ cwd: repo.root, targets: ['notes.txt'], ...quiet }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/corrupt on the remote \(bytes do not match the md5\)/);
    // a DVC 3 object has one digest, the raw md5: the message names it alone, no dos2unix one
    expect(error?.message).toContain(`its md5 is ${md5(crlf)}, expected ${md5(lf)}`);
    expect(error?.message).not.toMatch(/dos2unix|undefined/);
    await expect(lstat(join(repo.root, 'notes.txt'))).rejects.toThrow(/ENOENT/);

    // the same bytes named the DVC 2 way (no `hash:`, legacy layout) are accepted as they are
    await put(repo.remote, objectPath(md5(lf), true), crlf);
    await put(repo.root, 'notes.txt.dvc', `outs:\n- md5: ${md5(lf)}\n  size: ${crlf.length}\n  path: notes.txt\n`);
    await pull({ cwd: repo.root, targets: ['notes.txt'], ...quiet });
    expect(await readFile(join(repo.root, 'notes.txt'))).toEqual(crlf);
  });

  it('a DVC 3 text object over 1 MiB is checked by its raw md5 alone and pulled byte for byte', async () => {
    const repo = await buildFixture();
    // CRLF text across several 1 MiB chunks: DVC 2's rule would name it differently
    const big = Buffer.from('row,value\r\n'.repeat(Math.ceil((2.5 * MiB) / 11)));
    expect(md5(crlfToLf(big))).not.toBe(md5(big));
    await put(repo.remote, objectPath(md5(big), false), big);
    await put(
      repo.root,
      'big.csv.dvc',
      `outs:\n- md5: ${md5(big)}\n  size: ${big.length}\n  hash: md5\n  path: big.csv\n`,
    );
    const result = await pull({ cwd: repo.root, targets: ['big.csv'], ...quiet });
    expect(result.downloadedFiles).toBe(1);
    expect(md5(await readFile(join(repo.root, 'big.csv')))).toBe(md5(big));
    // pulled again, the cached copy is re-checked under the same rule and kept
    const again = await pull({ cwd: repo.root, targets: ['big.csv'], ...quiet });
    expect(again.downloadedFiles).toBe(0);
  });

  it('a writable DVC 2 object in the cache is checked under the dos2unix rule: a good one is kept, a corrupt one replaced', async () => {
    const repo = await buildFixture();
    const csv = repo.expected['data/raw.csv']!;
    const oid = md5(crlfToLf(csv));
    const cached = join(repo.root, '.dvc/cache', objectPath(oid, true));
    await put(join(repo.root, '.dvc/cache'), objectPath(oid, true), csv);
    const kept = await pull({ cwd: repo.root, targets: ['data/raw.csv'], ...quiet });
    expect([kept.fromCache, kept.downloadedFiles]).toEqual([1, 0]);
    expect((await stat(cached)).mode & 0o777).toBe(0o444);

    const repo2 = await buildFixture();
    const cached2 = join(repo2.root, '.dvc/cache', objectPath(oid, true));
    await put(join(repo2.root, '.dvc/cache'), objectPath(oid, true), 'a,b\r\n9,9\r\n');
    const replaced = await pull({ cwd: repo2.root, targets: ['data/raw.csv'], ...quiet });
    expect([replaced.fromCache, replaced.downloadedFiles]).toEqual([0, 1]);
    expect(await readFile(cached2)).toEqual(csv);
    expect(await readFile(join(repo2.root, 'data/raw.csv'))).toEqual(csv);
  });

  it('reports a corrupt download with both DVC 2 digests it computed', async () => {
    const repo = await buildFixture();
    const csv = repo.expected['data/raw.csv']!;
    const key = objectPath(md5(crlfToLf(csv)), true);
    const tampered = Buffer.from('a,b\r\n6,6\r\n');
    await chmod(join(repo.remote, key), 0o644);
    await writeFile(join(repo.remote, key), tampered);
    const error = await pull({ cwd: repo.root, targets: ['data/raw.csv'], ...quiet }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain(`${md5(crlfToLf(tampered))} (dos2unix), ${md5(tampered)} (raw)`);
    await expect(stat(join(repo.root, '.dvc/cache', key))).rejects.toThrow(/ENOENT/);
  });
});

describe('a .dir manifest cannot name a path outside its output', () => {
  it.each([
    ['an empty path', ''],
    ['a Windows drive', 'C:/Windows/evil'],
    ['a NUL byte', 'a\u0000b'],
    ['a backslash', 'sub\\..\\..\\escape'],
    ['an empty segment', 'sub//x'],
    ['a . segment', './x'],
    ['a trailing ..', 'sub/..'],
  ])('%s is refused and nothing is written', async (_, evil) => {
    const repo = await buildFixture();
    const body = Buffer.from('owned\n');
    const dir = dirObject({ [evil]: md5(body), 'fine.txt': md5(body) });
    await put(repo.remote, objectPath(md5(body), false), body);
    await put(repo.remote, objectPath(dir.oid, false), dir.bytes);
    await put(repo.root, 'evil.dvc', `outs:\n- md5: ${dir.oid}\n  hash: md5\n  path: evil\n`);
    const before = (await readdir(repo.root, { recursive: true })).sort();
    const error = await pull({ cwd: repo.root, ...quiet }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain(
      `lists the path ${JSON.stringify(evil)}, which is absolute or climbs out of evil/`,
    );
    // the annotation a user sees: its title, the .dvc file it points at, and what to do
    expect(error).toMatchObject({
      title: 'Unsafe path in a DVC directory manifest',
      location: { file: expect.stringMatching(/evil\.dvc$/) },
    });
    expect((error as UserError).fix).toMatch(
      /^The \.dir object on the remote was altered: re-add the folder with `dvc add`/,
    );
    expect((await readdir(repo.root, { recursive: true })).sort()).toEqual(before);
  });

  it('names with dots that are not . or .. segments, or a colon after the first letter, are fine', async () => {
    const repo = await buildFixture();
    const body = Buffer.from('fine\n');
    const names = ['..hidden/x', 'a.b/.c', '...', 'notes:v1.txt', 'sub/C:x'];
    const dir = dirObject(Object.fromEntries(names.map((n) => [n, md5(body)])));
    await put(repo.remote, objectPath(md5(body), false), body);
    await put(repo.remote, objectPath(dir.oid, false), dir.bytes);
    await put(repo.root, 'dots.dvc', `outs:\n- md5: ${dir.oid}\n  hash: md5\n  path: dots\n`);
    await pull({ cwd: repo.root, targets: ['dots'], ...quiet });
    for (const rel of names) expect(await readFile(join(repo.root, 'dots', rel))).toEqual(body);
  });
});
