/**
 * cluster benchmark: real helm 3.17.3 and helm 4.1.4 `upgrade --install --wait` of the example
 * chart (workflows-examples/chart) against the Kubernetes API double, time per deploy; the peer,
 * measured in the same run against the same double, is what a deploy without helm costs:
 * `kubectl apply -f <the same rendered manifest>` followed by `kubectl rollout status`.
 * Pods run the stand-in OIP server (test/cluster/fixtures), so the times are helm + API +
 * rollout, not model loading. Goal: under 2 s per deploy.
 *
 * Then the model server's throughput (OIP infer requests/s at batch 1 and 256 against
 * onnxruntime-node in-process), measured by bench/model-server.ts.
 * Run: npm run bench:cluster
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { HELM_TOOLCHAINS, requireHelmTools } from '../test/harness/helm-tools.js';
import { startCluster, type Cluster } from '../test/cluster/index.js';
import { CHART, STANDIN_SERVER, run } from '../test/cluster/tools.js';
import { servingThroughput } from './model-server.js';

const ROUNDS = 5;

async function timed(bin: string, args: string[], cluster: Cluster): Promise<number> {
  const started = process.hrtime.bigint();
  const ran = await run(bin, args, cluster, 120_000);
  if (ran.code !== 0) throw new Error(`${bin} ${args.join(' ')} failed (${ran.code}):\n${ran.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const s = (x: number) => `${x.toFixed(2)} s`;

async function main(): Promise<void> {
  requireHelmTools();
  const cluster = await startCluster({ localImages: { 'mlops-model-server': [process.execPath, STANDIN_SERVER] } });
  const scratch = mkdtempSync(join(tmpdir(), 'bench-cluster-'));
  try {
    console.log(
      `cluster bench: ${ROUNDS} deploys per tool, each to a new model version (a new pod template), against the API double at ${cluster.url}; load average ${loadavg()[0]?.toFixed(1)} on this machine`,
    );
    for (const { major, helm, kubectl, helmVersion } of HELM_TOOLCHAINS) {
      const release = `bench-h${major}`;
      const values = (v: number) => ['--set', `model.storageUri=file:///models/v${v}`, '--set', `model.version=${v}`];
      const helmTimes: number[] = [];
      for (let v = 1; v <= ROUNDS; v++) {
        helmTimes.push(
          await timed(
            helm,
            ['upgrade', '--install', release, CHART, '-n', 'default', '--wait', '--timeout', '60s', ...values(v)],
            cluster,
          ),
        );
      }
      // The peer: the same rendered objects, applied by kubectl, waited for by rollout status.
      const peer = `peer-h${major}`;
      const peerTimes: number[] = [];
      for (let v = 1; v <= ROUNDS; v++) {
        const rendered = await run(helm, ['template', peer, CHART, '-n', 'default', ...values(v)], cluster);
        const file = join(scratch, `${peer}-${v}.yaml`);
        writeFileSync(file, rendered.stdout);
        const started = process.hrtime.bigint();
        await timed(kubectl, ['apply', '-n', 'default', '-f', file], cluster);
        await timed(kubectl, ['rollout', 'status', `deployment/${peer}`, '-n', 'default', '--timeout', '60s'], cluster);
        peerTimes.push(Number(process.hrtime.bigint() - started) / 1e9);
      }
      const h = median(helmTimes);
      const p = median(peerTimes);
      console.log(
        `helm ${helmVersion} upgrade --install --wait: median ${s(h)} per deploy (first install ${s(helmTimes[0] as number)}, min ${s(Math.min(...helmTimes))}, max ${s(Math.max(...helmTimes))}); ` +
          `kubectl apply + rollout status: median ${s(p)}; ratio ${(h / p).toFixed(2)}x; goal < 2 s: ${h < 2 ? 'met' : 'NOT met'}`,
      );
    }
    await servingThroughput();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await cluster.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
