/**
 * The parsers against helm's own golden outputs (shared/corpus/helm, read in place) and the
 * outputs people pasted into helm's issues (version and error texts: version.test.ts, errors.test.ts).
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HelmOutputError, parseHistory, parseList, parseRelease, parseValues } from './parse.js';

const corpus =
  process.env.HELM_CORPUS_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus/helm');
const h3 = (f: string) => readFileSync(join(corpus, 'helm3-v3.21.4/cmd/helm/testdata/output', f), 'utf8');
const h4 = (f: string) => readFileSync(join(corpus, 'helm4-v4.2.4/pkg/cmd/testdata/output', f), 'utf8');

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
