import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { UserError } from '@mlops-gha/common';
import { flattenMetrics } from '@mlops-gha/metrics-file';
import type { Lineage } from './manifest.js';

/** A local file to push and the path it gets inside the version. */
export interface SourceFile {
  /** Absolute or cwd-relative path on disk. */
  source: string;
  /** Path inside the version, `/`-separated. */
  path: string;
  size: number;
}

/**
 * Expands the `model` input: each entry is a file (pushed under its base name) or a folder
 * (its files pushed under their paths relative to it). Missing or unreadable entries, and two
 * files landing on one path, are errors that name the entry.
 */
export async function collectModelFiles(entries: string[], cwd = process.cwd()): Promise<SourceFile[]> {
  if (entries.length === 0) {
    throw new UserError('No model file given', {
      fix: 'Set `model:` to the model file (e.g. model.onnx), or several files, one per line.',
    });
  }
  const files: SourceFile[] = [];
  for (const entry of entries) {
    const absolute = join(entry.startsWith('/') ? '' : cwd, entry);
    let s;
    try {
      s = await stat(absolute);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UserError(
        code === 'ENOENT'
          ? `Model file not found: ${entry}`
          : `Cannot read the model file ${entry}: ${(error as Error).message}`,
        { fix: 'Check the `model` path (relative to the working directory); did the training step write it?' },
      );
    }
    if (s.isDirectory()) {
      for (const file of await walk(absolute)) {
        const st = await stat(file);
        files.push({ source: file, path: relative(absolute, file).split(sep).join('/'), size: st.size });
      }
    } else if (s.isFile()) {
      files.push({ source: absolute, path: basename(absolute), size: s.size });
    } else {
      throw new UserError(`The model path ${entry} is neither a file nor a folder`, {
        fix: 'Point `model` at regular files.',
      });
    }
  }
  if (files.length === 0)
    throw new UserError(`No files in ${entries.join(', ')}`, { fix: 'Point `model` at the exported model file(s).' });
  const seen = new Map<string, string>();
  for (const f of files) {
    const other = seen.get(f.path);
    if (other) {
      throw new UserError(`Two model files would both be stored as ${f.path}: ${other} and ${f.source}`, {
        fix: 'Give each file a distinct name, or put them in one folder and pass the folder.',
      });
    }
    seen.set(f.path, f.source);
  }
  // Readability is checked now so that nothing is written for an unreadable file.
  for (const f of files) {
    try {
      const handle = await import('node:fs/promises').then((fs) => fs.open(f.source, 'r'));
      await handle.close();
    } catch (error) {
      throw new UserError(`Cannot read the model file ${f.source}: ${(error as Error).message}`, {
        fix: 'Make the file readable by the runner user.',
        location: { file: f.source },
      });
    }
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The files under `dir`. A link to a file is followed (a Hugging Face snapshot links each file
 * to its blob); anything else that is not a file or folder (a link to a folder or to nothing, a
 * FIFO) is an error: leaving it out silently would push a version missing that file.
 */
async function walk(dir: string, root = dir): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full, root)));
    else if (entry.isFile()) out.push(full);
    else if (entry.isSymbolicLink() && (await stat(full).catch(() => undefined))?.isFile()) out.push(full);
    else {
      const what = entry.isSymbolicLink() ? 'a link to a folder or to nothing' : 'neither a file nor a folder';
      throw new UserError(`The model folder ${root} holds ${relative(root, full)}, ${what}`, {
        fix: 'Put only the model files (or links to files) in the folder, or list the files one per line in `model`.',
        location: { file: full },
      });
    }
  }
  return out.sort();
}

/** The one metrics-file reader (JSON, YAML, CSV with the last row counting), shared with the gate and training. */
export { readMetricsFile } from '@mlops-gha/metrics-file';

/** What the registry takes from the train action's run.json. */
export interface RunRecordFacts {
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  lineage: Partial<Lineage>;
  actor: string | null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * Reads the train action's run.json (schema mlops-gha/run-record@1): params, metrics, and the
 * lineage (git sha and ref, repository, run URL and id, data-version, actor).
 */
export async function readRunRecord(path: string): Promise<RunRecordFacts> {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new UserError(`Cannot read the run record ${path}: ${(error as Error).message}`, {
      fix: "Pass the train action's `run-record` output (the path of its run.json), or leave `run-record` empty.",
      location: { file: path },
    });
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new UserError(`The run record ${path} is not a JSON object`, {
      fix: "Pass the train action's run.json.",
      location: { file: path },
    });
  }
  const git = (doc.git ?? {}) as Record<string, unknown>;
  const workflow = (doc.workflow ?? {}) as Record<string, unknown>;
  // the one rule for metric values (decimal numbers and numeric strings), shared with metrics files
  const metrics =
    doc.metrics && typeof doc.metrics === 'object' && !Array.isArray(doc.metrics) ? flattenMetrics(doc.metrics) : {};
  const params =
    doc.params && typeof doc.params === 'object' && !Array.isArray(doc.params)
      ? (doc.params as Record<string, unknown>)
      : {};
  return {
    params,
    metrics,
    actor: str(doc.actor),
    lineage: {
      git_sha: str(git.sha),
      git_ref: str(git.ref),
      repository: str(doc.repository),
      run_url: str(workflow.run_url),
      run_id: str(doc.run_id) ?? str(workflow.run_id),
      data_version: str(doc.data_version),
    },
  };
}
