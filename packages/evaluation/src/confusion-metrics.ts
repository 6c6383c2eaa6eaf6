/**
 * Every metric that is a function of the (weighted) confusion matrix, by scikit-learn's
 * definitions (1.2): accuracy, balanced accuracy, precision/recall/F-beta per class and
 * averaged, Matthews' correlation, Cohen's kappa. The point estimate and each bootstrap
 * resample call the same function, so the two never disagree.
 */

/** scikit-learn's `zero_division`: the value of a ratio whose denominator is 0; `nan` = undefined. */
export type ZeroDivision = 0 | 1 | 'nan';

export interface ConfusionOptions {
  zeroDivision?: ZeroDivision;
}

/** A metric of a flat K x K confusion matrix (row = true class); NaN where undefined. */
export type ConfusionFn = (confusion: ArrayLike<number>, k: number) => number;

export type Average = 'binary' | 'macro' | 'micro' | 'weighted';

export interface ClassCounts {
  tp: Float64Array;
  predicted: Float64Array;
  support: Float64Array;
  total: number;
}

export function classCounts(confusion: ArrayLike<number>, k: number): ClassCounts {
  const tp = new Float64Array(k);
  const predicted = new Float64Array(k);
  const support = new Float64Array(k);
  let total = 0;
  for (let t = 0; t < k; t++) {
    for (let p = 0; p < k; p++) {
      const c = confusion[t * k + p]!;
      support[t]! += c;
      predicted[p]! += c;
      total += c;
      if (t === p) tp[t] = c;
    }
  }
  return { tp, predicted, support, total };
}

function zdValue(zd: ZeroDivision): number {
  return zd === 'nan' ? NaN : zd;
}

/** F-beta from precision and recall as scikit-learn combines them (a zero denominator gives 0). */
function fbeta(p: number, r: number, beta: number): number {
  if (beta === Infinity) return r;
  const b2 = beta * beta;
  const denom = b2 * p + r;
  return denom === 0 ? 0 : ((1 + b2) * p * r) / denom;
}

export type PrfKind = 'precision' | 'recall' | 'f';

/** Per-class precision, recall and F-beta (`average=None`). */
export function perClassPrf(counts: ClassCounts, kind: PrfKind, beta: number, zd: ZeroDivision): Float64Array {
  const k = counts.tp.length;
  const out = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const p = counts.predicted[c] ? counts.tp[c]! / counts.predicted[c]! : zdValue(zd);
    const r = counts.support[c] ? counts.tp[c]! / counts.support[c]! : zdValue(zd);
    out[c] =
      kind === 'precision' ? p : kind === 'recall' ? r : Number.isNaN(p) || Number.isNaN(r) ? NaN : fbeta(p, r, beta);
  }
  return out;
}

/**
 * An averaged precision, recall or F-beta. With `zero_division=nan` (scikit-learn 1.3's
 * meaning), classes whose value is undefined are left out of macro and weighted averages.
 */
export function averagedPrf(
  counts: ClassCounts,
  kind: PrfKind,
  beta: number,
  average: Average,
  zd: ZeroDivision,
  positive = 1,
): number {
  const k = counts.tp.length;
  if (average === 'micro') {
    let tp = 0;
    let pred = 0;
    let sup = 0;
    for (let c = 0; c < k; c++) {
      tp += counts.tp[c]!;
      pred += counts.predicted[c]!;
      sup += counts.support[c]!;
    }
    const p = pred ? tp / pred : zdValue(zd);
    const r = sup ? tp / sup : zdValue(zd);
    if (kind === 'precision') return p;
    if (kind === 'recall') return r;
    return Number.isNaN(p) || Number.isNaN(r) ? NaN : fbeta(p, r, beta);
  }
  const values = perClassPrf(counts, kind, beta, zd);
  if (average === 'binary') return values[Math.min(positive, k - 1)] ?? NaN;
  let sum = 0;
  let weight = 0;
  for (let c = 0; c < k; c++) {
    const v = values[c]!;
    if (Number.isNaN(v)) continue;
    const w = average === 'weighted' ? counts.support[c]! : 1;
    sum += w * v;
    weight += w;
  }
  // Only with zero_division=nan can every class be left out: the average is undefined too.
  if (weight === 0) return zdValue(zd);
  return sum / weight;
}

export function accuracy(confusion: ArrayLike<number>, k: number): number {
  let correct = 0;
  let total = 0;
  for (let t = 0; t < k; t++) {
    for (let p = 0; p < k; p++) {
      const c = confusion[t * k + p]!;
      total += c;
      if (t === p) correct += c;
    }
  }
  return total === 0 ? NaN : correct / total;
}

/** `accuracy_score(normalize=False)`: the (weighted) count of correct predictions. */
export function accuracyCount(confusion: ArrayLike<number>, k: number): number {
  let correct = 0;
  for (let c = 0; c < k; c++) correct += confusion[c * k + c]!;
  return correct;
}

