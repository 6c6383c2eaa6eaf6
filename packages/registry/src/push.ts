/** Pushing a version: hash, dedup by content, lock, claim, upload, attachments, manifest last, event, alias. */
import { stat } from 'node:fs/promises';
import { formatBytes, hashFile, ProgressMeter, startProgressTicker, UserError } from '@mlops-gha/common';
import { writeAttachments } from './attachments.js';
import { moveAlias } from './aliases.js';
import { claimNextVersion } from './claims.js';
import { acquireContentLock, findPublished } from './content-lock.js';
import { isPrecondition, type RegistryContext } from './context.js';
import { appendEvent } from './events.js';
import { layout } from './layout.js';
import {
  checkFilePath,
  checkMetrics,
  contentDigest,
  MANIFEST_SCHEMA_ID,
  serializeManifest,
  validateManifest,
  versionSha256,
  type Manifest,
  type ManifestFile,
  type ModelSignature,
} from './manifest.js';
import { checkAliasName, checkModelName, checkTags } from './names.js';
import { readOnnxSignature } from './signature.js';
import type { PushRequest, PushResult } from './types.js';

/** What changes whenever a file's bytes may have: size, mtime, ctime (a rename onto it: inode). */
function statStamp(st: { size: number; mtimeMs: number; ctimeMs: number; ino: number; dev: number }): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
}

function changedWhilePushed(path: string, when: 'hashed' | 'pushed'): UserError {
  return new UserError(`${path} changed while it was being ${when}`, {
    fix: 'Push it once the training step has finished writing it.',
  });
}

