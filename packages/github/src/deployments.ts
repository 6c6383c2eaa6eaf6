import { getOctokit } from '@actions/github';
import { silentLogger, type Logger } from '@mlops-gha/common';

/**
 * GitHub Deployments for a deploy or rollback: one deployment per attempt, whose status
 * follows it (in_progress -> success | failure | error), with the run's log and the
 * environment's URL. Older successful deployments of the same environment are marked
 * inactive on success (GitHub only does that itself for non-production environments).
 * A token without `deployments: write` (or a repository that refuses) gives a warning and
 * `undefined`: the deploy goes on without a Deployment.
 */

export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error' | 'inactive' | 'queued' | 'pending';

export interface DeploymentOptions {
  token: string;
  /** REST base URL (GITHUB_API_URL). */
  apiUrl: string;
  owner: string;
  repo: string;
  /** The commit or ref being deployed (GITHUB_SHA). */
  ref: string;
  environment: string;
  description: string;
  /** Stored with the deployment: e.g. `{ release, model, version }`. */
  payload?: Record<string, unknown>;
  /** The workflow run's URL, shown as the status's log link. */
  logUrl?: string;
  environmentUrl?: string;
  task?: string;
  logger?: Logger;
}

export interface TrackedDeployment {
  id: number;
  /** Posts a status; failures to post are warnings (the deploy's own outcome matters more). */
  setStatus(state: DeploymentState, description: string, extra?: { environmentUrl?: string }): Promise<void>;
  /** Marks earlier deployments of the environment whose last status is success as inactive. */
  retirePrevious(): Promise<number>;
}

function status(error: unknown): number | undefined {
  return typeof error === 'object' && error && 'status' in error
    ? Number((error as { status: unknown }).status)
    : undefined;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** GitHub limits a status description to 140 characters. */
const clip = (text: string) => (text.length > 140 ? `${text.slice(0, 139)}…` : text);

export async function startDeployment(options: DeploymentOptions): Promise<TrackedDeployment | undefined> {
  const logger = options.logger ?? silentLogger;
  const octokit = getOctokit(options.token, { baseUrl: options.apiUrl.replace(/\/$/, '') });
  const { owner, repo, environment } = options;
  let id: number;
  try {
    const created = await octokit.rest.repos.createDeployment({
      owner,
      repo,
      ref: options.ref,
      task: options.task ?? 'deploy',
      environment,
      description: clip(options.description),
      payload: options.payload ?? {},
      // A deploy step has already passed its checks; GitHub must not merge or wait on contexts.
      auto_merge: false,
      required_contexts: [],
      transient_environment: false,
      production_environment: environment === 'production',
    });
    if (created.status !== 201 || !('id' in created.data)) {
      logger.warning(
        `GitHub did not create a deployment for ${environment} (${created.status}: ${JSON.stringify(created.data).slice(0, 200)}); deploying without one.`,
      );
      return undefined;
    }
    id = created.data.id;
  } catch (error) {
    const code = status(error);
    const why =
      code === 403 || code === 404
        ? 'the token may not create deployments: give the job `permissions: deployments: write`'
        : code === 401
          ? 'the token was refused'
          : `GitHub answered ${code ?? 'with an error'}`;
    logger.warning(
      `Could not create a GitHub Deployment for ${environment} (${why}: ${message(error)}); deploying without one.`,
    );
    return undefined;
  }

  const post = async (deploymentId: number, state: DeploymentState, description: string, environmentUrl?: string) => {
    await octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: deploymentId,
      state,
      description: clip(description),
      environment,
      ...(options.logUrl ? { log_url: options.logUrl } : {}),
      ...(environmentUrl ? { environment_url: environmentUrl } : {}),
      auto_inactive: true,
    });
  };

  return {
    id,
    async setStatus(state, description, extra = {}) {
      try {
        await post(id, state, description, extra.environmentUrl ?? options.environmentUrl);
      } catch (error) {
        logger.warning(`Could not set the GitHub Deployment ${id} to ${state}: ${message(error)}`);
      }
    },
    async retirePrevious() {
      let retired = 0;
      try {
        const earlier = await octokit.rest.repos.listDeployments({ owner, repo, environment, per_page: 30 });
        for (const d of earlier.data) {
          if (d.id === id) continue;
          const statuses = await octokit.rest.repos.listDeploymentStatuses({
            owner,
            repo,
            deployment_id: d.id,
            per_page: 1,
          });
          if (statuses.data[0]?.state !== 'success') continue;
          await post(d.id, 'inactive', `superseded by deployment ${id}`);
          retired++;
        }
      } catch (error) {
        logger.warning(`Could not mark earlier deployments of ${environment} inactive: ${message(error)}`);
      }
      return retired;
    },
  };
}
