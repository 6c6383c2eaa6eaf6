/**
 * Test scaffolding shared by deploy's per-module test files (never imported by the package's
 * sources, not exported by index.ts): helm-deploy settings for the example chart and a folder
 * registry, the job environment a cluster test runs deploy() and rollback() in, and a release
 * of the example chart whose pods run the stand-in model server.
 */
import type { Cluster, ClusterOptions } from '../../../test/cluster/index.js';
import { CHART, STANDIN_SERVER, run, upgradeArgs } from '../../../test/cluster/tools.js';
import { MODEL } from '../../../test/e2e/deploy-fixtures.js';
import { HELM3 } from '../../../test/harness/helm-tools.js';
import type { DeploySettings } from './deploy.js';

/** helm-deploy of `model-name` iris (version 1 unless given) from the registry at `registry`, with helm 3. */
export function deploySettings(o: Partial<DeploySettings> & { registry: string; workDir: string }): DeploySettings {
  return {
    release: 'iris',
    namespace: 'ml',
    chart: CHART,
    createNamespace: true,
    valuesFiles: [],
    modelValuesKey: 'model',
    model: { name: MODEL, version: 1 },
    wait: true,
    timeout: '90s',
    rollbackOnFailure: false,
    historyMax: 10,
    dryRun: false,
    promoteAlias: 'production',
    recoverPending: false,
    helm: HELM3,
    ...o,
  };
}

/**
 * Puts the cluster's KUBECONFIG and helm folders into process.env, as a runner's job
 * environment holds them (deploy() and rollback() read it); the returned function restores it.
 */
export function useClusterEnv(cluster: Cluster): () => void {
  const saved = { ...process.env };
  Object.assign(process.env, cluster.env);
  return () => {
    for (const k of Object.keys(cluster.env)) if (saved[k] === undefined) delete process.env[k];
    Object.assign(process.env, saved);
  };
}

/** Pods of the example chart run the stand-in server, which echoes the model URI it was given. */
export const STANDIN_CLUSTER: ClusterOptions = {
  localImages: { 'mlops-model-server': [process.execPath, STANDIN_SERVER] },
};

/** `helm upgrade --install --wait` of the example chart serving iris from file:///models/v1 (`set`: more values). */
export async function installStandin(
  cluster: Cluster,
  release: string,
  namespace: string,
  set: string[] = [],
): Promise<void> {
  const values = ['model.storageUri=file:///models/v1', 'model.name=iris', 'model.version=1', ...set];
  const args = upgradeArgs(release, namespace, {
    install: true,
    createNamespace: true,
    wait: '--wait',
    timeout: '60s',
    set: values,
  });
  const installed = await run(HELM3, args, cluster);
  if (installed.code !== 0) throw new Error(`helm install of ${release} failed: ${installed.stderr}`);
}
