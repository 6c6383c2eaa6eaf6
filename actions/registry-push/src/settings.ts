import { getKeyValues, getList, getOptional, getString } from '@mlops-gha/action-common';
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
  /** From the runner's environment: who pushes, and from which workflow run. */
  actor: string | null;
  lineage: { git_sha: string | null; git_ref: string | null; repository: string | null; run_url: string | null; run_id: string | null };
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): RegistryPushSettings {
  const name = checkModelName(getString('name', { required: true }).trim(), 'the `name` input');
  const model = getList('model');
  if (model.length === 0) getString('model', { required: true });
  const registry = getString('registry', { required: true }).trim();
  const alias = getOptional('alias')?.trim();
  if (alias) checkAliasName(alias, 'the `alias` input');
  const tags = checkTags(getKeyValues('tags'));
  const repository = env.GITHUB_REPOSITORY || null;
  const server = env.GITHUB_SERVER_URL || 'https://github.com';
  const runId = env.GITHUB_RUN_ID || null;
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
    actor: env.GITHUB_ACTOR || null,
    lineage: {
      git_sha: env.GITHUB_SHA || null,
      git_ref: env.GITHUB_REF || null,
      repository,
      run_url: repository && runId ? `${server}/${repository}/actions/runs/${runId}` : null,
      run_id: runId,
    },
  };
}
