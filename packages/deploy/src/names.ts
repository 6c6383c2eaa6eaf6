import { runContextFromEnv, UserError } from '@mlops-gha/common';
import type { GitHubContext } from './types.js';

/** Checks shared by the helm-deploy and rollback settings (names Kubernetes accepts, the runner's facts). */
const RELEASE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function checkRelease(value: string, input = 'release'): string {
  if (!RELEASE.test(value) || value.length > 53) {
    throw new UserError(`Input \`${input}\` ${JSON.stringify(value)} is not a valid Helm release name`, {
      fix: 'Use lower-case letters, digits and "-" (at most 53 characters), e.g. `iris-prod`.',
    });
  }
  return value;
}

export function checkNamespace(value: string): string {
  if (!NAMESPACE.test(value) || value.length > 63) {
    throw new UserError(`Input \`namespace\` ${JSON.stringify(value)} is not a valid Kubernetes namespace`, {
      fix: 'Use lower-case letters, digits and "-" (at most 63 characters).',
    });
  }
  return value;
}

/** The runner's facts for GitHub Deployments and audit records. */
export function githubContext(token: string | undefined, env: NodeJS.ProcessEnv = process.env): GitHubContext {
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const runUrl = runContextFromEnv(env).runUrl ?? undefined;
  return {
    ...(token ? { token } : {}),
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    owner,
    repo,
    ref: env.GITHUB_SHA || env.GITHUB_REF || 'HEAD',
    ...(env.GITHUB_ACTOR ? { actor: env.GITHUB_ACTOR } : {}),
    ...(runUrl ? { runUrl } : {}),
  };
}
