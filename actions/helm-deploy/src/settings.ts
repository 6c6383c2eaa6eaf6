import { getBoolean, getList, getNumber, getOptional, getSecret, getString } from '@mlops-gha/action-common';
import { UserError } from '@mlops-gha/common';
import type { DeploySettings } from '@mlops-gha/deploy';
import { checkNamespace, checkRelease, githubContext, parseGoDuration } from '@mlops-gha/deploy';
import { checkAliasName, checkModelName } from '@mlops-gha/registry';

function modelVersion(): number | undefined {
  return getNumber('model-version', { integer: true, min: 1 });
}

/** helm-deploy's inputs, validated before anything runs. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): DeploySettings {
  const release = checkRelease(getString('release', { required: true }).trim());
  const chart = getString('chart', { required: true }).trim();
  const modelName = getOptional('model-name')?.trim();
  const version = modelVersion();
  const alias = getOptional('model-alias')?.trim();
  if (version !== undefined && alias) {
    throw new UserError('Inputs `model-version` and `model-alias` are both set', {
      fix: 'Set one of them: a version number, or the alias whose version to deploy.',
    });
  }
  if ((version !== undefined || alias) && !modelName) {
    throw new UserError(`Input \`${alias ? 'model-alias' : 'model-version'}\` is set but \`model-name\` is not`, {
      fix: 'Add `model-name:` (the registry model).',
    });
  }
  if (modelName) checkModelName(modelName, 'the `model-name` input');
  if (alias) checkAliasName(alias, 'the `model-alias` input');
  const promoteAlias = getOptional('promote-alias')?.trim();
  if (promoteAlias) {
    checkAliasName(promoteAlias, 'the `promote-alias` input');
    if (!modelName)
      throw new UserError('Input `promote-alias` needs `model-name`', {
        fix: 'Deploy a registry model (`model-name`, `registry`) to move one of its aliases.',
      });
  }
  const registry = getOptional('registry')?.trim();
  if (modelName && !registry)
    throw new UserError('Input `model-name` is set but `registry` is not', {
      fix: 'Set `registry:` to s3://bucket/prefix or the registry folder.',
    });
  const timeout = getString('timeout', { default: '5m' }).trim();
  parseGoDuration(timeout);
  const smoke = getOptional('smoke-test-url')?.trim();
  if (smoke && !/^https?:\/\/[^\s]+$/.test(smoke)) {
    throw new UserError(`Input \`smoke-test-url\` ${JSON.stringify(smoke)} is not an http(s) URL`, {
      fix: 'Give the base URL of the model server, e.g. https://iris.example.com (the action adds /v2/models/...).',
    });
  }
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  return {
    release,
    namespace: checkNamespace(getString('namespace', { default: 'default' }).trim()),
    chart,
    ...(getOptional('chart-version') ? { chartVersion: getOptional('chart-version')!.trim() } : {}),
    createNamespace: getBoolean('create-namespace', false),
    valuesFiles: getList('values-files').map((f) => (f.startsWith('/') ? f : `${workspace}/${f}`)),
    ...(getOptional('values') ? { values: getOptional('values')! } : {}),
    modelValuesKey: getString('model-values-key', { default: 'model' }).trim(),
    ...(modelName
      ? { model: { name: modelName, ...(version !== undefined ? { version } : {}), ...(alias ? { alias } : {}) } }
      : {}),
    ...(registry ? { registry } : {}),
    wait: getBoolean('wait', true),
    timeout,
    rollbackOnFailure: getBoolean('rollback-on-failure', true),
    historyMax: getNumber('history-max', { default: 20, integer: true, min: 0, max: 10_000 })!,
    ...(getOptional('kube-context') ? { kubeContext: getOptional('kube-context')!.trim() } : {}),
    dryRun: getBoolean('dry-run', false),
    ...(smoke ? { smokeTestUrl: smoke } : {}),
    ...(promoteAlias ? { promoteAlias } : {}),
    ...(getOptional('environment') ? { environment: getOptional('environment')!.trim() } : {}),
    recoverPending: getBoolean('recover-pending', false),
    helm: getString('helm', { default: 'helm' }).trim() || 'helm',
    workDir: env.RUNNER_TEMP || '/tmp',
    github: githubContext(getSecret('github-token'), env),
  };
}
