/** Aliases: mutable pointers moved by compare-and-swap, each move recorded by an event first. */
import { UserError } from '@mlops-gha/common';
import { isPrecondition, sleep, type RegistryContext } from './context.js';
import { AliasConflictError } from './errors.js';
import { appendEvent } from './events.js';
import { layout } from './layout.js';
import { checkAliasName, checkModelName, checkVersionNumber } from './names.js';
import { readAlias, readManifest } from './reader.js';
import type { AliasDocument, AliasMove } from './types.js';

/**
 * Moves `alias` to `version` by compare-and-swap: the alias document is replaced only if it
 * is still the one read (If-Match on its etag; If-None-Match: * when creating it). The event
 * is written first and the alias document names it, so no alias ever moves without its
 * audit record. With `expected`, the move happens only if the alias currently points there
 * (null = only if it does not exist yet); otherwise concurrent moves are retried on the
 * fresh value.
 */
export async function moveAlias(
  ctx: RegistryContext,
  name: string,
  alias: string,
  version: number,
  options: { expected?: number | null; reason?: string; extra?: Record<string, unknown> } = {},
): Promise<AliasMove> {
  checkModelName(name);
  checkAliasName(alias);
  checkVersionNumber(version);
  await readManifest(ctx, name, version);
  await ctx.ensureConditionalWrites();
  for (let attempt = 0; ; attempt++) {
    const current = await readAlias(ctx, name, alias);
    const from = current?.doc.version ?? null;
    if (options.expected !== undefined && options.expected !== from)
      throw new AliasConflictError(alias, options.expected, from);
    if (from === version) return { alias, from, to: version, moved: false, event: current?.doc.event };
    const event = await appendEvent(ctx, name, {
      type: 'alias-moved',
      alias,
      from,
      to: version,
      previous_event: current?.doc.event ?? null,
      ...(options.reason ? { reason: options.reason } : {}),
      ...(options.extra ?? {}),
    });
    await ctx.step('alias-event-written');
    const doc: AliasDocument = {
      schema: 'mlops-gha/registry-alias@1',
      name,
      alias,
      version,
      event,
      updated_at: ctx.now().toISOString(),
      updated_by: ctx.options.actor ?? null,
    };
    try {
      await ctx.store.put(layout.alias(name, alias), `${JSON.stringify(doc, null, 2)}\n`, {
        ...(current ? { ifMatch: current.etag } : { ifNoneMatch: '*' as const }),
        contentType: 'application/json',
      });
    } catch (error) {
      if (!isPrecondition(error)) throw error;
      const now = await readAlias(ctx, name, alias);
      if (now?.doc.event === event) {
        // our own retried PUT had landed (its response was lost)
        await ctx.step('alias-moved');
        return { alias, from, to: version, moved: true, event };
      }
      if (attempt >= 20) {
        throw new UserError(
          `Could not move the alias ${alias} of ${name} in ${ctx.location}: another writer moved it between our read and our write 21 times in a row`,
          {
            fix:
              `Something else is moving ${name}@${alias} continuously (another job's registry-push with alias: ${alias}, or a script running \`alias set\`). ` +
              `List its alias-moved records (\`events ${name}\` in the registry CLI: each names the actor and run), stop or serialise that writer ` +
              `(a workflow \`concurrency:\` group per model), then run this step again.`,
          },
        );
      }
      ctx.logger.info(`The alias ${alias} changed while moving it; retrying on its new value`);
      await sleep(10 + Math.random() * 40);
      continue;
    }
    await ctx.step('alias-moved');
    return { alias, from, to: version, moved: true, event };
  }
}
