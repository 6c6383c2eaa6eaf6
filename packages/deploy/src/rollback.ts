import { UserError, describeError, type Logger } from '@mlops-gha/common';
import { startDeployment } from '@mlops-gha/github';
import {
  Helm,
  badRevisions,
  isPending,
  lastGoodRevision,
  modelOfRevision,
  type HistoryEntry,
  type Target,
} from '@mlops-gha/helm';
import { Registry } from '@mlops-gha/registry';
import { knownBadRevisions, resolveModel, type DeployableModel } from './model.js';
import { planFrom, planText, type Plan } from './plan.js';
import { smokeTest, type SmokeResult } from './smoke.js';
import { parseGoDuration } from './duration.js';
import type { GitHubContext } from './types.js';

export interface RollbackSettings {
  release: string;
  namespace: string;
  kubeContext?: string;
  toRevision?: number;
  toModelVersion?: number;
  reason: string;
  dryRun: boolean;
  registry?: string;
  modelName?: string;
  alias?: string;
  smokeTestUrl?: string;
  environment?: string;
  helm: string;
  wait: boolean;
  timeout: string;
  github?: GitHubContext;
}

export interface RollbackOutcome {
  status: 'rolled-back' | 'planned' | 'failed';
  fromRevision: number;
  toRevision: number;
  newRevision?: number;
  modelVersion?: number;
  plan: Plan;
  smoke?: SmokeResult;
  alias?: { alias: string; from: number | null; to: number; moved: boolean };
  deploymentId?: number;
  eventId?: string;
  helmMs: number;
  totalMs: number;
  failure?: UserError;
}

/**
 * rollback as named steps: read the history, choose the target (a revision, the revision that
 * served a model version, or the newest good revision before the current one), refuse a
 * failed or pending target, verify the target's model in the registry, show the plan, then
 * `helm rollback`, smoke-test, move the alias back (compare-and-swap) and append the audit event.
 */
