/** Release and namespace names Kubernetes accepts, and the runner's facts for Deployments and audit records. */
import { describe, expect, it } from '@jest/globals';
import { checkNamespace, checkRelease, githubContext } from './names.js';

describe('checkRelease', () => {
  it('accepts DNS-label names up to 53 characters (the Helm limit) and returns them', () => {
    for (const ok of ['iris', 'iris-prod', 'a', '0abc9', 'x'.repeat(53)]) expect(checkRelease(ok)).toBe(ok);
  });
  it('refuses the rest, naming the input and the rule', () => {
    for (const bad of ['Iris', 'iris_prod', '-iris', 'iris-', 'x'.repeat(54), '', 'a b', 'iris\n', '../x'])
      expect(() => checkRelease(bad)).toThrow(/is not a valid Helm release name/);
    expect(() => checkRelease('Bad', 'to-release')).toThrow(
      expect.objectContaining({
        message: 'Input `to-release` "Bad" is not a valid Helm release name',
        fix: 'Use lower-case letters, digits and "-" (at most 53 characters), e.g. `iris-prod`.',
      }),
    );
  });
});

describe('checkNamespace', () => {
  it('accepts DNS labels up to 63 characters and refuses the rest with the rule', () => {
    expect(checkNamespace('ml-prod')).toBe('ml-prod');
    expect(checkNamespace('n'.repeat(63))).toBe('n'.repeat(63));
    for (const bad of ['n'.repeat(64), 'ML', 'a.b', '', 'kube_system'])
      expect(() => checkNamespace(bad)).toThrow(
        expect.objectContaining({
          message: `Input \`namespace\` ${JSON.stringify(bad)} is not a valid Kubernetes namespace`,
          fix: 'Use lower-case letters, digits and "-" (at most 63 characters).',
        }),
      );
  });
});

describe('githubContext', () => {
  it("reads the repository, commit, actor, API and the run's URL (with its attempt) from the runner's variables", () => {
    expect(
      githubContext('tok', {
        GITHUB_REPOSITORY: 'octo/ml',
        GITHUB_SHA: 'abc123',
        GITHUB_REF: 'refs/heads/main',
        GITHUB_ACTOR: 'octocat',
        GITHUB_API_URL: 'https://ghe.example/api/v3',
        GITHUB_SERVER_URL: 'https://ghe.example',
        GITHUB_RUN_ID: '77',
        GITHUB_RUN_ATTEMPT: '2',
      }),
    ).toEqual({
      token: 'tok',
      apiUrl: 'https://ghe.example/api/v3',
      owner: 'octo',
      repo: 'ml',
      ref: 'abc123',
      actor: 'octocat',
      runUrl: 'https://ghe.example/octo/ml/actions/runs/77/attempts/2',
    });
  });
  it('falls back to github.com, GITHUB_REF, then HEAD, and leaves out what the runner did not give', () => {
    expect(githubContext(undefined, { GITHUB_REF: 'refs/tags/v1' })).toEqual({
      apiUrl: 'https://api.github.com',
      owner: '',
      repo: '',
      ref: 'refs/tags/v1',
    });
    expect(githubContext(undefined, {}).ref).toBe('HEAD');
  });
});
