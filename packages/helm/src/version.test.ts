/** `helm version` in the forms helm prints it, and the versions helm-deploy refuses. */
import { describe, expect, test } from '@jest/globals';
import { UserError } from '@mlops-gha/common';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSupported, MIN_HELM, parseHelmVersion, supportsServerDryRun } from './version.js';

const corpus =
  process.env.HELM_CORPUS_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus/helm');
const h3 = (f: string) => readFileSync(join(corpus, 'helm3-v3.21.4/cmd/helm/testdata/output', f), 'utf8');
const captured = JSON.parse(readFileSync(join(corpus, 'captured-in-issues.json'), 'utf8')) as {
  helm_version_outputs: { output: string; helm_major: number; matches_helm_tag?: string }[];
  helm2_version_output_for_negative_tests: { output: string }[];
};

describe('version', () => {
  test('every released helm version line from the issues parses to its tag', () => {
    for (const v of captured.helm_version_outputs) {
      const parsed = parseHelmVersion(v.output);
      expect(parsed.major).toBe(v.helm_major);
      if (v.matches_helm_tag && /^v\d[\w.+-]*$/.test(v.matches_helm_tag))
        expect(parsed.text).toBe(v.matches_helm_tag.split('+')[0]);
    }
  });
  test('the real binaries, --short and --template forms', () => {
    expect(
      parseHelmVersion(
        'version.BuildInfo{Version:"v4.1.4", GitCommit:"05fa37973dc9e42b76e1d2883494c87174b6074f", GitTreeState:"clean", GoVersion:"go1.25.9", KubeClientVersion:"v1.35"}',
      ),
    ).toEqual({ major: 4, minor: 1, patch: 4, text: 'v4.1.4' });
    expect(parseHelmVersion('v3.16.3+gcfd0749\n')).toMatchObject({ major: 3, minor: 16, patch: 3 });
    expect(parseHelmVersion('v4.2')).toMatchObject({ major: 4, minor: 2, patch: 0 });
    expect(parseHelmVersion(h3('version.txt'))).toMatchObject({ major: 3, minor: 21 });
  });
  test('Helm 2 and Helm 3 before 3.8 are refused with what to install', () => {
    const helm2 = parseHelmVersion(captured.helm2_version_output_for_negative_tests[0]!.output);
    expect(helm2.major).toBe(2);
    expect(() => checkSupported(helm2)).toThrow(/Helm v2\.14\.3; helm-deploy needs Helm 3\.8 or newer/);
    expect(() => checkSupported(parseHelmVersion('v3.7.1+g1d11fcb'))).toThrow(/needs Helm 3\.8/);
    expect(checkSupported(parseHelmVersion('v3.8.0')).minor).toBe(8);
    expect(() => parseHelmVersion('command not found')).toThrow(/Could not read the Helm version/);
  });
});

describe('version: what a user sees', () => {
  test('an unreadable version names the binary, quotes what it printed, and says what to install', () => {
    let error: unknown;
    try {
      parseHelmVersion('bash: helm: command not found\n', '/opt/bin/helm');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      'Could not read the Helm version from `/opt/bin/helm version`: "bash: helm: command not found"',
    );
    expect((error as UserError).fix).toBe(
      'Install Helm 3.8 or newer before this step, e.g. `uses: azure/setup-helm@v4`, or point the `helm` input at a helm binary.',
    );
    expect(() => parseHelmVersion('')).toThrow(/Could not read the Helm version from `helm version`: ""/);
  });

  test('a refused version names the binary and the version it is', () => {
    expect(() => checkSupported(parseHelmVersion('v3.7.2'), './tools/helm')).toThrow(
      './tools/helm is Helm v3.7.2; helm-deploy needs Helm 3.8 or newer (Helm 3 or 4)',
    );
    expect(MIN_HELM).toEqual({ major: 3, minor: 8 });
  });

  test('pre-releases and build metadata: the text keeps the pre-release, drops the build', () => {
    expect(parseHelmVersion('version.BuildInfo{Version:"v3.18.0-rc.1", GitCommit:"abc"}')).toEqual({
      major: 3,
      minor: 18,
      patch: 0,
      text: 'v3.18.0-rc.1',
    });
    expect(parseHelmVersion('v3.16.3+gcfd0749').text).toBe('v3.16.3');
  });

  test('server-side dry runs from Helm 3.13 on, and on every Helm 4', () => {
    expect(supportsServerDryRun(parseHelmVersion('v3.12.3'))).toBe(false);
    expect(supportsServerDryRun(parseHelmVersion('v3.13.0'))).toBe(true);
    expect(supportsServerDryRun(parseHelmVersion('v4.0.0'))).toBe(true);
    expect(supportsServerDryRun(parseHelmVersion('v4.1.4'))).toBe(true);
  });
});
