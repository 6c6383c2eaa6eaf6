import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { UserError, type Logger } from '@mlops-gha/common';
import { parseDvcFile, parseLockfile, readText, type ParseContext, type TrackedOutput } from './files.js';

const SKIP_DIRS = new Set(['.git', '.dvc', 'node_modules', '.hg', '.svn']);

export interface Repo {
  root: string;
  outputs: TrackedOutput[];
}

/** The DVC repository root: the folder with `.dvc/`, at `dir` or above it. */
export function findRoot(dir: string): string | undefined {
  let current = resolve(dir);
  for (;;) {
    if (existsSync(join(current, '.dvc'))) return current;
    const parent = resolve(current, '..');
    if (parent === current) return undefined;
    current = parent;
  }
}

/** Reads the outputs one `.dvc` file declares. */
export async function readDvcFile(path: string, ctx: ParseContext): Promise<TrackedOutput[]> {
  const text = await readText(path);
  if (text === undefined) {
    const file = relative(ctx.locationBase, path).split(sep).join('/');
    throw new UserError(`${file} does not exist`, {
      fix: 'Give the path of an existing .dvc file, relative to the working directory.',
    });
  }
  return parseDvcFile(path, text, ctx);
}

async function readStageFiles(dir: string, ctx: ParseContext, logger: Logger): Promise<TrackedOutput[]> {
  const lockPath = join(dir, 'dvc.lock');
  const lock = await readText(lockPath);
  const yamlText = await readText(join(dir, 'dvc.yaml'));
  if (lock === undefined) {
    if (yamlText !== undefined && /\bouts:|\bmetrics:|\bplots:/.test(yamlText)) {
      logger.warning(
        `${relative(ctx.locationBase, join(dir, 'dvc.yaml')).split(sep).join('/')} has no dvc.lock beside it: its outputs have no recorded hashes and are skipped (run \`dvc repro\` and commit dvc.lock).`,
      );
    }
    return [];
  }
  const { outputs, warnings } = parseLockfile(lockPath, lock, yamlText, ctx);
  for (const w of warnings) logger.warning(w);
  return outputs;
}

/**
 * Collects every tracked output: each `*.dvc` file and each `dvc.lock` (with its dvc.yaml),
 * walking the repository but never into `.git`, `.dvc` or folders that are outputs.
 */
export async function collectOutputs(ctx: ParseContext, logger: Logger): Promise<TrackedOutput[]> {
  const outputs: TrackedOutput[] = [];
  const outputPaths = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.isFile() && entry.name.endsWith('.dvc')) {
        for (const out of await readDvcFile(join(dir, entry.name), ctx)) {
          outputs.push(out);
          outputPaths.add(out.path);
        }
      }
    }
    if (
      entries.some((e) => e.isFile() && e.name === 'dvc.lock') ||
      entries.some((e) => e.isFile() && e.name === 'dvc.yaml')
    ) {
      for (const out of await readStageFiles(dir, ctx, logger)) {
        outputs.push(out);
        outputPaths.add(out.path);
      }
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || SKIP_DIRS.has(entry.name)) continue;
      const child = join(dir, entry.name);
      const rel = relative(ctx.root, child).split(sep).join('/');
      if (outputPaths.has(rel)) continue;
      await walk(child);
    }
  };
  await walk(ctx.root);
  return outputs;
}

/** One output to pull, whole or (for a target inside a tracked folder) only a subtree. */
export interface Selection {
  output: TrackedOutput;
  /** Relative paths inside a directory output; undefined = the whole output. */
  subpaths?: string[];
}

/**
 * Turns targets (paths of .dvc files, `dvc.yaml[:stage]`, stage names, outputs, files or
 * folders inside a tracked directory) into selections, as `dvc pull <targets>` does.
 * Targets are relative to `base` (the working directory) and must stay in the repository.
 */
export async function selectTargets(
  all: TrackedOutput[],
  targets: string[],
  ctx: ParseContext & { base: string },
  logger: Logger,
): Promise<Selection[]> {
  const cached = all.filter((o) => o.cache);
  if (targets.length === 0) return cached.map((output) => ({ output }));
  const picked = new Map<TrackedOutput, Selection>();
  const add = (output: TrackedOutput, subpath?: string) => {
    const existing = picked.get(output);
    if (!existing) picked.set(output, subpath === undefined ? { output } : { output, subpaths: [subpath] });
    else if (existing.subpaths) {
      if (subpath === undefined) delete existing.subpaths;
      else existing.subpaths.push(subpath);
    }
  };
  for (const raw of targets) {
    const [pathPart, stageName] = splitStage(raw);
    const abs = isAbsolute(pathPart) ? pathPart : resolve(ctx.base, pathPart);
    const rel = relative(ctx.root, abs).split(sep).join('/');
    if (rel === '..' || rel.startsWith('../') || isAbsolute(rel)) {
      throw new UserError(`Target ${JSON.stringify(raw)} is outside the repository ${ctx.root}`, {
        fix: 'Give targets as paths inside the repository, relative to working-directory.',
        title: 'Target outside the repository',
      });
    }
    const norm = rel === '' ? '.' : posix.normalize(rel);
    if (norm.endsWith('.dvc') && existsSync(abs) && (await stat(abs)).isFile()) {
      const outs = await readDvcFile(abs, ctx);
      for (const out of outs) {
        const known = cached.find((o) => o.path === out.path && o.md5 === out.md5) ?? (out.cache ? out : undefined);
        if (known) add(known);
      }
      continue;
    }
    if (posix.basename(norm) === 'dvc.yaml' || posix.basename(norm) === 'dvc.lock') {
      const dir = posix.dirname(norm);
      const matches = cached.filter(
        (o) =>
          o.stage &&
          posix.dirname(o.declaredInRepo) === dir &&
          (!stageName || o.stage === stageName || o.stage.startsWith(`${stageName}@`)),
      );
      if (matches.length === 0 && stageName) throw unknownTarget(raw);
      matches.forEach((o) => add(o));
      continue;
    }
    const exact = cached.filter((o) => o.path === norm);
    if (exact.length) {
      exact.forEach((o) => add(o));
      continue;
    }
    const inside = cached.find((o) => o.md5.endsWith('.dir') && norm.startsWith(`${o.path}/`));
    if (inside) {
      add(inside, norm.slice(inside.path.length + 1));
      continue;
    }
    const below = cached.filter((o) => norm === '.' || o.path.startsWith(`${norm}/`));
    if (below.length) {
      below.forEach((o) => add(o));
      continue;
    }
    const stages = cached.filter((o) => o.stage === raw || o.stage?.startsWith(`${raw}@`));
    if (stages.length) {
      stages.forEach((o) => add(o));
      continue;
    }
    if (all.some((o) => o.path === norm && !o.cache)) {
      logger.warning(`${raw} is a \`cache: false\` output: DVC never pulls it, so it is skipped.`);
      continue;
    }
    throw unknownTarget(raw);
  }
  return [...picked.values()];
}

function splitStage(target: string): [string, string | undefined] {
  const m = /^(.*dvc\.(?:yaml|lock)):([^/]+)$/.exec(target);
  return m ? [m[1]!, m[2]] : [target, undefined];
}

function unknownTarget(raw: string): UserError {
  return new UserError(`'${raw}' does not exist as an output or a stage name in 'dvc.yaml'`, {
    fix: 'Give a .dvc file, a tracked output path, a file or folder inside a tracked directory, or a stage name (see `dvc list . --dvc-only -R`).',
    title: 'Unknown target',
  });
}
