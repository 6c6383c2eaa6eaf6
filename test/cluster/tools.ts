/** Runs the real helm and kubectl against a cluster double, for tests and the benchmark. */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Cluster } from './cluster.js';
import type { K8sObject } from './status.js';

export const CHART = join(dirname(fileURLToPath(import.meta.url)), '../../workflows-examples/chart');
export const STANDIN_SERVER = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/standin-model-server.mjs');

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function start(bin: string, args: string[], cluster: Pick<Cluster, 'env'>): ChildProcess {
  return spawn(bin, args, { env: { ...process.env, ...cluster.env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function run(bin: string, args: string[], cluster: Pick<Cluster, 'env'>, timeoutMs = 60_000): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = start(bin, args, cluster);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs and parses stdout as JSON, failing with everything the tool printed otherwise. */
export async function runJson<T = K8sObject>(bin: string, args: string[], cluster: Pick<Cluster, 'env'>): Promise<T> {
  const ran = await run(bin, args, cluster);
  if (ran.code !== 0) throw new Error(`${bin} ${args.join(' ')} exited ${ran.code}\n${ran.stdout}\n${ran.stderr}`);
  return JSON.parse(ran.stdout) as T;
}

/** Polls until `check` returns a value (not undefined), or throws after timeoutMs. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `--set` of an image whose pods never get Ready (with the fault `{ image: 'never-ready', pod: 'never-ready' }`). */
export const NEVER_READY = 'image.repository=registry.example/never-ready';

/**
 * `helm upgrade RELEASE <example chart> -n NS` and the flags the cluster tests use, as one
 * argument array: `--install`, `--create-namespace`, a wait flag (`--wait`, `--atomic`, ...),
 * `--timeout`, `--set` pairs, then anything else.
 */
export function upgradeArgs(
  release: string,
  ns: string,
  o: {
    install?: boolean;
    createNamespace?: boolean;
    wait?: string;
    timeout?: string;
    set?: string[];
    extra?: string[];
  } = {},
): string[] {
  return [
    'upgrade',
    ...(o.install ? ['--install'] : []),
    release,
    CHART,
    '-n',
    ns,
    ...(o.createNamespace ? ['--create-namespace'] : []),
    ...(o.wait ? [o.wait] : []),
    ...(o.timeout ? ['--timeout', o.timeout] : []),
    ...(o.set ?? []).flatMap((s) => ['--set', s]),
    ...(o.extra ?? []),
  ];
}

/**
 * Leaves `release` as a cancelled job's killed helm does: an upgrade to a never-ready image,
 * SIGKILLed once revision `revision` is stored `pending-upgrade`.
 */
export async function leavePending(
  helm: string,
  release: string,
  ns: string,
  cluster: Pick<Cluster, 'env'>,
  revision: number,
  extra: string[] = [],
): Promise<void> {
  const child = start(
    helm,
    upgradeArgs(release, ns, { wait: '--wait', timeout: '120s', set: [NEVER_READY], extra }),
    cluster,
  );
  const exited = new Promise((resolve) => child.on('close', resolve));
  await eventually(
    async () => {
      const ran = await run(helm, ['history', release, '-n', ns, '-o', 'json'], cluster);
      const rows = ran.code === 0 ? (JSON.parse(ran.stdout) as { revision: number; status: string }[]) : [];
      return rows.some((r) => r.revision === revision && r.status === 'pending-upgrade') ? true : undefined;
    },
    60_000,
    `revision ${revision} to be pending-upgrade`,
  );
  child.kill('SIGKILL');
  await exited;
}
