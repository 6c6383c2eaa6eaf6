/**
 * The webhook payloads the runner hands an action (GITHUB_EVENT_PATH), with the fields our
 * actions read, in GitHub's shape (docs.github.com/webhooks/webhook-events-and-payloads).
 */

export interface PullRequestEventOptions {
  number: number;
  /** The pull request's head commit; `a` x 40 by default. */
  headSha?: string;
  /** The pull request's branch; `feature` by default. */
  headRef?: string;
  /** A pull request from a fork: its head lives in someone else's repository. */
  fork?: boolean;
  owner?: string;
  repo?: string;
}

/** The `pull_request` event of a push to a pull request's branch (`synchronize`), based on main. */
export function pullRequestEvent(options: PullRequestEventOptions): object {
  const { number, headSha = 'a'.repeat(40), headRef = 'feature', fork = false } = options;
  const { owner = 'octo-org', repo = 'octo-repo' } = options;
  return {
    action: 'synchronize',
    number,
    pull_request: {
      number,
      head: { sha: headSha, ref: headRef, repo: { full_name: fork ? `someone/${repo}` : `${owner}/${repo}`, fork } },
      base: { sha: 'b'.repeat(40), ref: 'main', repo: { full_name: `${owner}/${repo}` } },
    },
    repository: { name: repo, owner: { login: owner }, full_name: `${owner}/${repo}` },
  };
}
