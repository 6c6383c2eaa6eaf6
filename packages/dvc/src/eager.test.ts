/**
 * eager.ts: workspace copies written while downloads run, from a verified body in memory, only
 * where nothing stands yet, never through a link; and their undo when an output turns out
 * incomplete or the checkout refuses, leaving the workspace as it was. Real files in a temp folder.
 */
import { describe, expect, it } from '@jest/globals';
import { lstat, mkdir, mkdtemp, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EagerCopies, StreamedCopy } from './eager.js';
import { BodyCache } from './fetch.js';
import type { TrackedOutput } from './files.js';
import type { ObjectNeed, OutputPlan, PlannedFile } from './plan.js';

const object = (oid: string): ObjectNeed => ({
  oid,
  hashName: 'md5',
  cachePath: `/cache/${oid}`,
  key: oid,
  remote: 'storage',
});
const plan = (path: string, files: PlannedFile[], problem?: OutputPlan['problem']): OutputPlan => {
  const output = { path } as TrackedOutput;
  return { selection: { output }, output, files, whole: true, ...(problem ? { problem } : {}) };
};
const file = (rel: string, o: ObjectNeed, isexec = false): PlannedFile => ({ rel, object: o, isexec, eager: false });

async function setup(bodies: [ObjectNeed, string][]) {
  const root = await mkdtemp(join(tmpdir(), 'dvc-eager-'));
  const cache = new BodyCache(1 << 20);
  for (const [o, body] of bodies) cache.offer(o, Buffer.from(body));
  return { root, cache };
}
const tempDir0 = () => mkdtemp(join(tmpdir(), 'dvc-eager-'));
const tree = async (root: string) => (await readdir(root, { recursive: true })).sort();

describe('EagerCopies.place', () => {
  it('writes every file of a downloaded object, making its folders, and marks them', async () => {
    const a = object('a');
    const { root, cache } = await setup([[a, 'alpha']]);
    const files = [file('data/x/one.txt', a), file('data/two.txt', a)];
    const copies = new EagerCopies(root, [plan('data', files)], cache);
    copies.place(a);
    expect(await readFile(join(root, 'data/x/one.txt'), 'utf8')).toBe('alpha');
    expect(await readFile(join(root, 'data/two.txt'), 'utf8')).toBe('alpha');
    expect(files.map((f) => f.eager)).toEqual([true, true]);
    // a plain workspace copy: writable, as DVC's copies are (0o666 & ~umask)
    expect((await stat(join(root, 'data/two.txt'))).mode & 0o777).toBe(0o666 & ~process.umask());
  });

  it('leaves executables, outputs with a problem, and objects whose body was not kept to the checkout', async () => {
    const a = object('a');
    const b = object('b');
    const c = object('c');
    const { root, cache } = await setup([
      [a, 'alpha'],
      [b, 'beta'],
    ]);
    const exec = file('run.sh', a, true);
    const broken = file('broken/f.txt', b);
    const noBody = file('nobody.txt', c);
    const copies = new EagerCopies(
      root,
      [
        plan('run.sh', [exec]),
        plan('broken', [broken], { kind: 'missing', message: 'missing' }),
        plan('nobody.txt', [noBody]),
      ],
      cache,
    );
    for (const o of [a, b, c]) copies.place(o);
    expect(await tree(root)).toEqual([]);
    expect([exec.eager, broken.eager, noBody.eager]).toEqual([false, false, false]);
  });

  it('never replaces what stands there: a file, a folder, or a link', async () => {
    const a = object('a');
    const { root, cache } = await setup([[a, 'new']]);
    await writeFile(join(root, 'existing.txt'), 'old');
    await mkdir(join(root, 'folder.txt'));
    await symlink(join(root, 'existing.txt'), join(root, 'link.txt'));
    const files = [file('existing.txt', a), file('folder.txt', a), file('link.txt', a)];
    new EagerCopies(root, [plan('x', files)], cache).place(a);
    expect(await readFile(join(root, 'existing.txt'), 'utf8')).toBe('old');
    expect((await lstat(join(root, 'folder.txt'))).isDirectory()).toBe(true);
    expect((await lstat(join(root, 'link.txt'))).isSymbolicLink()).toBe(true);
    expect(files.map((f) => f.eager)).toEqual([false, false, false]);
  });

  it('never writes through a link or past a file standing where a folder should be', async () => {
    const a = object('a');
    const { root, cache } = await setup([[a, 'payload']]);
    const outside = await mkdtemp(join(tmpdir(), 'dvc-eager-outside-'));
    await symlink(outside, join(root, 'data'));
    await writeFile(join(root, 'blocker'), 'a file');
    const files = [file('data/images/cat.png', a), file('blocker/sub/f.txt', a)];
    new EagerCopies(root, [plan('data', files)], cache).place(a);
    expect(await readdir(outside)).toEqual([]);
    expect(await readFile(join(root, 'blocker'), 'utf8')).toBe('a file');
    expect(files.map((f) => f.eager)).toEqual([false, false]);
  });

  it('an object is placed once: a second place() writes nothing again', async () => {
    const a = object('a');
    const { root, cache } = await setup([[a, 'alpha']]);
    const f = file('one.txt', a);
    const copies = new EagerCopies(root, [plan('one.txt', [f])], cache);
    copies.place(a);
    await writeFile(join(root, 'one.txt'), 'changed since');
    cache.offer(a, Buffer.from('alpha'));
    copies.place(a);
    expect(await readFile(join(root, 'one.txt'), 'utf8')).toBe('changed since');
  });
});

