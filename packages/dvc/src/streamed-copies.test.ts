/**
 * Large objects pulled with link type copy: their workspace copies are written from the bytes
 * as they download (eager.ts `stream`), linked in only when the object's md5 matched. A pull
 * from a local remote, real files: the bytes, the folder listing (no temporaries), the cache's
 * own independent copy, and a corrupt object that leaves nothing behind.
 */
import { describe, expect, it } from '@jest/globals';
import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { RecordingLogger } from '@mlops-gha/common';
import type { DvcConfig } from './config.js';
import { EagerCopies } from './eager.js';
import { BodyCache, fetchMissing } from './fetch.js';
import type { TrackedOutput } from './files.js';
import { DirMaker } from './fs-util.js';
import { cachePathOf, objectKey } from './layout.js';
import type { ObjectNeed, OutputPlan, PlannedFile } from './plan.js';
import { pool } from './pool.js';
import { pull } from './pull.js';
import { RemoteStores } from './remotes.js';
import { dirObject, md5, objectPath, put, tempDir } from '../../../test/fixtures/dvc-repo.js';

/** A repository tracking `big/` (a 600 KB file read whole, a 1.5 MB one streamed) on a local remote. */
async function bigRepo() {
  const root = await tempDir('dvc-big-');
  const remote = await tempDir('dvc-big-remote-');
  const files = { 'a.bin': randomBytes(600 * 1024), 'nested/b.bin': randomBytes(1536 * 1024) };
  const hashes: Record<string, string> = {};
  for (const [rel, body] of Object.entries(files)) {
    hashes[rel] = md5(body);
    await put(remote, objectPath(md5(body), false), body);
  }
  const dir = dirObject(hashes);
  await put(remote, objectPath(dir.oid, false), dir.bytes);
  await put(root, '.dvc/config', `[core]\n  remote = local\n['remote "local"']\n  url = ${remote}\n`);
  await put(root, 'big.dvc', `outs:\n- md5: ${dir.oid}\n  nfiles: 2\n  hash: md5\n  path: big\n`);
  return { root, remote, files };
}

const options = (root: string) => ({
  cwd: root,
  linkType: 'copy' as const,
  logger: new RecordingLogger(),
  includeGlobalConfig: false,
});

describe('pull with copy: large files copied as they download', () => {
  it('writes each file byte for byte, leaves no temporary, and keeps the cache an independent read-only copy', async () => {
    const { root, files } = await bigRepo();
    const result = await pull(options(root));
    expect(result.changedFiles).toBe(2);
    for (const [rel, body] of Object.entries(files)) {
      const path = join(root, 'big', rel);
      expect((await readFile(path)).equals(body)).toBe(true);
      const cached = join(root, '.dvc/cache', objectPath(md5(body), false));
      const [ws, cache] = [await stat(path), await stat(cached)];
      expect(ws.ino).not.toBe(cache.ino); // a copy, not a link
      expect([ws.mode & 0o777, cache.mode & 0o777]).toEqual([0o666 & ~process.umask(), 0o444]);
    }
    expect((await readdir(join(root, 'big'), { recursive: true })).sort()).toEqual(['a.bin', 'nested', 'nested/b.bin']);
    // the next pull finds everything current
    expect((await pull(options(root))).changedFiles).toBe(0);
  });

  it('a corrupt large object fails the output and leaves no file, no temporary and no folder in the workspace', async () => {
    const { root, remote, files } = await bigRepo();
    const key = join(remote, objectPath(md5(files['nested/b.bin']), false));
    await chmod(key, 0o644);
    const tampered = Buffer.from(files['nested/b.bin']);
    tampered[1000] = tampered[1000]! ^ 1;
    await writeFile(key, tampered);
    await expect(pull(options(root))).rejects.toThrow(/corrupt on the remote/);
    expect((await readdir(root)).sort()).toEqual(['.dvc', 'big.dvc']);
  });
});

describe('fetchMissing with a tee: the workspace copy is there when the download ends', () => {
  async function setup(bodies: Record<string, Buffer>, corrupt?: string) {
    const base = await tempDir('dvc-tee-');
    const [cacheDir, remote, workspace] = ['cache', 'remote', 'ws'].map((d) => join(base, d)) as [
      string,
      string,
      string,
    ];
    const config: DvcConfig = {
      cacheDir,
      sharedGroup: false,
      remotes: new Map([['storage', { name: 'storage', url: remote }]]),
      files: [],
      secrets: [],
    };
    const files: PlannedFile[] = [];
    for (const [rel, body] of Object.entries(bodies)) {
      const oid = md5(body);
      const o: ObjectNeed = {
        oid,
        hashName: 'md5',
        cachePath: cachePathOf(cacheDir, oid, 'md5'),
        key: objectKey(oid, 'md5'),
        remote: 'storage',
      };
      await put(remote, o.key, rel === corrupt ? Buffer.concat([body, Buffer.from('!')]) : body);
      files.push({ rel: `data/${rel}`, object: o, isexec: false, eager: false });
    }
    const output = { path: 'data' } as TrackedOutput;
    const plan: OutputPlan = { selection: { output }, output, files, whole: true };
    const cache = new BodyCache(1 << 20);
    const eager = new EagerCopies(workspace, [plan], cache);
    const ctx = {
      stores: new RemoteStores(config, { jobs: 2 }, base),
      limit: pool(2),
      dirs: new DirMaker(),
      bodies: cache,
    };
    return { workspace, files, eager, ctx };
  }

  it("writes a large object's workspace file from its verified bytes, before any checkout", async () => {
    const big = randomBytes(700 * 1024);
    const { workspace, files, eager, ctx } = await setup({ 'big.bin': big });
    await fetchMissing(
      files.map((f) => f.object),
      { ...ctx, tee: (o) => eager.stream(o) },
    );
    expect((await readFile(join(workspace, 'data/big.bin'))).equals(big)).toBe(true);
    expect(files[0]!.eager).toBe(true);
    expect(await readdir(join(workspace, 'data'))).toEqual(['big.bin']);
  });

  it('a corrupt object leaves neither a file nor a temporary in the workspace', async () => {
    const { workspace, files, eager, ctx } = await setup({ 'bad.bin': randomBytes(700 * 1024) }, 'bad.bin');
    await fetchMissing(
      files.map((f) => f.object),
      { ...ctx, tee: (o) => eager.stream(o) },
    );
    eager.dropOpenStreams();
    expect(files[0]!.object.state).toBe('corrupt');
    expect(files[0]!.eager).toBe(false);
    expect(await readdir(join(workspace, 'data'))).toEqual([]);
  });
});
