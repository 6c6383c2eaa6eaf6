/**
 * Column-by-column drift between a reference profile and the current data's profile, with
 * Evidently's default method choice, an optional multiple-testing correction, and the
 * dataset verdict (drift when at least `driftShare` of the tested columns drifted).
 */
import { UserError } from '@mlops-gha/common';
import { ks2SampSorted } from './ks.js';
import { binCounts, type ColumnProfile, type Profile } from './profile.js';
import {
  chiSquaredContingency,
  jensenShannon,
  normalizedWasserstein,
  populationStabilityIndex,
  proportionsZTest,
} from './statistics.js';

export const METHODS = ['ks', 'chisquare', 'z', 'wasserstein', 'jensenshannon', 'psi'] as const;
export type Method = (typeof METHODS)[number];
export type Correction = 'none' | 'bonferroni' | 'benjamini-hochberg';

/** p-value tests drift below their threshold; distances at or above it. */
export const METHOD_INFO: Record<
  Method,
  { kind: 'p-value' | 'distance'; threshold: number; label: string; types: ('numerical' | 'categorical')[] }
> = {
  ks: { kind: 'p-value', threshold: 0.05, label: 'K-S p-value', types: ['numerical'] },
  chisquare: { kind: 'p-value', threshold: 0.05, label: 'chi-square p-value', types: ['categorical'] },
  z: { kind: 'p-value', threshold: 0.05, label: 'Z-test p-value', types: ['categorical'] },
  wasserstein: { kind: 'distance', threshold: 0.1, label: 'Wasserstein distance (normed)', types: ['numerical'] },
  jensenshannon: {
    kind: 'distance',
    threshold: 0.1,
    label: 'Jensen-Shannon distance',
    types: ['numerical', 'categorical'],
  },
  psi: { kind: 'distance', threshold: 0.1, label: 'PSI', types: ['numerical', 'categorical'] },
};

/** Evidently's switch: up to this many reference rows, statistical tests; above, distances. */
export const SMALL_REFERENCE_ROWS = 1000;

export interface CompareOptions {
  /** Only these columns (default: every reference column but the label). */
  columns?: string[];
  /** A method per column; `*` for every other column. */
  methods?: Record<string, Method>;
  /** Overrides every method's default threshold. */
  threshold?: number;
  driftShare?: number;
  correction?: Correction;
  /** How messages name the two sides: the current data file and the reference (a file or `registry://…`). */
  sources?: { current: string; reference: string };
}

export interface ColumnDrift {
  column: string;
  type: 'numerical' | 'categorical';
  method: Method;
  /** The test statistic or the distance. */
  statistic: number;
  /** For p-value methods. */
  pValue: number | null;
  /** The threshold the value was judged against (after any multiple-testing correction). */
  threshold: number;
  drifted: boolean;
  referenceMissingShare: number;
  currentMissingShare: number;
  /** For charts: shares per bin or category, reference and current. */
  chart: { labels: string[]; reference: number[]; current: number[] };
  /** How far past its threshold (for ordering "most drifted"). */
  severity: number;
}

export interface DatasetDrift {
  drift: boolean;
  share: number;
  driftShare: number;
  tested: number;
  drifted: string[];
  columns: ColumnDrift[];
  /** Columns not tested, and why (text, empty, extra columns of the current data). */
  notes: string[];
  correction: Correction;
}

function methodFor(
  col: ColumnProfile,
  cur: ColumnProfile,
  referenceRows: number,
  chosen: Method | undefined,
  reference: string,
): Method {
  const type = col.type as 'numerical' | 'categorical';
  if (chosen !== undefined) {
    if (!(METHODS as readonly string[]).includes(chosen))
      throw new UserError(`\`methods\`: ${JSON.stringify(chosen)} (for "${col.name}") is not a drift method`, {
        fix: `Use one of ${METHODS.join(', ')}.`,
        title: 'Unknown drift method',
      });
    if (!METHOD_INFO[chosen].types.includes(type)) {
      throw new UserError(
        `\`methods\`: ${chosen} cannot test "${col.name}", which is ${type} in the reference (${reference})`,
        {
          fix: `Choose one of ${METHODS.filter((m) => METHOD_INFO[m].types.includes(type)).join(', ')} for "${col.name}" in \`methods\` (e.g. \`${col.name}: ${METHODS.find((m) => METHOD_INFO[m].types.includes(type))}\`).`,
          title: 'Method does not fit the column',
        },
      );
    }
    if (chosen === 'z' && categoryKeys(col, cur).length > 2) {
      throw new UserError(
        `\`methods\`: the Z-test needs a binary column, but "${col.name}" has ${categoryKeys(col, cur).length} categories in the reference (${reference}) and the current data`,
        {
          fix: `Use chisquare or jensenshannon for "${col.name}" in \`methods\`.`,
          title: 'Method does not fit the column',
        },
      );
    }
    return chosen;
  }
  const small = referenceRows <= SMALL_REFERENCE_ROWS;
  if (type === 'numerical') return small ? 'ks' : 'wasserstein';
  if (!small) return 'jensenshannon';
  return categoryKeys(col, cur).length <= 2 ? 'z' : 'chisquare';
}