export async function rollback(settings: RollbackSettings, deps: { logger: Logger }): Promise<RollbackOutcome> {
  const started = performance.now();
  const { logger } = deps;
  const timeoutMs = parseGoDuration(settings.timeout);
  const helm = await Helm.detect(settings.helm, { logger });
  const target: Target = {
    release: settings.release,
    namespace: settings.namespace,
    ...(settings.kubeContext ? { kubeContext: settings.kubeContext } : {}),
  };
  const history = await helm.history(target);
  if (!history || history.length === 0) {
    throw new UserError(`The release ${settings.release} does not exist in the namespace ${settings.namespace}`, {
      fix: 'Check `release` and `namespace` (`helm list -A` lists every release).',
      title: 'unknown release',
    });
  }
  const registry = settings.registry
    ? Registry.open(settings.registry, { logger, actor: settings.github?.actor, runUrl: settings.github?.runUrl })
    : undefined;
  try {
    const current = history[history.length - 1]!;
    const currentModel = modelOfRevision(history, current.revision);
    const modelName = settings.modelName ?? currentModel?.name;
    const known =
      registry && modelName ? await knownBadRevisions(registry, modelName, target.release, target.namespace) : [];
    const chosen = chooseTarget(history, current, settings, known);
    const targetModel = modelOfRevision(history, chosen.entry.revision);
    const version = settings.toModelVersion ?? targetModel?.version;

    // the target's artifact, checked in the registry before anything changes
    let model: DeployableModel | undefined;
    let aliasBefore: number | null = null;
    if (registry && modelName && version !== undefined) {
      model = await resolveModel(registry, modelName, { version });
      if (targetModel && !model.manifest.sha256.startsWith(targetModel.sha256Prefix)) {
        throw new UserError(
          `Revision ${chosen.entry.revision} deployed ${modelName}/${version} with sha256 ${targetModel.sha256Prefix}…, but the registry's ${modelName}/${version} has sha256 ${model.manifest.sha256}`,
          {
            fix: 'The registry version is not the artifact that revision served: choose another target, or redeploy the version with helm-deploy.',
          },
        );
      }
      if (settings.alias) aliasBefore = (await registry.listAliases(modelName))[settings.alias]?.version ?? null;
    }

    const plan = planFrom({
      action: 'rollback',
      release: target.release,
      namespace: target.namespace,
      current: { ...current, ...(currentModel ? { model: `${currentModel.name}/${currentModel.version}` } : {}) },
      currentValues: await helm.values(target, current.revision),
      currentManifest: await helm.manifest(target, current.revision),
      next: {
        revision: chosen.entry.revision,
        chart: chosen.entry.chart,
        appVersion: chosen.entry.app_version,
        ...(modelName && version !== undefined ? { model: `${modelName}/${version}` } : {}),
      },
      nextValues: await helm.values(target, chosen.entry.revision),
      nextManifest: await helm.manifest(target, chosen.entry.revision),
      notes: [chosen.why, `reason: ${settings.reason}`],
    });
    logger.info(planText(plan));
    const outcome: RollbackOutcome = {
      status: 'planned',
      fromRevision: current.revision,
      toRevision: chosen.entry.revision,
      ...(version !== undefined ? { modelVersion: version } : {}),
      plan,
      helmMs: 0,
      totalMs: 0,
    };
    const finish = () => {
      outcome.helmMs = helm.timeInHelmMs;
      outcome.totalMs = performance.now() - started;
      return outcome;
    };
    if (settings.dryRun) return finish();

    const deployment =
      settings.environment && settings.github?.token
        ? await startDeployment({
            ...settings.github,
            token: settings.github.token,
            environment: settings.environment,
            logger,
            task: 'deploy:rollback',
            description: `rollback ${target.release} to revision ${chosen.entry.revision}${version !== undefined ? ` (${modelName}/${version})` : ''}`,
            payload: {
              release: target.release,
              from: current.revision,
              to: chosen.entry.revision,
              reason: settings.reason.slice(0, 200),
            },
            ...(settings.github.runUrl ? { logUrl: settings.github.runUrl } : {}),
            ...(settings.smokeTestUrl ? { environmentUrl: settings.smokeTestUrl } : {}),
          })
        : undefined;
    outcome.deploymentId = deployment?.id;
    await deployment?.setStatus('in_progress', `helm rollback ${target.release} ${chosen.entry.revision}`);
    try {
      await helm.rollback({
        ...target,
        revision: chosen.entry.revision,
        wait: settings.wait,
        timeout: settings.timeout,
      });
    } catch (error) {
      await deployment?.setStatus('failure', 'helm rollback failed');
      outcome.status = 'failed';
      const after = (await helm.history(target)) ?? [];
      outcome.newRevision = after[after.length - 1]?.revision;
      outcome.failure = new UserError(
        `helm rollback of ${target.release} to revision ${chosen.entry.revision} failed: ${describeError(error)}`,
        { fix: "See helm's error; the alias was not moved." },
      );
      return finish();
    }
    const after = (await helm.history(target)) ?? [];
    outcome.newRevision = after[after.length - 1]?.revision;
    logger.info(`${target.release}: revision ${outcome.newRevision} is revision ${chosen.entry.revision}'s content`);

    if (settings.smokeTestUrl && model && modelName && version !== undefined) {
      outcome.smoke = await smokeTest({
        url: settings.smokeTestUrl,
        model: modelName,
        version,
        signature: model.manifest.signature,
        ...(model.sample ? { sample: model.sample } : {}),
        readyTimeoutMs: Math.min(timeoutMs, 120_000),
        logger,
      });
      for (const c of outcome.smoke.checks)
        logger.info(`smoke test ${c.check}: ${c.ok ? 'ok' : 'FAILED'}: ${c.detail}`);
      if (!outcome.smoke.ok) {
        await deployment?.setStatus('failure', 'smoke test failed after the rollback');
        outcome.status = 'failed';
        outcome.failure = new UserError(
          `Rolled back ${target.release} to revision ${chosen.entry.revision} (now revision ${outcome.newRevision}), but its smoke test failed: ${outcome.smoke.failure}`,
          { fix: 'The alias was not moved. Choose another target (`to-revision`), or check the server.' },
        );
        await audit(registry, modelName, { ...auditFields(), outcome: 'smoke-test-failed' }, logger);
        return finish();
      }
    }
    if (registry && modelName && settings.alias && version !== undefined) {
      try {
        const moved = await registry.moveAlias(modelName, settings.alias, version, {
          expected: aliasBefore,
          reason: `rollback ${target.release}: ${settings.reason}`.slice(0, 500),
        });
        outcome.alias = { alias: settings.alias, from: moved.from, to: moved.to, moved: moved.moved };
      } catch (error) {
        logger.warning(`Rolled back, but the alias ${settings.alias} was not moved: ${describeError(error)}`);
      }
    }
    outcome.eventId = await audit(registry, modelName, { ...auditFields(), outcome: 'rolled-back' }, logger);
    await deployment?.setStatus('success', `revision ${outcome.newRevision} = revision ${chosen.entry.revision}`);
    await deployment?.retirePrevious();
    outcome.status = 'rolled-back';
    return finish();

    function auditFields() {
      return {
        type: 'rollback',
        release: target.release,
        namespace: target.namespace,
        reason: settings.reason,
        from: current.revision,
        to: chosen.entry.revision,
        new_revision: outcome.newRevision ?? null,
        from_version: currentModel?.version ?? null,
        ...(version !== undefined ? { version } : {}),
      };
    }
  } finally {
    registry?.close();
  }
}

async function audit(
  registry: Registry | undefined,
  name: string | undefined,
  event: { type: string } & Record<string, unknown>,
  logger: Logger,
): Promise<string | undefined> {
  if (!registry || !name) {
    logger.info('no registry (or model name): the audit record was not written');
    return undefined;
  }
  try {
    return await registry.appendEvent(name, event);
  } catch (error) {
    logger.warning(`Could not append the audit record to the registry: ${describeError(error)}`);
    return undefined;
  }
}

function chooseTarget(
  history: HistoryEntry[],
  current: HistoryEntry,
  s: RollbackSettings,
  known: { revision: number; why: string }[],
): { entry: HistoryEntry; why: string } {
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
    throw new UserError(
      `Model version ${s.toModelVersion} is not in the history of ${s.release} (revisions ${revisions}; older ones may have been pruned by history-max)`,
      {
        fix: `Deploy it again with helm-deploy (\`model-version: ${s.toModelVersion}\`), which uses the current chart.`,
      },
    );
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
