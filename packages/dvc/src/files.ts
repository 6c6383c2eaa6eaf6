import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, posix, relative, sep } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { UserError, type FileLocation } from '@mlops-gha/common';
import type { HashName } from './hash.js';

/** One output DVC tracks: a file or a directory (`md5` ends in `.dir`). */
export interface TrackedOutput {
  /** Repository-relative path with `/` separators. */
  path: string;
  md5: string;
  hashName: HashName;
  size?: number;
  nfiles?: number;
  isexec: boolean;
  /** `cache: false` outputs are never fetched nor checked out. */
  cache: boolean;
  /** The remote this output names (`remote:`), if any. */
  remote?: string;
  /** Where it is declared: the .dvc / dvc.lock file and line (relative to the location base). */
  declaredIn: FileLocation;
  /** The declaring file, repository-relative with `/`. */
  declaredInRepo: string;
  /** The stage name for dvc.lock outputs. */
  stage?: string;
}

const MD5 = /^[0-9a-f]{32}(\.dir)?$/;

export interface ParseContext {
  /** Absolute repository root. */
  root: string;
  /** What error locations are relative to (the workspace GitHub annotates against). */
  locationBase: string;
}

class YamlFile {
  readonly lines = new LineCounter();
  readonly doc: Document;
  readonly location: string;
  constructor(
    readonly path: string,
    text: string,
    ctx: ParseContext,
  ) {
    this.location = toPosix(relative(ctx.locationBase, path));
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    const first = this.doc.errors[0];
    if (first) {
      const pos = this.lines.linePos(first.pos[0]);
      throw new UserError(
        `${this.location}:${pos.line}: invalid YAML: ${first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
        {
          location: { file: this.location, line: pos.line, column: pos.col },
          title: 'Malformed DVC file',
          fix: `Repair the YAML in ${this.location} (restore it from git, e.g. \`git checkout -- ${this.location}\`).`,
        },
      );
    }
  }
  at(path: (string | number)[]): FileLocation {
    let node = this.doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    for (let cut = path.length - 1; (!node || !node.range) && cut >= 0; cut--) {
      node = this.doc.getIn(path.slice(0, cut), true) as typeof node;
    }
    const offset = node?.range?.[0] ?? 0;
    const pos = this.lines.linePos(offset);
    return { file: this.location, line: pos.line, column: pos.col };
  }
  fail(message: string, path: (string | number)[], fix: string): never {
    const location = this.at(path);
    throw new UserError(`${location.file}:${location.line}: ${message}`, { location, fix, title: 'Invalid DVC file' });
  }
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

/** Joins a DVC path (relative to a file's folder and wdir) into a repository-relative path, refusing escapes. */
function repoPath(file: YamlFile, ctx: ParseContext, wdir: string, path: string, where: (string | number)[]): string {
  if (
    isAbsolute(path) ||
    /^[a-zA-Z]:[\\/]/.test(path) ||
    path.includes('\\') ||
    /^[a-z][a-z0-9+.-]*:\/\//i.test(path)
  ) {
    file.fail(
      `output path ${JSON.stringify(path)} is absolute or external; only paths inside the repository can be pulled`,
      where,
      'Track data inside the repository (external outputs are not supported).',
    );
  }
  const fileDir = toPosix(relative(ctx.root, dirname(file.path)));
  const joined = posix.normalize(posix.join(fileDir || '.', wdir || '.', path)).replace(/\/+$/, '');
  if (joined === '..' || joined.startsWith('../') || joined === '.' || joined === '') {
    file.fail(
      `output path ${JSON.stringify(path)} points outside the repository`,
      where,
      'Outputs must stay inside the repository: remove the `..` segments.',
    );
  }
  return joined;
}

interface RawOut {
  path?: unknown;
  md5?: unknown;
  size?: unknown;
  nfiles?: unknown;
  isexec?: unknown;
  hash?: unknown;
  cache?: unknown;
  remote?: unknown;
}

function readOut(
  file: YamlFile,
  ctx: ParseContext,
  wdir: string,
  raw: unknown,
  where: (string | number)[],
  stage?: string,
): TrackedOutput {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    file.fail(
      'each entry of `outs` must be a mapping with `path` and `md5`',
      where,
      'Write outs as `- path: data.csv` with `md5:`; restore the file from git.',
    );
  }
  const out = raw as RawOut;
  if (typeof out.path !== 'string' || out.path === '') {
    file.fail(
      'an output has no `path`',
      where,
      'Each output needs `path:`; restore the file from git or re-run `dvc add`.',
    );
  }
  const cache = out.cache !== false;
  const md5 = out.md5 === undefined || out.md5 === null ? undefined : String(out.md5).toLowerCase();
  if (md5 === undefined) {
    if (cache) {
      file.fail(
        `output ${JSON.stringify(out.path)} has no \`md5\``,
        where,
        `Run \`dvc commit\` (or \`dvc add ${out.path}\`) where the data exists and push it, then commit ${file.location}.`,
      );
    }
  } else if (!MD5.test(md5)) {
    file.fail(
      `output ${JSON.stringify(out.path)} has an invalid md5 ${JSON.stringify(out.md5)}`,
      [...where, 'md5'],
      'An md5 is 32 hexadecimal digits (plus `.dir` for folders); restore the file from git.',
    );
  }
  if (out.hash !== undefined && out.hash !== 'md5') {
    file.fail(
      `output ${JSON.stringify(out.path)} uses hash ${JSON.stringify(out.hash)}; only md5 is supported`,
      [...where, 'hash'],
      "Use DVC's default md5 hashing.",
    );
  }
  const result: TrackedOutput = {
    path: repoPath(file, ctx, wdir, out.path, [...where, 'path']),
    md5: md5 ?? '',
    hashName: out.hash === 'md5' ? 'md5' : 'md5-dos2unix',
    isexec: out.isexec === true,
    cache,
    declaredIn: file.at(where),
    declaredInRepo: toPosix(relative(ctx.root, file.path)),
  };
  if (typeof out.size === 'number') result.size = out.size;
  if (typeof out.nfiles === 'number') result.nfiles = out.nfiles;
  if (typeof out.remote === 'string') result.remote = out.remote.toLowerCase();
  if (stage) result.stage = stage;
  return result;
}

