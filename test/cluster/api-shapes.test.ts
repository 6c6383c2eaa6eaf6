/**
 * The double's answers against shapes transcribed from Kubernetes' documentation
 * (fixtures/k8s-api-reference.json), and the strategic merge patch examples of the
 * "Update API Objects in Place Using kubectl patch" task page sent by real kubectl.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KUBECTL4, requireHelmTools } from '../harness/helm-tools.js';
import { startCluster, type Cluster } from './index.js';
import type { K8sObject } from './status.js';
import { run, runJson } from './tools.js';

const reference = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures/k8s-api-reference.json'), 'utf8'),
);

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster();
});
afterAll(async () => cluster?.stop());

/** Same keys (all the reference's), same JSON types; strings the reference spells out as values other than "string" must match. */
function expectShape(actual: unknown, expected: unknown, path = '$'): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual)).toBe(true);
    for (const item of actual as unknown[]) expectShape(item, expected[0], `${path}[]`);
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    expect([path, typeof actual, actual === null]).toEqual([path, 'object', false]);
    for (const [k, v] of Object.entries(expected)) {
      expect([path, k, k in (actual as object)]).toEqual([path, k, true]);
      expectShape((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
    }
    return;
  }
  expect([path, typeof actual]).toEqual([path, typeof expected]);
  if (typeof expected === 'string' && expected !== 'string' && !path.endsWith('resourceVersion'))
    expect([path, actual]).toEqual([path, expected]);
  if (typeof expected === 'number' && path.endsWith('code')) expect(actual).toBe(expected);
}

async function api(path: string, init: RequestInit = {}): Promise<{ status: number; type: string; body: K8sObject }> {
  const response = await fetch(`${cluster.url}${path}`, init);
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: (await response.json()) as K8sObject,
  };
}

const configMap = (name: string, extra: object = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...extra },
  data: { a: '1' },
});
const post = (path: string, obj: object) =>
  api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(obj) });

describe('Status bodies', () => {
  test('a 404 is byte for byte the api-conventions example', async () => {
    const got = await api('/api/v1/namespaces/default/pods/grafana');
    expect(got.status).toBe(reference.status404.code);
    expect(got.type).toBe(reference.status404.contentType);
    expect(JSON.stringify(got.body)).toBe(JSON.stringify(reference.status404.body));
  });

  test('creating an existing object is 409 AlreadyExists', async () => {
    expect((await post('/api/v1/namespaces/default/configmaps', configMap('twice'))).status).toBe(201);
    const got = await post('/api/v1/namespaces/default/configmaps', configMap('twice'));
    expect(got.status).toBe(reference.status409AlreadyExists.code);
    expectShape(got.body, reference.status409AlreadyExists.body);
    expect(got.body.details).toEqual({ name: 'twice', kind: 'configmaps' });
  });

  test('an update with a stale resourceVersion is 409 Conflict and changes nothing', async () => {
    const created = await post('/api/v1/namespaces/default/configmaps', configMap('raced'));
    const stale = created.body.metadata.resourceVersion;
    const first = await api('/api/v1/namespaces/default/configmaps/raced', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...configMap('raced', { resourceVersion: stale }), data: { a: '2' } }),
    });
    expect(first.status).toBe(200);
    expect(Number(first.body.metadata.resourceVersion)).toBeGreaterThan(Number(stale));
    const second = await api('/api/v1/namespaces/default/configmaps/raced', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...configMap('raced', { resourceVersion: stale }), data: { a: '3' } }),
    });
    expect(second.status).toBe(reference.status409Conflict.code);
    expectShape(second.body, reference.status409Conflict.body);
    expect((await api('/api/v1/namespaces/default/configmaps/raced')).body.data).toEqual({ a: '2' });
  });

  test('an invalid Deployment is 422 Invalid with field causes, and nothing is stored', async () => {
    const got = await post('/apis/apps/v1/namespaces/default/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'Bad_Name' },
      spec: {
        selector: { matchLabels: { a: 'b' } },
        template: { metadata: { labels: { a: 'c' } }, spec: { containers: [] } },
      },
    });
    expect([got.status, got.body.reason]).toEqual([422, 'Invalid']);
    expect(got.body.details.causes.map((c: K8sObject) => c.field)).toEqual([
      'metadata.name',
      'spec.template.spec.containers',
      'spec.template.metadata.labels',
    ]);
    expect((await api('/apis/apps/v1/namespaces/default/deployments')).body.items).toEqual([]);
  });

  test('fieldValidation=Strict refuses unknown fields; dryRun=All stores nothing', async () => {
    const strict = await post('/api/v1/namespaces/default/configmaps?fieldValidation=Strict', {
      ...configMap('strict'),
      extra: 1,
    });
    expect([strict.status, strict.body.reason]).toEqual([400, 'BadRequest']);
    expect(strict.body.message).toContain('strict decoding error: unknown field "extra"');
    const dry = await post('/api/v1/namespaces/default/configmaps?dryRun=All', configMap('dry'));
    expect(dry.status).toBe(201);
    expect((await api('/api/v1/namespaces/default/configmaps/dry')).status).toBe(404);
  });
});

