/** helm's stderr mapped to the failures helm-deploy acts on, and the error a user sees. */
import { describe, expect, test } from '@jest/globals';
import { UserError } from '@mlops-gha/common';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifyHelmError, HelmCommandError, helmErrorLine } from './errors.js';

const corpus =
  process.env.HELM_CORPUS_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus/helm');
const h3 = (f: string) => readFileSync(join(corpus, 'helm3-v3.21.4/cmd/helm/testdata/output', f), 'utf8');
const h4 = (f: string) => readFileSync(join(corpus, 'helm4-v4.2.4/pkg/cmd/testdata/output', f), 'utf8');
const captured = JSON.parse(readFileSync(join(corpus, 'captured-in-issues.json'), 'utf8')) as {
  error_outputs: { kind: string; output: string }[];
};

describe('errors', () => {
  const kinds: Record<string, string> = {
    'release not found': 'release-not-found',
    'release not found (uninstall)': 'release-not-found',
    'another operation in progress': 'operation-in-progress',
    'another operation in progress (--debug)': 'operation-in-progress',
    'has no deployed releases': 'no-deployed-releases',
    'has no deployed releases (--debug)': 'no-deployed-releases',
    'has no deployed releases (Helm 2)': 'no-deployed-releases',
  };
  test('every error people pasted maps to its kind', () => {
    let checked = 0;
    for (const e of captured.error_outputs) {
      if (!(e.kind in kinds)) continue;
      expect([e.kind, classifyHelmError(e.output)]).toEqual([e.kind, kinds[e.kind]]);
      checked++;
    }
    expect(checked).toBe(10);
  });
  test('goldens and the reference texts', () => {
    expect(classifyHelmError(h3('upgrade-with-pending-install.txt'))).toBe('operation-in-progress');
    expect(classifyHelmError(h4('upgrade-with-bad-or-missing-existing-release.txt'))).toBe('no-deployed-releases');
    expect(classifyHelmError(h3('rollback-non-existent-version.txt'))).toBe('revision-not-found');
    expect(classifyHelmError('Error: UPGRADE FAILED: context deadline exceeded')).toBe('timeout');
    expect(
      classifyHelmError(
        'Error: UPGRADE FAILED: resource Deployment/ml/x not ready. status: InProgress, message: ...\ncontext deadline exceeded',
      ),
    ).toBe('timeout');
    expect(
      classifyHelmError('Error: Kubernetes cluster unreachable: Get "https://127.0.0.1:1/version": dial tcp'),
    ).toBe('cluster-unreachable');
    expect(classifyHelmError('Error: kubernetes cluster unreachable: x')).toBe('cluster-unreachable');
    expect(
      classifyHelmError(
        'Error: INSTALLATION FAILED: release name check failed: cannot reuse a name that is still in use',
      ),
    ).toBe('name-in-use');
    expect(helmErrorLine('level=WARN msg=x\nError: UPGRADE FAILED: boom\n')).toBe('UPGRADE FAILED: boom');
  });
});

describe('errors: the rest of the kinds', () => {
  test.each([
    ['Error: UPGRADE FAILED: context canceled', 'cancelled'],
    ['Error: release x has been cancelled', 'cancelled'],
    ['Error: INSTALLATION FAILED: timed out waiting for the condition', 'timeout'],
    // Helm 3 and Helm 4 word it differently (error-texts.json: name-in-use)
    ['Error: INSTALLATION FAILED: cannot re-use a name that is still in use', 'name-in-use'],
    ['Error: uninstall: Release not loaded: iris: release: not found', 'release-not-found'],
    ['Error: path "./charts/missing" not found', 'chart-not-found'],
    ['Error: failed to download "oci://ghcr.io/x/chart"', 'chart-not-found'],
    ['Error: repo stable not found', 'chart-not-found'],
    ['Error: looks like "https://e.x" is not a valid chart repository or cannot be reached', 'chart-not-found'],
    ['Error: UPGRADE FAILED: release: already exists', 'other'],
    ['', 'other'],
  ])('%j -> %s', (stderr, kind) => {
    expect(classifyHelmError(stderr)).toBe(kind);
  });

  test('an operation in progress wins over the words that follow it (a pending release that also timed out)', () => {
    expect(
      classifyHelmError(
        'Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress\ncontext deadline exceeded',
      ),
    ).toBe('operation-in-progress');
  });

  test('helmErrorLine: the last Error line, else the last line, CRLF and blank lines aside', () => {
    expect(helmErrorLine('Error: first\r\nWARNING: x\r\nError: second\r\n\r\n')).toBe('second');
    expect(helmErrorLine('WARNING: kubeconfig is group-readable\nsomething broke\n')).toBe('something broke');
    expect(helmErrorLine('')).toBe('');
  });
});

describe('HelmCommandError', () => {
  test('names the command (verb and release) and helm’s error, with the fix for its kind', () => {
    const error = new HelmCommandError(
      ['upgrade', 'iris', './chart', '--install', '--set', 'image.tag=2'],
      1,
      'level=WARN msg="x"\nError: UPGRADE FAILED: context deadline exceeded\n',
    );
    expect(error).toBeInstanceOf(UserError);
    expect(error.name).toBe('UserError');
    expect(error.message).toBe('helm upgrade iris failed: UPGRADE FAILED: context deadline exceeded');
    expect(error.fix).toBe(
      'The pods did not become ready in time: check their events (`kubectl describe pod`), or raise `timeout`.',
    );
    expect([error.kind, error.exitCode, error.args[2]]).toEqual(['timeout', 1, './chart']);
  });

  test.each([
    ['Error: Kubernetes cluster unreachable: dial tcp', /kubeconfig the job uses \(KUBECONFIG, `kube-context`\)/],
    ['Error: release: not found', /Check `release` and `namespace`: `helm list -n NAMESPACE`/],
    ['Error: another operation (install/upgrade/rollback) is in progress', /`concurrency:`.*`recover-pending: true`/],
    ['Error: cannot reuse a name that is still in use', /serialise deploys of a release with `concurrency:`/],
    ['Error: path "c" not found', /Check the `chart` input/],
  ])('the fix for %j', (stderr, fix) => {
    expect(new HelmCommandError(['status', 'r'], 1, stderr).fix).toMatch(fix);
  });

  test('no fix for kinds the caller must explain; a fix given wins; empty stderr shows the exit code', () => {
    expect(new HelmCommandError(['rollback', 'r', '9'], 1, 'Error: release has no 9 version').fix).toBeUndefined();
    expect(new HelmCommandError(['rollback', 'r'], 1, 'Error: release: not found', 'Deploy it first.').fix).toBe(
      'Deploy it first.',
    );
    const killed = new HelmCommandError(['upgrade', 'r'], null, '');
    expect([killed.message, killed.kind]).toEqual(['helm upgrade r failed: exit code null', 'other']);
  });
});