const OTHER = '(other)';

function categoryKeys(ref: ColumnProfile, cur: ColumnProfile): string[] {
  const keys = new Set<string>();
  for (const [k] of ref.categories?.values ?? []) keys.add(k);
  for (const [k] of cur.categories?.values ?? []) keys.add(k);
  return [...keys];
}

function categoryCounts(ref: ColumnProfile, cur: ColumnProfile): { labels: string[]; a: number[]; b: number[] } {
  const labels = categoryKeys(ref, cur);
  // A side with more distinct values than the profile keeps counts them all as "other".
  const rc = ref.categories ?? { values: [], other: ref.count };
  const cc = cur.categories ?? { values: [], other: cur.count };
  const a = new Map(rc.values);
  const b = new Map(cc.values);
  const out = { labels, a: labels.map((k) => a.get(k) ?? 0), b: labels.map((k) => b.get(k) ?? 0) };
  if (rc.other + cc.other > 0) {
    out.labels.push(OTHER);
    out.a.push(rc.other);
    out.b.push(cc.other);
  }
  return out;
}

function shares(counts: number[]): number[] {
  const total = counts.reduce((s, c) => s + c, 0);
  return counts.map((c) => (total ? c / total : 0));
}

function formatEdge(v: number): string {
  return Number(v.toPrecision(3)).toString();
}

function compareColumn(ref: ColumnProfile, cur: ColumnProfile, method: Method, threshold: number): ColumnDrift {
  const type = ref.type as 'numerical' | 'categorical';
  let statistic: number;
  let pValue: number | null = null;
  let chart: ColumnDrift['chart'];
  if (type === 'numerical') {
    const a = Float64Array.from(ref.numeric!.sample);
    const b = Float64Array.from(cur.numeric!.sample);
    const edges = ref.numeric!.histogram.edges;
    const ca = binCounts(a, edges);
    const cb = binCounts(b, edges);
    chart = { labels: edges.slice(0, -1).map(formatEdge), reference: shares(ca), current: shares(cb) };
    if (method === 'ks') {
      const r = ks2SampSorted(a, b);
      statistic = r.statistic;
      pValue = r.pValue;
    } else if (method === 'wasserstein') statistic = normalizedWasserstein(a, b, ref.numeric!.std);
    else if (method === 'jensenshannon') statistic = jensenShannon(ca, cb);
    else statistic = populationStabilityIndex(ca, cb);
  } else {
    const { labels, a, b } = categoryCounts(ref, cur);
    chart = { labels, reference: shares(a), current: shares(b) };
    if (method === 'chisquare') {
      const r = chiSquaredContingency(a, b);
      statistic = r.statistic;
      pValue = r.pValue;
    } else if (method === 'z') {
      const r = proportionsZTest(
        a[0] ?? 0,
        a.reduce((s, x) => s + x, 0),
        b[0] ?? 0,
        b.reduce((s, x) => s + x, 0),
      );
      statistic = r.statistic;
      pValue = r.pValue;
    } else if (method === 'jensenshannon') statistic = jensenShannon(a, b);
    else statistic = populationStabilityIndex(a, b);
  }
  const pvalueKind = METHOD_INFO[method].kind === 'p-value';
  const drifted = pvalueKind ? pValue! < threshold : statistic >= threshold;
  return {
    column: ref.name,
    type,
    method,
    statistic,
    pValue,
    threshold,
    drifted,
    referenceMissingShare: ref.missing / Math.max(1, ref.missing + ref.count),
    currentMissingShare: cur.missing / Math.max(1, cur.missing + cur.count),
    chart,
    severity: pvalueKind ? -Math.log10(Math.max(pValue!, 1e-300)) + Math.log10(threshold) : statistic / threshold,
  };
}

/** Applies Bonferroni or Benjamini–Hochberg across the p-value-tested columns (in place). */
function correct(results: ColumnDrift[], correction: Correction): void {
  const tested = results.filter((r) => r.pValue !== null);
  const m = tested.length;
  if (correction === 'none' || m === 0) return;
  if (correction === 'bonferroni') {
    for (const r of tested) {
      r.threshold /= m;
      r.drifted = r.pValue! < r.threshold;
    }
    return;
  }
  // Benjamini–Hochberg step-up: reject the k smallest p-values, k the largest with p_(k) <= k/m * alpha.
  const order = [...tested].sort((x, y) => x.pValue! - y.pValue!);
  let k = 0;
  order.forEach((r, i) => {
    if (r.pValue! <= ((i + 1) / m) * r.threshold) k = i + 1;
  });
  order.forEach((r, i) => {
    r.threshold = (Math.max(k, 1) / m) * r.threshold;
    r.drifted = i < k;
  });
}

