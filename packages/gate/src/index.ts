// The gate's public surface: what the metric-gate action, bench/ and test/crosscheck use and
// the README documents. Helpers of the modules (logGamma, seedToInt, the weighted kernels, …)
// stay internal so they can change without breaking anyone.
export { parseRules, checkRules } from './rules.js';
export type { Rule, Operator } from './rules.js';
export { pairedBootstrap, pairedBootstrapParallel, bootstrapInterval } from './bootstrap.js';
export type { BootstrapOptions, BootstrapResult, MetricDraws, Interval, IntervalMethod } from './bootstrap.js';
export { makeKernel, hasKernel } from './kernels.js';
export type { Kernel, KernelSpec } from './kernels.js';
export { mcnemar, delong } from './paired-tests.js';
export type { McNemarResult, DeLongResult } from './paired-tests.js';
export { decide } from './verdict.js';
export type { Decision, DecideInput, RuleOutcome, Status, FailOn, Basis } from './verdict.js';
export { renderReport, COMMENT_REPORT_LIMIT } from './report.js';
export type { ReportInput, RenderOptions } from './report.js';
export type { ConfusionNormalize } from './report-charts.js';
export { runMetricGate } from './gate.js';
export type { GateSettings, GateOutcome, ResolvedBaseline } from './gate.js';
// The seeded generator the bootstrap draws with, for reproducible test and bench data.
export { Rng } from './math.js';