/** Mean recall over the classes that occur in the truth (scikit-learn drops the others with a warning). */
export function balancedAccuracy(confusion: ArrayLike<number>, k: number): number {
  const { tp, support } = classCounts(confusion, k);
  let sum = 0;
  let classes = 0;
  for (let c = 0; c < k; c++) {
    if (!support[c]) continue;
    sum += tp[c]! / support[c]!;
    classes++;
  }
  return classes ? sum / classes : NaN;
}

/** Matthews' correlation coefficient (Gorodkin's K-class form); 0 when a marginal is constant, as scikit-learn. */
export function matthewsCorrcoef(confusion: ArrayLike<number>, k: number): number {
  const { tp, predicted, support, total } = classCounts(confusion, k);
  let correct = 0;
  let tDotP = 0;
  let pDotP = 0;
  let tDotT = 0;
  for (let c = 0; c < k; c++) {
    correct += tp[c]!;
    tDotP += support[c]! * predicted[c]!;
    pDotP += predicted[c]! * predicted[c]!;
    tDotT += support[c]! * support[c]!;
  }
  const covTP = correct * total - tDotP;
  const covPP = total * total - pDotP;
  const covTT = total * total - tDotT;
  if (covPP * covTT === 0) return 0;
  return covTP / Math.sqrt(covTT * covPP);
}

/** Cohen's kappa between truth and prediction (unweighted); NaN when chance agreement is total. */
export function cohenKappa(confusion: ArrayLike<number>, k: number): number {
  const { predicted, support, total } = classCounts(confusion, k);
  let observed = 0;
  let expected = 0;
  for (let t = 0; t < k; t++) {
    for (let p = 0; p < k; p++) {
      if (t === p) continue;
      observed += confusion[t * k + p]!;
      expected += (predicted[t]! * support[p]!) / total;
    }
  }
  if (expected === 0) return NaN;
  return 1 - observed / expected;
}

const PRF = /^(precision|recall|f\d+(?:\.\d+)?)(?:_(macro|micro|weighted))?(?:\[(.+)\])?$/;

/** The beta of an F-score name (`f1` -> 1, `f0.5` -> 0.5, `f2_macro` -> 2), or undefined. */
export function betaOf(name: string): number | undefined {
  const m = /^f(\d+(?:\.\d+)?)(?:_(?:macro|micro|weighted))?(?:\[.+\])?$/.exec(name);
  if (!m) return undefined;
  const beta = Number(m[1]);
  return Number.isFinite(beta) && beta >= 0 ? beta : undefined;
}

/**
 * The confusion function of a metric name, or undefined for names that are not confusion
 * metrics. Names: accuracy, accuracy_count, balanced_accuracy, matthews_corrcoef,
 * cohen_kappa; precision|recall|f<beta> alone (the positive class, index 1), with
 * `_macro|_micro|_weighted`, or with `[class]` (one class of `classes`); support[class].
 */
export function confusionMetric(
  name: string,
  classes: readonly string[],
  options: ConfusionOptions = {},
): ConfusionFn | undefined {
  const zd = options.zeroDivision ?? 0;
  switch (name) {
    case 'accuracy':
      return accuracy;
    case 'accuracy_count':
      return accuracyCount;
    case 'balanced_accuracy':
      return balancedAccuracy;
    case 'matthews_corrcoef':
      return matthewsCorrcoef;
    case 'cohen_kappa':
      return cohenKappa;
  }
  const support = /^support\[(.+)\]$/.exec(name);
  if (support) {
    const c = classes.indexOf(support[1]!);
    return c < 0 ? undefined : (confusion, k) => classCounts(confusion, k).support[c]!;
  }
  const m = PRF.exec(name);
  if (!m) return undefined;
  const kind: PrfKind = m[1] === 'precision' ? 'precision' : m[1] === 'recall' ? 'recall' : 'f';
  const beta = kind === 'f' ? betaOf(m[1]!) : 1;
  if (beta === undefined) return undefined;
  const average = m[2] as Average | undefined;
  const cls = m[3];
  if (cls !== undefined) {
    if (average) return undefined;
    const c = classes.indexOf(cls);
    if (c < 0) return undefined;
    return (confusion, k) => perClassPrf(classCounts(confusion, k), kind, beta, zd)[c]!;
  }
  return (confusion, k) => averagedPrf(classCounts(confusion, k), kind, beta, average ?? 'binary', zd, 1);
}

/** `confusion_matrix(normalize=...)`: by true class (rows), by predicted class (columns) or by all. */
export function normalizeConfusion(matrix: number[][], normalize: 'true' | 'pred' | 'all'): number[][] {
  const k = matrix.length;
  const rowSums = matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const colSums = Array.from({ length: k }, (_, p) => matrix.reduce((a, row) => a + row[p]!, 0));
  const all = rowSums.reduce((a, b) => a + b, 0);
  // scikit-learn divides and then replaces NaN (0/0) with 0.
  const div = (a: number, b: number) => (b === 0 ? 0 : a / b);
  return matrix.map((row, t) =>
    row.map((v, p) => div(v, normalize === 'true' ? rowSums[t]! : normalize === 'pred' ? colSums[p]! : all)),
  );
}
