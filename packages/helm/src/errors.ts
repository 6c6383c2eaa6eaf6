import { UserError } from '@mlops-gha/common';

/** The failures of a helm call that we act on; `other` is anything else (its stderr is kept). */
export type HelmFailureKind =
  | 'release-not-found'
  | 'operation-in-progress'
  | 'no-deployed-releases'
  | 'timeout'
  | 'cluster-unreachable'
  | 'revision-not-found'
  | 'chart-not-found'
  | 'name-in-use'
  | 'cancelled'
  | 'other';

/**
 * Maps helm's stderr to a kind. The texts are helm's own (pkg/storage/driver/driver.go,
 * pkg/action/action.go, upgrade/rollback wrappers; see the corpus in shared/corpus/helm):
 * they are matched as substrings because helm prefixes `Error: `, `UPGRADE FAILED: `, etc.
 */
export function classifyHelmError(stderr: string): HelmFailureKind {
  const text = stderr;
  if (/another operation \(install\/upgrade\/rollback\) is in progress/.test(text)) return 'operation-in-progress';
  if (/has no deployed releases/.test(text)) return 'no-deployed-releases';
  if (/release has no \d+ version/.test(text)) return 'revision-not-found';
  if (/[Kk]ubernetes cluster unreachable/.test(text)) return 'cluster-unreachable';
  if (/context canceled|has been cancelled/.test(text)) return 'cancelled';
  if (/context deadline exceeded|timed out waiting for the condition/.test(text)) return 'timeout';
  if (/cannot re-?use a name that is still in use/.test(text)) return 'name-in-use';
  if (/release: not found/.test(text)) return 'release-not-found';
  if (
    /path ".*" not found|failed to download|no such file or directory|repo .* not found|not a valid chart repository/.test(
      text,
    )
  )
    return 'chart-not-found';
  return 'other';
}

/** The last `Error: ...` of helm's stderr (helm prints warnings before it), or the tail. */
export function helmErrorLine(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const errors = lines.filter((l) => l.startsWith('Error: '));
  const last = errors[errors.length - 1] ?? lines[lines.length - 1] ?? '';
  return last.replace(/^Error: /, '');
}

/** A helm call that exited non-zero, with its kind. It is a UserError: the cause is the release, chart or cluster. */
export class HelmCommandError extends UserError {
  readonly kind: HelmFailureKind;
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly args: string[];

  constructor(args: string[], exitCode: number | null, stderr: string, fix?: string) {
    const kind = classifyHelmError(stderr);
    super(`helm ${args.slice(0, 2).join(' ')} failed: ${helmErrorLine(stderr) || `exit code ${exitCode}`}`, {
      fix: fix ?? defaultFix(kind),
    });
    this.name = 'UserError';
    this.kind = kind;
    this.exitCode = exitCode;
    this.stderr = stderr;
    this.args = args;
  }
}

function defaultFix(kind: HelmFailureKind): string | undefined {
  switch (kind) {
    case 'cluster-unreachable':
      return 'Check the kubeconfig the job uses (KUBECONFIG, `kube-context`) and that the cluster is reachable from the runner.';
    case 'release-not-found':
      return 'Check `release` and `namespace`: `helm list -n NAMESPACE` shows the releases there.';
    case 'timeout':
      return 'The pods did not become ready in time: check their events (`kubectl describe pod`), or raise `timeout`.';
    case 'operation-in-progress':
      return 'Another helm operation on this release is running (another job deploying it?): serialise deploys of a release with `concurrency:` in the workflow and run again when it has finished; if nothing is running, set `recover-pending: true`.';
    case 'name-in-use':
      return 'Another install of this release name happened at the same moment (another job?): serialise deploys of a release with `concurrency:` in the workflow and run again.';
    case 'chart-not-found':
      return 'Check the `chart` input (a path in the repository, repo/chart after `helm repo add`, or oci://...).';
    default:
      return undefined;
  }
}
