/** The workflow run's GitHub facts the deploy needs (from the runner's environment). */
export interface GitHubContext {
  token?: string;
  apiUrl: string;
  owner: string;
  repo: string;
  /** The commit being deployed (GITHUB_SHA). */
  ref: string;
  actor?: string;
  runUrl?: string;
  logUrl?: string;
}
