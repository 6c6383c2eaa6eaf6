import { tmpdir } from 'node:os';
import { getBoolean, getNumber, getOptional, getSecret, getString } from '@mlops-gha/action-common';
import { UserError } from '@mlops-gha/common';
import { checkNamespace, checkRelease, githubContext, parseGoDuration, type RollbackSettings } from '@mlops-gha/deploy';
import { checkAliasName, checkModelName } from '@mlops-gha/registry';

/** rollback's inputs, validated before anything runs. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): RollbackSettings {
  const release = checkRelease(getString('release', { required: true }).trim());
  const toRevision = getNumber('to-revision', { integer: true, min: 1 });
  const toModelVersion = getNumber('to-model-version', { integer: true, min: 1 });
  if (toRevision !== undefined && toModelVersion !== undefined) {
    throw new UserError('Inputs `to-revision` and `to-model-version` are both set', {
      fix: 'Set one of them, or neither for the newest good revision before the current one.',
    });
  }
  // getString refuses an empty `reason`; the runner trims inputs, so a blank one is empty too
  const reason = getString('reason', { required: true }).trim();
  const modelName = getOptional('model-name')?.trim();
  if (modelName) checkModelName(modelName, 'the `model-name` input');
  const alias = getOptional('alias')?.trim();
  if (alias) checkAliasName(alias, 'the `alias` input');
  const registry = getOptional('registry')?.trim();
  if (alias && !registry)
    throw new UserError('Input `alias` needs `registry`', {
      fix: 'Set `registry:` to the registry the model lives in.',
    });
  const timeout = getString('timeout', { default: '5m' }).trim();
  parseGoDuration(timeout);
  return {
    release,
    namespace: checkNamespace(getString('namespace', { default: 'default' }).trim()),
    ...(getOptional('kube-context') ? { kubeContext: getOptional('kube-context')!.trim() } : {}),
    ...(toRevision !== undefined ? { toRevision } : {}),
    ...(toModelVersion !== undefined ? { toModelVersion } : {}),
    reason,
    dryRun: getBoolean('dry-run', false),
    ...(registry ? { registry } : {}),
    ...(modelName ? { modelName } : {}),
    ...(alias ? { alias } : {}),
    ...(getOptional('smoke-test-url') ? { smokeTestUrl: getOptional('smoke-test-url')!.trim() } : {}),
    ...(getOptional('environment') ? { environment: getOptional('environment')!.trim() } : {}),
    helm: getString('helm', { default: 'helm' }).trim() || 'helm',
    wait: true,
    timeout,
    workDir: env.RUNNER_TEMP || tmpdir(),
    github: githubContext(getSecret('github-token'), env),
  };
}
