import { UserError, type Logger } from '@mlops-gha/common';
import {
  isPending,
  lastGoodRevision,
  recoveryCommand,
  type BadRevision,
  type Helm,
  type HistoryEntry,
  type Target,
} from '@mlops-gha/helm';

/**
 * A release whose last revision is `pending-*` blocks every upgrade (`another operation
 * (install/upgrade/rollback) is in progress`). It is either another job's deploy still
 * running, or one that was killed. We refuse with the exact command that frees it, or with
 * `recover-pending` wait for a live operation's timeout to pass and then free it: roll back
 * to the last good revision, or uninstall a pending first install.
 */

export interface PendingOptions {
  helm: Helm;
  target: Target;
  history: HistoryEntry[];
  recover: boolean;
  /** How long a live operation could still be running (the deploy's timeout). */
  liveWindowMs: number;
  wait: boolean;
  timeout: string;
  known: BadRevision[];
  logger: Logger;
  now?: () => number;
  pollMs?: number;
}

export interface PendingResult {
  /** What was done, for the summary; undefined when the release was not pending. */
  note?: string;
  history: HistoryEntry[];
}

export function recoveryFor(history: HistoryEntry[], target: Target, known: BadRevision[] = []) {
  const last = history[history.length - 1]!;
  const good = lastGoodRevision(history, { before: last.revision, known });
  return { last, good, command: recoveryCommand(target, good ? good.revision : 'uninstall') };
}

export async function resolvePending(o: PendingOptions): Promise<PendingResult> {
  const now = o.now ?? Date.now;
  let history = o.history;
  let last = history[history.length - 1];
  if (!last || !isPending(last.status)) return { history };
  const { good, command } = recoveryFor(history, o.target, o.known);
  const since = last.updated ? ` since ${last.updated}` : '';
  if (!o.recover) {
    throw new UserError(
      `The release ${o.target.release} (namespace ${o.target.namespace}) is stuck in ${last.status} at revision ${last.revision}${since}: helm refuses every upgrade until it is cleared`,
      {
        fix: `If no other job is deploying ${o.target.release}, run \`${command}\`, or set \`recover-pending: true\` to let helm-deploy ${good ? `roll back to revision ${good.revision}` : 'uninstall the pending first install'}.`,
        title: 'release stuck in a pending state',
      },
    );
  }
  // A pending revision younger than the timeout may be another job's live deploy: wait it out.
  const started = last.updated ? Date.parse(last.updated) : NaN;
  while (Number.isFinite(started) && now() - started < o.liveWindowMs) {
    o.logger.info(
      `${o.target.release}: revision ${last.revision} is ${last.status}${since}; waiting up to ${Math.ceil((o.liveWindowMs - (now() - started)) / 1000)} s in case another job is still deploying it`,
    );
    await new Promise((r) => setTimeout(r, o.pollMs ?? 2000));
    history = (await o.helm.history(o.target)) ?? [];
    last = history[history.length - 1];
    if (!last || !isPending(last.status))
      return { history, note: `waited for another operation on ${o.target.release} to finish` };
  }
  if (good) {
    o.logger.info(
      `${o.target.release}: recovering from ${last.status} at revision ${last.revision}: rolling back to revision ${good.revision}`,
    );
    await o.helm.rollback({ ...o.target, revision: good.revision, wait: o.wait, timeout: o.timeout });
  } else {
    o.logger.info(
      `${o.target.release}: recovering from ${last.status} at revision ${last.revision}: no good revision to return to, uninstalling`,
    );
    await o.helm.uninstall({ ...o.target, timeout: o.timeout });
  }
  history = (await o.helm.history(o.target)) ?? [];
  return {
    history,
    note: good
      ? `recovered: revision ${last.revision} was ${last.status}${since}; rolled back to revision ${good.revision} (\`${command}\`)`
      : `recovered: revision ${last.revision} was ${last.status}${since} with no good revision before it; uninstalled (\`${command}\`)`,
  };
}
