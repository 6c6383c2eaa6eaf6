import { runContextFromEnv, type RunContext } from '@mlops-gha/common';
import { getKeyValues, getList, getNumber, getOptional, getString } from '@mlops-gha/action-common';
import { checkAliasName, checkModelName, checkTags } from '@mlops-gha/registry';

/** registry-push's inputs, validated: nothing is read or written before all of them are good. */
export interface RegistryPushSettings {
  name: string;
  model: string[];
  registry: string;
  endpoint?: string;
  region?: string;
  alias?: string;
  metricsFile?: string;
  runRecord?: string;
  tags: Record<string, string>;
  description?: string;
  /** Rows whose inputs and the model's outputs are stored (sample.json) for the deploy smoke test. */
  sampleData?: string;
  sampleRows: number;
  /** The training data, profiled into profile.json (the drift-check reference). */
  profileData?: string;
  /** The label column of sample-data and profile-data, left out of the model's inputs (default `label`). */
  labelColumn?: string;
  /** The run this step is in (who pushes, the commit, the run URL), from the runner's environment. */
  here: RunContext;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): RegistryPushSettings {
  const name = checkModelName(getString('name', { required: true }).trim(), 'the `name` input');
  const model = getList('model');
  if (model.length === 0) getString('model', { required: true });
  const registry = getString('registry', { required: true }).trim();
  const alias = getOptional('alias')?.trim();
  if (alias) checkAliasName(alias, 'the `alias` input');
  const tags = checkTags(getKeyValues('tags'));
  return {
    name,
    model,
    registry,
    endpoint: getOptional('endpoint-url')?.trim(),
    region: getOptional('region')?.trim(),
    alias: alias || undefined,
    metricsFile: getOptional('metrics-file')?.trim(),
    runRecord: getOptional('run-record')?.trim(),
    tags,
    description: getOptional('description'),
    sampleData: getOptional('sample-data')?.trim() || undefined,
    sampleRows: getNumber('sample-rows', { default: 32, min: 1, max: 1000, integer: true })!,
    profileData: getOptional('profile-data')?.trim() || undefined,
    labelColumn: getOptional('label-column')?.trim() || undefined,
    here: runContextFromEnv(env),
  };
}
