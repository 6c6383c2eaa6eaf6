import { describe, expect, it } from '@jest/globals';
import { lstat, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordingLogger } from '@mlops-gha/common';
import { buildFixture, dirObject, md5, objectPath, put, tempDir } from '../../../test/fixtures/dvc-repo.js';
import { pull } from './pull.js';
import { HELPER_THRESHOLD } from './file-jobs.js';

const options = (root: string) => ({ cwd: root, logger: new RecordingLogger(), includeGlobalConfig: false });

/** The state file's records: path -> [size, mtimeMs, ctimeMs, ino] and oid, decoded from the hex of the doubles. */
async function stateRecords(root: string): Promise<Map<string, { numbers: number[]; oid: string }>> {
  const text = await readFile(join(root, '.dvc/tmp/mlops-dvc-state.tsv'), 'utf8');
  const out = new Map<string, { numbers: number[]; oid: string }>();
  for (const line of text.trim().split('\n')) {
    const [rel, stamp, oid] = line.split('\t') as [string, string, string];
    const words = new Uint32Array(8);
    for (let w = 0; w < 8; w++) words[w] = parseInt(stamp.slice(w * 8, w * 8 + 8), 16);
    out.set(rel, { numbers: [...new Float64Array(words.buffer)], oid });
  }
  return out;
}

/** A repository whose directory outputs (name -> file count) come from a local remote; bodies by workspace path. */
async function manyFiles(
  outputs: Record<string, number>,
): Promise<{ root: string; remote: string; bodies: Map<string, Buffer> }> {
  const root = await tempDir('dvc-many-');
  const remote = await tempDir('dvc-many-remote-');
  const bodies = new Map<string, Buffer>();
  for (const [name, count] of Object.entries(outputs)) {
    const files: Record<string, string> = {};
    for (let i = 0; i < count; i++) {
      const rel = `part-${String(i).padStart(5, '0')}.bin`;
      const body = Buffer.from(`${name} row ${i}\n`.repeat(1 + (i % 5)));
      files[rel] = md5(body);
      bodies.set(`${name}/${rel}`, body);
      await put(remote, objectPath(md5(body), false), body);
    }
    const manifest = dirObject(files);
    await put(remote, objectPath(manifest.oid, false), manifest.bytes);
    await put(root, `${name}.dvc`, `outs:\n- md5: ${manifest.oid}\n  hash: md5\n  path: ${name}\n`);
  }
  await put(root, '.dvc/config', `[core]\n  remote = r\n['remote "r"']\n  url = ${remote}\n`);
  return { root, remote, bodies };
}

