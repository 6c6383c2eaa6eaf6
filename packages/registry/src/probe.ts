import { randomUUID } from 'node:crypto';
import { UserError } from '@mlops-gha/common';
import { PreconditionFailedError, type ObjectStore } from '@mlops-gha/storage';
import { layout } from './layout.js';

/** The store does not honour conditional writes, so the registry refuses to write to it. */
export class ConditionalWritesUnsupportedError extends UserError {
  constructor(
    readonly storeLocation: string,
    detail: string,
  ) {
    super(
      `The store ${storeLocation} does not honour conditional writes (${detail}). The registry needs them to ` +
        'claim version numbers and move aliases safely, so nothing was written.',
      {
        fix:
          'Use a store that implements S3 conditional writes (If-None-Match: * and If-Match on PutObject): AWS S3, ' +
          'MinIO (2023 or newer), Cloudflare R2, or a local/shared folder as `registry`. s3rver and the GCS XML API ignore them.',
        title: 'Registry store lacks conditional writes',
      },
    );
    this.name = new.target.name;
  }
}

/**
 * Checks that a store honours conditional writes before the registry's first write to it:
 * creates a probe object with If-None-Match: *, then expects a second exclusive create and
 * an If-Match with a wrong etag both to be refused (412). The probe object is deleted
 * whatever happens, so a refused store is left as it was found.
 */
export async function probeConditionalWrites(store: ObjectStore): Promise<void> {
  const key = layout.probe(randomUUID());
  let created = false;
  try {
    try {
      await store.put(key, 'probe 1', { ifNoneMatch: '*' });
      created = true;
    } catch (error) {
      throw new ConditionalWritesUnsupportedError(
        store.location,
        `a create with If-None-Match: * failed: ${(error as Error).message}`,
      );
    }
    const refused = async (attempt: () => Promise<unknown>): Promise<boolean> => {
      try {
        await attempt();
        return false;
      } catch (error) {
        if (error instanceof PreconditionFailedError || (error as Error).name === 'PreconditionFailedError')
          return true;
        throw new ConditionalWritesUnsupportedError(
          store.location,
          `a conditional write failed with ${(error as Error).message}`,
        );
      }
    };
    if (!(await refused(() => store.put(key, 'probe 2', { ifNoneMatch: '*' })))) {
      throw new ConditionalWritesUnsupportedError(
        store.location,
        'a second PUT with If-None-Match: * overwrote an existing object instead of failing with 412',
      );
    }
    if (!(await refused(() => store.put(key, 'probe 3', { ifMatch: '"00000000000000000000000000000000"' })))) {
      throw new ConditionalWritesUnsupportedError(
        store.location,
        'a PUT with a stale If-Match etag overwrote the object instead of failing with 412',
      );
    }
  } finally {
    if (created) await store.delete(key).catch(() => undefined);
  }
}
