/**
 * Why outputs could not be pulled, as typed kinds (never string prefixes): the objects are
 * missing on the remote, corrupt there, or the store itself failed (unreachable, refused
 * credentials, no bucket, wrong region, failing). Each kind has its own title and fix.
 */
import { UserError } from '@mlops-gha/common';
import { StoreFailure } from '@mlops-gha/storage';
import type { OutputPlan, PlannedFile } from './plan.js';

/** What became of one object; 'failed' keeps its cause. */
export type ObjectState = 'cached' | 'downloaded' | 'missing' | 'corrupt' | 'failed';

/** A .dir manifest that could not be had: the output cannot be planned. */
export interface PlanProblem {
  kind: 'missing' | 'corrupt' | 'failed';
  message: string;
  cause?: unknown;
}

const describeState = (state: ObjectState) =>
  state === 'missing'
    ? 'missing on the remote'
    : state === 'corrupt'
      ? 'corrupt on the remote (bytes do not match the md5)'
      : 'failed to download';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The error for outputs that could not be pulled; a store failure wins, as it explains the rest. */
export function failureError(failed: OutputPlan[], completed: number): UserError {
  const lines: string[] = [];
  let missing = 0;
  let corrupt = 0;
  let store: StoreFailure | undefined;
  for (const p of failed) {
    if (p.problem) {
      lines.push(`  ${p.output.path} (${p.output.md5}): ${p.problem.message}`);
      if (p.problem.kind === 'missing') missing++;
      if (p.problem.kind === 'corrupt') corrupt++;
      if (p.problem.cause instanceof StoreFailure) store ??= p.problem.cause;
      continue;
    }
    const bad = p.files.filter((f) => f.object.state !== 'cached' && f.object.state !== 'downloaded');
    const byState = new Map<ObjectState, PlannedFile[]>();
    for (const f of bad) {
      const state = f.object.state ?? 'failed';
      byState.set(state, [...(byState.get(state) ?? []), f]);
      if (f.object.error instanceof StoreFailure) store ??= f.object.error;
    }
    for (const [state, files] of byState) {
      if (state === 'missing') missing += files.length;
      if (state === 'corrupt') corrupt += files.length;
      const shown = files
        .slice(0, 20)
        .map(
          (f) =>
            `md5: ${f.object.oid} (${f.rel})${(state === 'corrupt' || state === 'failed') && f.object.error !== undefined ? ` - ${messageOf(f.object.error)}` : ''}`,
        );
      lines.push(`  ${p.output.path}: ${files.length} ${describeState(state)}:`);
      for (const s of shown) lines.push(`    ${s}`);
      if (files.length > shown.length) lines.push(`    … and ${files.length - shown.length} more`);
    }
  }
  const location = failed[0]!.output.declaredIn;
  const done = completed ? `, the ${completed} complete output${completed === 1 ? ' was' : 's were'} checked out` : '';
  const count = `${failed.length} output${failed.length === 1 ? '' : 's'} could not be pulled`;
  if (store) {
    return new UserError(
      `${store.message}\n${count}; they were not written to the workspace${done}:\n${lines.join('\n')}`,
      {
        location,
        title: store.title,
        fix: store.fix,
        cause: store,
      },
    );
  }
  const what =
    corrupt && !missing
      ? 'corrupt objects'
      : missing && !corrupt
        ? 'missing objects'
        : 'objects that could not be fetched';
  return new UserError(`${count} (${what}); they were not written to the workspace${done}:\n${lines.join('\n')}`, {
    location,
    title:
      corrupt && !missing
        ? 'Corrupt DVC objects'
        : missing && !corrupt
          ? 'Missing DVC objects'
          : 'DVC objects not fetched',
    fix: corrupt
      ? 'Push the data again (`dvc push`) from a machine whose cache has intact copies; the remote copies are damaged.'
      : missing
        ? 'Run `dvc push` where the data was produced (its cache holds these objects), or check remote-url.'
        : 'See the errors listed for each object; run the job again if the storage service was failing.',
  });
}
