import { extname } from 'node:path';
import { UserError, silentLogger, type Logger } from '@mlops-gha/common';
import {
  evaluateModels,
  METRIC_NAMES,
  type Evaluation,
  type MissingValues,
  type MultiOutput,
  type TaskSetting,
  type ZeroDivision,
} from '@mlops-gha/evaluation';
import {
  bootstrapInterval,
  pairedBootstrapParallel,
  type BootstrapResult,
  type Interval,
  type IntervalMethod,
} from './bootstrap.js';
import { hasKernel } from './kernels.js';
import { seedToInt } from './math.js';
import { readMetricsFile } from '@mlops-gha/metrics-file';
import { delong, mcnemar } from './paired-tests.js';
import { renderReport, COMMENT_REPORT_LIMIT, type ReportInput } from './report.js';
import type { ConfusionNormalize } from './report-charts.js';
import { checkRules, parseRules } from './rules.js';
import { decide, type Decision, type FailOn } from './verdict.js';

/** A baseline after resolution: a local ONNX model or metrics file, and how to name it. */
export interface ResolvedBaseline {
  kind: 'onnx' | 'metrics';
  path: string;
  /** As shown in the report (e.g. the registry URI it came from). */
  label: string;
}

export interface GateSettings {
  /** Candidate ONNX model (with `dataset`). */
  model?: string;
  dataset?: string;
  labelColumn?: string;
  /** Several label columns: multilabel (0/1 columns) or multi-output regression targets, in the model's output order. */
  labelColumns?: string[];
  featureColumns?: string[];
  task?: TaskSetting;
  /** scikit-learn's pos_label for binary tasks (any label text); default the second class in sorted order. */
  positiveLabel?: string;
  /** scikit-learn's zero_division for precision, recall and F-scores (default 0). */
  zeroDivision?: ZeroDivision;
  /** Missing feature cells: an error (default) or NaN passed to the model. */
  missingValues?: MissingValues;
  /** scikit-learn's force_finite for r2 and explained_variance (default true). */
  forceFinite?: boolean;
  /** Several regression targets: how r2, mse, … combine them (scikit-learn's multioutput; per-target values are always there). */
  multioutput?: MultiOutput;
  /** How the report normalises confusion matrices (scikit-learn's normalize; default true = by true class). */
  confusionNormalize?: ConfusionNormalize;
  /** Candidate metrics file, when not evaluating a model. */
  metrics?: string;
  /** `registry://...`, a metrics file or an .onnx file; empty for none. */
  baseline?: string;
  rules: string;
  confidence: number;
  bootstrapSamples: number;
  seed: number | string;
  intervalMethod?: IntervalMethod;
  failOn: FailOn;
  lineage?: ReportInput['lineage'];
  /**
   * Resolves `registry://` baselines to a local file (the registry package provides one);
   * `prefer` says which the gate can use best: the model (paired evaluation) or its metrics.
   */
  resolveRegistryBaseline?: (uri: string, prefer: 'onnx' | 'metrics') => Promise<ResolvedBaseline>;
  batchSize?: number;
}

export interface GateOutcome {
  decision: Decision;
  candidateMetrics: Record<string, number | null>;
  baselineMetrics?: Record<string, number | null>;
  reportInput: ReportInput;
  /** The full report (file and job summary). */
  report: string;
  /** The report cut to fit a pull-request comment. */
  commentReport: string;
  evaluation?: Evaluation;
  bootstrap?: BootstrapResult;
}

export async function resolveBaseline(settings: GateSettings): Promise<ResolvedBaseline | undefined> {
  const spec = settings.baseline?.trim();
  if (!spec) return undefined;
  if (spec.startsWith('registry://')) {
    if (!settings.resolveRegistryBaseline) {
      throw new UserError(
        `Baseline ${spec}: registry baselines need the registry package, which this build does not include yet`,
        {
          fix: 'Download the baseline model or its metrics file in an earlier step and set `baseline:` to that .onnx or metrics file.',
        },
      );
    }
    return settings.resolveRegistryBaseline(spec, settings.model ? 'onnx' : 'metrics');
  }
  return { kind: extname(spec).toLowerCase() === '.onnx' ? 'onnx' : 'metrics', path: spec, label: spec };
}

/**
 * The whole gate: evaluate (or read) candidate and baseline metrics, bootstrap paired
 * intervals when both models ran on the same rows, decide every rule and render the report.
 */
