import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError, type Logger } from '@mlops-gha/common';
import { Helm, describeDeploy, modelOfRevision, type Target, type UpgradeFlags } from '@mlops-gha/helm';
import { Registry } from '@mlops-gha/registry';
import { knownBadRevisions, resolveModel, type DeployableModel } from './model.js';
import { resolvePending } from './pending.js';
import { planFrom, planText, type Plan } from './plan.js';
import type { SmokeResult } from './smoke.js';
import { conclude, recordEvent, type AliasOutcome } from './conclude.js';
import { trackDeployment } from './deployment.js';
import { smokeEndpoint } from './endpoint.js';
import { parseGoDuration } from './duration.js';
import { buildValues, valuesYaml } from './values.js';
import type { GitHubContext } from './types.js';
import { afterFailedUpgrade, chartError, describeBack, restoreLastGood } from './recovery.js';

export interface DeploySettings {
  release: string;
  namespace: string;
  chart: string;
  chartVersion?: string;
  createNamespace: boolean;
  valuesFiles: string[];
  values?: string;
  modelValuesKey: string;
  model?: { name: string; version?: number; alias?: string };
  registry?: string;
  wait: boolean;
  timeout: string;
  rollbackOnFailure: boolean;
  historyMax: number;
  kubeContext?: string;
  dryRun: boolean;
  smokeTestUrl?: string;
  promoteAlias?: string;
  environment?: string;
  recoverPending: boolean;
  /** The helm binary (`helm` = from PATH). */
  helm: string;
  /** Where the generated values file is written (RUNNER_TEMP). */
  workDir: string;
  github?: GitHubContext;
}

export type DeployStatus = 'deployed' | 'planned' | 'failed' | 'rolled-back' | 'cancelled';

export interface DeployOutcome {
  status: DeployStatus;
  /** The release's revision when the action ended. */
  revision?: number;
  /** The deployed revision before this run. */
  previousRevision?: number;
  modelVersion?: number;
  deploymentId?: number;
  plan?: Plan;
  smoke?: SmokeResult;
  /** What was done about a pending release. */
  recovery?: string;
  /** The revision a failure rolled back to ('uninstalled' for a failed first install). */
  rolledBackTo?: number | 'uninstalled';
  alias?: AliasOutcome;
  helmMajor: number;
  helmMs: number;
  totalMs: number;
  /** Set when the job must fail: what happened and what the release is now on. */
  failure?: UserError;
}

