/** After a failed upgrade or smoke test: back to the last good revision, and the words that say so. */
import { UserError, describeError, type Logger } from '@mlops-gha/common';
import { type TrackedDeployment } from '@mlops-gha/github';
import { Helm, HelmCommandError, isPending, lastGoodRevision, type HistoryEntry, type Target } from '@mlops-gha/helm';

import type { DeployOutcome, DeploySettings } from './deploy.js';

export const describeBack = (to: number | 'uninstalled' | undefined) =>
  to === 'uninstalled'
    ? 'nothing (the failed first install was uninstalled)'
    : to === undefined
      ? 'nothing (no good revision)'
      : `revision ${to}`;

export function chartError(error: unknown, settings: DeploySettings): unknown {
  if (error instanceof HelmCommandError && (error.kind === 'chart-not-found' || /chart/i.test(error.message))) {
    return new UserError(
      `The chart ${settings.chart} could not be rendered: ${error.message.replace(/^helm upgrade \S+ failed: /, '')}`,
      {
        fix: 'Check the `chart` input (a path in the workspace, repo/chart after `helm repo add`, or oci://...) and `chart-version`.',
        title: 'chart not found',
      },
    );
  }
  return error;
}

interface RestoreOptions {
  helm: Helm;
  target: Target;
  settings: DeploySettings;
  history: HistoryEntry[];
  failedRevision?: number;
  known: { revision: number; why: string }[];
  logger: Logger;
  /** Cancelled: no waiting (the runner kills us 10 s after SIGINT). */
  hurry?: boolean;
}

/** Puts the release back on its last good revision (never simply N-1), or uninstalls a failed first install. */
export async function restoreLastGood(
  o: RestoreOptions,
): Promise<{ to: number | 'uninstalled' | undefined; revision?: number }> {
  const last = o.history[o.history.length - 1];
  const before = o.failedRevision ?? last?.revision;
  const good = lastGoodRevision(o.history, { ...(before !== undefined ? { before } : {}), known: o.known });
  if (good) {
    // helm's own rollback-on-failure may already have put the good content back
    if (
      last &&
      last.status === 'deployed' &&
      last.revision !== o.failedRevision &&
      lastGoodRevision(o.history, { known: o.known })?.revision === last.revision
    ) {
      return { to: good.revision, revision: last.revision };
    }
    o.logger.info(`${o.target.release}: rolling back to revision ${good.revision}, the last good one`);
    await o.helm.rollback({
      ...o.target,
      revision: good.revision,
      wait: o.hurry ? false : o.settings.wait,
      timeout: o.settings.timeout,
      historyMax: o.settings.historyMax,
    });
    const after = (await o.helm.history(o.target)) ?? [];
    return { to: good.revision, revision: after[after.length - 1]?.revision };
  }
  if (
    last &&
    (o.history.every((h) => h.status !== 'deployed' && h.status !== 'superseded') || o.failedRevision === 1)
  ) {
    o.logger.info(`${o.target.release}: no good revision to go back to; uninstalling the failed first install`);
    await o.helm.uninstall({ ...o.target, timeout: o.settings.timeout });
    return { to: 'uninstalled' };
  }
  return { to: undefined, revision: last?.revision };
}

export async function afterFailedUpgrade(
  error: unknown,
  c: {
    helm: Helm;
    target: Target;
    settings: DeploySettings;
    known: { revision: number; why: string }[];
    logger: Logger;
    cancelled: boolean;
    outcome: DeployOutcome;
    deployment: TrackedDeployment | undefined;
  },
): Promise<DeployOutcome> {
  const o = c.outcome;
  const history = (await c.helm.history(c.target)) ?? [];
  const last = history[history.length - 1];
  const kind = error instanceof HelmCommandError ? error.kind : 'other';
  const what = c.cancelled
    ? 'the job was cancelled during helm upgrade'
    : `helm upgrade failed (${kind}): ${error instanceof HelmCommandError ? error.message.replace(/^helm upgrade \S+ failed: /, '') : describeError(error)}`;
  c.logger.info(
    `${c.target.release}: ${what}; the release is at revision ${last?.revision ?? '(none)'} (${last?.status ?? 'uninstalled'})`,
  );
  let back: { to: number | 'uninstalled' | undefined; revision?: number } = { to: undefined, revision: last?.revision };
  const needsRestore = last && (isPending(last.status) || last.status === 'failed');
  let restored = false;
  // another job's operation holds the release: its pending revision is that job's, never ours to undo
  const concurrent = kind === 'operation-in-progress' || kind === 'name-in-use';
  if (concurrent) {
    c.logger.info(`${c.target.release}: another operation holds the release; leaving it to that operation`);
  } else if (needsRestore && (c.cancelled || c.settings.rollbackOnFailure || isPending(last.status))) {
    back = await restoreLastGood({
      helm: c.helm,
      target: c.target,
      settings: c.settings,
      history,
      known: c.known,
      logger: c.logger,
      hurry: c.cancelled,
    });
    restored = true;
  } else if (
    last?.status === 'deployed' &&
    /rolled back|Rollback to/.test(`${describeError(error)} ${last.description}`)
  ) {
    back = { to: lastGoodRevision(history, { known: c.known })?.revision ?? last.revision, revision: last.revision };
  }
  o.rolledBackTo = back.to;
  o.revision = back.revision;
  o.status = c.cancelled ? 'cancelled' : back.to !== undefined && !concurrent ? 'rolled-back' : 'failed';
  // a failed revision left in place (rollback-on-failure off) is where the release is: say so, not "nothing"
  const leftOn =
    needsRestore && !restored && back.to === undefined
      ? `was left on revision ${last.revision} (${last.status})${c.settings.rollbackOnFailure ? '' : ': `rollback-on-failure` is off'}`
      : undefined;
  await c.deployment?.setStatus(
    'failure',
    `${c.cancelled ? 'cancelled' : `helm upgrade failed (${kind})`}; ${leftOn ? `release ${leftOn}` : `release on ${describeBack(back.to)}`}`,
  );
  const now = concurrent
    ? `nothing was changed: another job's deploy of ${c.target.release} holds it (revision ${last?.revision ?? '(none)'}, ${last?.status ?? 'installing'})`
    : leftOn
      ? `${c.target.release} ${leftOn}`
      : `${c.target.release} is now on ${describeBack(back.to)}`;
  o.failure = new UserError(`${what}; ${now}`, {
    fix: c.cancelled
      ? 'Run the deploy again: the release was not left pending.'
      : kind === 'timeout'
        ? 'The new pods did not become ready in time: check their events and logs (kubectl describe pod), or raise `timeout`.'
        : (error instanceof HelmCommandError && error.fix) || "See helm's error above.",
    title: c.cancelled ? 'deploy cancelled' : 'helm upgrade failed',
  });
  return o;
}
