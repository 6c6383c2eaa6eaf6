/**
 * What a pull accepts as an object's bytes (the hashing rules alone are in hash.test.ts), judged against DVC's documented rules computed here
 * with node:crypto (never with this package's hashers): DVC 3 names an object by the md5 of its
 * raw bytes; DVC 2 by the md5 after CRLF -> LF when its first 512 bytes look like text
 * (dvc@2 `istextblock`: no NUL, at most 30 % of the bytes outside printable ASCII and
 * `\n\r\t\f\b`), converting per 1 MiB chunk.
 */
import { describe, expect, it } from '@jest/globals';
import { chmod, lstat, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordingLogger, type UserError } from '@mlops-gha/common';
import { pull } from './pull.js';
import { buildFixture, md5, objectPath, put } from '../../../test/fixtures/dvc-repo.js';

const MiB = 1024 * 1024;
const crlfToLf = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');

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
