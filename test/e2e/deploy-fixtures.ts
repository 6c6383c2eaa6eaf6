/**
 * What the helm-deploy and rollback end-to-end tests share: a folder registry holding real
 * ONNX models pushed with their stored samples (registry-push's sample-data contract: OIP v2
 * inputs and the model's own outputs, computed with onnxruntime-node), the Kubernetes API
 * double running the real model server, and the GitHub API double.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOnnxRuntime } from '@mlops-gha/onnx';
import { buildSample, collectModelFiles, Registry } from '@mlops-gha/registry';
import { logisticClassifierModel, writeModel } from '../harness/onnx-models.js';
import { CHART, run, runJson } from '../cluster/tools.js';
import type { Cluster } from '../cluster/index.js';
import type { GitHubApiDouble } from '../doubles/github-api.js';
import { runAction } from '../harness/run-action.js';

export const MODEL = 'iris';

export interface HistoryRow {
  revision: number;
  status: string;
  description: string;
}

/** Pushes versions 1..n of a 4-feature classifier (different weights each), each with a stored sample. */
export async function seedRegistry(
  versions: number,
  options: { badSampleVersion?: number } = {},
): Promise<{ root: string; registry: Registry }> {
  const root = await mkdtemp(join(tmpdir(), 'deploy-registry-'));
  const work = await mkdtemp(join(tmpdir(), 'deploy-models-'));
  const data = join(work, 'holdout.csv');
  const rows = ['f1,f2,f3,f4,label'];
  for (let i = 0; i < 40; i++)
    rows.push([Math.sin(i), Math.cos(i * 0.7), (i % 7) / 7, (i % 3) - 1, i % 2].map((v) => v.toFixed(4)).join(','));
  await writeFile(data, `${rows.join('\n')}\n`);
  const registry = Registry.open(root, { actor: 'octocat' });
  for (let v = 1; v <= versions; v++) {
    await mkdir(join(work, `v${v}`));
    const model = await writeModel(
      join(work, `v${v}`, 'model.onnx'),
      logisticClassifierModel({ weights: [0.5 * v, -0.25, 0.1 * v, 1 - v * 0.2], bias: 0.05 * v }),
    );
    const sample = await buildSample(model, data, 16);
    if (options.badSampleVersion === v) {
      // a sample whose recorded outputs the model does not give: the smoke test must notice
      const probs = sample.outputs.find((o) => o.name === 'probabilities')!;
      probs.data = (probs.data as number[]).map((p, i) => (i === 5 ? 1 - p : p));
    }
    await registry.push({
      name: MODEL,
      files: await collectModelFiles([model]),
      metrics: {},
      params: {},
      lineage: { git_sha: null, git_ref: null, repository: null, run_url: null, run_id: null, data_version: null },
      tags: {},
      description: `v${v}`,
      attachments: { sample: { body: Buffer.from(JSON.stringify(sample)), rows: sample.rows } },
    });
  }
  return { root, registry };
}

/** The probabilities a version's model file gives for the row [1, 2, 3, 4], straight from onnxruntime. */
export async function expectedProbabilities(registry: Registry, version: number): Promise<number[]> {
  const dir = await mkdtemp(join(tmpdir(), 'deploy-expected-'));
  await registry.download(MODEL, version, dir);
  const ort = await loadOnnxRuntime();
  const session = await ort.InferenceSession.create(join(dir, 'model.onnx'));
  const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4]), [1, 4]) });
  return Array.from(out.probabilities!.data as Float32Array);
}

/** Tokens long enough that the runner's masking of them (they are secrets) never hides a word of a message. */
export const WRITE_TOKEN = 'ghs_deployWriteToken0000000000000000';
export const READ_TOKEN = 'ghs_deployReadOnlyToken000000000000000';

/** What a deploy test file works against; filled in by the beforeAll that `deployWorld` registers. */
export interface DeployWorld {
  cluster: Cluster;
  api: GitHubApiDouble;
  registry: Registry;
  /** The registry's folder (the actions' `registry` input). */
  root: string;
}

/** Which release a test works on, with which helm. */
export interface ReleaseUnderTest {
  helm: string;
  release: string;
  namespace: string;
}

/** helm-deploy's inputs for a registry model on the example chart, `extra` last. */
export function deployInputs(world: DeployWorld, r: ReleaseUnderTest, extra: Record<string, string> = {}) {
  return {
    release: r.release,
    chart: CHART,
    namespace: r.namespace,
    'create-namespace': 'true',
    'model-name': MODEL,
    registry: world.root,
    helm: r.helm,
    timeout: '90s',
    ...extra,
  };
}

/** Runs the rollback bundle on the release (with the world's registry), `inputs` last. */
export function rollbackAction(world: DeployWorld, r: ReleaseUnderTest, inputs: Record<string, string>) {
  return runAction('rollback', {
    inputs: { release: r.release, namespace: r.namespace, helm: r.helm, registry: world.root, ...inputs },
    env: world.cluster.env,
    node: '24',
    apiUrl: world.api.url,
  });
}

/** Deploys each version in turn with the helm-deploy bundle (a pipeline's earlier runs); throws with the log on a failure. */
export async function deployVersions(
  world: DeployWorld,
  o: ReleaseUnderTest & { versions: number[]; inputs?: Record<string, string> },
): Promise<void> {
  for (const version of o.versions) {
    const r = await runAction('helm-deploy', {
      inputs: deployInputs(world, o, { 'model-version': String(version), ...o.inputs }),
      env: world.cluster.env,
      node: '24',
    });
    if (r.exitCode !== 0) throw new Error(`setup deploy of ${version} failed:\n${r.log.join('\n')}`);
  }
}

/** The message of the step's error annotation ('' when it has none). */
export const errorMessage = (r: { annotations: { level: string; message: string }[] }) =>
  r.annotations.find((a) => a.level === 'error')?.message ?? '';

export async function helmHistory(
  helm: string,
  release: string,
  namespace: string,
  cluster: Cluster,
): Promise<HistoryRow[]> {
  return (await runJson<HistoryRow[]>(helm, ['history', release, '-n', namespace, '-o', 'json'], cluster)).map((h) => ({
    revision: h.revision,
    status: h.status,
    description: h.description,
  }));
}

/** What the pods behind the release's Service really serve: model version and the outputs for a row. */
export async function served(
  url: string | undefined,
  model = MODEL,
): Promise<{ versions: string[]; probabilities: number[] }> {
  if (!url) throw new Error('the Service has no loopback URL');
  const meta = (await (await fetch(`${url}/v2/models/${model}`)).json()) as { versions?: string[] };
  const infer = (await (
    await fetch(`${url}/v2/models/${model}/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] }),
    })
  ).json()) as { outputs: { name: string; data: number[] }[] };
  return {
    versions: meta.versions ?? [],
    probabilities: infer.outputs.find((o) => o.name === 'probabilities')?.data ?? [],
  };
}

export { run };
