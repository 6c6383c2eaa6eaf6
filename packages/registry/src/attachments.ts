/**
 * Documents stored beside a version's manifest.json: `sample.json` (rows of `sample-data`
 * with the model's outputs, for the deploy smoke test) and `profile.json` (the data profile
 * of `profile-data`, drift-check's reference). Both are written before the manifest, which
 * names them with sha256 and size; readers verify both before parsing.
 */
import { createHash } from 'node:crypto';
import { UserError } from '@mlops-gha/common';
import { PreconditionFailedError, type ObjectStore } from '@mlops-gha/storage';
import { VersionIntegrityError } from './errors.js';
import { layout } from './layout.js';
import type { AttachmentRecord, Manifest } from './manifest.js';

export interface PushAttachments {
  sample?: { body: Buffer; rows: number };
  profile?: { body: Buffer; rows: number; columns: number };
}

export type AttachmentKind = 'sample' | 'profile';

const PUSH_INPUT: Record<AttachmentKind, string> = { sample: 'sample-data', profile: 'profile-data' };
const WHAT: Record<AttachmentKind, string> = { sample: 'stored sample', profile: 'data profile' };

/** Writes the attachments under the version's own prefix (exclusive creates) and returns their manifest records. */
export async function writeAttachments(
  store: ObjectStore,
  name: string,
  version: number,
  attachments: PushAttachments,
): Promise<Pick<Manifest, 'sample' | 'profile'>> {
  const out: Pick<Manifest, 'sample' | 'profile'> = {};
  for (const kind of ['sample', 'profile'] as const) {
    const a = attachments[kind];
    if (!a) continue;
    const key = layout[kind](name, version);
    try {
      await store.put(key, a.body, { ifNoneMatch: '*', contentType: 'application/json' });
    } catch (error) {
      // Only this push writes under its claim: a 412 is its own retried PUT that landed.
      const landed =
        error instanceof PreconditionFailedError || (error as Error)?.name === 'PreconditionFailedError'
          ? await store.getBytes(key)
          : undefined;
      if (!landed || !landed.body.equals(a.body)) throw error;
    }
    const record: AttachmentRecord = {
      path: `${kind}.json`,
      sha256: createHash('sha256').update(a.body).digest('hex'),
      size: a.body.length,
    };
    if (kind === 'sample') out.sample = { ...record, rows: a.rows };
    else out.profile = { ...record, rows: a.rows, columns: (a as { columns: number }).columns };
  }
  return out;
}

/** Reads and verifies an attachment of a version; a version without one is a UserError naming the push input. */
export async function readAttachment(store: ObjectStore, manifest: Manifest, kind: AttachmentKind): Promise<unknown> {
  const ref = `${manifest.name}/${manifest.version}`;
  const record = manifest[kind];
  if (!record) {
    throw new UserError(`${ref} has no ${WHAT[kind]}: it was pushed without \`${PUSH_INPUT[kind]}\``, {
      fix: `Push the model again with registry-push's \`${PUSH_INPUT[kind]}\` set (${kind === 'profile' ? 'the training data' : 'a few rows of input data'}), then refer to the new version.`,
      title: `No ${WHAT[kind]}`,
    });
  }
  const key = layout[kind](manifest.name, manifest.version);
  const got = await store.getBytes(key);
  if (!got) throw new VersionIntegrityError(ref, [`${record.path}: missing from the store (the manifest names it)`]);
  const sha = createHash('sha256').update(got.body).digest('hex');
  if (got.body.length !== record.size || sha !== record.sha256) {
    throw new VersionIntegrityError(ref, [
      `${record.path}: ${got.body.length} bytes with sha256 ${sha}, the manifest says ${record.size} bytes with ${record.sha256}`,
    ]);
  }
  try {
    return JSON.parse(got.body.toString('utf8'));
  } catch (error) {
    throw new VersionIntegrityError(ref, [`${record.path}: not valid JSON (${(error as Error).message})`]);
  }
}
