/** The GitHub Deployment of a deploy or rollback, when an `environment` and a token are given. */
import type { Logger } from '@mlops-gha/common';
import { startDeployment, type TrackedDeployment } from '@mlops-gha/github';
import type { GitHubContext } from './types.js';

export function trackDeployment(o: {
  environment?: string;
  github?: GitHubContext;
  /** Shown as the environment's URL. */
  smokeTestUrl?: string;
  logger: Logger;
  task?: string;
  description: string;
  payload: Record<string, unknown>;
}): Promise<TrackedDeployment | undefined> {
  if (!o.environment || !o.github?.token) return Promise.resolve(undefined);
  return startDeployment({
    ...o.github,
    token: o.github.token,
    environment: o.environment,
    logger: o.logger,
    ...(o.task ? { task: o.task } : {}),
    description: o.description,
    payload: o.payload,
    ...(o.github.runUrl ? { logUrl: o.github.runUrl } : {}),
    ...(o.smokeTestUrl ? { environmentUrl: o.smokeTestUrl } : {}),
  });
}
