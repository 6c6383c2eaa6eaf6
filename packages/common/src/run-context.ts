/**
 * The workflow run a step belongs to, read from the runner's GITHUB_* and RUNNER_* variables:
 * the one place that builds the run URL (recorded as lineage by train, registry-push,
 * metric-gate and the deploy actions).
 */
export interface RunContext {
  repository: string | null;
  sha: string | null;
  ref: string | null;
  actor: string | null;
  workflow: string | null;
  job: string | null;
  runId: string | null;
  runAttempt: string | null;
  runUrl: string | null;
  runner: { name: string | null; os: string | null; arch: string | null; environment: string | null };
}

export function runContextFromEnv(env: NodeJS.ProcessEnv = process.env): RunContext {
  const v = (name: string) => (env[name] === undefined || env[name] === '' ? null : env[name]!);
  const server = (v('GITHUB_SERVER_URL') ?? 'https://github.com').replace(/\/+$/, '');
  const repository = v('GITHUB_REPOSITORY');
  const runId = v('GITHUB_RUN_ID');
  const attempt = v('GITHUB_RUN_ATTEMPT');
  let runUrl: string | null = null;
  if (repository && runId) {
    runUrl = `${server}/${repository}/actions/runs/${runId}`;
    if (attempt && attempt !== '1') runUrl += `/attempts/${attempt}`;
  }
  return {
    repository,
    sha: v('GITHUB_SHA'),
    ref: v('GITHUB_REF'),
    actor: v('GITHUB_ACTOR'),
    workflow: v('GITHUB_WORKFLOW'),
    job: v('GITHUB_JOB'),
    runId,
    runAttempt: attempt,
    runUrl,
    runner: {
      name: v('RUNNER_NAME'),
      os: v('RUNNER_OS'),
      arch: v('RUNNER_ARCH'),
      environment: v('RUNNER_ENVIRONMENT'),
    },
  };
}
