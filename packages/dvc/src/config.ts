import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parse as parseIni } from 'ini';
import { UserError, type FileLocation } from '@mlops-gha/common';
import { readText } from './files.js';

/** A remote as `.dvc/config` (+ config.local, global, system) describes it, after merging. */
export interface RemoteConfig {
  name: string;
  /** `s3://bucket/prefix`, or an absolute folder path for local remotes. */
  url: string;
  endpointurl?: string;
  region?: string;
  profile?: string;
  access_key_id?: string;
  secret_access_key?: string;
  session_token?: string;
  credentialpath?: string;
  configpath?: string;
  jobs?: number;
  /** Where the remote's section is, for error annotations. */
  location?: FileLocation;
}

export interface DvcConfig {
  /** `[core] remote` and where it was set. */
  coreRemote?: { name: string; location: FileLocation };
  /** Absolute `[cache] dir` (default `<root>/.dvc/cache`). */
  cacheDir: string;
  /** `[cache] type` as an ordered list, e.g. ['reflink', 'copy']. */
  cacheTypes?: string[];
  /** `[cache] shared = group` makes cache folders 0o2775 and files group-readable. */
  sharedGroup: boolean;
  remotes: Map<string, RemoteConfig>;
  /** Which config files existed. */
  files: string[];
  /** Values that must never be printed (keys from any config file). */
  secrets: string[];
}

type Section = Record<string, string>;
interface ConfigFile {
  path: string;
  location: string;
  text: string;
  sections: Map<string, Section>;
}

/** Reads one configobj-style file with `ini`; section names are lowercased, `'remote "x"'` unquoted. */
function readConfigFile(path: string, text: string, locationBase: string): ConfigFile {
  // ini splits section names on dots; remote names may contain dots, so escape them first.
  const escaped = text.replace(
    /^(\s*\[)(.*)(\]\s*)$/gm,
    (_m, a: string, name: string, b: string) => `${a}${name.replace(/\./g, '\\.')}${b}`,
  );
  const parsed = parseIni(escaped) as Record<string, unknown>;
  const sections = new Map<string, Section>();
  for (const [rawName, value] of Object.entries(parsed)) {
    if (!value || typeof value !== 'object') continue;
    const name = normaliseSection(rawName);
    const section: Section = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
        section[k.toLowerCase()] = String(v);
    }
    sections.set(name, { ...(sections.get(name) ?? {}), ...section });
  }
  return { path, location: relative(locationBase, path).split(sep).join('/'), text, sections };
}

function normaliseSection(raw: string): string {
  let name = raw.trim();
  if (
    (name.startsWith("'") && name.endsWith("'")) ||
    (name.startsWith('"') && name.endsWith('"') && !/^"remote /.test(name))
  ) {
    name = name.slice(1, -1);
  }
  const m = /^(remote|machine|db)\s+"(.*)"$/i.exec(name);
  if (m) return `${m[1]!.toLowerCase()} "${m[2]!.toLowerCase()}"`;
  return name.toLowerCase();
}

/** The 1-based line of a section header (and optionally one key in it) in a config file. */
function lineOf(file: ConfigFile, section: string, key?: string): number | undefined {
  const lines = file.text.split(/\r?\n/);
  let current = '';
  let sectionLine: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const header = /^\[(.*)\]$/.exec(line);
    if (header) {
      current = normaliseSection(header[1]!);
      if (current === section && sectionLine === undefined) sectionLine = i + 1;
      continue;
    }
    if (key && current === section && new RegExp(`^${key}\\s*=`, 'i').test(line)) return i + 1;
  }
  return sectionLine;
}

function expandPath(value: string, configDir: string): string {
  const home = value.startsWith('~') ? join(homedir(), value.slice(1)) : value;
  return isAbsolute(home) ? home : resolve(configDir, home);
}

const SECRET_KEYS = [
  'secret_access_key',
  'access_key_id',
  'session_token',
  'password',
  'sas_token',
  'account_key',
  'token',
];

export interface LoadConfigOptions {
  /** Absolute repository root (the folder holding `.dvc/`). */
  root: string;
  locationBase: string;
  /** Read the user's global and system DVC config too (as dvc does). Default true. */
  includeGlobal?: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * Loads and merges DVC's config files in DVC's order (system, global, `.dvc/config`,
 * `.dvc/config.local`; later wins key by key). Relative paths are resolved against the folder
 * of the file that set them.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<DvcConfig> {
  const env = options.env ?? process.env;
  const candidates: string[] = [];
  if (options.includeGlobal !== false) {
    candidates.push(join(env.DVC_SYSTEM_CONFIG_DIR ?? '/etc/xdg/dvc', 'config'));
    candidates.push(
      join(env.DVC_GLOBAL_CONFIG_DIR ?? join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'dvc'), 'config'),
    );
  }
  candidates.push(join(options.root, '.dvc', 'config'), join(options.root, '.dvc', 'config.local'));

