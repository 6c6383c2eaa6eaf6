import type { RollbackOutcome, RollbackSettings } from './rollback.js';
import type { DeployOutcome, DeploySettings } from './deploy.js';
import { planMarkdown } from './plan.js';
import { table } from './report.js';

/** The job summary of a deploy: the verdict first, then the plan, the smoke test and what changed. */
export function deploySummary(settings: Pick<DeploySettings, 'release' | 'namespace'>, o: DeployOutcome): string {
  const verdict: Record<DeployOutcome['status'], string> = {
    deployed: '✅ deployed',
    planned: '📝 plan only (dry-run): nothing changed',
    'rolled-back': '❌ failed and rolled back',
    cancelled: '⚠️ cancelled',
    failed: '❌ failed',
  };
  const parts = [`## helm-deploy ${settings.release}: ${verdict[o.status]}`];
  if (o.failure) parts.push(`> ${o.failure.message.replace(/[<>@]/g, (ch) => `&#${ch.charCodeAt(0)};`)}`);
  parts.push(
    table(
      ['', ''],
      [
        ['release', `${settings.release} (namespace ${settings.namespace})`],
        ['revision', o.revision ?? ''],
        ['previous revision', o.previousRevision ?? '(none)'],
        ['model version', o.modelVersion ?? ''],
        ['rolled back to', o.rolledBackTo ?? ''],
        ['pending release', o.recovery ?? 'no'],
        [
          'alias',
          o.alias
            ? `${o.alias.alias}: ${o.alias.from ?? '(new)'} → ${o.alias.to}${o.alias.moved ? '' : ' (already there)'}`
            : '',
        ],
        ['GitHub Deployment', o.deploymentId ?? '(none)'],
        [
          'helm',
          `Helm ${o.helmMajor}, ${(o.helmMs / 1000).toFixed(1)} s in helm of ${(o.totalMs / 1000).toFixed(1)} s`,
        ],
      ].filter(([, v]) => v !== ''),
    ),
  );
  if (o.smoke) {
    parts.push(
      '### Smoke test',
      o.smoke.equivalence === 'not-possible' && o.smoke.ok
        ? '_This version has no stored sample: readiness, metadata and output shapes were checked; no equivalence check was possible._'
        : o.smoke.equivalence === 'checked'
          ? '_The stored sample replayed through /infer gave the recorded outputs: the cluster serves the registered model._'
          : '',
      table(
        ['check', 'result', 'detail'],
        o.smoke.checks.map((c) => [c.check, c.ok ? 'ok' : 'FAILED', c.detail]),
      ),
    );
  } else if (o.status === 'deployed') {
    parts.push(
      '_No smoke test (no `smoke-test-url`, and no Service of the release could be reached): the served model was not checked._',
    );
  }
  if (o.plan) parts.push(planMarkdown(o.plan));
  return parts.filter(Boolean).join('\n\n');
}

/** The job summary of a rollback: the verdict, from/to, then the plan. */
export function rollbackSummary(
  settings: Pick<RollbackSettings, 'release' | 'namespace' | 'reason'>,
  o: RollbackOutcome,
): string {
  const verdicts: Record<RollbackOutcome['status'], string> = {
    'rolled-back': '✅ rolled back',
    redeployed: '✅ redeployed (the version was no longer in the history)',
    planned: '📝 plan only (dry-run): nothing changed',
    failed: '❌ failed',
  };
  const verdict = verdicts[o.status];
  const parts = [`## rollback ${settings.release}: ${verdict}`];
  if (o.failure) parts.push(`> ${o.failure.message.replace(/[<>@]/g, (ch) => `&#${ch.charCodeAt(0)};`)}`);
  parts.push(
    table(
      ['', ''],
      [
        ['release', `${settings.release} (namespace ${settings.namespace})`],
        ['from revision', o.fromRevision],
        ['to revision', o.toRevision ?? (o.plan.action === 'redeploy' ? '(redeploy with the current chart)' : '')],
        ['new revision', o.newRevision ?? ''],
        ['model version', o.modelVersion ?? ''],
        ['reason', settings.reason],
        ['alias', o.alias ? `${o.alias.alias}: ${o.alias.from ?? '(new)'} → ${o.alias.to}` : ''],
        ['audit event', o.eventId ?? ''],
        ['GitHub Deployment', o.deploymentId ?? ''],
      ].filter(([, v]) => v !== ''),
    ),
  );
  if (o.smoke)
    parts.push(
      '### Smoke test',
      table(
        ['check', 'result', 'detail'],
        o.smoke.checks.map((c) => [c.check, c.ok ? 'ok' : 'FAILED', c.detail]),
      ),
    );
  parts.push(planMarkdown(o.plan));
  return parts.join('\n\n');
}
