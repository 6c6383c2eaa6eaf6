/**
 * A whole drift check: the fresh data profiled with the reference's column types (and the
 * model's outputs on it), compared column by column, prediction drift, quality against the
 * reference version's recorded metrics where the fresh data has labels, and the report.
 */
import { silentLogger, type Logger } from '@mlops-gha/common';
import { evaluateModels } from '@mlops-gha/evaluation';
import { buildProfile } from './build.js';
import {
  compareProfiles,
  comparePredictions,
  type ColumnDrift,
  type CompareOptions,
  type DatasetDrift,
} from './compare.js';
import type { Profile } from './profile.js';
import { renderReport, type QualityChange } from './report.js';

export interface DriftCheckRequest extends CompareOptions {
  /** The fresh data file. */
  current: string;
  reference: Profile;
  /** How the reference is named in the report. */
  referenceLabel: string;
  /** The ONNX model for prediction drift and quality (the reference version's by default). */
  model?: string;
  /** The label column of the fresh data, for quality. */
  labelColumn?: string;
  /** The reference version's recorded metrics (the manifest's). */
  referenceMetrics?: Record<string, number>;
  logger?: Logger;
}

export interface DriftCheckOutcome {
  result: DatasetDrift;
  current: Profile;
  predictions: ColumnDrift[] | null;
  quality: QualityChange[] | null;
  report: string;
}

export async function checkDrift(request: DriftCheckRequest): Promise<DriftCheckOutcome> {
  const logger = request.logger ?? silentLogger;
  const reference = request.reference;
  const features =
    reference.features ??
    reference.columns.map((c) => c.name).filter((n) => n !== reference.label && n !== request.labelColumn);
  const withModel = !!request.model && !!reference.predictions;
  const current = await buildProfile(request.current, {
    input: 'current',
    reference,
    label: null,
    ...(withModel ? { model: request.model, features } : {}),
    logger,
  });
  logger.info(`Profiled ${current.rows} rows of ${request.current}`);
  const skipColumns = [reference.label, request.labelColumn].filter((c): c is string => !!c);
  const result = compareProfiles(reference, current, {
    ...request,
    sources: { current: request.current, reference: request.referenceLabel },
    columns: request.columns ?? reference.columns.map((c) => c.name).filter((n) => !skipColumns.includes(n)),
  });

  let predictions: ColumnDrift[] | null = null;
  let predictionsNote: string | undefined;
  if (!request.model)
    predictionsNote = 'No model: set `model`, or use a registry reference whose version has an ONNX model.';
  else if (!reference.predictions)
    predictionsNote =
      'The reference profile has no prediction profile (it was pushed without a model to run on `profile-data`).';
  else if (!current.predictions)
    predictionsNote = `Not computed: ${current.predictionsSkipped ?? 'the model gave no predictions'}.`;
  else predictions = comparePredictions(reference.predictions, current.predictions, reference.rows);

  let quality: QualityChange[] | null = null;
  let qualityNote: string | undefined;
  const header = current.columns.map((c) => c.name);
  if (!request.labelColumn) qualityNote = 'No `label-column`: quality not measured.';
  else if (!header.includes(request.labelColumn))
    qualityNote = `The current data has no column "${request.labelColumn}": quality not measured.`;
  else if (!request.model) qualityNote = 'No model: quality not measured.';
  else {
    const evaluation = await evaluateModels({
      dataset: request.current,
      models: [request.model],
      labelColumn: request.labelColumn,
      featureColumns: features,
      logger,
    });
    const values = evaluation.models[0]!.metrics.values;
    const recorded = request.referenceMetrics ?? {};
    quality = Object.entries(values)
      .filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]))
      .filter(([k]) => k in recorded || Object.keys(recorded).length === 0)
      .map(([metric, value]) => ({
        metric,
        reference: typeof recorded[metric] === 'number' ? recorded[metric]! : null,
        current: value,
      }));
  }

  const report = renderReport({
    result,
    referenceLabel: request.referenceLabel,
    referenceRows: reference.rows,
    currentLabel: request.current,
    currentRows: current.rows,
    predictions,
    predictionsNote,
    quality,
    qualityNote,
  });
  return { result, current, predictions, quality, report };
}
