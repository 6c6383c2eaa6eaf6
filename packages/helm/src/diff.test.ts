/**
 * The dry-run plan's diffs: rendered objects matched by kind, namespace and name (helm's
 * `# Source:` comments and key order do not count as changes), unified diffs per object, and
 * the values diff, as the plan prints them (packages/deploy/src/plan.ts).
 */
import { describe, expect, test } from '@jest/globals';
import { diffManifests, diffValues, formatManifestDiff, splitManifest } from './diff.js';

const service = (port: number, source = 'model-server/templates/service.yaml') => `---
# Source: ${source}
apiVersion: v1
kind: Service
metadata:
  name: iris
spec:
  ports:
    - port: ${port}
`;
const deployment = (tag: string) => `---
# Source: model-server/templates/deployment.yaml
kind: Deployment
apiVersion: apps/v1
metadata:
  namespace: ml
  name: iris
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: server
          image: ghcr.io/x/server:${tag}
`;

describe('splitManifest', () => {
  test('keys objects kind/namespace/name, the release namespace where the object names none', () => {
    const objects = splitManifest(service(80) + deployment('1'), 'prod');
    expect(objects.map((o) => o.key)).toEqual(['Service/prod/iris', 'Deployment/ml/iris']);
    expect(splitManifest(service(80)).map((o) => o.key)).toEqual(['Service/iris']);
  });

  test('sorts keys and drops comments, so a reordered or re-sourced object has the same text', () => {
    const [a] = splitManifest(deployment('1'));
    const reordered = deployment('1').replace(
      'kind: Deployment\napiVersion: apps/v1',
      'apiVersion: apps/v1\nkind: Deployment',
    );
    expect(splitManifest(reordered)[0]!.text).toBe(a!.text);
    expect(a!.text.startsWith('apiVersion: apps/v1\nkind: Deployment\n')).toBe(true);
    expect(a!.text).not.toContain('# Source');
  });

  test('skips empty and unparseable documents; an object without kind or name still counts', () => {
    const manifest = `---\n---\n# only a comment\n---\nkind: [unclosed\n---\nmetadata: {}\n---\n42\n`;
    expect(splitManifest(manifest).map((o) => o.key)).toEqual(['Unknown/(unnamed)']);
    expect(splitManifest('')).toEqual([]);
  });
});

describe('diffManifests', () => {
  test('nothing changed: every object unchanged, whatever the comments say', () => {
    const diff = diffManifests(service(80) + deployment('1'), service(80, 'other/path.yaml') + deployment('1'));
    expect(diff).toEqual({ changes: [], unchanged: 2 });
    expect(formatManifestDiff(diff)).toBe('no changes to the 2 rendered objects');
  });

  test('a changed image: one hunk with the old and new line and three lines of context', () => {
    const diff = diffManifests(service(80) + deployment('1'), service(80) + deployment('2'));
    expect(diff.unchanged).toBe(1);
    expect(diff.changes).toEqual([
      {
        key: 'Deployment/ml/iris',
        change: 'changed',
        lines: [
          '@@ -8,5 +8,5 @@',
          '   template:',
          '     spec:',
          '       containers:',
          '-        - image: ghcr.io/x/server:1',
          '+        - image: ghcr.io/x/server:2',
          '           name: server',
        ],
      },
    ]);
  });

  test('added and removed objects, in key order, with the context asked for', () => {
    const diff = diffManifests(deployment('1'), service(8080), { namespace: 'ml', context: 0 });
    expect(diff.changes.map((c) => [c.key, c.change])).toEqual([
      ['Deployment/ml/iris', 'removed'],
      ['Service/ml/iris', 'added'],
    ]);
    expect(diff.changes[1]!.lines[0]).toBe('@@ -1,0 +1,7 @@');
    expect(diff.changes[1]!.lines.slice(1).every((l) => l.startsWith('+'))).toBe(true);
    expect(diff.changes[1]!.lines).toContain('+    - port: 8080');
    expect(diff.changes[0]!.lines.slice(1).every((l) => l.startsWith('-'))).toBe(true);
  });

  test('the formatted diff: each object with its change, then the counts', () => {
    const text = formatManifestDiff(diffManifests(service(80), service(81)));
    expect(text).toBe(
      [
        'Service/iris (changed)',
        '@@ -4,4 +4,4 @@',
        '   name: iris',
        ' spec:',
        '   ports:',
        '-    - port: 80',
        '+    - port: 81',
        '(1 changed, 0 unchanged)',
      ].join('\n'),
    );
  });
});

describe('diffValues', () => {
  test('sorted YAML of both sides, unified with two lines of context; equal values give no lines', () => {
    expect(diffValues({ b: 1, a: { x: 1 } }, { a: { x: 1 }, b: 1 })).toEqual([]);
    expect(diffValues({ model: { name: 'iris', version: 3 } }, { model: { version: 4, name: 'iris' } })).toEqual([
      '@@ -1,3 +1,3 @@',
      ' model:',
      '   name: iris',
      '-  version: 3',
      '+  version: 4',
    ]);
  });

  test('no values on one side is an empty map, not "null"', () => {
    expect(diffValues(undefined, undefined)).toEqual([]);
    expect(diffValues(null, { replicas: 2 })).toEqual(['@@ -1,1 +1,1 @@', '-{}', '+replicas: 2']);
  });
});
