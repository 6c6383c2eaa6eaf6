import type { HistoryEntry } from './parse.js';

/**
 * What our actions write into a revision's `--description`, and how the history is read back:
 * which model a revision serves, which revisions were rolled back from or failed their smoke
 * test, and so which one is the last good revision. Helm keeps descriptions per revision and
 * never lets them be edited, so everything we need later is written when the revision is made.
 */

export interface ModelIdentity {
  name: string;
  version: number;
  sha256: string;
}

const TAG = 'mlops-gha';

/** `mlops-gha: iris/4 sha256:0123456789ab` (helm shows it in `helm history`). */
export function describeDeploy(model: ModelIdentity, note?: string): string {
  return `${TAG}: ${model.name}/${model.version} sha256:${model.sha256.slice(0, 12)}${note ? ` (${note})` : ''}`;
}

/** The description of a revision that replaces revision `failed` after its smoke test failed. */
export function describeSmokeFailure(model: ModelIdentity, failed: number): string {
  return describeDeploy(model, `smoke test of revision ${failed} failed`);
}

/** The model named by one of our descriptions, or undefined for anyone else's. */
export function modelFromDescription(
  description: string,
): { name: string; version: number; sha256Prefix: string } | undefined {
  const m = /^mlops-gha: ([A-Za-z0-9][A-Za-z0-9._-]*)\/(\d+) sha256:([0-9a-f]{12})/.exec(description);
  return m ? { name: m[1]!, version: Number(m[2]), sha256Prefix: m[3]! } : undefined;
}

/** `Rollback to N` (helm's stored text for `helm rollback`) -> N. */
export function rollbackSource(description: string): number | undefined {
  const m = /^Rollback to (\d+)$/.exec(description.trim());
  return m ? Number(m[1]) : undefined;
}

/** The revision whose content a revision carries: a rollback carries its source's, recursively. */
export function originOf(history: HistoryEntry[], revision: number): number {
  const byRev = new Map(history.map((h) => [h.revision, h]));
  let current = revision;
  for (let hops = 0; hops < history.length; hops++) {
    const src = rollbackSource(byRev.get(current)?.description ?? '');
    if (src === undefined || src === current || !byRev.has(src)) return src ?? current;
    current = src;
  }
  return current;
}

/** The model a revision serves, following rollbacks to the revision that deployed it. */
export function modelOfRevision(history: HistoryEntry[], revision: number) {
  const origin = originOf(history, revision);
  const entry = history.find((h) => h.revision === origin) ?? history.find((h) => h.revision === revision);
  return entry ? modelFromDescription(entry.description) : undefined;
}

export interface BadRevision {
  revision: number;
  why: string;
}

/**
 * Revisions that must not be a rollback target, and why: failed or pending ones, those whose
 * smoke test failed (recorded in a later description of ours, or passed in from the registry's
 * events), and those that were rolled back from (the very next revision is a rollback to an
 * older one: someone, or we, judged them bad).
 */
export function badRevisions(history: HistoryEntry[], known: BadRevision[] = []): Map<number, string> {
  const bad = new Map<number, string>();
  for (const k of known) bad.set(k.revision, k.why);
  const sorted = [...history].sort((a, b) => a.revision - b.revision);
  for (let i = 0; i < sorted.length; i++) {
    const h = sorted[i]!;
    if (h.status !== 'deployed' && h.status !== 'superseded') bad.set(h.revision, h.status);
    const smoke = /smoke test of revision (\d+) failed/.exec(h.description);
    if (smoke && h.description.startsWith(TAG)) bad.set(Number(smoke[1]), 'its smoke test failed');
    const next = sorted[i + 1];
    const src = next && next.revision === h.revision + 1 ? rollbackSource(next.description) : undefined;
    if (src !== undefined && src !== h.revision && !bad.has(h.revision))
      bad.set(h.revision, `rolled back from (revision ${next!.revision})`);
  }
  return bad;
}

export interface LastGoodOptions {
  /** Only revisions older than this one. */
  before?: number;
  /** Skip revisions that carry the same content as this one (a rollback of it, or its source). */
  notSameAs?: number;
  known?: BadRevision[];
}

/**
 * The newest `deployed` or `superseded` revision that is not bad (see badRevisions): the
 * revision to go back to. Never simply N-1: N-1 may be a failed upgrade, a revision whose
 * smoke test failed, or the very content we are leaving.
 */
export function lastGoodRevision(history: HistoryEntry[], options: LastGoodOptions = {}): HistoryEntry | undefined {
  const bad = badRevisions(history, options.known);
  const avoid = options.notSameAs !== undefined ? originOf(history, options.notSameAs) : undefined;
  const candidates = [...history]
    .filter((h) => options.before === undefined || h.revision < options.before)
    .filter((h) => (h.status === 'deployed' || h.status === 'superseded') && !bad.has(h.revision))
    .filter((h) => avoid === undefined || originOf(history, h.revision) !== avoid)
    .sort((a, b) => b.revision - a.revision);
  return candidates[0];
}

export const isPending = (status: string) => status.startsWith('pending-');
