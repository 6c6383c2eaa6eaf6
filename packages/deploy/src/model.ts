import { UserError } from '@mlops-gha/common';
import type { Manifest, Registry, ResolvedVersion } from '@mlops-gha/registry';
import type { BadRevision } from '@mlops-gha/helm';

/**
 * The registry side of a deploy: which version to deploy (a number or an alias), its files
 * verified against the manifest before the cluster is touched, its stored sample for the
 * smoke test, and what the registry's events remember about a release's bad revisions.
 */

/** One OIP v2 tensor: flat row-major `data`. */
export interface SampleTensor {
  name: string;
  datatype: string;
  shape: number[];
  data: unknown[];
}

/** `sample.json` beside a version's manifest (written by registry-push's `sample-data`). */
export interface Sample {
  format: 'mlops-gha.sample/v1';
  rows: number;
  inputs: SampleTensor[];
  outputs: SampleTensor[];
}

export interface DeployableModel {
  resolved: ResolvedVersion;
  manifest: Manifest;
  sample?: Sample;
}

/** Resolves a version (number, alias, or the newest), hashes its files against the manifest, and reads its sample. */
export async function resolveModel(
  registry: Registry,
  name: string,
  ref: { version?: number; alias?: string },
): Promise<DeployableModel> {
  const resolved = await registry.resolve(
    ref.alias ? `${name}@${ref.alias}` : ref.version ? `${name}/${ref.version}` : `${name}@latest`,
  );
  const report = await registry.verify(name, resolved.version);
  if (!report.ok) {
    throw new UserError(
      `${name}/${resolved.version} in the registry ${registry.location} failed verification: ${report.problems.join('; ')}`,
      {
        fix: 'Do not deploy it: push the model again (a new version), or deploy another version.',
        title: 'model artifact does not match its manifest',
      },
    );
  }
  const sample = await readVersionSample(registry, resolved.manifest);
  return { resolved, manifest: resolved.manifest, ...(sample ? { sample } : {}) };
}

/** The version's sample, read and sha256-checked by the registry; undefined when it has none. */
export async function readVersionSample(registry: Registry, manifest: Manifest): Promise<Sample | undefined> {
  if (!manifest.sample) return undefined;
  return parseSample(
    await registry.readSample(manifest.name, manifest.version),
    `${manifest.name}/${manifest.version}`,
  );
}

/** Checks a sample document's shape (mlops-gha.sample/v1: OIP v2 inputs and the recorded outputs). */
export function parseSample(data: unknown, where: string): Sample {
  // a stored `null` (or any non-object) is refused like any other bad document, not a TypeError
  const d = (data && typeof data === 'object' ? data : {}) as Partial<Sample>;
  const tensors = (list: unknown) =>
    Array.isArray(list) &&
    list.every(
      (t) =>
        t &&
        typeof t === 'object' &&
        typeof t.name === 'string' &&
        typeof t.datatype === 'string' &&
        Array.isArray(t.shape) &&
        Array.isArray(t.data),
    );
  if (
    d.format !== 'mlops-gha.sample/v1' ||
    !tensors(d.inputs) ||
    !tensors(d.outputs) ||
    !(d.inputs as unknown[]).length ||
    !(d.outputs as unknown[]).length
  ) {
    throw new UserError(`The sample of ${where} is not a mlops-gha.sample/v1 document with inputs and outputs`, {
      fix: 'Push the model again with `sample-data`.',
    });
  }
  return data as Sample;
}

/** Revisions of `release` whose smoke test failed, from the registry's audit events. */
export async function knownBadRevisions(
  registry: Registry,
  name: string,
  release: string,
  namespace: string,
): Promise<BadRevision[]> {
  const events = await registry.listEvents(name).catch(() => []);
  return events
    .filter(
      (e) =>
        e.type === 'smoke-test-failed' &&
        e.release === release &&
        e.namespace === namespace &&
        typeof e.revision === 'number',
    )
    .map((e) => ({ revision: e.revision as number, why: `its smoke test failed (registry event ${e.id})` }));
}
