import { isAbsolute, join } from 'node:path';
import * as glob from '@actions/glob';

/**
 * Escapes glob characters in a literal directory path, @actions/glob style (`[*]`). A `]` is
 * left as it is: outside a class it is already literal, and `[]]` is no class to @actions/glob
 * (a working directory such as `run[1]` then matched nothing).
 */
function escapeGlob(path: string): string {
  return path.replace(/[*?[]/g, (c) => `[${c}]`);
}

function rooted(pattern: string, cwd: string): string {
  if (pattern.startsWith('!')) return `!${rooted(pattern.slice(1), cwd)}`;
  if (isAbsolute(pattern) || pattern.startsWith('~')) return pattern;
  return join(escapeGlob(cwd), pattern);
}

/**
 * Expands the `outputs` globs (relative to the working directory; `!` lines exclude) to files
 * with @actions/glob, as upload-artifact does. Files come in pattern order, sorted within a
 * pattern, each once: the first match of the first pattern is the model.
 */
export async function expandOutputs(patterns: string[], cwd: string): Promise<string[]> {
  const negations = patterns.filter((p) => p.startsWith('!')).map((p) => rooted(p, cwd));
  const seen = new Set<string>();
  const files: string[] = [];
  for (const pattern of patterns.filter((p) => !p.startsWith('!'))) {
    const globber = await glob.create([rooted(pattern, cwd), ...negations].join('\n'), {
      matchDirectories: false,
      implicitDescendants: true,
      followSymbolicLinks: true,
    });
    for (const file of (await globber.glob()).sort()) {
      if (seen.has(file)) continue;
      seen.add(file);
      files.push(file);
    }
  }
  return files;
}