/**
 * Compares every chosen reference column with the current data's profile (built with the
 * reference's column types). Reference columns missing from the current data are an error.
 */
export function compareProfiles(reference: Profile, current: Profile, options: CompareOptions = {}): DatasetDrift {
  const driftShare = options.driftShare ?? 0.5;
  const correction = options.correction ?? 'none';
  const byName = new Map(current.columns.map((c) => [c.name, c]));
  const refNames = reference.columns.map((c) => c.name);
  const notes: string[] = [];
  const referenceName = options.sources?.reference ?? `the reference profile of ${reference.source}`;
  const currentName = options.sources?.current ?? current.source;
  const wanted = options.columns ?? refNames.filter((n) => n !== reference.label);
  const unknown = wanted.filter((n) => !refNames.includes(n));
  if (unknown.length) {
    throw new UserError(
      `\`columns\` names ${unknown.map((c) => JSON.stringify(c)).join(', ')}, which the reference (${referenceName}) does not have (it has ${refNames.join(', ')})`,
      {
        fix: 'List only reference columns under `columns`, or leave it empty to check them all.',
      },
    );
  }
  const missing = wanted.filter((n) => !byName.has(n));
  if (missing.length) {
    throw new UserError(
      `The current data lacks the reference column(s) ${missing.map((c) => JSON.stringify(c)).join(', ')}: ${currentName} has ${current.columns.map((c) => c.name).join(', ')}; the reference (${referenceName}) has ${refNames.join(', ')}`,
      {
        fix: 'Restore the column(s) in the step that writes the fresh data (`current`), or leave them out with `columns`.',
        title: 'Reference column missing',
        location: { file: currentName, line: 1 },
      },
    );
  }
  const extra = current.columns.map((c) => c.name).filter((n) => !refNames.includes(n));
  if (extra.length) notes.push(`Ignored column(s) not in the reference: ${extra.join(', ')}.`);
  for (const m of Object.keys(options.methods ?? {})) {
    if (m !== '*' && !wanted.includes(m))
      throw new UserError(
        `\`methods\` names the column "${m}", which is not checked (checked: ${wanted.join(', ')}; reference: ${referenceName})`,
        {
          fix: 'Name only checked reference columns (or `*`) in `methods`.',
        },
      );
  }
  // column names come from data files: `constructor` must not find Object.prototype's
  const methods = options.methods ?? {};
  const ownMethod = (key: string) => (Object.hasOwn(methods, key) ? methods[key] : undefined);
  const results: ColumnDrift[] = [];
  for (const name of wanted) {
    const ref = reference.columns.find((c) => c.name === name)!;
    const cur = byName.get(name)!;
    if (ref.type === 'text' || ref.type === 'empty') {
      notes.push(
        `"${name}" not tested: ${ref.type === 'text' ? `free text (more than ${reference.bounds.distinct} distinct values)` : 'no values in the reference'}.`,
      );
      continue;
    }
    if (cur.count === 0) {
      throw new UserError(
        `Column "${name}" of the current data has no values: all ${cur.missing} cells are missing in ${currentName}`,
        {
          fix: `Fix the step that writes "${name}" (it lost the column's values), or leave it out with \`columns\`.`,
          title: 'All values missing',
          location: { file: currentName, line: 1 },
        },
      );
    }
    const method = methodFor(ref, cur, reference.rows, ownMethod(name) ?? ownMethod('*'), referenceName);
    results.push(compareColumn(ref, cur, method, options.threshold ?? METHOD_INFO[method].threshold));
  }
  if (results.length === 0) {
    throw new UserError(
      `No column could be tested for drift between ${currentName} and the reference (${referenceName}): ${notes.join(' ') || 'no columns'}`,
      {
        fix: 'Check `columns`: it must name numerical or categorical reference columns.',
      },
    );
  }
  correct(results, correction);
  const drifted = results.filter((r) => r.drifted).map((r) => r.column);
  const share = drifted.length / results.length;
  return {
    drift: share >= driftShare,
    share,
    driftShare,
    tested: results.length,
    drifted,
    columns: results,
    notes,
    correction,
  };
}

/** Prediction drift: the same comparison over the model's output columns (no dataset verdict). */
export function comparePredictions(
  reference: ColumnProfile[],
  current: ColumnProfile[],
  referenceRows: number,
): ColumnDrift[] {
  const out: ColumnDrift[] = [];
  for (const ref of reference) {
    const cur = current.find((c) => c.name === ref.name);
    if (!cur || cur.count === 0 || (ref.type !== 'numerical' && ref.type !== 'categorical')) continue;
    const method = methodFor(ref, cur, referenceRows, undefined, 'the reference');
    out.push(compareColumn(ref, cur, method, METHOD_INFO[method].threshold));
  }
  return out;
}
