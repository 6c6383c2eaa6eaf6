/**
 * Parsers for helm's `-o json` outputs (one compact line each). Helm 3 and 4 differ in
 * details (empty times as "" in 3, omitted in 4; `list` revisions as strings); the parsers
 * accept both and check every field they return, so a surprise fails loudly here rather
 * than as `undefined` later.
 */

export const RELEASE_STATUSES = [
  'unknown',
  'deployed',
  'uninstalled',
  'superseded',
  'failed',
  'uninstalling',
  'pending-install',
  'pending-upgrade',
  'pending-rollback',
] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

export interface HistoryEntry {
  revision: number;
  /** RFC 3339, or "" when helm stored no time. */
  updated: string;
  status: ReleaseStatus;
  /** `<name>-<version>`, `MISSING` when the chart had no metadata. */
  chart: string;
  app_version: string;
  description: string;
}

export interface ReleaseStatusInfo {
  name: string;
  namespace: string;
  revision: number;
  status: ReleaseStatus;
  description: string;
  lastDeployed: string;
  /** User-supplied values of this revision (`config`). */
  config: Record<string, unknown>;
  manifest: string;
  chart?: { name: string; version: string; appVersion: string };
}

export interface ListEntry {
  name: string;
  namespace: string;
  revision: number;
  status: ReleaseStatus;
  chart: string;
  app_version: string;
  updated: string;
}

export class HelmOutputError extends Error {
  constructor(what: string, detail: string) {
    super(`Unexpected output from helm ${what}: ${detail}`);
    this.name = 'HelmOutputError';
  }
}

function parseJson(what: string, text: string): unknown {
  // Helm 4.2.1+ prints `Pulled:`/`Digest:` lines for oci:// charts on stdout before the JSON.
  const start = text.search(/^[[{n]/m);
  const body = start >= 0 ? text.slice(start) : text;
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new HelmOutputError(what, `not JSON (${(error as Error).message}): ${JSON.stringify(text.slice(0, 120))}`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(what: string, o: Record<string, unknown>, key: string, optional = true): string {
  const v = o[key];
  if (v === undefined || v === null) {
    if (optional) return '';
    throw new HelmOutputError(what, `missing "${key}"`);
  }
  if (typeof v !== 'string') throw new HelmOutputError(what, `"${key}" is ${typeof v}, expected a string`);
  return v;
}

function status(what: string, v: unknown): ReleaseStatus {
  if (typeof v === 'string' && (RELEASE_STATUSES as readonly string[]).includes(v)) return v as ReleaseStatus;
  throw new HelmOutputError(what, `unknown release status ${JSON.stringify(v)}`);
}

function revision(what: string, v: unknown): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
    throw new HelmOutputError(what, `revision ${JSON.stringify(v)} is not a whole number`);
  return n;
}

/** `helm history REL -o json`: oldest first, as helm prints it (re-sorted to be sure). */
export function parseHistory(text: string): HistoryEntry[] {
  const data = parseJson('history', text);
  if (!Array.isArray(data)) throw new HelmOutputError('history', 'expected a JSON array');
  return data
    .map((e, i) => {
      if (!isObject(e)) throw new HelmOutputError('history', `entry ${i} is not an object`);
      return {
        revision: revision('history', e.revision),
        updated: str('history', e, 'updated'),
        status: status('history', e.status),
        chart: str('history', e, 'chart'),
        app_version: str('history', e, 'app_version'),
        description: str('history', e, 'description'),
      };
    })
    .sort((a, b) => a.revision - b.revision);
}

/** `helm status REL -o json` (Release without chart) or `upgrade/install -o json` (with chart). */
export function parseRelease(text: string, what = 'status'): ReleaseStatusInfo {
  const data = parseJson(what, text);
  if (!isObject(data)) throw new HelmOutputError(what, 'expected a JSON object');
  const info = isObject(data.info) ? data.info : {};
  const chartMeta = isObject(data.chart) && isObject(data.chart.metadata) ? data.chart.metadata : undefined;
  return {
    name: str(what, data, 'name', false),
    namespace: str(what, data, 'namespace'),
    revision: revision(what, data.version ?? 0),
    status: status(what, info.status ?? 'unknown'),
    description: str(what, info, 'description'),
    lastDeployed: str(what, info, 'last_deployed'),
    config: isObject(data.config) ? data.config : {},
    manifest: str(what, data, 'manifest'),
    ...(chartMeta
      ? {
          chart: {
            name: str(what, chartMeta, 'name'),
            version: str(what, chartMeta, 'version'),
            appVersion: str(what, chartMeta, 'appVersion'),
          },
        }
      : {}),
  };
}

/** `helm get values REL -o json`: the user-supplied values; `null` (no values) reads as {}. */
export function parseValues(text: string): Record<string, unknown> {
  const data = parseJson('get values', text.trim() === '' ? 'null' : text);
  if (data === null) return {};
  if (!isObject(data)) throw new HelmOutputError('get values', 'expected a JSON object or null');
  return data;
}

/** `helm list -o json`: `revision` is a string there, `updated` Go's Time.String(). */
export function parseList(text: string): ListEntry[] {
  const data = parseJson('list', text);
  if (!Array.isArray(data)) throw new HelmOutputError('list', 'expected a JSON array');
  return data.map((e, i) => {
    if (!isObject(e)) throw new HelmOutputError('list', `entry ${i} is not an object`);
    return {
      name: str('list', e, 'name', false),
      namespace: str('list', e, 'namespace'),
      revision: revision('list', e.revision),
      status: status('list', e.status),
      chart: str('list', e, 'chart'),
      app_version: str('list', e, 'app_version'),
      updated: str('list', e, 'updated'),
    };
  });
}
