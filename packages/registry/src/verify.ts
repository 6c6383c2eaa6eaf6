/** Checking a version's bytes against its manifest, and downloading a version verified. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { IntegrityError } from '@mlops-gha/storage';
import { readAttachment } from './attachments.js';
import type { RegistryContext } from './context.js';
import { VersionIntegrityError } from './errors.js';
import { layout } from './layout.js';
import { contentDigest, versionSha256, type Manifest } from './manifest.js';
import { readManifest } from './reader.js';
import type { VerifyReport } from './types.js';

/**
 * Checks a version: the manifest's own digests agree with its file list, the files under
 * `uri` are exactly those it lists, and each one's bytes hash to its sha256.
 */
export async function verify(ctx: RegistryContext, name: string, version: number): Promise<VerifyReport> {
  const ref = `${name}/${version}`;
  const manifest = await readManifest(ctx, name, version);
  const problems = manifestProblems(manifest);
  const prefix = layout.filesPrefix(name, version);
  const present = new Map<string, number>();
  for await (const o of ctx.store.list(prefix)) present.set(o.key.slice(prefix.length), o.size);
  const files: VerifyReport['files'] = [];
  for (const f of manifest.files) {
    let problem: string | undefined;
    const size = present.get(f.path);
    if (size === undefined) problem = 'missing from the store';
    else if (size !== f.size) problem = `size ${size}, manifest says ${f.size}`;
    else {
      const hash = createHash('sha256');
      for await (const chunk of await ctx.store.get(layout.file(name, version, f.path))) hash.update(chunk as Buffer);
      const actual = hash.digest('hex');
      if (actual !== f.sha256) problem = `sha256 ${actual}, manifest says ${f.sha256}`;
    }
    if (problem) problems.push(`${f.path}: ${problem}`);
    files.push({ path: f.path, sha256: f.sha256, size: f.size, ok: !problem, ...(problem ? { problem } : {}) });
    present.delete(f.path);
  }
  for (const extra of present.keys()) problems.push(`${extra}: in the store but not in the manifest`);
  for (const kind of ['sample', 'profile'] as const) {
    if (!manifest[kind]) continue;
    try {
      await readAttachment(ctx.store, manifest, kind);
    } catch (error) {
      if (!(error instanceof VersionIntegrityError)) throw error;
      problems.push(...error.problems);
    }
  }
  return { ref, ok: problems.length === 0, files, problems };
}

export function manifestProblems(manifest: Manifest): string[] {
  const problems: string[] = [];
  const digest = contentDigest(manifest.files);
  if (digest !== manifest.content_digest)
    problems.push(
      `the manifest's content_digest ${manifest.content_digest} does not match its file list (${digest}): the manifest was edited`,
    );
  if (versionSha256(manifest.files) !== manifest.sha256)
    problems.push("the manifest's sha256 does not match its file list: the manifest was edited");
  return problems;
}

/**
 * Downloads a version's files into `dest` (a folder), each verified against its sha256
 * before it appears there. A version that fails verification is refused and nothing of it
 * is left in `dest`.
 */
export async function download(
  ctx: RegistryContext,
  name: string,
  version: number,
  dest: string,
  options: { onBytes?: (n: number) => void } = {},
): Promise<{ manifest: Manifest; files: string[]; bytes: number }> {
  const ref = `${name}/${version}`;
  const manifest = await readManifest(ctx, name, version);
  const problems = manifestProblems(manifest);
  if (problems.length) throw new VersionIntegrityError(ref, problems);
  const target = resolve(dest);
  const staging = join(dirname(target), `.${ref.replace('/', '-')}.pull-${randomBytes(4).toString('hex')}`);
  let bytes = 0;
  const written: string[] = [];
  try {
    for (const f of manifest.files) {
      try {
        const got = await ctx.store.downloadToFile(
          layout.file(name, version, f.path),
          join(staging, ...f.path.split('/')),
          {
            verify: { algorithm: 'sha256', digest: f.sha256 },
            onBytes: options.onBytes,
          },
        );
        bytes += got.bytes;
      } catch (error) {
        if (error instanceof IntegrityError || (error as Error).name === 'IntegrityError') {
          throw new VersionIntegrityError(ref, [`${f.path}: ${(error as Error).message}`]);
        }
        throw error;
      }
    }
    await mkdir(target, { recursive: true });
    for (const f of manifest.files) {
      const to = join(target, ...f.path.split('/'));
      await mkdir(dirname(to), { recursive: true });
      await rename(join(staging, ...f.path.split('/')), to);
      written.push(to);
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return { manifest, files: written, bytes };
}
