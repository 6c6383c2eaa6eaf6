/** Version numbers: claimed with exclusive creates, so two pushes never share one and none is lost. */
import { isPrecondition, type RegistryContext } from './context.js';
import { layout } from './layout.js';
import { claimedVersions } from './reader.js';

/**
 * Claims the next version number: lists the claims, then creates `claims/<N>.json` with
 * If-None-Match: * for N = highest + 1, moving up by one on each 412. Claimed numbers thus
 * always form 1..K with no gap, and each belongs to exactly one push.
 */
export async function claimNextVersion(ctx: RegistryContext, name: string, pushId: string): Promise<number> {
  const claimed = await claimedVersions(ctx, name);
  let next = (claimed[claimed.length - 1] ?? 0) + 1;
  const body = JSON.stringify({ push_id: pushId, at: ctx.now().toISOString(), actor: ctx.options.actor ?? null });
  for (;;) {
    try {
      await ctx.store.put(layout.claim(name, next), `${body}\n`, { ifNoneMatch: '*', contentType: 'application/json' });
      return next;
    } catch (error) {
      if (!isPrecondition(error)) throw error;
      // A retried PUT whose first attempt landed (response lost) also answers 412: it is ours.
      const claim = await ctx.store.getBytes(layout.claim(name, next));
      if (claim && claim.body.toString().includes(`"push_id":"${pushId}"`)) return next;
      next += 1;
    }
  }
}
