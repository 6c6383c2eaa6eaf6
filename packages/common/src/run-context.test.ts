import { describe, expect, it } from '@jest/globals';
import { runContextFromEnv } from './run-context.js';

// The variables a GitHub-hosted runner sets (docs.github.com: "Store information in variables").
const RUNNER_ENV = {
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'octo-org/fraud-model',
  GITHUB_SHA: 'ffac537e6cbbf934b08745a378932722df287a53',
  GITHUB_REF: 'refs/pull/42/merge',
  GITHUB_ACTOR: 'octocat',
  GITHUB_WORKFLOW: 'train',
  GITHUB_JOB: 'gate',
  GITHUB_RUN_ID: '1658821493',
  GITHUB_RUN_ATTEMPT: '1',
  RUNNER_NAME: 'GitHub Actions 2',
  RUNNER_OS: 'Linux',
  RUNNER_ARCH: 'X64',
  RUNNER_ENVIRONMENT: 'github-hosted',
};

describe('runContextFromEnv', () => {
  it("reads the run's identity and builds the run URL", () => {
    expect(runContextFromEnv(RUNNER_ENV)).toEqual({
      repository: 'octo-org/fraud-model',
      sha: 'ffac537e6cbbf934b08745a378932722df287a53',
      ref: 'refs/pull/42/merge',
      actor: 'octocat',
      workflow: 'train',
      job: 'gate',
      runId: '1658821493',
      runAttempt: '1',
      runUrl: 'https://github.com/octo-org/fraud-model/actions/runs/1658821493',
      runner: { name: 'GitHub Actions 2', os: 'Linux', arch: 'X64', environment: 'github-hosted' },
    });
  });

  it('links a re-run attempt to that attempt', () => {
    expect(runContextFromEnv({ ...RUNNER_ENV, GITHUB_RUN_ATTEMPT: '3' }).runUrl).toBe(
      'https://github.com/octo-org/fraud-model/actions/runs/1658821493/attempts/3',
    );
  });

  it('builds the URL on a GitHub Enterprise Server, without doubling a trailing slash', () => {
    const env = { ...RUNNER_ENV, GITHUB_SERVER_URL: 'https://ghe.example.com//' };
    expect(runContextFromEnv(env).runUrl).toBe('https://ghe.example.com/octo-org/fraud-model/actions/runs/1658821493');
  });

  it('defaults the server to github.com when only the repository and the run id are known', () => {
    expect(runContextFromEnv({ GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '7' }).runUrl).toBe(
      'https://github.com/o/r/actions/runs/7',
    );
  });

  it('gives null, never an empty string or a half-built URL, outside a runner', () => {
    const context = runContextFromEnv({ GITHUB_REPOSITORY: '', GITHUB_RUN_ID: '12', GITHUB_ACTOR: '' });
    expect(context.repository).toBeNull();
    expect(context.actor).toBeNull();
    expect(context.runUrl).toBeNull();
    expect(runContextFromEnv({})).toEqual({
      repository: null,
      sha: null,
      ref: null,
      actor: null,
      workflow: null,
      job: null,
      runId: null,
      runAttempt: null,
      runUrl: null,
      runner: { name: null, os: null, arch: null, environment: null },
    });
  });

  it('reads process.env when given no environment', () => {
    const saved = process.env['GITHUB_RUN_ID'];
    process.env['GITHUB_RUN_ID'] = '99';
    try {
      expect(runContextFromEnv().runId).toBe('99');
    } finally {
      if (saved === undefined) delete process.env['GITHUB_RUN_ID'];
      else process.env['GITHUB_RUN_ID'] = saved;
    }
  });
});
