/**
 * The tail that helm-deploy and rollback share once helm has put the new revision in place:
 * the smoke test (the cluster must serve exactly the registered model), then, only when it
 * passed, the alias moved by compare-and-swap, the registry event, and the GitHub Deployment
 * marked success with the earlier ones retired. What a failed smoke test leads to differs
 * (a deploy rolls back, a rollback reports), so it is returned to the caller, nothing moved.
 */
import { describeError, type Logger } from '@mlops-gha/common';
import type { TrackedDeployment } from '@mlops-gha/github';
import type { Registry } from '@mlops-gha/registry';
import type { DeployableModel } from './model.js';
import { smokeTest, type SmokeResult } from './smoke.js';
import type { SmokeEndpoint } from './endpoint.js';

export interface AliasOutcome {
  alias: string;
  from: number | null;
  to: number;
  moved: boolean;
}

export interface ConcludeOptions {
  registry?: Registry;
  /** The model the new revision must serve (resolved and verified in the registry). */
  model?: DeployableModel;
  /** Where the smoke test reaches the server; undefined = no smoke test. */
  endpoint?: SmokeEndpoint;
  timeoutMs: number;
  logger: Logger;
  signal?: AbortSignal;
  /** The alias to move to the model's version, with the version it pointed at before (compare-and-swap). */
  alias?: { alias: string; expected: number | null; reason: string };
  deployment?: TrackedDeployment;
  /** The Deployment's success description. */
  success: string;
  /** The registry event that records the outcome (given the smoke result). */
  event?: (smoke: SmokeResult | undefined) => { type: string } & Record<string, unknown>;
}

export interface Concluded {
  smoke?: SmokeResult;
  alias?: AliasOutcome;
  eventId?: string;
  /** true when the smoke test failed: nothing was moved or recorded, the caller decides what follows. */
  smokeFailed: boolean;
}

/** Runs the smoke test when there is an endpoint and a model, logging each check. */
export async function runSmokeTest(o: ConcludeOptions): Promise<SmokeResult | undefined> {
  if (!o.endpoint || !o.model) {
    if (!o.endpoint) o.logger.info('no smoke test endpoint: the served model was not checked');
    return undefined;
  }
  const smoke = await smokeTest({
    ...o.endpoint,
    model: o.model.manifest.name,
    version: o.model.resolved.version,
    signature: o.model.manifest.signature,
    ...(o.model.sample ? { sample: o.model.sample } : {}),
    readyTimeoutMs: Math.min(o.timeoutMs, 120_000),
    logger: o.logger,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  for (const c of smoke.checks) o.logger.info(`smoke test ${c.check}: ${c.ok ? 'ok' : 'FAILED'}: ${c.detail}`);
  return smoke;
}

export async function conclude(o: ConcludeOptions): Promise<Concluded> {
  const smoke = await runSmokeTest(o);
  if (smoke && !smoke.ok) return { smoke, smokeFailed: true };
  const out: Concluded = { ...(smoke ? { smoke } : {}), smokeFailed: false };
  const name = o.model?.manifest.name;
  const version = o.model?.resolved.version;
  if (o.alias && o.registry && name && version !== undefined) {
    try {
      const moved = await o.registry.moveAlias(name, o.alias.alias, version, {
        expected: o.alias.expected,
        reason: o.alias.reason.slice(0, 500),
      });
      out.alias = { alias: o.alias.alias, from: moved.from, to: moved.to, moved: moved.moved };
    } catch (error) {
      o.logger.warning(`The release changed, but the alias ${o.alias.alias} was not moved: ${describeError(error)}`);
    }
  }
  if (o.event) {
    const eventId = await recordEvent(o.registry, name, o.event(smoke), o.logger);
    if (eventId) out.eventId = eventId;
  }
  await o.deployment?.setStatus('success', o.success);
  await o.deployment?.retirePrevious();
  return out;
}

/** Appends a registry event; a registry that refuses is a warning (the release already changed). */
export async function recordEvent(
  registry: Registry | undefined,
  name: string | undefined,
  event: { type: string } & Record<string, unknown>,
  logger: Logger,
): Promise<string | undefined> {
  if (!registry || !name) {
    logger.info(`no registry (or model name): the ${event.type} event was not recorded`);
    return undefined;
  }
  try {
    return await registry.appendEvent(name, event);
  } catch (error) {
    logger.warning(`Could not record the ${event.type} event in the registry: ${describeError(error)}`);
    return undefined;
  }
}
