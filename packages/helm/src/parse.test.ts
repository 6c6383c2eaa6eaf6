/**
 * The parsers against helm's own golden outputs (shared/corpus/helm, read in place) and the
 * outputs people pasted into helm's issues.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifyHelmError, helmErrorLine } from './errors.js';
import { HelmOutputError, parseHistory, parseList, parseRelease, parseValues } from './parse.js';
import { checkSupported, parseHelmVersion } from './version.js';

const corpus =
  process.env.HELM_CORPUS_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus/helm');
const h3 = (f: string) => readFileSync(join(corpus, 'helm3-v3.21.4/cmd/helm/testdata/output', f), 'utf8');
const h4 = (f: string) => readFileSync(join(corpus, 'helm4-v4.2.4/pkg/cmd/testdata/output', f), 'utf8');
const captured = JSON.parse(readFileSync(join(corpus, 'captured-in-issues.json'), 'utf8')) as {
  helm_version_outputs: { output: string; helm_major: number; matches_helm_tag?: string }[];
  helm2_version_output_for_negative_tests: { output: string }[];
  error_outputs: { kind: string; output: string }[];
};

describe('history', () => {
  test.each([
    ['helm 3', h3],
    ['helm 4', h4],
  ])('%s golden history.json', (_, read) => {
    const history = parseHistory(read('history.json'));
    expect(history.map((h) => [h.revision, h.status])).toEqual([
      [3, 'superseded'],
      [4, 'deployed'],
    ]);
    expect(history[0]).toEqual({
      revision: 3,
      updated: '1977-09-02T22:04:05Z',
      status: 'superseded',
      chart: 'foo-0.1.0-beta.1',
      app_version: '1.0',
      description: 'Release mock',
    });
  });
  test('Helm 4 leaves out a zero `updated`; unknown statuses and non-arrays are refused', () => {
    expect(
      parseHistory('[{"revision":1,"status":"failed","chart":"c-1","app_version":"","description":"x"}]')[0]!.updated,
    ).toBe('');
    expect(() => parseHistory('[{"revision":1,"status":"exploded"}]')).toThrow(HelmOutputError);
    expect(() => parseHistory('{"revision":1}')).toThrow(/expected a JSON array/);
    expect(() => parseHistory('Error: nope')).toThrow(/not JSON/);
  });
});

describe('status', () => {
  test('Helm 3 prints empty times as "", Helm 4 omits them: both parse the same', () => {
    const a = parseRelease(h3('status.json'));
    const b = parseRelease(h4('status.json'));
    expect(a).toEqual(b);
    expect(a).toMatchObject({
      name: 'flummoxed-chickadee',
      namespace: 'default',
      status: 'deployed',
      lastDeployed: '2016-01-16T00:00:00Z',
      config: {},
    });
  });
  test('upgrade -o json carries the chart metadata', () => {
    const r = parseRelease(
      JSON.stringify({
        name: 'r',
        namespace: 'ml',
        version: 3,
        info: { status: 'deployed', description: 'Upgrade complete' },
        config: { a: 1 },
        manifest: '---\nkind: X',
        chart: { metadata: { name: 'model-server', version: '0.2.0', appVersion: '1.0' } },
      }),
      'upgrade',
    );
    expect(r).toMatchObject({
      revision: 3,
      config: { a: 1 },
      chart: { name: 'model-server', version: '0.2.0', appVersion: '1.0' },
    });
  });
  test('oci:// pulls print Pulled:/Digest: on stdout before the JSON (Helm 4.2.1+)', () => {
    expect(
      parseRelease('Pulled: ghcr.io/x/c:1\nDigest: sha256:00\n{"name":"r","version":2,"info":{"status":"deployed"}}\n')
        .revision,
    ).toBe(2);
  });
});

test('list: revision is a string there', () => {
  expect(parseList(h4('list-json.txt'))).toEqual([
    {
      name: 'test-release',
      namespace: 'default',
      revision: 1,
      status: 'deployed',
      chart: 'test-chart-1.0.0',
      app_version: '0.0.1',
      updated: '2016-01-16 00:00:00 +0000 UTC',
    },
  ]);
});

test('get values: null (no user values) is {}', () => {
  expect(parseValues('null\n')).toEqual({});
  expect(parseValues('{"model":{"version":3}}')).toEqual({ model: { version: 3 } });
  expect(() => parseValues('[1]')).toThrow(HelmOutputError);
});

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
