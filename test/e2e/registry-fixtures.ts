/**
 * registry-push as the e2e suites use it to put a model in place before the step they test:
 * the workspace's model pushed into a folder registry beside it. drift-check's suites push
 * the production reference it reads its profile from.
 */

/** The folder registry, relative to the workspace, the suites push into. */
export const REGISTRY = 'registry';

/** registry-push inputs: the workspace's `model` (model.onnx) pushed as `name` into REGISTRY. */
export function pushInputs(name: string, extra: Record<string, string> = {}): Record<string, string> {
  return { name, model: 'model.onnx', registry: REGISTRY, ...extra };
}

/** The version drift-check compares with, as its inputs name it. */
export const PRODUCTION_REFERENCE = { reference: 'registry://churn@production', registry: REGISTRY };

/**
 * registry-push inputs of that version: the workspace's model.onnx as churn@production, with
 * metrics.json and the profile of train.csv (what drift-check reads).
 */
export function productionReferenceInputs(extra: Record<string, string> = {}): Record<string, string> {
  return pushInputs('churn', {
    alias: 'production',
    'metrics-file': 'metrics.json',
    'profile-data': 'train.csv',
    ...extra,
  });
}