  const merged = new Map<string, Section>();
  const origin = new Map<string, ConfigFile>(); // "section\0key" -> file that set it
  const files: string[] = [];
  const secrets: string[] = [];
  for (const path of candidates) {
    const text = await readText(path);
    if (text === undefined) continue;
    files.push(path);
    const file = readConfigFile(path, text, options.locationBase);
    for (const [name, section] of file.sections) {
      const target = merged.get(name) ?? {};
      for (const [k, v] of Object.entries(section)) {
        target[k] = v;
        origin.set(`${name}\0${k}`, file);
        if (SECRET_KEYS.includes(k) && v) secrets.push(v);
      }
      merged.set(name, target);
    }
  }

  const locate = (section: string, key?: string): FileLocation | undefined => {
    const file =
      origin.get(`${section}\0${key ?? ''}`) ?? [...origin.entries()].find(([k]) => k.startsWith(`${section}\0`))?.[1];
    if (!file) return undefined;
    return { file: file.location, line: lineOf(file, section, key) };
  };
  const dirOf = (section: string, key: string): string => {
    const file = origin.get(`${section}\0${key}`);
    return file ? join(file.path, '..') : join(options.root, '.dvc');
  };

  const core = merged.get('core') ?? {};
  const cache = merged.get('cache') ?? {};
  const remotes = new Map<string, RemoteConfig>();
  for (const [name, section] of merged) {
    const m = /^remote "(.*)"$/.exec(name);
    if (!m || section.url === undefined) continue;
    const remoteName = m[1]!;
    remotes.set(remoteName, buildRemote(remoteName, section, name, dirOf, locate));
  }
  // remote://base/sub inherits base's settings
  for (const remote of remotes.values()) {
    const m = /^remote:\/\/([^/]+)\/?(.*)$/.exec(remote.url);
    if (!m) continue;
    const base = remotes.get(m[1]!.toLowerCase());
    if (!base) {
      throw new UserError(`Remote "${remote.name}" refers to an unknown remote "${m[1]}" in its url`, {
        location: remote.location,
        fix: `Define [remote "${m[1]}"] or correct the url of remote "${remote.name}".`,
      });
    }
    const url = m[2]
      ? base.url.startsWith('s3://')
        ? `${base.url.replace(/\/+$/, '')}/${m[2]}`
        : join(base.url, m[2])
      : base.url;
    Object.assign(remote, { ...base, ...stripUndefined(remote), name: remote.name, url, location: remote.location });
  }

  const config: DvcConfig = {
    cacheDir: cache.dir ? expandPath(cache.dir, dirOf('cache', 'dir')) : join(options.root, '.dvc', 'cache'),
    sharedGroup: (cache.shared ?? '').toLowerCase() === 'group',
    remotes,
    files,
    secrets,
  };
  if (cache.type)
    config.cacheTypes = cache.type
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean);
  if (core.remote) config.coreRemote = { name: core.remote.toLowerCase(), location: locate('core', 'remote')! };
  return config;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function buildRemote(
  name: string,
  section: Section,
  sectionName: string,
  dirOf: (section: string, key: string) => string,
  locate: (section: string, key?: string) => FileLocation | undefined,
): RemoteConfig {
  const rawUrl = section.url!.trim();
  let url = rawUrl;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(rawUrl) && !/^[a-zA-Z]:[\\/]/.test(rawUrl))
    url = expandPath(rawUrl, dirOf(sectionName, 'url'));
  if (rawUrl.startsWith('file://')) url = rawUrl;
  const remote: RemoteConfig = { name, url, location: locate(sectionName) };
  for (const key of [
    'endpointurl',
    'region',
    'profile',
    'access_key_id',
    'secret_access_key',
    'session_token',
  ] as const) {
    if (section[key]) remote[key] = section[key];
  }
  if (section.credentialpath)
    remote.credentialpath = expandPath(section.credentialpath, dirOf(sectionName, 'credentialpath'));
  if (section.configpath) remote.configpath = expandPath(section.configpath, dirOf(sectionName, 'configpath'));
  if (section.jobs && Number.isInteger(Number(section.jobs))) remote.jobs = Number(section.jobs);
  return remote;
}
