import { describe, expect, it, test } from '@jest/globals';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Helm } from '@mlops-gha/helm';
import { parse } from 'yaml';
import { clusterFixture } from '../../../test/cluster/fixture.js';
import { CHART } from '../../../test/cluster/tools.js';
import { HELM3 } from '../../../test/harness/helm-tools.js';
import { findModelKey, writeReleaseChart } from './redeploy.js';
import { STANDIN_CLUSTER, installStandin } from '../../../test/fixtures/deploy-support.js';

test('the model block is found where helm-deploy wrote it, the one naming the model first', () => {
  const block = (name: string) => ({ name, version: 3, storageUri: 'file:///r/x/versions/3/files/', sha256: 'ab' });
  expect(findModelKey({ replicaCount: 2, model: block('iris') }, 'iris')).toBe('model');
  expect(findModelKey({ serving: { shadow: block('other'), model: block('iris') } }, 'iris')).toBe('serving.model');
  expect(findModelKey({ serving: { shadow: block('other') } }, 'iris')).toBe('serving.shadow');
  expect(findModelKey({ image: { tag: '1' } }, 'iris')).toBe('model');
});

describe('writeReleaseChart (real helm 3.17.3 on the Kubernetes API double)', () => {
  const fx = clusterFixture(STANDIN_CLUSTER);
  it("writes the chart a revision was made from, out of helm's release record, as a chart folder", async () => {
    await installStandin(fx.cluster, 'iris', 'redeploy', ['replicaCount=2']);
    const helm = await Helm.detect(HELM3, { env: { ...process.env, ...fx.cluster.env } });
    const dir = join(await mkdtemp(join(tmpdir(), 'redeploy-')), 'chart');
    const chart = await writeReleaseChart(helm, { release: 'iris', namespace: 'redeploy' }, 1, dir);
    const original = parse(await readFile(join(CHART, 'Chart.yaml'), 'utf8')) as Record<string, string>;
    expect([chart.name, chart.version, chart.appVersion]).toEqual([
      original.name,
      original.version,
      original.appVersion,
    ]);
    expect(parse(await readFile(join(dir, 'Chart.yaml'), 'utf8'))).toMatchObject({
      apiVersion: 'v2',
      name: original.name,
      version: original.version,
      type: 'application',
    });
    // every template comes back byte for byte
    for (const name of await readdir(join(CHART, 'templates')))
      expect(await readFile(join(dir, 'templates', name))).toEqual(await readFile(join(CHART, 'templates', name)));
    // values.yaml: the values that revision computed (the chart's defaults with the --set ones)
    expect(parse(await readFile(join(dir, 'values.yaml'), 'utf8'))).toMatchObject({
      replicaCount: 2,
      model: { name: 'iris', storageUri: 'file:///models/v1' },
    });
  });
});
