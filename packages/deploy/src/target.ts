/** Which revision a rollback goes to: asked for, the one that served a model version, or the newest good one. */
import { UserError } from '@mlops-gha/common';
import {
  badRevisions,
  isPending,
  lastGoodRevision,
  modelOfRevision,
  type BadRevision,
  type HistoryEntry,
} from '@mlops-gha/helm';
import type { RollbackSettings } from './rollback.js';

/** A revision in the history, or (a model version no longer in it) a redeploy with the current chart. */
export type RollbackTarget = { entry: HistoryEntry; why: string; redeploy?: false } | { redeploy: true; why: string };

export function chooseTarget(
  history: HistoryEntry[],
  current: HistoryEntry,
  s: RollbackSettings,
  known: BadRevision[],
): RollbackTarget {
  const revisions = history.map((h) => h.revision).join(', ');
  const bad = badRevisions(history, known);
  if (s.toRevision !== undefined) {
    const entry = history.find((h) => h.revision === s.toRevision);
    if (!entry)
      throw new UserError(
        `Revision ${s.toRevision} of ${s.release} does not exist (its history has revisions ${revisions})`,
        { fix: "Set `to-revision` to one of them (`helm history` shows each one's model), or use `to-model-version`." },
      );
    if (entry.status === 'failed' || isPending(entry.status)) {
      throw new UserError(
        `Revision ${s.toRevision} of ${s.release} is ${entry.status}: a failed revision is never a rollback target`,
        {
          fix: `Choose a deployed or superseded revision, or leave \`to-revision\` empty for the newest good one (${lastGoodRevision(history, { before: current.revision, notSameAs: current.revision, known })?.revision ?? 'none'}).`,
        },
      );
    }
    if (entry.revision === current.revision)
      throw new UserError(`Revision ${s.toRevision} is already the current revision of ${s.release}`, {
        fix: 'Choose an older revision.',
      });
    return {
      entry,
      why: `target: revision ${entry.revision}, as asked${bad.has(entry.revision) ? ` (note: ${bad.get(entry.revision)})` : ''}`,
    };
  }
  if (s.toModelVersion !== undefined) {
    const serving = history.filter(
      (h) =>
        h.revision !== current.revision &&
        modelOfRevision(history, h.revision)?.version === s.toModelVersion &&
        (!s.modelName || modelOfRevision(history, h.revision)?.name === s.modelName),
    );
    const usable = serving
      .filter((h) => (h.status === 'deployed' || h.status === 'superseded') && !bad.has(h.revision))
      .sort((a, b) => b.revision - a.revision);
    if (usable[0])
      return {
        entry: usable[0],
        why: `target: revision ${usable[0].revision}, the newest good revision that served model version ${s.toModelVersion}`,
      };
    if (serving.length)
      throw new UserError(
        `Model version ${s.toModelVersion} of ${s.release} only appears in revisions that are not good (${serving.map((h) => `${h.revision}: ${bad.get(h.revision) ?? h.status}`).join('; ')})`,
        { fix: 'Choose another version, or redeploy it with helm-deploy (`model-version`).' },
      );
    // pruned by history-max (or never deployed to this release): redeployed with the current chart
    return {
      redeploy: true,
      why: `model version ${s.toModelVersion} is not in the history of ${s.release} (revisions ${revisions}; older ones were pruned by history-max): it is redeployed with the current chart (revision ${current.revision}'s, ${current.chart}) and that version's values`,
    };
  }
  const entry = lastGoodRevision(history, { before: current.revision, notSameAs: current.revision, known });
  if (!entry)
    throw new UserError(
      `${s.release} has no good revision before the current one (revision ${current.revision}) to roll back to`,
      { fix: 'Set `to-revision` or `to-model-version`, or deploy a known-good version with helm-deploy.' },
    );
  return {
    entry,
    why: `target: revision ${entry.revision}, the newest good revision before revision ${current.revision} with different content`,
  };
}