describe('EagerCopies.undo', () => {
  it('removes the copies of the given outputs and the folders made for them, nothing else', async () => {
    const a = object('a');
    const b = object('b');
    const { root, cache } = await setup([
      [a, 'alpha'],
      [b, 'beta'],
    ]);
    await mkdir(join(root, 'kept'));
    await writeFile(join(root, 'kept/user-file.txt'), 'mine');
    const failed = plan('new', [file('new/deep/er/a.txt', a), file('kept/a.txt', a)]);
    const fine = plan('ok.txt', [file('ok.txt', b)]);
    const copies = new EagerCopies(root, [failed, fine], cache);
    copies.place(a);
    copies.place(b);
    await copies.undo([failed]);
    expect(await tree(root)).toEqual(['kept', 'kept/user-file.txt', 'ok.txt']);
    expect(failed.files.map((f) => f.eager)).toEqual([false, false]);
    expect(fine.files[0]!.eager).toBe(true);
  });

  it('keeps a folder it made when something else now lives in it', async () => {
    const a = object('a');
    const { root, cache } = await setup([[a, 'alpha']]);
    const failed = plan('new', [file('new/a.txt', a)]);
    const copies = new EagerCopies(root, [failed], cache);
    copies.place(a);
    await writeFile(join(root, 'new/other.txt'), 'written meanwhile');
    await copies.undo([failed]);
    expect(await tree(root)).toEqual(['new', 'new/other.txt']);
  });

  it('with nothing placed, or no outputs given, changes nothing', async () => {
    const a = object('a');
    const { root, cache } = await setup([[a, 'alpha']]);
    const p = plan('a.txt', [file('a.txt', a)]);
    const copies = new EagerCopies(root, [p], cache);
    await copies.undo([p]);
    copies.place(a);
    await copies.undo([]);
    expect(await tree(root)).toEqual(['a.txt']);
  });
});

