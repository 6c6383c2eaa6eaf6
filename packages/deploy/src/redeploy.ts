/**
 * Redeploying a model version that helm's history no longer holds (pruned by `history-max`):
 * `helm rollback` cannot reach it, so the release is upgraded with its current chart, read
 * back from helm's own release record (no chart source needed), the current revision's values,
 * and the model block of the version asked for (from the registry, verified).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UserError } from '@mlops-gha/common';
import type { Helm, ReleaseChart, Target } from '@mlops-gha/helm';
import { stringify } from 'yaml';
import type { Values } from './values.js';

/** Writes the chart revision `revision` was made from into `dir`, as a chart folder helm can install. */
export async function writeReleaseChart(
  helm: Helm,
  target: Target,
  revision: number,
  dir: string,
): Promise<ReleaseChart> {
  const chart = await helm.chart(target, revision);
  if (chart.dependencies > 0)
    throw new UserError(
      `The chart of ${target.release} revision ${revision} (${chart.name}-${chart.version}) has subcharts, which helm does not keep with a release, so it cannot be redeployed from the release record`,
      { fix: 'Redeploy the version with helm-deploy (`model-version`) and the chart from your repository.' },
    );
  const meta: Record<string, string> = { apiVersion: chart.apiVersion, name: chart.name, version: chart.version };
  for (const [key, value] of [
    ['appVersion', chart.appVersion],
    ['description', chart.description],
    ['type', chart.type],
    ['kubeVersion', chart.kubeVersion],
  ] as const)
    if (value) meta[key] = value;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, 'Chart.yaml'), stringify(meta));
  // the chart's defaults as that revision computed them; the user's own values go in separately
  await writeFile(join(dir, 'values.yaml'), stringify(await helm.allValues(target, revision), { lineWidth: 0 }));
  for (const file of chart.files) {
    const path = join(dir, file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.data);
  }
  return chart;
}

const isMap = (v: unknown): v is Values => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The values key of the model block helm-deploy wrote (`model`, or the `model-values-key` it was
 * given): the map holding name, version, storageUri and sha256, the one naming `model` first.
 */
export function findModelKey(values: Values, model: string): string {
  const found: { key: string; named: boolean }[] = [];
  const walk = (node: Values, path: string[]) => {
    if (path.length > 4) return;
    if (path.length && 'storageUri' in node && 'sha256' in node && 'version' in node)
      found.push({ key: path.join('.'), named: node.name === model });
    for (const [k, v] of Object.entries(node)) if (isMap(v)) walk(v, [...path, k]);
  };
  walk(values, []);
  return (found.find((f) => f.named) ?? found[0])?.key ?? 'model';
}
