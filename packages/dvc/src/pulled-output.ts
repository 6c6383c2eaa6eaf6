import type { HashName } from './hash.js';
import type { Selection } from './repo.js';

/** One output as a pull reports it. */
export interface PulledOutput {
  path: string;
  md5: string;
  hash: HashName;
  size: number;
  nfiles?: number;
  /** Subtrees pulled when the target was inside this directory. */
  subpaths?: string[];
  files: number;
  downloaded: number;
  fromCache: number;
  /** Workspace files written or replaced. */
  changed: number;
}

/** The report of a selected output, from what the pull counted of it (a settled one's and a checked-out one's alike). */
export function pulledOutput(
  selection: Selection,
  counts: { size: number; files: number; downloaded: number; changed: number },
): PulledOutput {
  const output = selection.output;
  const out: PulledOutput = {
    path: output.path,
    md5: output.md5,
    hash: output.hashName,
    size: counts.size,
    files: counts.files,
    downloaded: counts.downloaded,
    fromCache: counts.files - counts.downloaded,
    changed: counts.changed,
  };
  if (output.nfiles !== undefined) out.nfiles = output.nfiles;
  if (selection.subpaths) out.subpaths = selection.subpaths;
  return out;
}
