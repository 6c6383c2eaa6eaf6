import type { Logger } from '@mlops-gha/common';
import { silentLogger } from '@mlops-gha/common';
import { loadHoldout, type Holdout, type HoldoutOptions } from './dataset.js';
import { classificationMetrics, type MetricOptions } from './classification.js';
import type { MetricSet } from './metrics.js';
import { openOnnxModel, type OnnxModel, type OnnxSignature } from './onnx.js';
import { predict, type RawPredictions } from './predict.js';
import { regressionMetrics } from './regression.js';
import { multilabelMetrics } from './multilabel.js';
import { interpretPredictions, type Interpretation, type TaskSetting } from './task.js';

export interface EvaluationOptions extends HoldoutOptions {
  /** The holdout file (CSV or JSON Lines). */
  dataset: string;
  /** ONNX model files evaluated on the same rows (e.g. [candidate, baseline]). */
  models: string[];
  task?: TaskSetting;
  /** scikit-learn's pos_label (binary): any label text. */
  positiveLabel?: string;
  /** zero_division, extra metrics by name (e.g. `f3`), curves. */
  metricOptions?: MetricOptions;
  batchSize?: number;
  logger?: Logger;
}

export interface ModelEvaluation {
  path: string;
  signature: OnnxSignature;
  metrics: MetricSet;
  /** Seconds spent in inference. */
  inferenceSeconds: number;
}

export interface Evaluation {
  holdout: Holdout;
  interpretation: Interpretation;
  models: ModelEvaluation[];
}

/** The metrics of the task for model `index` of an interpretation. */
export function metricsFor(interpretation: Interpretation, index: number, options: MetricOptions = {}): MetricSet {
  const m = interpretation.models[index]!;
  const targets = interpretation.targets;
  if (interpretation.task === 'multilabel') {
    return multilabelMetrics(
      { truth: interpretation.truthMatrix!, predicted: m.predictedMatrix!, scores: m.scores, labels: targets! },
      { zeroDivision: options.zeroDivision },
    );
  }
  if (interpretation.task === 'regression') {
    const y = interpretation.truthValues!;
    const forceFinite = options.forceFinite;
    if (!targets || targets.length < 2) return regressionMetrics(y, m.values!, { forceFinite });
    // Several targets: the combined values (as `multioutput` says) and, always, each target's
    // (`r2[price]`), so rules can name either.
    const shape = { outputs: targets.length, outputNames: targets, forceFinite };
    const perTarget = regressionMetrics(y, m.values!, { ...shape, multioutput: 'raw_values' });
    const multioutput = options.multioutput ?? 'uniform_average';
    if (multioutput === 'raw_values') return perTarget;
    const combined = regressionMetrics(y, m.values!, { ...shape, multioutput });
    return {
      values: { ...combined.values, ...perTarget.values },
      notes: { ...perTarget.notes, ...combined.notes },
    };
  }
  return classificationMetrics(
    interpretation.task,
    {
      truth: interpretation.truthClasses!,
      predicted: m.predicted!,
      probabilities: m.probabilities,
      k: interpretation.classes!.length,
      classes: interpretation.classes!,
    },
    options,
  );
}

/**
 * Loads the holdout once, runs every model on it in batches, decides the task and computes
 * each model's metrics on the same rows (so candidate and baseline can be compared pairwise).
 */
export async function evaluateModels(options: EvaluationOptions): Promise<Evaluation> {
  const logger = options.logger ?? silentLogger;
  const holdout = await loadHoldout(options.dataset, options);
  logger.info(
    `Holdout ${holdout.path}: ${holdout.rows} rows, ${holdout.featureNames.length} features, label "${holdout.labelColumn}"`,
  );
  const missing = Object.entries(holdout.missing ?? {}).filter(([, count]) => count > 0);
  if (missing.length)
    logger.info(`Missing feature values passed as NaN: ${missing.map(([c, count]) => `${c} ${count}`).join(', ')}`);
  const raws: RawPredictions[] = [];
  const opened: OnnxModel[] = [];
  const seconds: number[] = [];
  for (const path of options.models) {
    const model = await openOnnxModel(path);
    opened.push(model);
    const started = performance.now();
    let done = 0;
    let lastReport = started;
    raws.push(
      await predict(model, holdout, {
        batchSize: options.batchSize,
        onBatch: (rows) => {
          done += rows;
          const now = performance.now();
          if (now - lastReport > 5000) {
            lastReport = now;
            logger.info(
              `metric-gate: ${path}: ${done}/${holdout.rows} rows, ${Math.round(done / ((now - started) / 1000))} rows/s`,
            );
          }
        },
      }),
    );
    seconds.push((performance.now() - started) / 1000);
    logger.info(`Model ${path}: ${holdout.rows} rows in ${seconds.at(-1)!.toFixed(2)} s`);
    await model.session.release();
  }
  const interpretation = interpretPredictions(holdout, raws, options.models, {
    task: options.task ?? 'auto',
    positiveLabel: options.positiveLabel,
  });
  const models = options.models.map((path, i) => ({
    path,
    signature: opened[i]!.signature,
    metrics: metricsFor(interpretation, i, options.metricOptions),
    inferenceSeconds: seconds[i]!,
  }));
  return { holdout, interpretation, models };
}
