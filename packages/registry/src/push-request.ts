/**
 * The one way a push is assembled from a training run, shared by the registry-push action and
 * the `mlops-registry push` CLI so that both record the same facts: the metrics file (or the
 * run record's metrics), the run record's params and lineage over the current run's, and the
 * run record's actor (who trained the model) over the current one.
 */
import type { RunContext } from '@mlops-gha/common';
import type { PushAttachments } from './attachments.js';
import type { Lineage } from './manifest.js';
import { readMetricsFile, readRunRecord, type SourceFile } from './sources.js';
import type { PushRequest } from './types.js';

export interface PushSources {
  name: string;
  files: SourceFile[];
  /** A metrics file (JSON, YAML or CSV); wins over the run record's metrics. */
  metricsFile?: string;
  /** The train action's run.json. */
  runRecord?: string;
  tags?: Record<string, string>;
  description?: string | null;
  alias?: string;
  attachments?: PushAttachments;
}

export interface PlannedPush {
  request: PushRequest;
  /** Who the version is recorded as created by: the run record's actor, else the current run's. */
  actor: string | null;
  /** The current run's URL, recorded in the registry's events. */
  runUrl: string | null;
}

/**
 * Reads the run record and the metrics file and builds the push request. `here` is the run the
 * push happens in (`runContextFromEnv()`); a value the run record has wins over it, because the
 * version records where the model was trained, not where it was pushed from.
 */
export async function pushRequestFromRun(
  sources: PushSources,
  here: Pick<RunContext, 'actor' | 'sha' | 'ref' | 'repository' | 'runUrl' | 'runId'>,
): Promise<PlannedPush> {
  const run = sources.runRecord ? await readRunRecord(sources.runRecord) : undefined;
  const metrics = sources.metricsFile ? await readMetricsFile(sources.metricsFile) : (run?.metrics ?? {});
  const lineage: Lineage = {
    git_sha: here.sha,
    git_ref: here.ref,
    repository: here.repository,
    run_url: here.runUrl,
    run_id: here.runId,
    data_version: null,
  };
  for (const [key, value] of Object.entries(run?.lineage ?? {}) as [keyof Lineage, string | null][]) {
    if (value) lineage[key] = value;
  }
  return {
    request: {
      name: sources.name,
      files: sources.files,
      metrics,
      params: run?.params ?? {},
      lineage,
      tags: sources.tags ?? {},
      description: sources.description ?? null,
      ...(sources.alias ? { alias: sources.alias } : {}),
      ...(sources.attachments ? { attachments: sources.attachments } : {}),
    },
    actor: run?.actor ?? here.actor,
    runUrl: here.runUrl,
  };
}
