/** Profiles a data file in one streaming pass (and, with a model, the model's outputs on it). */
import { basename } from 'node:path';
import { silentLogger, UserError, type Logger } from '@mlops-gha/common';
import { PredictionProfiler } from './predictions.js';
import { PROFILE_BOUNDS, PROFILE_FORMAT, profileColumns, type Profile } from './profile.js';
import { readTable } from './table.js';

export interface BuildProfileOptions {
  /** How the file is named in messages (e.g. the `profile-data` input). */
  input?: string;
  /** The label column; default `label` when the data has one. null: none. */
  label?: string | null;
  /** An ONNX model whose outputs on the same rows are profiled too. */
  model?: string;
  /** The model's input columns, in order; default every column but the label. */
  features?: string[];
  /** Read cells as the reference's column types (for the fresh data of a drift check). */
  reference?: Profile;
  logger?: Logger;
}

export async function buildProfile(
  path: string,
  options: BuildProfileOptions = {},
): Promise<Profile & { predictionsSkipped?: string }> {
  const logger = options.logger ?? silentLogger;
  const input = options.input ?? path;
  let profilers: ReturnType<typeof profileColumns> | undefined;
  let header: string[] = [];
  let label: string | null = null;
  let predictions: PredictionProfiler | undefined;
  let rows = 0;
  let lastReport = Date.now();
  for await (const batch of readTable(path, { input })) {
    if (!profilers) {
      header = batch.header;
      label =
        options.label === null ? null : header.includes(options.label ?? 'label') ? (options.label ?? 'label') : null;
      if (options.label && !header.includes(options.label)) {
        throw new UserError(
          `${input}: ${path} has no label column "${options.label}" (columns: ${header.join(', ')})`,
          {
            fix: 'Set `label-column` to a column of the data, or leave it empty.',
            location: { file: path, line: 1 },
          },
        );
      }
      profilers = profileColumns(header, options.reference);
      if (options.model) {
        const features = options.features ?? header.filter((h) => h !== label);
        predictions = await PredictionProfiler.open(
          options.model,
          features,
          header,
          `${input} (${path})`,
          options.reference?.predictions,
        );
      }
    }
    for (let c = 0; c < profilers.length; c++) profilers[c]!.addBatch(batch, c);
    await predictions?.addBatch(batch);
    rows += batch.rows;
    if (Date.now() - lastReport > 5000) {
      lastReport = Date.now();
      logger.info(`profile: ${rows} rows of ${path}`);
    }
  }
  if (rows === 0) {
    throw new UserError(`${input}: ${path} has a header but no data rows`, {
      fix: `Point \`${input}\` at a file with at least one data row.`,
      location: { file: path },
    });
  }
  if (options.reference) {
    // A column that was numbers in the reference and now holds text changed type: say where.
    const types = new Map(options.reference.columns.map((c) => [c.name, c.type]));
    for (const p of profilers!) {
      if (types.get(p.name) === 'numerical' && p.firstText) {
        throw new UserError(
          `${input}: ${path}, line ${p.firstText.line}: column "${p.name}" holds the text ${JSON.stringify(p.firstText.value.slice(0, 40))}, but it was numerical in the reference (${p.texts} text cell(s) in all)`,
          {
            fix: `Fix the upstream step that writes "${p.name}" (a changed export or encoding), or leave the column out with \`columns\`.`,
            location: { file: path, line: p.firstText.line },
            title: 'Column type changed',
          },
        );
      }
    }
  }
  const columns = profilers!.map((p) => p.finish());
  const predicted = predictions ? await predictions.finish() : null;
  if (predictions?.skipped) logger.warning(`Predictions not profiled: ${predictions.skipped}`);
  const profile: Profile & { predictionsSkipped?: string } = {
    format: PROFILE_FORMAT,
    rows,
    source: basename(path),
    bounds: PROFILE_BOUNDS,
    label,
    features: predictions ? predictions.features : null,
    columns,
    predictions: predicted,
  };
  if (predictions?.skipped)
    Object.defineProperty(profile, 'predictionsSkipped', { value: predictions.skipped, enumerable: false });
  return profile;
}
