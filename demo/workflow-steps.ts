/**
 * What the workflows of workflows-examples/ pass to the actions, for the example project: the
 * one place the demo (story.ts) and the pipeline end-to-end test (test/e2e/pipeline.test.ts)
 * build a "commit", the runner's environment and event, and the train and helm-deploy inputs,
 * so the story they both tell cannot drift apart.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const MODEL = 'churn-classifier';
export const RELEASE = 'churn-api';
export const OWNER = 'octo-org';
export const REPO = 'octo-repo';
/** train.features of params.yaml with every feature the example data holds. */
export const FEATURES = [
  'tenure_months',
  'monthly_charges',
  'support_calls',
  'late_payments',
  'contract_years',
  'usage_gb',
];
/** pr.yml's and release.yml's rules against the production baseline. */
export const BASELINE_RULES = 'roc_auc >= baseline - 0.01\naccuracy >= baseline - 0.02';
export const PRODUCTION_BASELINE = `registry://${MODEL}@production`;

export type Inputs = Record<string, string>;
export type Environment = 'staging' | 'production';

/**
 * A "commit" of the example project: train.features and export.noise_std in params.yaml
 * edited as a developer would; the sha1 of the new text stands for the commit's sha.
 */
export async function commit(project: string, features: string[], noise = 0): Promise<string> {
  const path = join(project, 'params.yaml');
  const next = (await readFile(path, 'utf8'))
    .replace(/features: \[[^\]]*\]/, `features: [${features.join(', ')}]`)
    .replace(/noise_std: [0-9.]+/, `noise_std: ${noise}`);
  if (!next.includes(`features: [${features.join(', ')}]`) || !next.includes(`noise_std: ${noise}`))
    throw new Error(`could not edit train.features / export.noise_std in ${path}`);
  await writeFile(path, next);
  return createHash('sha1').update(next).digest('hex');
}

/** The runner's variables for a workflow run on a commit. */
export function workflowEnv(workflow: string, sha: string, ref = 'refs/heads/main'): Inputs {
  return { GITHUB_WORKFLOW: workflow, GITHUB_SHA: sha, GITHUB_REF: ref, GITHUB_JOB: workflow };
}

/** The train step: train.py writes model.onnx and metrics.json, sampled every second. */
export function trainInputs(python: string, dataVersion: string, run = `${python} train.py`): Inputs {
  return {
    run,
    'metrics-file': 'metrics.json',
    'params-file': 'params.yaml',
    outputs: 'model.onnx',
    'data-version': dataVersion,
    'sample-interval': '1',
  };
}

export interface DeployTarget {
  registry: string;
  environment: Environment;
  version: string;
  /** The environment's URL through its Service: the smoke test's target. */
  smokeTestUrl: string;
  token: string;
  helm: string;
  /** Moves the production alias once the release is healthy (release.yml's production job). */
  promote?: boolean;
}

/** release.yml's deploy job: helm-deploy of the chart with the smoke test through the environment's URL. */
export function deployInputs(target: DeployTarget): Inputs {
  return {
    release: RELEASE,
    chart: 'chart',
    namespace: target.environment,
    'create-namespace': 'true',
    'model-name': MODEL,
    'model-version': target.version,
    registry: target.registry,
    timeout: '2m',
    'smoke-test-url': target.smokeTestUrl,
    ...(target.promote ? { 'promote-alias': 'production' } : {}),
    environment: target.environment,
    'github-token': target.token,
    helm: target.helm,
  };
}

/** rollback.yml, dispatched by hand: production back to a model version, with the reason. */
export function rollbackInputs(target: Omit<DeployTarget, 'environment' | 'promote'> & { reason: string }): Inputs {
  return {
    release: RELEASE,
    namespace: 'production',
    'to-model-version': target.version,
    reason: target.reason,
    registry: target.registry,
    'model-name': MODEL,
    alias: 'production',
    'smoke-test-url': target.smokeTestUrl,
    environment: 'production',
    'github-token': target.token,
    helm: target.helm,
  };
}
