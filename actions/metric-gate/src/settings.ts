import * as core from '@actions/core';
import { getChoice, getNumber, getOptional, getSecret, getString } from '@mlops-gha/action-common';
import { runContextFromEnv, UserError } from '@mlops-gha/common';
import type { MissingValues, MultiOutput, TaskSetting, ZeroDivision } from '@mlops-gha/evaluation';
import type { ConfusionNormalize, FailOn, GateSettings, IntervalMethod } from '@mlops-gha/gate';

export interface Settings {
  gate: GateSettings;
  registry?: string;
  /** S3-compatible endpoint and region of an s3:// registry. */
  endpointUrl?: string;
  region?: string;
  /** Whether to comment; undefined = on pull requests. */
  comment?: boolean;
  commentKey: string;
  token?: string;
}

function getCommentFlag(): boolean | undefined {
  const raw = core.getInput('comment');
  if (raw === '' || raw.toLowerCase() === 'auto') return undefined;
  if (['true', 'True', 'TRUE'].includes(raw)) return true;
  if (['false', 'False', 'FALSE'].includes(raw)) return false;
  throw new UserError(`Input \`comment\` must be true, false or auto, got ${JSON.stringify(raw)}`, {
    fix: 'Set `comment: true`, `comment: false`, or leave it out to comment on pull requests only.',
  });
}

/** `zero-division`: 0, 1 or nan, as scikit-learn's zero_division. */
function zeroDivisionInput(): ZeroDivision {
  const raw = core.getInput('zero-division').trim().toLowerCase();
  if (raw === '' || raw === '0' || raw === '0.0') return 0;
  if (raw === '1' || raw === '1.0') return 1;
  if (raw === 'nan') return 'nan';
  throw new UserError(`Input \`zero-division\` must be 0, 1 or nan, got ${JSON.stringify(raw)}`, {
    fix: 'Set `zero-division: 0` (the default), `1`, or `nan` to report precision/recall with a zero denominator as undefined.',
  });
}

/** `force-finite`: scikit-learn's force_finite for r2 and explained_variance (true or false). */
function forceFiniteInput(): boolean {
  const raw = core.getInput('force-finite').trim().toLowerCase();
  if (raw === '' || raw === 'true') return true;
  if (raw === 'false') return false;
  throw new UserError(`Input \`force-finite\` must be true or false, got ${JSON.stringify(raw)}`, {
    fix: "Set `force-finite: false` to report r2 and explained_variance of a constant target as undefined (scikit-learn's NaN/-inf), or leave it out (true: 1.0 for a perfect fit, else 0.0).",
  });
}

/** Comma- or newline-separated names, trimmed, empty ones dropped. */
function listInput(name: string): string[] {
  return core
    .getInput(name)
    .split(/[\n,]/)
    .map((c) => c.trim())
    .filter(Boolean);
}

/** Every input of the action, validated, in one object. */
export function readSettings(): Settings {
  const featureColumns = listInput('feature-columns');
  // One label column, or several (multilabel 0/1 columns, multi-output regression targets).
  const labelColumns = listInput('label-column');
  const commentKey = getString('comment-key', { default: 'default' });
  if (!/^[\w.\-/]{1,100}$/.test(commentKey)) {
    throw new UserError(
      `Input \`comment-key\` must be 1-100 letters, digits, ., -, _ or /, got ${JSON.stringify(commentKey)}`,
      {
        fix: 'Use a short key such as `default`, `classifier` or `model-a`.',
      },
    );
  }
  return {
    gate: {
      model: getOptional('model'),
      dataset: getOptional('dataset'),
      labelColumn: labelColumns[0] ?? 'label',
      labelColumns: labelColumns.length > 1 ? labelColumns : undefined,
      featureColumns: featureColumns.length ? featureColumns : undefined,
      task: getChoice<TaskSetting>('task', ['auto', 'binary', 'multiclass', 'multilabel', 'regression'], 'auto'),
      positiveLabel: getOptional('pos-label'),
      zeroDivision: zeroDivisionInput(),
      missingValues: getChoice<MissingValues>('missing-values', ['error', 'nan'], 'error'),
      forceFinite: forceFiniteInput(),
      multioutput: getChoice<MultiOutput>(
        'multioutput',
        ['uniform_average', 'variance_weighted', 'raw_values'],
        'uniform_average',
      ),
      confusionNormalize: getChoice<ConfusionNormalize>('confusion-normalize', ['true', 'pred', 'all'], 'true'),
      metrics: getOptional('metrics'),
      baseline: getOptional('baseline'),
      rules: core.getInput('rules'),
      confidence: getNumber('confidence', { default: 0.95, min: 0.5, max: 0.999 })!,
      bootstrapSamples: getNumber('bootstrap-samples', { default: 2000, min: 0, max: 1_000_000, integer: true })!,
      seed: getString('seed', { default: '0' }),
      intervalMethod: getChoice<IntervalMethod>('interval-method', ['bca', 'percentile'], 'bca'),
      failOn: getChoice<FailOn>('fail-on', ['fail', 'inconclusive', 'never'], 'fail'),
      lineage: {
        dataVersion: getOptional('data-version'),
        commit: process.env.GITHUB_SHA,
        ref: process.env.GITHUB_REF,
        runUrl: runContextFromEnv().runUrl ?? undefined,
        runLabel: process.env.GITHUB_RUN_ID
          ? `${process.env.GITHUB_WORKFLOW ?? 'run'} #${process.env.GITHUB_RUN_NUMBER ?? process.env.GITHUB_RUN_ID}`
          : undefined,
      },
    },
    registry: getOptional('registry'),
    endpointUrl: getOptional('endpoint-url'),
    region: getOptional('region'),
    comment: getCommentFlag(),
    commentKey,
    token: getSecret('github-token'),
  };
}