describe('the no-op and warm paths', () => {
  it('a warm pull records, for every file it writes, the stat the file has on disk and its object', async () => {
    const repo = await buildFixture();
    const first = await pull(options(repo.root));
    const pulled = first.outputs.flatMap((o) =>
      Object.keys(repo.expected).filter((rel) => rel === o.path || rel.startsWith(`${o.path}/`)),
    );
    expect(pulled.length).toBe(first.files);
    for (const rel of pulled) await rm(join(repo.root, rel));
    const warm = await pull(options(repo.root));
    expect(warm.downloadedFiles).toBe(0);
    expect(warm.changedFiles).toBe(pulled.length);
    const records = await stateRecords(repo.root);
    for (const rel of pulled) {
      expect(await readFile(join(repo.root, rel))).toEqual(repo.expected[rel]);
      const st = await lstat(join(repo.root, rel));
      expect(records.get(rel)?.numbers).toEqual([st.size, st.mtimeMs, st.ctimeMs, st.ino]);
    }
    expect(records.get('models/model.bin')?.oid).toBe(md5(repo.expected['models/model.bin']!));
    // and the next pull finds nothing to do
    expect((await pull(options(repo.root))).changedFiles).toBe(0);
  });

  it('a symlink re-pull leaves links to their cache objects alone and replaces a link pointing elsewhere', async () => {
    const repo = await buildFixture();
    const first = await pull({ ...options(repo.root), linkType: 'symlink' });
    const links = Object.keys(repo.expected).filter((rel) =>
      first.outputs.some((o) => rel === o.path || rel.startsWith(`${o.path}/`)),
    );
    expect(links.length).toBe(first.files);
    const before = new Map<string, number>();
    for (const rel of links) before.set(rel, (await lstat(join(repo.root, rel))).ino);
    const again = await pull({ ...options(repo.root), linkType: 'symlink' });
    expect(again.changedFiles).toBe(0);
    for (const rel of links) expect((await lstat(join(repo.root, rel))).ino).toBe(before.get(rel));
    // a link to another file (even one with the same bytes) is not the tracked one: replaced
    const moved = join(repo.root, 'elsewhere.bin');
    await writeFile(moved, repo.expected['models/model.bin']!);
    await rm(join(repo.root, 'models/model.bin'));
    await symlink(moved, join(repo.root, 'models/model.bin'));
    const fixed = await pull({ ...options(repo.root), linkType: 'symlink' });
    expect(fixed.changedFiles).toBe(1);
    const target = await readlink(join(repo.root, 'models/model.bin'));
    expect(target.startsWith(`${first.cacheDir}/`)).toBe(true);
    expect(await readFile(target)).toEqual(repo.expected['models/model.bin']);
  });

  it('removes a link left inside a tracked folder, even one pointing at a tracked file', async () => {
    const repo = await buildFixture();
    await pull(options(repo.root));
    await symlink(join(repo.root, 'data/images/cat.txt'), join(repo.root, 'data/images/alias.txt'));
    await pull(options(repo.root));
    expect((await readdir(join(repo.root, 'data/images'))).sort()).toEqual(['cat.txt', 'sub']);
  });

  it('a manifest that lists a path twice cannot hide an extra file: it is still removed', async () => {
    const root = await tempDir('dvc-dup-');
    const remote = await tempDir('dvc-dup-remote-');
    const body = Buffer.from('same\n');
    await put(remote, objectPath(md5(body), false), body);
    const manifest = Buffer.from(
      `[{"md5": "${md5(body)}", "relpath": "a.txt"}, {"md5": "${md5(body)}", "relpath": "a.txt"}]`,
    );
    await put(remote, `${objectPath(md5(manifest), false)}.dir`, manifest);
    await put(root, '.dvc/config', `[core]\n  remote = r\n['remote "r"']\n  url = ${remote}\n`);
    await put(root, 'data.dvc', `outs:\n- md5: ${md5(manifest)}.dir\n  hash: md5\n  path: data\n`);
    await pull(options(root));
    // as many files as the manifest has entries: one tracked, one extra (content the cache holds)
    await writeFile(join(root, 'data/b.txt'), body);
    await pull(options(root));
    expect(await readdir(join(root, 'data'))).toEqual(['a.txt']);
    expect(await readFile(join(root, 'data/a.txt'))).toEqual(body);
  });

  it('a warm pull of more files than one thread copies (helper threads share them) writes every byte and records every stat', async () => {
    const { root, bodies } = await manyFiles({ data: HELPER_THRESHOLD + 100 });
    await pull(options(root));
    await rm(join(root, 'data'), { recursive: true });
    const warm = await pull(options(root));
    expect([warm.downloadedFiles, warm.fromCache, warm.changedFiles]).toEqual([0, bodies.size, bodies.size]);
    const records = await stateRecords(root);
    for (const [rel, body] of bodies) {
      const path = join(root, rel);
      expect(await readFile(path)).toEqual(body);
      const st = await lstat(path);
      expect(records.get(rel)).toEqual({ numbers: [st.size, st.mtimeMs, st.ctimeMs, st.ino], oid: md5(body) });
    }
    expect((await readdir(join(root, 'data'))).length).toBe(bodies.size);
    expect((await pull(options(root))).changedFiles).toBe(0);
  });

  it('a cold pull of thousands of objects from a local remote (fetched by helper threads too) verifies each: a corrupt and a missing one fail their output, the other output lands whole', async () => {
    const { root, remote, bodies } = await manyFiles({ good: HELPER_THRESHOLD, bad: 200 });
    const corrupt = md5(bodies.get('bad/part-00010.bin')!);
    const missing = md5(bodies.get('bad/part-00020.bin')!);
    await writeFile(join(remote, objectPath(corrupt, false)), 'tampered\n');
    await rm(join(remote, objectPath(missing, false)));
    const error = (await pull(options(root)).then(
      () => new Error('the pull succeeded'),
      (e: Error) => e,
    )) as Error;
    expect(error.message).toContain('1 output could not be pulled');
    expect(error.message).toMatch(new RegExp(`corrupt on the remote[^]*${corrupt}`));
    expect(error.message).toContain(`md5: ${missing} (bad/part-00020.bin)`);
    // nothing of the failed output in the workspace, nor the corrupt object in the cache
    await expect(lstat(join(root, 'bad'))).rejects.toThrow(/ENOENT/);
    await expect(lstat(join(root, '.dvc/cache', objectPath(corrupt, false)))).rejects.toThrow(/ENOENT/);
    for (const [rel, body] of bodies) {
      if (!rel.startsWith('good/')) continue;
      expect(await readFile(join(root, rel))).toEqual(body);
      const cached = join(root, '.dvc/cache', objectPath(md5(body), false));
      expect(await readFile(cached)).toEqual(body);
      expect((await lstat(cached)).mode & 0o777).toBe(0o444);
    }
  });
});
