import { resolve } from 'node:path';
import { getBoolean, getChoice, getList, getNumber, getOptional, getString } from '@mlops-gha/action-common';
import type { LinkType } from '@mlops-gha/dvc';

export interface DataPullSettings {
  /** Absolute working directory (the DVC repository or a folder in it). */
  cwd: string;
  targets: string[];
  remote?: string;
  remoteUrl?: string;
  endpointUrl?: string;
  region?: string;
  jobs?: number;
  cacheDir?: string;
  linkType?: LinkType;
  force: boolean;
  actionsCache: boolean;
}

/** The action's inputs as one validated settings object. */
export function readSettings(): DataPullSettings {
  // Empty means "DVC's own cache.type"; it is not a choice to list in the refusal message.
  const linkType =
    getOptional('link-type') === undefined
      ? undefined
      : getChoice('link-type', ['copy', 'hardlink', 'symlink'] as const, 'copy');
  return {
    cwd: resolve(process.cwd(), getString('working-directory', { default: '.' })),
    targets: getList('targets'),
    remote: getOptional('remote'),
    remoteUrl: getOptional('remote-url'),
    endpointUrl: getOptional('endpoint-url'),
    region: getOptional('region'),
    jobs: getNumber('jobs', { integer: true, min: 1, max: 1024 }),
    cacheDir: getOptional('cache-dir'),
    linkType,
    force: getBoolean('force', false),
    actionsCache: getBoolean('actions-cache', false),
  };
}
