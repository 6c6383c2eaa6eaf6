import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { PullResult } from './pull.js';

/** The JSON file the `manifest` output names: every pulled output with its md5 and size. */
export interface PullManifest {
  dataVersion: string;
  files: number;
  bytes: number;
  outputs: {
    path: string;
    md5: string;
    hash: string;
    size: number;
    nfiles?: number;
    files: number;
    subpaths?: string[];
  }[];
}

export async function writeManifest(path: string, result: PullResult): Promise<PullManifest> {
  const manifest: PullManifest = {
    dataVersion: result.dataVersion,
    files: result.files,
    bytes: result.bytes,
    outputs: result.outputs.map((o) => {
      const entry: PullManifest['outputs'][number] = {
        path: o.path,
        md5: o.md5,
        hash: o.hash,
        size: o.size,
        files: o.files,
      };
      if (o.nfiles !== undefined) entry.nfiles = o.nfiles;
      if (o.subpaths) entry.subpaths = o.subpaths;
      return entry;
    }),
  };
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
