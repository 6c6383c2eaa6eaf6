/**
 * Where things live in the store, relative to the registry root (see README, "Layout").
 * Every key of the registry is built here and nowhere else.
 */
export const layout = {
  model: (name: string) => `${name}/`,
  /** Version claims: `claims/<N>.json`, created with If-None-Match: * (exclusive create). */
  claims: (name: string) => `${name}/claims/`,
  claim: (name: string, version: number) => `${name}/claims/${version}.json`,
  versionPrefix: (name: string, version: number) => `${name}/versions/${version}/`,
  /** The prefix that holds exactly the version's files (the `uri`). */
  filesPrefix: (name: string, version: number) => `${name}/versions/${version}/files/`,
  file: (name: string, version: number, path: string) => `${name}/versions/${version}/files/${path}`,
  manifest: (name: string, version: number) => `${name}/versions/${version}/manifest.json`,
  /** Beside the manifest, not under files/: the `uri` keeps holding exactly the model files. */
  sample: (name: string, version: number) => `${name}/versions/${version}/sample.json`,
  profile: (name: string, version: number) => `${name}/versions/${version}/profile.json`,
  /** Content records: `content/<sha256 of the file listing>.json`, the dedup lock and index. */
  content: (name: string, digest: string) => `${name}/content/${digest}.json`,
  aliases: (name: string) => `${name}/aliases/`,
  alias: (name: string, alias: string) => `${name}/aliases/${alias}.json`,
  events: (name: string) => `${name}/events/`,
  event: (name: string, id: string) => `${name}/events/${id}.json`,
  probe: (id: string) => `.registry-probe/${id}`,
};

/** Parses the version number out of a claim key, or undefined. */
export function claimVersion(name: string, key: string): number | undefined {
  const m = /^claims\/(\d+)\.json$/.exec(key.slice(name.length + 1));
  return m ? Number(m[1]) : undefined;
}
