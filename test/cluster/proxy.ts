/**
 * Services on loopback: each Service gets a TCP listener on 127.0.0.1 that forwards every
 * connection to a ready local-process pod its selector matches (round robin), as kube-proxy
 * forwards a ClusterIP. The URL is written into the Service's `mlops-gha.dev/loopback-url`
 * annotation so a person with kubectl can find it. A Service re-created under the same name
 * gets its previous port back when it is free.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { LOOPBACK_URL_ANNOTATION } from './controller.js';
import type { PodRuntime } from './pods.js';
import type { Resources } from './resources.js';
import type { StoreEvent } from './store.js';
import { ApiError, type K8sObject } from './status.js';

interface Proxy {
  uid: string;
  server: Server;
  port: number;
  sockets: Set<Socket>;
  next: number;
}

export class ServiceProxies {
  private readonly proxies = new Map<string, Proxy>();
  private readonly lastPorts = new Map<string, number>();
  private readonly svcType;

  constructor(
    private readonly resources: Resources,
    private readonly pods: PodRuntime,
  ) {
    this.svcType = resources.type({ group: '', version: 'v1', resource: 'services' });
    resources.store.on('event', (e: StoreEvent) => {
      if (e.key !== '/services') return;
      const id = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
      if (e.type === 'ADDED') void this.open(id, e.object);
      if (e.type === 'DELETED') this.close(id);
    });
  }

  url(namespace: string, name: string): string | undefined {
    const proxy = this.proxies.get(`${namespace}/${name}`);
    return proxy ? `http://127.0.0.1:${proxy.port}` : undefined;
  }

  closeAll(): void {
    for (const id of [...this.proxies.keys()]) this.close(id);
  }

  private close(id: string): void {
    const proxy = this.proxies.get(id);
    if (!proxy) return;
    this.proxies.delete(id);
    for (const s of proxy.sockets) s.destroy();
    proxy.server.close();
  }

  private listen(server: Server, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => {
        server.off('listening', onListening);
        reject(error);
      };
      const onListening = () => {
        server.off('error', onError);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(port, '127.0.0.1');
    });
  }

  private async open(id: string, svc: K8sObject): Promise<void> {
    const [namespace, name] = id.split('/') as [string, string];
    const proxy: Proxy = { uid: svc.metadata.uid, server: createServer(), port: 0, sockets: new Set(), next: 0 };
    proxy.server.on('connection', (client) => this.forward(proxy, namespace, name, client));
    this.proxies.set(id, proxy);
    try {
      proxy.port = await this.listen(proxy.server, this.lastPorts.get(id) ?? 0);
    } catch {
      proxy.port = await this.listen(proxy.server, 0);
    }
    if (this.proxies.get(id) !== proxy) {
      proxy.server.close();
      return;
    }
    this.lastPorts.set(id, proxy.port);
    const current = this.resources.store.tryGet(this.svcType, namespace, name);
    if (!current || current.metadata.uid !== proxy.uid) return;
    current.metadata.annotations = {
      ...(current.metadata.annotations ?? {}),
      [LOOPBACK_URL_ANNOTATION]: `http://127.0.0.1:${proxy.port}`,
    };
    try {
      this.resources.store.update(this.svcType, current);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
    }
  }

  private forward(proxy: Proxy, namespace: string, name: string, client: Socket): void {
    proxy.sockets.add(client);
    client.on('close', () => proxy.sockets.delete(client));
    const svc = this.resources.store.tryGet(this.svcType, namespace, name);
    const ports = svc ? this.pods.readyPorts(namespace, svc.spec?.selector ?? {}) : [];
    if (ports.length === 0) {
      // No ready endpoint: the connection is refused, as a ClusterIP without endpoints is.
      client.destroy();
      return;
    }
    const port = ports[proxy.next++ % ports.length] as number;
    const upstream = connect(port, '127.0.0.1');
    proxy.sockets.add(upstream);
    upstream.on('close', () => proxy.sockets.delete(upstream));
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
  }
}
