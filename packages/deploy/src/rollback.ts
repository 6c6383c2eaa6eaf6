import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError, describeError, type Logger } from '@mlops-gha/common';
import { Helm, describeDeploy, modelOfRevision, type HistoryEntry, type Target } from '@mlops-gha/helm';
import { NotFoundInRegistryError, Registry } from '@mlops-gha/registry';
import { conclude, recordEvent, type AliasOutcome } from './conclude.js';
import { trackDeployment } from './deployment.js';
import { smokeEndpoint } from './endpoint.js';
import { knownBadRevisions, resolveModel, type DeployableModel } from './model.js';
import { planFrom, planText, type Plan } from './plan.js';
import { findModelKey, writeReleaseChart } from './redeploy.js';
import type { SmokeResult } from './smoke.js';
import { chooseTarget } from './target.js';
import { parseGoDuration } from './duration.js';
import { setAtKey, valuesYaml } from './values.js';
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
  /** Where a redeployed chart and its values are written (RUNNER_TEMP) [the system's temporary folder]. */
  workDir?: string;
  github?: GitHubContext;
}

export interface RollbackOutcome {
  status: 'rolled-back' | 'redeployed' | 'planned' | 'failed';
  fromRevision: number;
  /** The revision whose content is restored; none for a redeploy of a pruned version. */
  toRevision?: number;
  newRevision?: number;
  modelVersion?: number;
  plan: Plan;
  smoke?: SmokeResult;
  alias?: AliasOutcome;
  deploymentId?: number;
  eventId?: string;
  helmMs: number;
  totalMs: number;
  failure?: UserError;
}

/** History kept by a redeploy's upgrade (helm-deploy's default `history-max`). */
const REDEPLOY_HISTORY_MAX = 20;