/** Parses a `.dvc` file (DVC 3, DVC 2, and 0.x/1.x stage files with top-level `md5`/`cmd`). */
export function parseDvcFile(path: string, text: string, ctx: ParseContext): TrackedOutput[] {
  const file: YamlFile = new YamlFile(path, text, ctx);
  const data = file.doc.toJS() as unknown;
  if (data === null || data === undefined) return [];
  if (typeof data !== 'object' || Array.isArray(data)) {
    file.fail('a .dvc file must be a YAML mapping with `outs:`', [], 'Restore the file from git or re-run `dvc add`.');
  }
  const doc = data as { outs?: unknown; wdir?: unknown };
  const wdir = typeof doc.wdir === 'string' ? doc.wdir : '.';
  if (doc.outs === undefined || doc.outs === null) return [];
  if (!Array.isArray(doc.outs))
    file.fail('`outs` must be a list', ['outs'], 'Write `outs:` as a YAML list (`- path: …`).');
  return doc.outs.map((raw, i) => readOut(file, ctx, wdir, raw, ['outs', i]));
}

interface YamlOutDecl {
  path: string;
  cache: boolean;
  remote?: string;
}

function declaredOuts(stage: Record<string, unknown>): YamlOutDecl[] {
  const result: YamlOutDecl[] = [];
  for (const key of ['outs', 'metrics', 'plots']) {
    const list = stage[key];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (typeof item === 'string') result.push({ path: item, cache: true });
      else if (item && typeof item === 'object') {
        for (const [p, flags] of Object.entries(item as Record<string, unknown>)) {
          const f = (flags ?? {}) as { cache?: unknown; remote?: unknown };
          result.push({
            path: p,
            cache: f.cache !== false,
            remote: typeof f.remote === 'string' ? f.remote.toLowerCase() : undefined,
          });
        }
      }
    }
  }
  return result;
}

/**
 * Outputs of a `dvc.yaml` + `dvc.lock` pair, as DVC sees them: the set of outputs and their
 * flags come from dvc.yaml, the hashes from the lock by exact path. Without a dvc.yaml (some
 * repositories commit only the lock) every cached lock output is taken, with a warning.
 */
