/** Reading the registry: models, claimed and visible versions, manifests, aliases, references. */
import { UserError } from '@mlops-gha/common';
import { readAttachment } from './attachments.js';
import type { RegistryContext } from './context.js';
import { NotFoundInRegistryError, VersionIntegrityError } from './errors.js';
import { claimVersion, layout } from './layout.js';
import { parseManifest, type Manifest } from './manifest.js';
import { checkModelName, checkVersionNumber, parseModelRef, type ModelRef } from './names.js';
import type { AliasDocument, ResolvedVersion, VersionSummary } from './types.js';

export async function listModels(ctx: RegistryContext): Promise<string[]> {
  const names = new Set<string>();
  for await (const o of ctx.store.list('')) {
    const m = /^([^/]+)\/claims\/\d+\.json$/.exec(o.key);
    if (m) names.add(m[1]!);
  }
  return [...names].sort();
}

/** Numbers claimed so far (including claims whose push never finished), ascending. */
export async function claimedVersions(ctx: RegistryContext, name: string): Promise<number[]> {
  checkModelName(name);
  const out: number[] = [];
  for await (const o of ctx.store.list(layout.claims(name))) {
    const v = claimVersion(name, o.key);
    if (v !== undefined) out.push(v);
  }
  return out.sort((a, b) => a - b);
}

/** The manifest of a version, validated; undefined when the version is not (yet) visible. */
export async function tryReadManifest(
  ctx: RegistryContext,
  name: string,
  version: number,
): Promise<Manifest | undefined> {
  checkModelName(name);
  checkVersionNumber(version);
  const key = layout.manifest(name, version);
  const got = await ctx.store.getBytes(key);
  if (!got) return undefined;
  const manifest = parseManifest(got.body, ctx.store.urlOf(key));
  if (manifest.name !== name || manifest.version !== version) {
    throw new VersionIntegrityError(`${name}/${version}`, [`its manifest names ${manifest.name}/${manifest.version}`]);
  }
  return manifest;
}

export async function readManifest(ctx: RegistryContext, name: string, version: number): Promise<Manifest> {
  checkModelName(name);
  checkVersionNumber(version);
  const manifest = await tryReadManifest(ctx, name, version);
  if (!manifest) {
    const known = await listVersionNumbers(ctx, name);
    throw new NotFoundInRegistryError(
      `${name}/${version} does not exist in the registry ${ctx.location}`,
      known.length
        ? `Versions of ${name}: ${known.join(', ')}.`
        : `The registry has no versions of ${name}: push one first, or check the name and registry.`,
    );
  }
  return manifest;
}

/** Visible versions (those with a manifest), ascending. */
export async function listVersionNumbers(ctx: RegistryContext, name: string): Promise<number[]> {
  checkModelName(name);
  const out: number[] = [];
  for await (const o of ctx.store.list(`${name}/versions/`)) {
    const m = /^[^/]+\/versions\/(\d+)\/manifest\.json$/.exec(o.key);
    if (m) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}

export async function listVersions(ctx: RegistryContext, name: string): Promise<VersionSummary[]> {
  checkModelName(name);
  const aliases = await listAliases(ctx, name);
  const out: VersionSummary[] = [];
  for (const v of await listVersionNumbers(ctx, name)) {
    const m = await tryReadManifest(ctx, name, v);
    if (!m) continue;
    out.push({
      version: v,
      created_at: m.created_at,
      created_by: m.created_by,
      sha256: m.sha256,
      size: m.files.reduce((s, f) => s + f.size, 0),
      aliases: Object.entries(aliases)
        .filter(([, d]) => d.version === v)
        .map(([a]) => a)
        .sort(),
    });
  }
  return out;
}

export async function listAliases(ctx: RegistryContext, name: string): Promise<Record<string, AliasDocument>> {
  checkModelName(name);
  const out: Record<string, AliasDocument> = {};
  for await (const o of ctx.store.list(layout.aliases(name))) {
    const m = /\/aliases\/([^/]+)\.json$/.exec(o.key);
    if (!m) continue;
    const doc = await readAlias(ctx, name, m[1]!);
    if (doc) out[m[1]!] = doc.doc;
  }
  return out;
}

export async function readAlias(
  ctx: RegistryContext,
  name: string,
  alias: string,
): Promise<{ doc: AliasDocument; etag?: string } | undefined> {
  const key = layout.alias(name, alias);
  const got = await ctx.store.getBytes(key);
  if (!got) return undefined;
  let doc: AliasDocument;
  try {
    doc = JSON.parse(got.body.toString()) as AliasDocument;
  } catch {
    throw new UserError(`The alias document ${ctx.store.urlOf(key)} is not valid JSON`, {
      fix: 'Alias documents are written by the registry only: move the alias again with `alias set` after deleting the damaged file.',
    });
  }
  if (typeof doc?.version !== 'number' || doc.alias !== alias) {
    throw new UserError(`The alias document ${ctx.store.urlOf(key)} is malformed`, {
      fix: 'Move the alias again with `alias set`.',
    });
  }
  return { doc, etag: got.etag };
}

/** The newest visible version, or undefined when the model has none. */
export async function latestVersion(ctx: RegistryContext, name: string): Promise<number | undefined> {
  const versions = await listVersionNumbers(ctx, name);
  return versions[versions.length - 1];
}

/** Resolves `NAME/VERSION`, `NAME@ALIAS` or `NAME@latest` to a visible version and its manifest. */
export async function resolve(ctx: RegistryContext, reference: string | ModelRef): Promise<ResolvedVersion> {
  const ref = typeof reference === 'string' ? parseModelRef(reference) : reference;
  let version: number;
  if (ref.kind === 'version') version = ref.version;
  else if (ref.kind === 'latest') {
    const latest = await latestVersion(ctx, ref.name);
    if (latest === undefined) {
      throw new NotFoundInRegistryError(
        `${ref.name} has no versions in the registry ${ctx.location}`,
        'Push a version first, or check the model name and registry.',
      );
    }
    version = latest;
  } else {
    const alias = await readAlias(ctx, ref.name, ref.alias);
    if (!alias) {
      const known = Object.keys(await listAliases(ctx, ref.name));
      throw new NotFoundInRegistryError(
        `The alias ${ref.alias} of ${ref.name} does not exist in the registry ${ctx.location}`,
        known.length
          ? `Aliases of ${ref.name}: ${known.join(', ')}.`
          : `${ref.name} has no aliases: set one with registry-push's \`alias\` input or \`alias set\`.`,
      );
    }
    version = alias.doc.version;
  }
  const manifest = await readManifest(ctx, ref.name, version);
  return {
    name: ref.name,
    version,
    ...(ref.kind === 'alias' ? { alias: ref.alias } : {}),
    manifest,
    uri: manifest.uri,
    sha256: manifest.sha256,
  };
}

/** The version's stored sample (sample.json), verified against the manifest's sha256. */
export async function readSample(ctx: RegistryContext, name: string, version: number): Promise<unknown> {
  return readAttachment(ctx.store, await readManifest(ctx, name, version), 'sample');
}

/** The version's data profile (profile.json), verified against the manifest's sha256. */
export async function readProfile(ctx: RegistryContext, name: string, version: number): Promise<unknown> {
  return readAttachment(ctx.store, await readManifest(ctx, name, version), 'profile');
}
