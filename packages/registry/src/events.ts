/** The append-only audit trail: events/<id>.json, each created exclusively, never rewritten. */
import { randomBytes } from 'node:crypto';
import { isPrecondition, type RegistryContext } from './context.js';
import { layout } from './layout.js';
import { checkModelName } from './names.js';
import { listAliases } from './reader.js';
import type { ListedEvent, RegistryEvent } from './types.js';

// Ids sort oldest first: the instant, then a per-process sequence number (4 hex digits) and 6
// random ones. Two events of one process in the same millisecond (a push's version-created and
// its alias move) are then listed in the order they happened, not in the random suffix's.
let sequence = 0;

function eventId(now: Date): string {
  const tag = `${(sequence++ & 0xffff).toString(16).padStart(4, '0')}${randomBytes(3).toString('hex')}`;
  return `${now.toISOString().replace(/[-:]/g, '').replace('.', '')}-${tag}`;
}

/** Appends an audit event under a unique key (exclusive create). Returns its id. */
export async function appendEvent(
  ctx: RegistryContext,
  name: string,
  event: Partial<RegistryEvent> & { type: string },
): Promise<string> {
  checkModelName(name);
  await ctx.ensureConditionalWrites();
  const now = ctx.now();
  const full: RegistryEvent = {
    schema: 'mlops-gha/registry-event@1',
    name,
    at: now.toISOString(),
    actor: ctx.options.actor ?? null,
    run_url: ctx.options.runUrl ?? null,
    ...event,
  };
  for (;;) {
    const id = eventId(now);
    try {
      await ctx.store.put(layout.event(name, id), `${JSON.stringify(full, null, 2)}\n`, {
        ifNoneMatch: '*',
        contentType: 'application/json',
      });
      return id;
    } catch (error) {
      if (!isPrecondition(error)) throw error;
    }
  }
}

/**
 * The audit trail, oldest first. alias-moved events carry `applied`: true when the move is
 * on the alias's chain (alias document -> its event -> previous_event -> ...), false when its
 * compare-and-swap lost or its pusher died between the event and the move.
 */
export async function listEvents(ctx: RegistryContext, name: string): Promise<ListedEvent[]> {
  checkModelName(name);
  const events: ListedEvent[] = [];
  for await (const o of ctx.store.list(layout.events(name))) {
    const m = /\/events\/([^/]+)\.json$/.exec(o.key);
    if (!m) continue;
    const got = await ctx.store.getBytes(o.key);
    if (!got) continue;
    try {
      events.push({ ...(JSON.parse(got.body.toString()) as RegistryEvent), id: m[1]! });
    } catch {
      ctx.logger.warning(`Skipping the unreadable event ${ctx.store.urlOf(o.key)}`);
    }
  }
  events.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byId = new Map(events.map((e) => [e.id, e]));
  const applied = new Set<string>();
  for (const doc of Object.values(await listAliases(ctx, name))) {
    let id: string | null | undefined = doc.event;
    const seen = new Set<string>();
    while (id && !seen.has(id)) {
      seen.add(id);
      applied.add(id);
      id = byId.get(id)?.previous_event;
    }
  }
  for (const e of events) if (e.type === 'alias-moved') e.applied = applied.has(e.id);
  return events;
}