export interface DeployDeps {
  logger: Logger;
  /** Aborted when the runner cancels the job (SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

/**
 * helm-deploy as a sequence of named steps: check helm, resolve and verify the model, build
 * the values, clear a pending release, show the plan (server-side dry run), then deploy with
 * a GitHub Deployment following it, smoke-test, and promote the alias. Errors before the plan
 * are thrown (nothing changed); after it the outcome carries `failure`, so the caller can
 * still set outputs and write the summary.
 */
export async function deploy(settings: DeploySettings, deps: DeployDeps): Promise<DeployOutcome> {
  const started = performance.now();
  const { logger } = deps;
  const timeoutMs = parseGoDuration(settings.timeout);
  const helm = await Helm.detect(settings.helm, { logger });
  logger.info(`helm ${helm.version.text} (Helm ${helm.major})`);
  const target: Target = {
    release: settings.release,
    namespace: settings.namespace,
    ...(settings.kubeContext ? { kubeContext: settings.kubeContext } : {}),
  };
  const registry = settings.registry
    ? Registry.open(settings.registry, { logger, actor: settings.github?.actor, runUrl: settings.github?.runUrl })
    : undefined;
  const outcome: DeployOutcome = { status: 'failed', helmMajor: helm.major, helmMs: 0, totalMs: 0 };
  const finish = () => {
    outcome.helmMs = helm.timeInHelmMs;
    outcome.totalMs = performance.now() - started;
    registry?.close();
    return outcome;
  };
  const valuesDir = join(settings.workDir, `helm-deploy-${randomBytes(4).toString('hex')}`);
  try {
    // 1. the model: resolved and verified before anything else
    let model: DeployableModel | undefined;
    let aliasBefore: number | null = null;
    if (settings.model) {
      if (!registry)
        throw new UserError('`model-name` is set but `registry` is not', {
          fix: 'Set `registry:` to the registry the model was pushed to (s3://bucket/prefix or a folder).',
        });
      model = await resolveModel(registry, settings.model.name, settings.model);
      outcome.modelVersion = model.resolved.version;
      logger.info(
        `model ${model.manifest.name}/${model.resolved.version}: ${model.manifest.files.length} file(s) verified, sha256 ${model.manifest.sha256}${model.sample ? `, sample of ${model.sample.rows} rows` : ', no stored sample'}`,
      );
      if (settings.promoteAlias)
        aliasBefore = (await registry.listAliases(model.manifest.name))[settings.promoteAlias]?.version ?? null;
    }
    const identity = model
      ? { name: model.manifest.name, version: model.resolved.version, sha256: model.manifest.sha256 }
      : undefined;

    // 2. values: one generated file, never --set strings
    const values = await buildValues({
      files: settings.valuesFiles,
      inline: settings.values,
      modelKey: settings.modelValuesKey,
      ...(model
        ? {
            model: {
              name: model.manifest.name,
              version: model.resolved.version,
              storageUri: model.manifest.uri,
              sha256: model.manifest.sha256,
            },
          }
        : {}),
    });
    await mkdir(valuesDir, { recursive: true, mode: 0o700 });
    const valuesFile = join(valuesDir, 'values.yaml');
    await writeFile(valuesFile, valuesYaml(values), { mode: 0o600 });

    // 3. the release as it is; a pending one is refused or recovered
    const known =
      registry && model ? await knownBadRevisions(registry, model.manifest.name, target.release, target.namespace) : [];
    let history = (await helm.history(target)) ?? [];
    const pending = await resolvePending({
      helm,
      target,
      history,
      recover: settings.recoverPending,
      liveWindowMs: timeoutMs,
      wait: settings.wait,
      timeout: settings.timeout,
      known,
      logger,
    });
    history = pending.history;
    if (pending.note) outcome.recovery = pending.note;
    const current = [...history].reverse().find((h) => h.status === 'deployed');
    outcome.previousRevision = current?.revision;
    outcome.revision = current?.revision;

    // 4. the plan, from a server-side dry run against the current release
    const flags: UpgradeFlags = {
      ...target,
      chart: settings.chart,
      ...(settings.chartVersion ? { chartVersion: settings.chartVersion } : {}),
      valuesFile,
      description: identity ? describeDeploy(identity) : `mlops-gha: ${settings.chart}`,
      createNamespace: settings.createNamespace,
      wait: settings.wait,
      timeout: settings.timeout,
      rollbackOnFailure: settings.rollbackOnFailure,
      historyMax: settings.historyMax,
    };
    const dry = await helm.upgrade({ ...flags, dryRun: 'server' }).catch((error) => {
      throw chartError(error, settings);
    });
    const currentModel = current ? modelOfRevision(history, current.revision) : undefined;
    outcome.plan = planFrom({
      action: current ? 'upgrade' : 'install',
      release: target.release,
      namespace: target.namespace,
      ...(current
        ? {
            current: { ...current, ...(currentModel ? { model: `${currentModel.name}/${currentModel.version}` } : {}) },
          }
        : {}),
      ...(current ? { currentValues: await helm.values(target), currentManifest: await helm.manifest(target) } : {}),
      next: {
        chart: dry.chart ? `${dry.chart.name}-${dry.chart.version}` : settings.chart,
        ...(dry.chart?.appVersion ? { appVersion: dry.chart.appVersion } : {}),
        ...(identity ? { model: `${identity.name}/${identity.version}` } : {}),
      },
      nextValues: values,
      nextManifest: dry.manifest,
      notes: [
        ...(pending.note ? [pending.note] : []),
        ...(helm.serverDryRun
          ? []
          : ['this helm predates --dry-run=server: the manifest diff comes from a client-side render']),
      ],
    });
    logger.info(planText(outcome.plan));
    if (settings.dryRun) {
      outcome.status = 'planned';
      return finish();
    }

    // 5. deploy, with a GitHub Deployment following it
    const deployment = await trackDeployment({
      ...settings,
      logger,
      description: `${identity ? `${identity.name}/${identity.version}` : settings.chart} to ${target.release}`,
      payload: {
        release: target.release,
        namespace: target.namespace,
        ...(identity ? { model: identity.name, version: identity.version } : {}),
      },
    });
    outcome.deploymentId = deployment?.id;
    await deployment?.setStatus('in_progress', `helm upgrade ${target.release}`);
    let revision: number;
    try {
      const rel = await helm.upgrade(flags, { signal: deps.signal });
      revision = rel.revision;
      outcome.revision = revision;
      logger.info(`${target.release}: revision ${revision} ${rel.status}`);
    } catch (error) {
      return finish2(
        await afterFailedUpgrade(error, {
          helm,
          target,
          settings,
          known,
          logger,
          cancelled: !!deps.signal?.aborted,
          outcome,
          deployment,
        }),
      );
    }

    // 6. the smoke test (the cluster must serve exactly the registered model), then the alias,
    // the registry event and the Deployment's success: the tail rollback shares
    const endpoint = model
      ? await smokeEndpoint({ smokeTestUrl: settings.smokeTestUrl, helm, target, logger })
      : undefined;
    const done = await conclude({
      registry,
      model,
      endpoint,
      timeoutMs,
      logger,
      signal: deps.signal,
      ...(settings.promoteAlias
        ? {
            alias: {
              alias: settings.promoteAlias,
              expected: aliasBefore,
              reason: `helm-deploy ${target.release} revision ${revision}`,
            },
          }
        : {}),
      deployment,
      success: `${identity ? `${identity.name}/${identity.version}` : settings.chart} serves on revision ${revision}`,
      event: (smoke) => ({
        type: 'deployed',
        release: target.release,
        namespace: target.namespace,
        revision,
        version: identity?.version,
        smoke_test: smoke ? smoke.equivalence : 'not-run',
      }),
    });
    if (done.smoke) outcome.smoke = done.smoke;
    if (done.alias) outcome.alias = done.alias;
    if (done.smokeFailed && identity) {
      const smoke = done.smoke!;
      const after = (await helm.history(target)) ?? [];
      const back = await restoreLastGood({
        helm,
        target,
        settings,
        history: after,
        failedRevision: revision,
        known,
        logger,
      });
      outcome.rolledBackTo = back.to;
      outcome.revision = back.revision;
      outcome.status = 'rolled-back';
      await recordEvent(
        registry,
        identity.name,
        {
          type: 'smoke-test-failed',
          release: target.release,
          namespace: target.namespace,
          revision,
          version: identity.version,
          reason: smoke.failure,
          rolled_back_to: back.to,
        },
        logger,
      );
      await deployment?.setStatus('failure', `smoke test failed; rolled back to ${describeBack(back.to)}`);
      outcome.failure = new UserError(
        `The smoke test of ${identity.name}/${identity.version} on revision ${revision} failed (${smoke.failure}); ${target.release} was rolled back to ${describeBack(back.to)}`,
        {
          fix: "The cluster did not serve the registered model: check the chart's model values and the server's logs; the alias was not moved.",
          title: 'smoke test failed',
        },
      );
      return finish();
    }
    outcome.status = 'deployed';
    return finish();
  } finally {
    await rm(valuesDir, { recursive: true, force: true });
  }

  function finish2(o: DeployOutcome) {
    Object.assign(outcome, o);
    return finish();
  }
}
