/**
 * The kubelet of the double. Pods whose image matches a `localImages` entry run as local
 * processes (the container's args appended, its env resolved, PORT set to a free loopback
 * port) and become Ready when their readiness probe path answers 200; other pods become
 * Ready after a short simulated start. Faults make matching images never start (image pull
 * failure) or crash in a loop, so helm's waits time out as they would on a real cluster.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import type { Resources } from './resources.js';
import type { StoreEvent } from './store.js';
import { ApiError, type K8sObject } from './status.js';
import { selectorFromObject } from './selectors.js';

export type PodFault = 'never-ready' | 'crash-loop' | 'image-pull';

export interface PodRuntimeOptions {
  /** image substring -> argv (executable first) the container's args are appended to */
  localImages: Record<string, string[]>;
  /** simulated start time of pods that are not local processes */
  podStartDelayMs: number;
  faults: { image: string; fault: PodFault }[];
}

interface RunningPod {
  namespace: string;
  name: string;
  uid: string;
  port?: number;
  process?: ChildProcess;
  ready: boolean;
  restarts: number;
  log: string;
  timers: Set<NodeJS.Timeout>;
  stopped: boolean;
}

const LOG_LIMIT = 256 * 1024;
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function probeOnce(port: number, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpGet({ host: '127.0.0.1', port, path, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

export class PodRuntime {
  private readonly pods = new Map<string, RunningPod>();
  private readonly podType;

  constructor(
    private readonly resources: Resources,
    readonly options: PodRuntimeOptions,
  ) {
    this.podType = resources.type({ group: '', version: 'v1', resource: 'pods' });
    resources.store.on('event', (e: StoreEvent) => {
      if (e.key !== '/pods') return;
      const uid = e.object.metadata.uid;
      if (e.type === 'ADDED') void this.start(e.object);
      if (e.type === 'DELETED') this.stopPod(uid);
    });
  }

  log(namespace: string, name: string): string | undefined {
    for (const p of this.pods.values()) if (p.namespace === namespace && p.name === name) return p.log;
    return undefined;
  }

  /** Loopback ports of ready local-process pods that a selector matches. */
  readyPorts(namespace: string, selector: Record<string, string>): number[] {
    const matches = selectorFromObject({ matchLabels: selector });
    const ports: number[] = [];
    for (const pod of this.resources.store.list(this.podType, namespace)) {
      const running = this.pods.get(pod.metadata.uid);
      if (running?.ready && running.port && Object.keys(selector).length > 0 && matches(pod.metadata.labels ?? {}))
        ports.push(running.port);
    }
    return ports;
  }

  stopAll(): void {
    for (const uid of [...this.pods.keys()]) this.stopPod(uid);
  }

  private stopPod(uid: string): void {
    const running = this.pods.get(uid);
    if (!running) return;
    running.stopped = true;
    for (const t of running.timers) clearTimeout(t);
    if (running.process && running.process.exitCode === null) running.process.kill('SIGKILL');
    this.pods.delete(uid);
  }

  private later(running: RunningPod, ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      running.timers.delete(t);
      if (!running.stopped) fn();
    }, ms);
    running.timers.add(t);
  }

  /** Writes the pod's status (the pod may be gone: then nothing happens). */
  private setStatus(
    running: RunningPod,
    ready: boolean,
    containerState: K8sObject,
    phase = 'Running',
    extra: K8sObject = {},
  ): void {
    const pod = this.resources.store.tryGet(this.podType, running.namespace, running.name);
    if (!pod || pod.metadata.uid !== running.uid) return;
    const t = now();
    const cond = (type: string, status: boolean) => ({
      type,
      status: status ? 'True' : 'False',
      lastProbeTime: null,
      lastTransitionTime: t,
    });
    const containers: K8sObject[] = pod.spec.containers ?? [];
    pod.status = {
      phase,
      conditions: [
        cond('PodReadyToStartContainers', phase === 'Running'),
        cond('Initialized', true),
        cond('Ready', ready),
        cond('ContainersReady', ready),
        cond('PodScheduled', true),
      ],
      hostIP: '127.0.0.1',
      hostIPs: [{ ip: '127.0.0.1' }],
      podIP: '127.0.0.1',
      podIPs: [{ ip: '127.0.0.1' }],
      startTime: pod.status?.startTime ?? t,
      containerStatuses: containers.map((c) => ({
        name: c.name,
        image: c.image,
        imageID: '',
        containerID: `double://${running.uid.slice(0, 12)}`,
        ready,
        started: 'running' in containerState,
        restartCount: running.restarts,
        state: containerState,
        ...extra,
      })),
      qosClass: 'BestEffort',
    };
    try {
      this.resources.store.update(this.podType, pod);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
    }
  }

  private async start(pod: K8sObject): Promise<void> {
    const running: RunningPod = {
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      uid: pod.metadata.uid,
      ready: false,
      restarts: 0,
      log: '',
      timers: new Set(),
      stopped: false,
    };
    this.pods.set(running.uid, running);
    const container: K8sObject = pod.spec.containers?.[0] ?? {};
    const image = String(container.image ?? '');
    const fault = this.options.faults.find((f) => image.includes(f.image))?.fault;
    if (fault === 'image-pull') {
      this.setStatus(
        running,
        false,
        { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` } },
        'Pending',
      );
      return;
    }
    if (fault === 'never-ready') {
      this.later(running, this.options.podStartDelayMs, () =>
        this.setStatus(running, false, { running: { startedAt: now() } }),
      );
      return;
    }
    if (fault === 'crash-loop') {
      const crash = () => {
        running.restarts++;
        this.setStatus(
          running,
          false,
          {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: `back-off restarting failed container ${container.name} in pod ${pod.metadata.name}`,
            },
          },
          'Running',
          {
            lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: now(), finishedAt: now() } },
          },
        );
        this.later(running, 1000, crash);
      };
      this.later(running, this.options.podStartDelayMs, crash);
      return;
    }
    const local = Object.entries(this.options.localImages).find(([needle]) => image.includes(needle));
    if (!local) {
      this.later(running, this.options.podStartDelayMs, () => {
        running.ready = true;
        this.setStatus(running, true, { running: { startedAt: now() } });
      });
      return;
    }
    await this.runLocal(running, pod, container, local[1]);
  }

  private resolveEnv(pod: K8sObject, container: K8sObject): Record<string, string> {
    const ns = pod.metadata.namespace;
    const configMaps = this.resources.type({ group: '', version: 'v1', resource: 'configmaps' });
    const secrets = this.resources.type({ group: '', version: 'v1', resource: 'secrets' });
    const env: Record<string, string> = {};
    for (const from of container.envFrom ?? []) {
      if (from.configMapRef)
        Object.assign(env, this.resources.store.tryGet(configMaps, ns, from.configMapRef.name)?.data ?? {});
    }
    for (const e of container.env ?? []) {
      if (e.value !== undefined) env[e.name] = String(e.value);
      else if (e.valueFrom?.configMapKeyRef) {
        const cm = this.resources.store.tryGet(configMaps, ns, e.valueFrom.configMapKeyRef.name);
        const value = cm?.data?.[e.valueFrom.configMapKeyRef.key];
        if (value !== undefined) env[e.name] = value;
      } else if (e.valueFrom?.secretKeyRef) {
        const secret = this.resources.store.tryGet(secrets, ns, e.valueFrom.secretKeyRef.name);
        const value = secret?.data?.[e.valueFrom.secretKeyRef.key];
        if (value !== undefined) env[e.name] = Buffer.from(value, 'base64').toString('utf8');
      } else if (e.valueFrom?.fieldRef) {
        const path = String(e.valueFrom.fieldRef.fieldPath);
        env[e.name] =
          path === 'metadata.name'
            ? pod.metadata.name
            : path === 'metadata.namespace'
              ? ns
              : path === 'status.podIP'
                ? '127.0.0.1'
                : '';
      } else env[e.name] = '';
    }
    return env;
  }

  private async runLocal(running: RunningPod, pod: K8sObject, container: K8sObject, argv: string[]): Promise<void> {
    const [command, ...prefix] = argv;
    const script = prefix.find((a) => a.endsWith('.js') || a.endsWith('.mjs'));
    if (!command || (script && !existsSync(script))) {
      this.setStatus(
        running,
        false,
        {
          waiting: {
            reason: 'CreateContainerError',
            message: `${script ?? 'the local image command'} does not exist (build the model-server bundle)`,
          },
        },
        'Pending',
      );
      return;
    }
    running.port ??= await freePort();
    if (running.stopped) return;
    const env = { ...process.env, ...this.resolveEnv(pod, container), PORT: String(running.port) };
    const child = spawn(command, [...prefix, ...(container.args ?? []).map(String)], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.process = child;
    const append = (chunk: Buffer) => {
      running.log = (running.log + chunk.toString('utf8')).slice(-LOG_LIMIT);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    child.on('error', (error) => append(Buffer.from(`${error.message}\n`)));
    this.setStatus(running, false, { running: { startedAt: now() } });
    child.on('exit', (code, signal) => {
      if (running.stopped) return;
      running.ready = false;
      running.restarts++;
      const backoff = Math.min(10_000, 500 * 2 ** Math.min(running.restarts, 5));
      this.setStatus(
        running,
        false,
        { waiting: { reason: 'CrashLoopBackOff', message: `back-off restarting failed container ${container.name}` } },
        'Running',
        {
          lastState: {
            terminated: { exitCode: code ?? 137, reason: signal ? `Signal ${signal}` : 'Error', finishedAt: now() },
          },
        },
      );
      this.later(running, backoff, () => void this.runLocal(running, pod, container, argv));
    });
    const path = String(container.readinessProbe?.httpGet?.path ?? '/v2/health/ready');
    const poll = async () => {
      if (running.stopped || child.exitCode !== null || child.signalCode !== null) return;
      if (await probeOnce(running.port as number, path)) {
        if (running.stopped || child.exitCode !== null) return;
        running.ready = true;
        this.setStatus(running, true, { running: { startedAt: now() } });
        return;
      }
      this.later(running, 50, () => void poll());
    };
    this.later(running, 20, () => void poll());
  }
}