export async function runMetricGate(settings: GateSettings, logger: Logger = silentLogger): Promise<GateOutcome> {
  const rules = parseRules(settings.rules);
  const baseline = await resolveBaseline(settings);
  const method = settings.intervalMethod ?? 'bca';
  const seed = seedToInt(settings.seed);
  if (!settings.model && !settings.metrics) {
    throw new UserError('Nothing to gate: neither `model` (with `dataset`) nor `metrics` is set', {
      fix: 'Set `model:` and `dataset:` to evaluate an ONNX model, or `metrics:` to a candidate metrics file.',
    });
  }
  if (settings.model && !settings.dataset) {
    throw new UserError('`model` is set but `dataset` is not: the model needs a holdout set to be evaluated on', {
      fix: 'Set `dataset:` to a CSV or JSON Lines holdout file.',
    });
  }
  if (settings.model && settings.metrics)
    logger.warning('Both `model` and `metrics` are set: evaluating the model; `metrics` is ignored.');

  let candidate: Record<string, number | null>;
  let baselineMetrics: Record<string, number | null> | undefined;
  let evaluation: Evaluation | undefined;
  let bootstrap: BootstrapResult | undefined;
  const notes: Record<string, string> = {};
  const reportBase: Partial<ReportInput> = {};
  let mode: ReportInput['mode'] = 'point';
  const intervals: Record<string, Interval | undefined> = {};
  const testNotes: string[] = [];

  if (settings.model) {
    const models = [settings.model];
    if (baseline?.kind === 'onnx') models.push(baseline.path);
    evaluation = await evaluateModels({
      dataset: settings.dataset!,
      models,
      labelColumn: settings.labelColumn,
      labelColumns: settings.labelColumns,
      featureColumns: settings.featureColumns,
      task: settings.task,
      positiveLabel: settings.positiveLabel,
      missingValues: settings.missingValues,
      // Metrics the rules name beyond the defaults (any F-beta, e.g. f3) are computed on request.
      metricOptions: {
        zeroDivision: settings.zeroDivision,
        extra: rules.map((r) => r.metric),
        forceFinite: settings.forceFinite,
        multioutput: settings.multioutput,
      },
      batchSize: settings.batchSize,
      logger,
    });
    const interp = evaluation.interpretation;
    logger.info(`Task: ${interp.task} (${interp.reason})`);
    candidate = evaluation.models[0]!.metrics.values;
    Object.assign(notes, evaluation.models[0]!.metrics.notes);
    if (baseline?.kind === 'onnx') {
      baselineMetrics = evaluation.models[1]!.metrics.values;
      for (const [m, note] of Object.entries(evaluation.models[1]!.metrics.notes)) notes[m] ??= `baseline: ${note}`;
    } else if (baseline) {
      baselineMetrics = await readMetricsFile(baseline.path);
    }
    const available = [...new Set([...Object.keys(candidate), ...Object.keys(baselineMetrics ?? {})])];
    const checked = checkRules(rules, available, !!baseline, settings.rules, interp.task);
    const paired = baseline?.kind === 'onnx';
    mode = paired ? 'paired' : baseline ? 'point' : 'candidate';
    // Bootstrap every metric of the task that has a kernel (rules need them; the table shows them all).
    // Several label columns bring many metrics whose kernels each rank every label: resample the
    // ones the rules name there, every one of the task's otherwise.
    const table = interp.targets && interp.targets.length > 1 ? [] : METRIC_NAMES[interp.task];
    const metrics = [...new Set([...checked.map((r) => r.resolved), ...table])].filter(
      (m) =>
        hasKernel(m, interp) &&
        candidate[m] !== null &&
        candidate[m] !== undefined &&
        (!paired || (baselineMetrics?.[m] ?? null) !== null),
    );
    if (settings.bootstrapSamples > 0 && (paired || !baseline)) {
      logger.info(
        `Bootstrap: ${settings.bootstrapSamples} ${paired ? 'paired ' : ''}resamples of ${metrics.join(', ')} (seed ${settings.seed})`,
      );
      const started = performance.now();
      let lastLine = started;
      const onProgress = (done: number, total: number) => {
        const now = performance.now();
        if (now - lastLine < 5000) return;
        lastLine = now;
        logger.info(`metric-gate: bootstrap ${done}/${total} resamples, ${((now - started) / 1000).toFixed(1)} s`);
      };
      bootstrap = await pairedBootstrapParallel(
        interp,
        metrics,
        { candidate: 0, baseline: paired ? 1 : undefined },
        {
          samples: settings.bootstrapSamples,
          seed,
          onProgress,
          kernelOptions: {
            zeroDivision: settings.zeroDivision,
            forceFinite: settings.forceFinite,
            multioutput: settings.multioutput,
          },
        },
      );
      logger.info(`Bootstrap done in ${bootstrap.seconds.toFixed(2)} s on ${bootstrap.threads} thread(s)`);
      for (const [metric, draws] of bootstrap.draws) {
        const point = candidate[metric]! - (paired ? baselineMetrics![metric]! : 0);
        intervals[metric] = bootstrapInterval(draws, point, paired ? 1 : 0, settings.confidence, method);
      }
    }
    if (paired && (interp.task === 'binary' || interp.task === 'multiclass')) {
      reportBase.tests = {
        mcnemar: mcnemar(interp, 0, 1),
        delong: delong(interp, 0, 1, settings.confidence),
        notes: testNotes,
      };
      if (interp.task === 'multiclass')
        testNotes.push('DeLong applies to binary ROC AUC only; roc_auc_ovr is compared by the bootstrap alone');
    } else if (baseline && baseline.kind === 'metrics') {
      testNotes.push('The baseline is a metrics file: no per-row predictions, so no paired interval or test');
    }
    const h = evaluation.holdout;
    reportBase.holdout = {
      path: h.path,
      rows: h.rows,
      features: h.featureNames.length,
      labelColumn: (h.labelColumns ?? [h.labelColumn]).join(', '),
      missing: h.missing,
    };
    const [cand, base] = evaluation.models;
    reportBase.perClass = { candidate: cand!.metrics.perClass, baseline: base?.metrics.perClass };
    reportBase.curves = { candidate: cand!.metrics.curves, baseline: base?.metrics.curves };
    reportBase.task = {
      task: interp.task,
      reason: interp.reason,
      classes: interp.classes,
      positiveClass: interp.positiveClass,
    };
    if (interp.classes && evaluation.models[0]!.metrics.confusionMatrix) {
      reportBase.confusion = {
        classes: interp.classes,
        candidate: evaluation.models[0]!.metrics.confusionMatrix,
        baseline: evaluation.models[1]?.metrics.confusionMatrix,
        normalize: settings.confusionNormalize,
      };
    }
    const decision = decide({
      rules: checked,
      candidate,
      baseline: baselineMetrics,
      notes,
      bootstrap,
      confidence: settings.confidence,
      method,
      failOn: settings.failOn,
    });
    // Per-target values of a multi-output regression (r2[price]) have no table of their own: list them.
    const perTarget = interp.task === 'regression' && interp.targets ? Object.keys(candidate) : [];
    const order = [
      ...new Set([...METRIC_NAMES[interp.task], ...perTarget, ...Object.keys(baselineMetrics ?? {}).sort()]),
    ];
    return finish(decision, order);
  }

  // Metrics files: point comparison only.
  candidate = await readMetricsFile(settings.metrics!);
  if (baseline?.kind === 'onnx') {
    throw new UserError(
      `The baseline ${baseline.label} is an ONNX model, but the candidate is a metrics file (${settings.metrics})`,
      {
        fix: 'Compare like with like: set `model:` and `dataset:` to evaluate both models, or give the baseline as a metrics file.',
      },
    );
  }
  if (baseline) baselineMetrics = await readMetricsFile(baseline.path);
  const available = [...new Set([...Object.keys(candidate), ...Object.keys(baselineMetrics ?? {})])];
  const checked = checkRules(rules, available, !!baseline, settings.rules);
  const decision = decide({
    rules: checked,
    candidate,
    baseline: baselineMetrics,
    notes,
    confidence: settings.confidence,
    method,
    failOn: settings.failOn,
  });
  // Each metric once, the candidate's first (a baseline file usually names the same ones).
  return finish(decision, [...new Set([...Object.keys(candidate), ...Object.keys(baselineMetrics ?? {})])]);

  function finish(decision: Decision, order: string[]): GateOutcome {
    const reportInput: ReportInput = {
      ...reportBase,
      decision,
      candidateName: settings.model ?? settings.metrics!,
      baselineName: baseline?.label,
      candidate,
      baseline: baselineMetrics,
      metrics: order.filter((m) => m in candidate || (baselineMetrics && m in baselineMetrics)),
      notes,
      mode,
      bootstrap: bootstrap
        ? { samples: bootstrap.samples, seed: settings.seed, method, seconds: bootstrap.seconds }
        : undefined,
      confidence: settings.confidence,
      intervals,
      lineage: settings.lineage,
    };
    for (const o of decision.outcomes) {
      logger.info(`${o.status.padEnd(12)} ${o.rule.text}: ${o.reason}`);
    }
    return {
      decision,
      candidateMetrics: candidate,
      baselineMetrics,
      reportInput,
      report: renderReport(reportInput),
      commentReport: renderReport(reportInput, {
        maxLength: COMMENT_REPORT_LIMIT,
        fullReportHint: 'the full report is in the job summary and the `report` output',
      }),
      evaluation,
      bootstrap,
    };
  }
}
