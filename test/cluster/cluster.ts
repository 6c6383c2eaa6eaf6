/**
 * startCluster: the Kubernetes API double on 127.0.0.1 with its controller, kubelet and
 * Service proxies, and a generated kubeconfig that real helm and kubectl use unchanged.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { handleApi, sendError } from './api.js';
import { Controller } from './controller.js';
import { installCrd } from './crds.js';
import { TypeRegistry } from './kinds.js';
import { PodRuntime, type PodFault } from './pods.js';
import { ServiceProxies } from './proxy.js';
import { Resources } from './resources.js';
import { Store } from './store.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const MODEL_SERVER_BUNDLE = join(REPO_ROOT, 'dist/model-server/index.js');

export interface ClusterOptions {
  /** where to write the kubeconfig [a file in a new temporary folder] */
  kubeconfigPath?: string;
  /** image substring -> argv prefix of the local process [mlops-model-server -> node dist/model-server/index.js] */
  localImages?: Record<string, string[]>;
  /** simulated start time of ordinary pods, ms [100] */
  podStartDelayMs?: number;
  /** port to listen on [a free one] */
  port?: number;
  /** CustomResourceDefinition manifests to install at start (e.g. KSERVE_CRD) */
  crds?: string[];
}

export type ClusterFault =
  /** pods whose image contains `image` never become ready: pull failure, crash loop, or running but not ready */
  | { image: string; pod: PodFault }
  /** ordinary pods take this long to become ready (a slow rollout) */
  | { podStartDelayMs: number }
  /** the API stops answering: requests hang ('hang') or their connections drop ('refuse'), after `afterRequests` more requests [0] */
  | { api: 'hang' | 'refuse'; afterRequests?: number };

export interface RecordedRequest {
  method: string;
  path: string;
  contentType: string;
  accept: string;
}

export interface Cluster {
  /** the API server's URL, http://127.0.0.1:PORT */
  url: string;
  kubeconfigPath: string;
  /** environment for helm/kubectl child processes: KUBECONFIG plus private helm and kube cache folders */
  env: Record<string, string>;
  /** http://127.0.0.1:PORT forwarding to a ready pod of the Service (undefined while the Service does not exist) */
  serviceUrl(namespace: string, name: string): string | undefined;
  setFault(fault: ClusterFault): void;
  clearFaults(): void;
  /** every request the API served, in order (method, path with query, content type, accept) */
  requests(): RecordedRequest[];
  /** text the local process of a pod printed */
  podLog(namespace: string, name: string): string | undefined;
  stop(): Promise<void>;
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const home = mkdtempSync(join(tmpdir(), 'k8s-double-'));
  const kubeconfigPath = options.kubeconfigPath ?? join(home, 'kubeconfig');
  const store = new Store();
  const resources = new Resources(store, new TypeRegistry());
  const defaultDelay = options.podStartDelayMs ?? 100;
  const runtime = new PodRuntime(resources, {
    localImages: options.localImages ?? { 'mlops-model-server': [process.execPath, MODEL_SERVER_BUNDLE] },
    podStartDelayMs: defaultDelay,
    faults: [],
  });
  const proxies = new ServiceProxies(resources, runtime);
  const controller = new Controller(resources, { serviceUrl: (ns, name) => proxies.url(ns, name) });
  const openStreams = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const recorded: RecordedRequest[] = [];
  let apiFault: { mode: 'hang' | 'refuse'; remaining: number } | undefined;
  let address = '127.0.0.1:0';

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    recorded.push({
      method: req.method ?? '',
      path: req.url ?? '',
      contentType: String(req.headers['content-type'] ?? ''),
      accept: String(req.headers.accept ?? ''),
    });
    if (apiFault) {
      if (apiFault.remaining > 0) apiFault.remaining--;
      else if (apiFault.mode === 'refuse') return void req.socket.destroy();
      else return; // never answered; stop() destroys the socket
    }
    handleApi(
      {
        resources,
        address: () => address,
        podLog: (ns, name) => runtime.log(ns, name),
        openStreams,
        serviceUrl: (ns, name) => proxies.url(ns, name),
      },
      req,
      res,
    ).catch((error) => sendError(res, error));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  address = `127.0.0.1:${port}`;
  const url = `http://${address}`;

  mkdirSync(dirname(kubeconfigPath), { recursive: true });
  writeFileSync(
    kubeconfigPath,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: mlops-double',
      '  cluster:',
      `    server: ${url}`,
      'contexts:',
      '- name: mlops-double',
      '  context:',
      '    cluster: mlops-double',
      '    user: mlops-double',
      '    namespace: default',
      'current-context: mlops-double',
      'users:',
      '- name: mlops-double',
      '  user: {}',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const env = {
    KUBECONFIG: kubeconfigPath,
    KUBECACHEDIR: join(home, 'kube-cache'),
    HELM_CACHE_HOME: join(home, 'helm-cache'),
    HELM_CONFIG_HOME: join(home, 'helm-config'),
    HELM_DATA_HOME: join(home, 'helm-data'),
  };

  for (const crd of options.crds ?? []) await installCrd({ url }, crd);

  let stopped = false;
  return {
    url,
    kubeconfigPath,
    env,
    serviceUrl: (ns, name) => proxies.url(ns, name),
    setFault(fault) {
      if ('pod' in fault) runtime.options.faults.push({ image: fault.image, fault: fault.pod });
      else if ('podStartDelayMs' in fault) runtime.options.podStartDelayMs = fault.podStartDelayMs;
      else apiFault = { mode: fault.api, remaining: fault.afterRequests ?? 0 };
    },
    clearFaults() {
      runtime.options.faults.length = 0;
      runtime.options.podStartDelayMs = defaultDelay;
      apiFault = undefined;
    },
    requests: () => [...recorded],
    podLog: (ns, name) => runtime.log(ns, name),
    async stop() {
      if (stopped) return;
      stopped = true;
      controller.stop();
      runtime.stopAll();
      proxies.closeAll();
      for (const res of openStreams) res.end();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      rmSync(home, { recursive: true, force: true });
    },
  };
}