/** Pushes files as a new version, or returns the existing version with identical files. */
export async function push(ctx: RegistryContext, request: PushRequest): Promise<PushResult> {
  const name = checkModelName(request.name);
  if (request.alias !== undefined) checkAliasName(request.alias);
  const tags = checkTags(request.tags ?? {});
  const metrics = checkMetrics(request.metrics ?? {}, `Cannot push ${name}: `);
  if (request.files.length === 0)
    throw new UserError('No model files to push', { fix: 'Set `model:` to the model file(s).' });
  for (const f of request.files) checkFilePath(f.path, f.source);

  // 1. Hash (one read of each file), with the file's stat before and after: a file still
  //    being written (or rewritten during the upload, checked again below) would make the
  //    manifest's sha256 lie.
  const hashed: ManifestFile[] = [];
  const stamps = new Map<string, string>();
  for (const f of request.files) {
    const before = await stat(f.source);
    const sha256 = await hashFile(f.source, 'sha256');
    const stamp = statStamp(before);
    if (statStamp(await stat(f.source)) !== stamp) throw changedWhilePushed(f.source, 'hashed');
    stamps.set(f.path, stamp);
    hashed.push({ path: f.path, sha256, size: before.size });
  }
  const digest = contentDigest(hashed);
  ctx.logger.info(
    `Hashed ${hashed.length} file(s), ${formatBytes(hashed.reduce((s, f) => s + f.size, 0))}: content ${digest.slice(0, 12)}`,
  );
  await ctx.step('hashed');

  // 2. Identical content already published? Then nothing is uploaded.
  const existing = await findPublished(ctx, name, digest);
  if (existing) return finishExisting(ctx, existing, request);

  // 3. Validate everything that can fail before the first write.
  const signatures = new Map<string, ModelSignature>();
  for (const f of request.files) {
    if (/\.onnx$/i.test(f.path)) signatures.set(f.path, await readOnnxSignature(f.source));
  }
  await ctx.ensureConditionalWrites();

  // 4. The content lock: only one push uploads a given content.
  const lock = await acquireContentLock(ctx, name, digest);
  if (lock.published) return finishExisting(ctx, lock.published, request);
  await ctx.step('locked');
  let stopUploadTicker = () => {};
  try {
    // 5. Claim the next version number with an exclusive create.
    const version = await claimNextVersion(ctx, name, lock.pushId);
    lock.version = version;
    await lock.beat();
    await ctx.step('claimed');

    // 6. Upload the files under the claim's own prefix (no other push writes there).
    let uploadedBytes = 0;
    const meter = new ProgressMeter('registry-push', 'files', request.files.length);
    const stopTicker = startProgressTicker(meter, (line) => ctx.logger.info(line), 5000);
    for (const f of request.files) {
      const key = layout.file(name, version, f.path);
      ctx.logger.info(`Uploading ${f.path} (${formatBytes(f.size)}) to ${ctx.store.urlOf(key)}`);
      stopUploadTicker = stopTicker;
      await ctx.store.putFile(key, f.source, { onBytes: (n) => meter.addBytes(n) });
      meter.add(1);
      const head = await ctx.store.head(key);
      const expected = hashed.find((h) => h.path === f.path)!;
      if (!head || head.size !== expected.size) {
        throw new Error(
          `Upload of ${f.source} to ${ctx.store.urlOf(key)} did not land whole (${head?.size ?? 'missing'} of ${expected.size} bytes)`,
        );
      }
      // A file changed while we pushed it would make the manifest lie: size, mtime, ctime, inode.
      if (statStamp(await stat(f.source)) !== stamps.get(f.path)) throw changedWhilePushed(f.source, 'pushed');
      uploadedBytes += expected.size;
    }
    stopTicker();
    const attached = await writeAttachments(ctx.store, name, version, request.attachments ?? {});
    await ctx.step('uploaded');

    // 7. The manifest, written last and exclusively: from now on the version is visible.
    const files = hashed.map((h) => ({
      ...h,
      ...(signatures.has(h.path) ? { signature: signatures.get(h.path)! } : {}),
    }));
    const firstOnnx = files.find((f) => f.signature);
    const manifest = validateManifest(
      {
        schema: MANIFEST_SCHEMA_ID,
        name,
        version,
        created_at: ctx.now().toISOString(),
        created_by: ctx.options.actor ?? null,
        uri: ctx.uriOf(name, version),
        sha256: versionSha256(hashed),
        content_digest: digest,
        files,
        signature: firstOnnx?.signature ?? null,
        metrics,
        params: request.params ?? {},
        lineage: {
          git_sha: null,
          git_ref: null,
          repository: null,
          run_url: null,
          run_id: null,
          data_version: null,
          ...Object.fromEntries(Object.entries(request.lineage ?? {}).filter(([, v]) => v !== undefined)),
        },
        tags,
        description: request.description ?? null,
        ...attached,
      } satisfies Manifest,
      `for ${name}/${version}`,
    );
    const manifestBody = serializeManifest(manifest);
    try {
      await ctx.store.put(layout.manifest(name, version), manifestBody, {
        ifNoneMatch: '*',
        contentType: 'application/json',
      });
    } catch (error) {
      // Only this push writes under its claim: a 412 here is its own retried PUT that landed.
      const landed = isPrecondition(error) ? await ctx.store.getBytes(layout.manifest(name, version)) : undefined;
      if (!landed || landed.body.toString() !== manifestBody) throw error;
    }
    await ctx.step('manifest-written');
    await lock.publish(version);

    await appendEvent(ctx, name, { type: 'version-created', version, sha256: manifest.sha256, uri: manifest.uri });
    await ctx.step('event-written');
    ctx.logger.info(`Created ${name}/${version} at ${manifest.uri}`);
    const result: PushResult = {
      name,
      version,
      created: true,
      uri: manifest.uri,
      sha256: manifest.sha256,
      manifest,
      uploadedBytes,
    };
    if (request.alias) result.alias = await moveAlias(ctx, name, request.alias, version);
    return result;
  } finally {
    stopUploadTicker();
    lock.stop();
  }
}

export async function finishExisting(
  ctx: RegistryContext,
  manifest: Manifest,
  request: PushRequest,
): Promise<PushResult> {
  ctx.logger.info(`${manifest.name}/${manifest.version} already holds identical files: nothing uploaded`);
  for (const kind of ['sample', 'profile'] as const) {
    if (request.attachments?.[kind]) {
      ctx.logger.warning(
        `${manifest.name}/${manifest.version} is immutable: its ${kind === 'sample' ? 'sample' : 'data profile'} ${manifest[kind] ? 'stays as first pushed' : 'stays absent'}; the one given now was not stored`,
      );
    }
  }
  const result: PushResult = {
    name: manifest.name,
    version: manifest.version,
    created: false,
    uri: manifest.uri,
    sha256: manifest.sha256,
    manifest,
    uploadedBytes: 0,
  };
  if (request.alias) result.alias = await moveAlias(ctx, manifest.name, request.alias, manifest.version);
  return result;
}
