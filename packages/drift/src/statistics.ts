/**
 * Drift statistics on plain arrays, each matching the SciPy (1.10) function or Evidently
 * formula it is named after. p-value tests return { statistic, pValue }; distances return a
 * number. Empty samples, NaN, infinities and counts that do not line up are RangeErrors, never
 * a NaN result (the profile code never passes them; other callers of the package might).
 */
import { chiSquaredSf, normalSf } from './special.js';
import { checkSample, type TestResult } from './ks.js';

/** Two count vectors over the same categories or bins, each finite, non-negative, with a positive total. */
function checkCounts(reference: ArrayLike<number>, current: ArrayLike<number>, fn: string): void {
  if (reference.length !== current.length)
    throw new RangeError(`${fn}: ${reference.length} reference counts but ${current.length} current ones`);
  if (reference.length === 0) throw new RangeError(`${fn}: no counts`);
  for (const [side, counts] of [
    ['reference', reference],
    ['current', current],
  ] as const) {
    let total = 0;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i]!;
      if (!(c >= 0 && c < Infinity)) throw new RangeError(`${fn}: counts must be finite and non-negative, got ${c}`);
      total += c;
    }
    if (total === 0) throw new RangeError(`${fn}: the ${side} counts sum to 0`);
  }
}

/**
 * scipy.stats.chi2_contingency on the 2 x k table [reference counts; current counts]
 * (categories with no count on either side dropped), with Yates' correction when k = 2 as
 * SciPy applies by default. One category left: statistic 0, p-value 1 (as SciPy).
 */
export function chiSquaredContingency(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
): TestResult & { dof: number } {
  checkCounts(reference, current, 'chiSquaredContingency');
  const cols: [number, number][] = [];
  for (let i = 0; i < reference.length; i++) {
    const a = reference[i]!;
    const b = current[i]!;
    if (a + b > 0) cols.push([a, b]);
  }
  const dof = cols.length - 1;
  if (dof <= 0) return { statistic: 0, pValue: 1, dof: 0 };
  let r0 = 0;
  let r1 = 0;
  for (const [a, b] of cols) {
    r0 += a;
    r1 += b;
  }
  const total = r0 + r1;
  let stat = 0;
  for (const [a, b] of cols) {
    const c = a + b;
    for (const [obs, row] of [
      [a, r0],
      [b, r1],
    ] as const) {
      const expected = (row * c) / total;
      let o = obs;
      if (dof === 1) {
        const diff = expected - o;
        o += Math.sign(diff) * Math.min(0.5, Math.abs(diff));
      }
      stat += ((o - expected) * (o - expected)) / expected;
    }
  }
  return { statistic: stat, pValue: chiSquaredSf(stat, dof), dof };
}

/**
 * Evidently's Z-test of two proportions (binary columns): pooled proportion, two-sided
 * p-value 2 P(Z > |z|). `hits` of `n` in each sample.
 */
export function proportionsZTest(refHits: number, refN: number, curHits: number, curN: number): TestResult {
  if (!(refN > 0 && curN > 0 && refN < Infinity && curN < Infinity))
    throw new RangeError(`proportionsZTest: sample sizes must be positive and finite, got ${refN} and ${curN}`);
  if (!(refHits >= 0 && refHits <= refN && curHits >= 0 && curHits <= curN))
    throw new RangeError(`proportionsZTest: hits must lie in [0, n], got ${refHits}/${refN} and ${curHits}/${curN}`);
  const p1 = refHits / refN;
  const p2 = curHits / curN;
  const pooled = (refHits + curHits) / (refN + curN);
  const variance = pooled * (1 - pooled) * (1 / refN + 1 / curN);
  if (!(variance > 0)) return { statistic: 0, pValue: 1 };
  const z = (p1 - p2) / Math.sqrt(variance);
  return { statistic: z, pValue: 2 * normalSf(Math.abs(z)) };
}

/** scipy.stats.wasserstein_distance(u, v) for two sorted samples (unweighted). */
export function wassersteinSorted(u: Float64Array, v: Float64Array): number {
  checkSample(u, 'wasserstein', 'reference');
  checkSample(v, 'wasserstein', 'current');
  const nu = u.length;
  const nv = v.length;
  let i = 0;
  let j = 0;
  let total = 0;
  let prev = Math.min(u[0]!, v[0]!);
  while (i < nu || j < nv) {
    const x = j >= nv || (i < nu && u[i]! <= v[j]!) ? u[i]! : v[j]!;
    // Between the previous value and x both CDFs are flat at i/nu and j/nv.
    total += Math.abs(i / nu - j / nv) * (x - prev);
    while (i < nu && u[i]! <= x) i++;
    while (j < nv && v[j]! <= x) j++;
    prev = x;
  }
  return total;
}

export function wasserstein(u: ArrayLike<number>, v: ArrayLike<number>): number {
  return wassersteinSorted(Float64Array.from(u).sort(), Float64Array.from(v).sort());
}

/** Population standard deviation (numpy's np.std, ddof = 0), two-pass. */
export function populationStd(values: ArrayLike<number>): number {
  checkSample(values, 'populationStd', 'given');
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i]!;
  mean /= values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i]! - mean) ** 2;
  return Math.sqrt(ss / values.length);
}

/**
 * Evidently's normalised Wasserstein distance: W(reference, current) / std(reference), the
 * standard deviation floored at 0.001 as Evidently does, so a constant reference is usable.
 */
export function normalizedWasserstein(
  referenceSorted: Float64Array,
  currentSorted: Float64Array,
  referenceStd = populationStd(referenceSorted),
): number {
  return wassersteinSorted(referenceSorted, currentSorted) / Math.max(referenceStd, 0.001);
}

/** scipy.spatial.distance.jensenshannon(p, q) (natural log): counts or shares, normalised here. */
export function jensenShannon(p: ArrayLike<number>, q: ArrayLike<number>): number {
  checkCounts(p, q, 'jensenShannon');
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    sp += p[i]!;
    sq += q[i]!;
  }
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i]! / sp;
    const b = q[i]! / sq;
    const m = (a + b) / 2;
    if (a > 0) js += a * Math.log(a / m);
    if (b > 0) js += b * Math.log(b / m);
  }
  return Math.sqrt(Math.max(0, js) / 2);
}

/**
 * Population stability index over the same bins (Evidently's formula): shares of each side,
 * an empty bin counted as 0.0001 so that the logarithm stays finite.
 */
export function populationStabilityIndex(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  checkCounts(reference, current, 'populationStabilityIndex');
  let sr = 0;
  let sc = 0;
  for (let i = 0; i < reference.length; i++) {
    sr += reference[i]!;
    sc += current[i]!;
  }
  let psi = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i]! / sr || 0.0001;
    const c = current[i]! / sc || 0.0001;
    psi += (c - r) * Math.log(c / r);
  }
  return psi;
}