describe('EagerCopies.stream (a large object, copied as its bytes arrive)', () => {
  it('writes each target from the chunks, links them in when committed, and leaves no temporary', async () => {
    const a = object('a');
    const { root, cache } = await setup([]);
    const files = [file('data/big.bin', a), file('data/sub/same.bin', a)];
    const copies = new EagerCopies(root, [plan('data', files)], cache);
    const copy = copies.stream(a)!;
    copy.write(Buffer.from('first '));
    copy.write(Buffer.from('second'));
    // nothing at the targets before the digest is known to match
    expect(await tree(root)).not.toContain('data/big.bin');
    copy.commit();
    expect(await readFile(join(root, 'data/big.bin'), 'utf8')).toBe('first second');
    expect(await readFile(join(root, 'data/sub/same.bin'), 'utf8')).toBe('first second');
    expect(await tree(root)).toEqual(['data', 'data/big.bin', 'data/sub', 'data/sub/same.bin']);
    expect(files.map((f) => f.eager)).toEqual([true, true]);
    expect((await stat(join(root, 'data/big.bin'))).mode & 0o777).toBe(0o666 & ~process.umask());
    // committed: the object needs nothing more (a later place or stream does nothing)
    copies.place(a);
    expect(copies.stream(a)).toBeUndefined();
  });

  it('drops the copy of a failed attempt when the download starts again, and what is open when the fetch ends', async () => {
    const a = object('a');
    const b = object('b');
    const { root, cache } = await setup([]);
    const fa = file('data/a.bin', a);
    const fb = file('data/b.bin', b);
    const copies = new EagerCopies(root, [plan('data', [fa, fb])], cache);
    copies.stream(a)!.write(Buffer.from('cut sh'));
    const again = copies.stream(a)!; // the retry
    again.write(Buffer.from('whole body'));
    again.commit();
    copies.stream(b)!.write(Buffer.from('never finished'));
    copies.dropOpenStreams();
    expect(await tree(root)).toEqual(['data', 'data/a.bin']);
    expect(await readFile(join(root, 'data/a.bin'), 'utf8')).toBe('whole body');
    expect([fa.eager, fb.eager]).toEqual([true, false]);
  });

  it('discards the temporaries of a corrupt object, and never replaces a file that appeared meanwhile', async () => {
    const a = object('a');
    const b = object('b');
    const { root, cache } = await setup([]);
    const fa = file('data/a.bin', a);
    const fb = file('data/b.bin', b);
    const copies = new EagerCopies(root, [plan('data', [fa, fb])], cache);
    const corrupt = copies.stream(a)!;
    corrupt.write(Buffer.from('wrong bytes'));
    corrupt.discard();
    const late = copies.stream(b)!;
    late.write(Buffer.from('from the remote'));
    await writeFile(join(root, 'data/b.bin'), 'the user wrote this meanwhile');
    late.commit();
    expect(await tree(root)).toEqual(['data', 'data/b.bin']);
    expect(await readFile(join(root, 'data/b.bin'), 'utf8')).toBe('the user wrote this meanwhile');
    expect([fa.eager, fb.eager]).toEqual([false, false]);
  });

  it('a write that fails abandons the copies, not the download: nothing is linked in and nothing is left', async () => {
    const root = await tempDir0();
    const f = file('data/a.bin', object('a'));
    const temp = join(root, '.a.bin.tmp');
    await writeFile(temp, 'partial');
    let done = 0;
    const copy = new StreamedCopy(
      [{ file: f, path: join(root, 'a.bin'), temp, fd: 2 ** 30 }],
      (file) => (file.eager = true),
      () => done++,
    );
    expect(() => copy.write(Buffer.from('bytes'))).not.toThrow(); // EBADF, as a full disk would fail it
    copy.commit();
    expect([await readdir(root), f.eager, done]).toEqual([[], false, 0]);
  });

  it('writes nothing through a link standing where a folder should be', async () => {
    const a = object('a');
    const { root, cache } = await setup([]);
    const outside = await mkdtemp(join(tmpdir(), 'dvc-eager-outside-'));
    await symlink(outside, join(root, 'data'));
    const copies = new EagerCopies(root, [plan('data', [file('data/a.bin', a)])], cache);
    expect(copies.stream(a)).toBeUndefined();
    expect(await readdir(outside)).toEqual([]);
  });
});