export function parseLockfile(
  lockPath: string,
  lockText: string,
  yamlText: string | undefined,
  ctx: ParseContext,
): { outputs: TrackedOutput[]; warnings: string[] } {
  const file: YamlFile = new YamlFile(lockPath, lockText, ctx);
  const data = file.doc.toJS() as { schema?: unknown; stages?: unknown } | null;
  const warnings: string[] = [];
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    file.fail(
      'dvc.lock must be a YAML mapping with `schema` and `stages`',
      [],
      'Restore dvc.lock from git or re-run `dvc repro`.',
    );
  }
  if (data.schema !== '2.0') {
    file.fail(
      `unsupported dvc.lock schema ${JSON.stringify(data.schema)} (expected '2.0')`,
      ['schema'],
      'Regenerate the lock file with DVC 2 or newer (`dvc repro`).',
    );
  }
  const stages = (data.stages ?? {}) as Record<string, { outs?: unknown }>;
  if (typeof stages !== 'object' || Array.isArray(stages))
    file.fail('`stages` must be a mapping', ['stages'], 'Restore dvc.lock from git.');

  let flags: Map<string, YamlOutDecl> | undefined;
  let declared: Set<string> | undefined;
  const wdirs = new Map<string, string>();
  if (yamlText !== undefined) {
    const yamlFile = new YamlFile(lockPath.replace(/dvc\.lock$/, 'dvc.yaml'), yamlText, ctx);
    const y = yamlFile.doc.toJS() as { stages?: Record<string, Record<string, unknown>> } | null;
    flags = new Map();
    declared = new Set();
    for (const [name, stage] of Object.entries(y?.stages ?? {})) {
      if (!stage || typeof stage !== 'object') continue;
      const templated = 'foreach' in stage || 'matrix' in stage;
      const body = (templated && stage.do && typeof stage.do === 'object' ? stage.do : stage) as Record<
        string,
        unknown
      >;
      const wdir = typeof body.wdir === 'string' ? body.wdir : '.';
      for (const out of declaredOuts(body)) {
        // Templated stages (foreach/matrix, ${…}) are matched by stage name in the lock.
        if (templated || out.path.includes('${')) {
          declared.add(`${name}@*`);
          wdirs.set(name, wdir);
          if (!out.cache) flags.set(`${name}@*:cache-false`, out);
          continue;
        }
        const p = posix.normalize(out.path);
        wdirs.set(name, wdir);
        declared.add(`${name}\0${p}`);
        flags.set(`${name}\0${p}`, out);
      }
    }
  } else {
    warnings.push(`${file.location}: no dvc.yaml beside it; pulling every cached output the lock file lists`);
  }

  const outputs: TrackedOutput[] = [];
  for (const [name, stage] of Object.entries(stages)) {
    if (!stage || typeof stage !== 'object') continue;
    const outs = stage.outs;
    if (outs === undefined) continue;
    if (!Array.isArray(outs))
      file.fail(`stage ${name}: \`outs\` must be a list`, ['stages', name, 'outs'], 'Restore dvc.lock from git.');
    const base = name.split('@')[0]!;
    outs.forEach((raw, i) => {
      const lockOut = raw as RawOut;
      const key = `${name}\0${typeof lockOut?.path === 'string' ? posix.normalize(lockOut.path) : ''}`;
      let decl: YamlOutDecl | undefined;
      if (declared) {
        if (declared.has(key)) decl = flags!.get(key);
        else if (name.includes('@') && declared.has(`${base}@*`)) decl = flags!.get(`${base}@*:cache-false`);
        else return; // in the lock only: DVC ignores it
      }
      // cache: false outputs are kept (marked) so that targets naming them get a clear answer;
      // they are neither fetched nor checked out.
      const out = readOut(
        file,
        ctx,
        wdirs.get(base) ?? wdirs.get(name) ?? '.',
        { ...lockOut, cache: decl ? decl.cache : true, remote: decl?.remote },
        ['stages', name, 'outs', i],
        name,
      );
      outputs.push(out);
    });
  }
  return { outputs, warnings };
}

export async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