/**
 * rollback as named steps: read the history, choose the target (a revision, the revision that
 * served a model version, or the newest good revision before the current one), refuse a
 * failed or pending target, verify the target's model in the registry, show the plan, then
 * `helm rollback` (or, for a model version pruned from the history, an upgrade with the
 * current chart and that version's values), smoke-test, move the alias back (compare-and-swap)
 * and append the audit event.
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
  const workDir = join(settings.workDir ?? tmpdir(), `rollback-${randomBytes(4).toString('hex')}`);
  try {
    const current = history[history.length - 1]!;
    const currentModel = modelOfRevision(history, current.revision);
    // the model the release serves; a failed current revision carries helm's text, so look further back
    const modelName =
      settings.modelName ??
      currentModel?.name ??
      [...history]
        .reverse()
        .map((h) => modelOfRevision(history, h.revision)?.name)
        .find(Boolean);
    const known =
      registry && modelName ? await knownBadRevisions(registry, modelName, target.release, target.namespace) : [];
    const chosen = chooseTarget(history, current, settings, known);
    const targetModel = chosen.redeploy ? undefined : modelOfRevision(history, chosen.entry.revision);
    const version = settings.toModelVersion ?? targetModel?.version;
    if (chosen.redeploy && !(registry && modelName))
      throw new UserError(
        `Model version ${settings.toModelVersion} is not in the history of ${settings.release}, and redeploying it needs ${registry ? 'the model name' : 'the registry'}`,
        {
          fix: `Set ${[registry ? '' : '`registry`', modelName ? '' : '`model-name`'].filter(Boolean).join(' and ')} so that version ${settings.toModelVersion} can be read and verified, or choose a \`to-revision\` from \`helm history\`.`,
        },
      );

    // the target's artifact, checked in the registry before anything changes
    let model: DeployableModel | undefined;
    let aliasBefore: number | null = null;
    if (registry && modelName && version !== undefined) {
      model = await resolveModel(registry, modelName, { version }).catch((error: unknown) => {
        if (error instanceof NotFoundInRegistryError && settings.toModelVersion !== undefined)
          throw new UserError(`Input \`to-model-version\` ${version}: ${error.message}`, {
            fix: error.fix ?? 'Choose a version the registry holds.',
          });
        throw error;
      });
      if (targetModel && !model.manifest.sha256.startsWith(targetModel.sha256Prefix)) {
        throw new UserError(
          `Revision ${(chosen as { entry: HistoryEntry }).entry.revision} deployed ${modelName}/${version} with sha256 ${targetModel.sha256Prefix}…, but the registry's ${modelName}/${version} has sha256 ${model.manifest.sha256}`,
          {
            fix: 'The registry version is not the artifact that revision served: choose another target, or redeploy the version with helm-deploy.',
          },
        );
      }
      if (settings.alias) aliasBefore = (await registry.listAliases(modelName))[settings.alias]?.version ?? null;
    }
    const currentValues = await helm.values(target, current.revision);
    const currentManifest = await helm.manifest(target, current.revision);
    const notes = [chosen.why, `reason: ${settings.reason}`];
    const modelLabel = modelName && version !== undefined ? { model: `${modelName}/${version}` } : {};

    // the plan; a redeploy renders the new objects with a server-side dry run of the upgrade
    let plan: Plan;
    let apply: () => Promise<number | undefined>;
    if (chosen.redeploy) {
      const m = model!;
      const chartDir = join(workDir, 'chart');
      const chart = await writeReleaseChart(helm, target, current.revision, chartDir);
      const key = findModelKey(currentValues, m.manifest.name);
      const values = setAtKey(currentValues, key, {
        name: m.manifest.name,
        version: m.resolved.version,
        storageUri: m.manifest.uri,
        sha256: m.manifest.sha256,
      });
      const valuesFile = join(workDir, 'values.yaml');
      await writeFile(valuesFile, valuesYaml(values), { mode: 0o600 });
      const flags = {
        ...target,
        chart: chartDir,
        valuesFile,
        description: describeDeploy(
          { name: m.manifest.name, version: m.resolved.version, sha256: m.manifest.sha256 },
          `redeployed by rollback`,
        ),
        createNamespace: false,
        wait: settings.wait,
        timeout: settings.timeout,
        rollbackOnFailure: true,
        historyMax: REDEPLOY_HISTORY_MAX,
      };
      const dry = await helm.upgrade({ ...flags, dryRun: 'server' });
      plan = planFrom({
        action: 'redeploy',
        release: target.release,
        namespace: target.namespace,
        current: { ...current, ...(currentModel ? { model: `${currentModel.name}/${currentModel.version}` } : {}) },
        currentValues,
        currentManifest,
        next: { chart: `${chart.name}-${chart.version}`, appVersion: chart.appVersion, ...modelLabel },
        nextValues: values,
        nextManifest: dry.manifest,
        notes: [...notes, `values key of the model block: ${key}`],
      });
      apply = async () => (await helm.upgrade(flags)).revision;
    } else {
      const entry = chosen.entry;
      plan = planFrom({
        action: 'rollback',
        release: target.release,
        namespace: target.namespace,
        current: { ...current, ...(currentModel ? { model: `${currentModel.name}/${currentModel.version}` } : {}) },
        currentValues,
        currentManifest,
        next: { revision: entry.revision, chart: entry.chart, appVersion: entry.app_version, ...modelLabel },
        nextValues: await helm.values(target, entry.revision),
        nextManifest: await helm.manifest(target, entry.revision),
        notes,
      });
      apply = async () => {
        await helm.rollback({ ...target, revision: entry.revision, wait: settings.wait, timeout: settings.timeout });
        return ((await helm.history(target)) ?? []).at(-1)?.revision;
      };
    }
    logger.info(planText(plan));
    const toRevision = chosen.redeploy ? undefined : chosen.entry.revision;
    const what = chosen.redeploy
      ? `redeploy of ${modelName}/${version} with the current chart`
      : `rollback to revision ${toRevision}`;
    const outcome: RollbackOutcome = {
      status: 'planned',
      fromRevision: current.revision,
      ...(toRevision !== undefined ? { toRevision } : {}),
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

    const deployment = await trackDeployment({
      ...settings,
      logger,
      task: 'deploy:rollback',
      description: `${target.release}: ${what}`,
      payload: {
        release: target.release,
        from: current.revision,
        to: toRevision ?? null,
        reason: settings.reason.slice(0, 200),
      },
    });
    outcome.deploymentId = deployment?.id;
    await deployment?.setStatus('in_progress', what);
    try {
      outcome.newRevision = await apply();
    } catch (error) {
      await deployment?.setStatus('failure', `${what} failed`);
      outcome.status = 'failed';
      const after = (await helm.history(target)) ?? [];
      outcome.newRevision = after.at(-1)?.revision;
      outcome.failure = new UserError(
        `The ${what} of ${target.release} failed: ${describeError(error)}; the release is at revision ${outcome.newRevision} (${after.at(-1)?.status})`,
        { fix: "See helm's error above; the alias was not moved." },
      );
      return finish();
    }
    logger.info(
      `${target.release}: revision ${outcome.newRevision} is ${chosen.redeploy ? `${modelName}/${version} redeployed` : `revision ${toRevision}'s content`}`,
    );

    const auditFields = () => ({
      type: 'rollback',
      release: target.release,
      namespace: target.namespace,
      reason: settings.reason,
      from: current.revision,
      to: toRevision ?? null,
      ...(chosen.redeploy ? { redeployed: true } : {}),
      new_revision: outcome.newRevision ?? null,
      from_version: currentModel?.version ?? null,
      ...(version !== undefined ? { version } : {}),
    });
    const done = await conclude({
      registry,
      model,
      endpoint: model ? await smokeEndpoint({ smokeTestUrl: settings.smokeTestUrl, helm, target, logger }) : undefined,
      timeoutMs,
      logger,
      ...(settings.alias
        ? {
            alias: {
              alias: settings.alias,
              expected: aliasBefore,
              reason: `rollback ${target.release}: ${settings.reason}`,
            },
          }
        : {}),
      deployment,
      success: `revision ${outcome.newRevision}: ${what}`,
      event: () => ({ ...auditFields(), outcome: chosen.redeploy ? 'redeployed' : 'rolled-back' }),
    });
    if (done.smoke) outcome.smoke = done.smoke;
    if (done.alias) outcome.alias = done.alias;
    if (done.smokeFailed) {
      await deployment?.setStatus('failure', `smoke test failed after the ${what}`);
      outcome.status = 'failed';
      outcome.failure = new UserError(
        `The ${what} of ${target.release} (now revision ${outcome.newRevision}) is in place, but its smoke test failed: ${done.smoke!.failure}`,
        { fix: 'The alias was not moved. Choose another target (`to-revision`), or check the server.' },
      );
      await recordEvent(registry, modelName, { ...auditFields(), outcome: 'smoke-test-failed' }, logger);
      return finish();
    }
    if (done.eventId) outcome.eventId = done.eventId;
    outcome.status = chosen.redeploy ? 'redeployed' : 'rolled-back';
    return finish();
  } finally {
    registry?.close();
    await rm(workDir, { recursive: true, force: true });
  }
}
