import { bootstrapInterval, type BootstrapResult, type Interval, type IntervalMethod } from './bootstrap.js';
import type { Operator, Rule } from './rules.js';

export type Status = 'pass' | 'fail' | 'inconclusive';
export type FailOn = 'fail' | 'inconclusive' | 'never';

/** How a rule was decided. */
export type Basis = 'paired-interval' | 'candidate-interval' | 'point' | 'undefined';

export interface RuleOutcome {
  rule: Rule;
  status: Status;
  basis: Basis;
  candidate: number | null;
  baseline: number | null;
  /** factor * baseline + offset: the value the candidate is compared with. */
  threshold: number | null;
  /** Interval of candidate - factor * baseline (compare with `rule.offset`), when there is one. */
  interval?: Interval;
  /** One sentence on why, for the report. */
  reason: string;
}

export interface Decision {
  verdict: Status;
  outcomes: RuleOutcome[];
  failOn: FailOn;
  /** Whether the step should fail under `fail-on`. */
  failStep: boolean;
}

export interface DecideInput {
  rules: Rule[];
  candidate: Record<string, number | null>;
  baseline?: Record<string, number | null>;
  /** Why a metric is undefined, by metric name (e.g. roc_auc on a single-class holdout). */
  notes?: Record<string, string>;
  bootstrap?: BootstrapResult;
  confidence: number;
  method: IntervalMethod;
  failOn: FailOn;
}

function holds(value: number, op: Operator, bound: number): boolean {
  switch (op) {
    case '>=':
      return value >= bound;
    case '>':
      return value > bound;
    case '<=':
      return value <= bound;
    case '<':
      return value < bound;
  }
}

const fmt = (v: number) =>
  Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : String(Number(v.toFixed(4)));

/**
 * Interval rule: with [low, high] the interval of candidate - factor * baseline and the rule
 * `candidate OP factor * baseline + offset`, the rule passes when the whole interval satisfies
 * it, fails when the whole interval violates it, and is inconclusive otherwise.
 */
export function intervalStatus(interval: { low: number; high: number }, op: Operator, offset: number): Status {
  const { low, high } = interval;
  if (op === '>=' || op === '>') {
    if (holds(low, op, offset)) return 'pass';
    if (!holds(high, op, offset)) return 'fail';
    return 'inconclusive';
  }
  if (holds(high, op, offset)) return 'pass';
  if (!holds(low, op, offset)) return 'fail';
  return 'inconclusive';
}

export function decide(input: DecideInput): Decision {
  const outcomes = input.rules.map((rule): RuleOutcome => {
    const metric = rule.resolved;
    const candidate = input.candidate[metric] ?? null;
    const baseline = input.baseline?.[metric] ?? null;
    const base = { rule, candidate, baseline };
    if (candidate === null || (rule.usesBaseline && baseline === null)) {
      const which = candidate === null ? 'candidate' : 'baseline';
      const why = input.notes?.[metric] ?? `the ${which} has no value for ${metric}`;
      return {
        ...base,
        status: 'inconclusive',
        basis: 'undefined',
        threshold: null,
        reason: `${metric} is undefined for the ${which}: ${why}`,
      };
    }
    const threshold = rule.factor * (baseline ?? 0) + rule.offset;
    const draws = input.bootstrap?.draws.get(metric);
    const paired = draws && (!rule.usesBaseline || draws.baseline);
    if (paired) {
      const factor = rule.usesBaseline ? rule.factor : 0;
      const point = candidate - factor * (baseline ?? 0);
      const interval = bootstrapInterval(draws, point, factor, input.confidence, input.method);
      if (interval) {
        const status = intervalStatus(interval, rule.op, rule.offset);
        const pct = `${Math.round(input.confidence * 1000) / 10}%`;
        const what = rule.usesBaseline
          ? `the ${pct} interval of candidate - ${factor === 1 ? '' : `${fmt(factor)} * `}baseline is [${fmt(interval.low)}, ${fmt(interval.high)}]`
          : `the ${pct} interval of the candidate's ${metric} is [${fmt(interval.low)}, ${fmt(interval.high)}]`;
        const side =
          status === 'pass'
            ? `wholly satisfies ${rule.op} ${fmt(rule.offset)}`
            : status === 'fail'
              ? `wholly violates ${rule.op} ${fmt(rule.offset)}`
              : `straddles ${fmt(rule.offset)}: the data cannot tell yet`;
        return {
          ...base,
          status,
          basis: rule.usesBaseline ? 'paired-interval' : 'candidate-interval',
          threshold,
          interval,
          reason: `${what}, which ${side}`,
        };
      }
    }
    const ok = holds(candidate, rule.op, threshold);
    return {
      ...base,
      status: ok ? 'pass' : 'fail',
      basis: 'point',
      threshold,
      reason: `point values: ${fmt(candidate)} ${ok ? '' : 'not '}${rule.op} ${fmt(threshold)} (no interval: ${noIntervalBecause(input, metric, draws, paired)})`,
    };
  });
  const verdict: Status = outcomes.some((o) => o.status === 'fail')
    ? 'fail'
    : outcomes.some((o) => o.status === 'inconclusive')
      ? 'inconclusive'
      : 'pass';
  const failStep =
    input.failOn === 'never' ? false : input.failOn === 'inconclusive' ? verdict !== 'pass' : verdict === 'fail';
  return { verdict, outcomes, failOn: input.failOn, failStep };
}

/** Why a rule fell back to point values, in the words a reader of the report can act on. */
function noIntervalBecause(input: DecideInput, metric: string, draws: unknown, paired: unknown): string {
  if (!input.bootstrap) return 'no paired per-row predictions';
  if (!draws) return `the bootstrap does not resample ${metric}`;
  if (!paired) return `the baseline has no per-row predictions, so ${metric}'s difference cannot be resampled`;
  return `fewer than two resamples gave a defined ${metric}`;
}
