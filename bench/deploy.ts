/**
 * helm-deploy and rollback overhead (`npm run bench:deploy`), with the real helm 3.17.3 and
 * 4.1.4 against the Kubernetes API double (real model-server pods), in the same run:
 *   1. a deploy of a new registry version with the smoke test (plan, upgrade --wait, smoke):
 *      the action's own time = its total minus the time spent inside helm processes
 *      (goal: under 1 s);
 *   2. a rollback end to end (history, registry check, plan, helm rollback --wait, alias, audit)
 *      against `helm rollback --wait` alone on the same release, as a ratio.
 * Functions are called in process (the action bundles call the same ones).
 */
import { consoleLogger, silentLogger } from '@mlops-gha/common';
import { deploy, rollback, type DeploySettings } from '@mlops-gha/deploy';
import { startCluster } from '../test/cluster/index.js';
import { CHART, run } from '../test/cluster/tools.js';
import { HELM_TOOLCHAINS, requireHelmTools } from '../test/harness/helm-tools.js';
import { MODEL, seedRegistry } from '../test/e2e/deploy-fixtures.js';

requireHelmTools();
const cluster = await startCluster();
Object.assign(process.env, cluster.env);
const { root, registry } = await seedRegistry(3);
const logger = process.env.BENCH_VERBOSE ? consoleLogger() : silentLogger;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
try {
  for (const { major, helm } of HELM_TOOLCHAINS) {
    const release = `bench-h${major}`;
    const namespace = `bench-h${major}`;
    const base: DeploySettings = {
      release,
      namespace,
      chart: CHART,
      createNamespace: true,
      valuesFiles: [],
      modelValuesKey: 'model',
      registry: root,
      wait: true,
      timeout: '120s',
      rollbackOnFailure: true,
      historyMax: 20,
      dryRun: false,
      recoverPending: false,
      helm,
      workDir: '/tmp',
    };
    const first = await deploy({ ...base, model: { name: MODEL, version: 1 } }, { logger });
    if (first.failure) throw first.failure;
    const url = cluster.serviceUrl(namespace, release);
    const second = await deploy(
      { ...base, model: { name: MODEL, version: 2 }, ...(url ? { smokeTestUrl: url } : {}) },
      { logger },
    );
    if (second.failure) throw second.failure;
    const own = second.totalMs - second.helmMs;
    console.log(
      `helm ${major}: deploy total ${s(second.totalMs)}, inside helm ${s(second.helmMs)}, helm-deploy's own time ${s(own)} (goal < 1 s: ${own < 1000 ? 'met' : 'NOT met'}; smoke test ${second.smoke?.equivalence})`,
    );

    const rb = await rollback(
      { release, namespace, reason: 'bench', dryRun: false, registry: root, helm, wait: true, timeout: '120s' },
      { logger },
    );
    if (rb.failure) throw rb.failure;
    const t0 = performance.now();
    const alone = await run(
      helm,
      ['rollback', release, String(rb.fromRevision), '-n', namespace, '--wait', '--timeout', '120s'],
      cluster,
      180_000,
    );
    const aloneMs = performance.now() - t0;
    if (alone.code !== 0) throw new Error(alone.stderr);
    console.log(
      `helm ${major}: rollback end to end ${s(rb.totalMs)} (own ${s(rb.totalMs - rb.helmMs)}) vs helm rollback --wait alone ${s(aloneMs)}: ratio ${(rb.totalMs / aloneMs).toFixed(2)}x`,
    );
  }
} finally {
  registry.close();
  await cluster.stop();
}