describe('discovery', () => {
  test('/api, /apis and the resource lists have the documented fields', async () => {
    expectShape((await api('/api')).body, reference.discovery.apiVersions);
    const groups = (await api('/apis')).body;
    expectShape(groups, {
      ...reference.discovery.apiGroupList,
      groups: [
        {
          name: 'string',
          versions: [{ groupVersion: 'string', version: 'string' }],
          preferredVersion: { groupVersion: 'string', version: 'string' },
        },
      ],
    });
    expect(groups.groups.find((g: K8sObject) => g.name === 'apps')).toEqual(reference.discovery.apiGroupList.groups[0]);
    for (const path of ['/api/v1', '/apis/apps/v1']) {
      const list = (await api(path)).body;
      expect(list.kind).toBe('APIResourceList');
      expect(typeof list.groupVersion).toBe('string');
      for (const resource of list.resources) expectShape(resource, reference.discovery.apiResource);
    }
  });

  test('aggregated discovery is refused by answering the plain document as application/json', async () => {
    const got = await api('/apis', {
      headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' },
    });
    expect(got.type).toBe('application/json');
    expect(got.body.kind).toBe('APIGroupList');
  });

  test('kubectl api-resources lists the kinds a model chart uses', async () => {
    requireHelmTools();
    const ran = await run(KUBECTL4, ['api-resources', '-o', 'name'], cluster);
    expect(ran.code).toBe(0);
    for (const name of [
      'configmaps',
      'namespaces',
      'pods',
      'secrets',
      'serviceaccounts',
      'services',
      'deployments.apps',
      'replicasets.apps',
      'customresourcedefinitions.apiextensions.k8s.io',
    ]) {
      expect(ran.stdout.split('\n')).toContain(name);
    }
  });
});

/** Reads newline-separated JSON events from a watch until `count` arrived. */
async function readEvents(
  path: string,
  count: number,
  during?: () => Promise<unknown>,
): Promise<{ type: string; events: K8sObject[] }> {
  const controller = new AbortController();
  const response = await fetch(`${cluster.url}${path}`, { signal: controller.signal });
  const reader = response.body!.getReader();
  const events: K8sObject[] = [];
  let buffered = '';
  const pending = during?.();
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += Buffer.from(value).toString('utf8');
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buffered.slice(0, newline)));
      buffered = buffered.slice(newline + 1);
    }
  }
  await pending;
  controller.abort();
  return { type: response.headers.get('content-type') ?? '', events };
}

describe('watch', () => {
  test("a watch from a list's resourceVersion streams the documented event shape", async () => {
    await post('/api/v1/namespaces/default/configmaps', configMap('before-watch'));
    const list = (await api('/api/v1/namespaces/default/configmaps')).body;
    const { type, events } = await readEvents(
      `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${list.metadata.resourceVersion}`,
      1,
      () => post('/api/v1/namespaces/default/configmaps', configMap('during-watch')),
    );
    expect(type).toBe(reference.watchEvent.contentType);
    expectShape(events[0], {
      ...reference.watchEvent.event,
      object: { ...reference.watchEvent.event.object, kind: 'ConfigMap' },
    });
    expect(events[0]?.object.metadata.name).toBe('during-watch');
    expect(Number(events[0]?.object.metadata.resourceVersion)).toBeGreaterThan(Number(list.metadata.resourceVersion));
  });

  test('a watch-list sends the existing objects, then the documented initial-events-end BOOKMARK, then changes', async () => {
    await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'wl' } });
    await post('/api/v1/namespaces/wl/configmaps', configMap('one'));
    await post('/api/v1/namespaces/wl/configmaps', configMap('two'));
    const { events } = await readEvents(
      '/api/v1/namespaces/wl/configmaps?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan',
      4,
      () =>
        new Promise((r) => setTimeout(r, 200)).then(() => post('/api/v1/namespaces/wl/configmaps', configMap('three'))),
    );
    expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'one'],
      ['ADDED', 'two'],
      ['BOOKMARK', undefined],
      ['ADDED', 'three'],
    ]);
    expectShape(events[2], {
      ...reference.watchListBookmark.event,
      object: { ...reference.watchListBookmark.event.object, kind: 'ConfigMap' },
    });
  });

  test('sendInitialEvents without resourceVersionMatch=NotOlderThan is 422 Invalid', async () => {
    const got = await api('/api/v1/namespaces/default/configmaps?watch=1&sendInitialEvents=true');
    expect([got.status, got.body.reason]).toEqual([422, 'Invalid']);
  });
});

describe('strategic merge patch, as the kubectl patch task page shows it (real kubectl sends the patches)', () => {
  const name = 'patch-demo';
  const get = () => runJson(KUBECTL4, ['get', 'deployment', name, '-o', 'json'], cluster);
  const patch = (body: object, type = 'strategic') =>
    run(KUBECTL4, ['patch', 'deployment', name, '--type', type, '--patch', JSON.stringify(body)], cluster);

  beforeAll(async () => {
    requireHelmTools();
    const created = await post('/apis/apps/v1/namespaces/default/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'nginx' } },
        template: {
          metadata: { labels: { app: 'nginx' } },
          spec: {
            containers: [{ name: 'patch-demo-ctr', image: 'nginx' }],
            tolerations: [{ effect: 'NoSchedule', key: 'dedicated', value: 'test-team' }],
          },
        },
      },
    });
    expect(created.status).toBe(201);
  });

  test('containers merge on their name: the page shows redis first, then nginx', async () => {
    expect(
      (await patch({ spec: { template: { spec: { containers: [{ name: 'patch-demo-ctr-2', image: 'redis' }] } } } }))
        .code,
    ).toBe(0);
    expect((await get()).spec.template.spec.containers.map((c: K8sObject) => [c.name, c.image])).toEqual([
      ['patch-demo-ctr-2', 'redis'],
      ['patch-demo-ctr', 'nginx'],
    ]);
  });

  test('tolerations have no merge key: the patch replaces the list', async () => {
    expect(
      (
        await patch({
          spec: { template: { spec: { tolerations: [{ effect: 'NoSchedule', key: 'disktype', value: 'ssd' }] } } },
        })
      ).code,
    ).toBe(0);
    expect((await get()).spec.template.spec.tolerations).toEqual([
      { effect: 'NoSchedule', key: 'disktype', value: 'ssd' },
    ]);
  });

  test('$retainKeys drops the strategy keys it does not list', async () => {
    expect((await get()).spec.strategy.rollingUpdate).toBeDefined();
    expect((await patch({ spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } })).code).toBe(0);
    expect((await get()).spec.strategy).toEqual({ type: 'Recreate' });
  });

  test('$setElementOrder and $patch: delete, as helm 3 three-way patches send them', async () => {
    expect(
      (await patch({ spec: { template: { spec: { containers: [{ name: 'patch-demo-ctr-2', $patch: 'delete' }] } } } }))
        .code,
    ).toBe(0);
    expect((await get()).spec.template.spec.containers.map((c: K8sObject) => c.name)).toEqual(['patch-demo-ctr']);
    const body = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'b' }, { name: 'patch-demo-ctr' }],
            containers: [{ name: 'b', image: 'busybox', env: [{ name: 'G', value: 'two' }] }],
          },
        },
      },
    };
    expect((await patch(body)).code).toBe(0);
    expect((await get()).spec.template.spec.containers.map((c: K8sObject) => c.name)).toEqual(['b', 'patch-demo-ctr']);
  });

  test('a JSON merge patch replaces the whole containers list, as the page shows', async () => {
    expect(
      (
        await patch(
          {
            spec: {
              template: {
                spec: { containers: [{ name: 'patch-demo-ctr-3', image: 'gcr.io/google-samples/hello-app:2.0' }] },
              },
            },
          },
          'merge',
        )
      ).code,
    ).toBe(0);
    expect((await get()).spec.template.spec.containers.map((c: K8sObject) => c.name)).toEqual(['patch-demo-ctr-3']);
  });

  test('kubectl get prints the server-side table columns (NAME READY UP-TO-DATE AVAILABLE AGE)', async () => {
    const ran = await run(KUBECTL4, ['get', 'deployment', name], cluster);
    expect(ran.code).toBe(0);
    const [header, row] = ran.stdout.trim().split('\n');
    expect(header?.split(/\s+/)).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    expect(row?.split(/\s+/)[0]).toBe(name);
  });
});
