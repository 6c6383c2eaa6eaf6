import type { HelmVersion } from './version.js';

/**
 * Argument arrays for the helm commands we run, for Helm 3 or 4 (reference §1: `--atomic`
 * became `--rollback-on-failure`, bare `--wait` became `--wait=watcher`, `--dry-run` takes a
 * mode). Pure functions, so every flag decision is tested without a cluster.
 */

export interface Target {
  release: string;
  namespace: string;
  kubeContext?: string;
}

export interface UpgradeFlags extends Target {
  chart: string;
  chartVersion?: string;
  valuesFile: string;
  description: string;
  createNamespace: boolean;
  wait: boolean;
  /** Go duration, e.g. `5m`. */
  timeout: string;
  rollbackOnFailure: boolean;
  historyMax: number;
  /** A server-side (or, before 3.13, client) dry run: nothing is stored. */
  dryRun?: 'server' | 'client';
}

function common(t: Target): string[] {
  return ['--namespace', t.namespace, ...(t.kubeContext ? ['--kube-context', t.kubeContext] : [])];
}

function waitFlags(v: HelmVersion, wait: boolean): string[] {
  if (!wait) return [];
  // Helm 4: bare --wait still means watcher, but the explicit form is what the docs ask for.
  return v.major >= 4 ? ['--wait=watcher'] : ['--wait'];
}

export function upgradeArgs(v: HelmVersion, f: UpgradeFlags): string[] {
  const args = ['upgrade', f.release, f.chart, '--install', ...common(f)];
  if (f.chartVersion) args.push('--version', f.chartVersion);
  args.push('--values', f.valuesFile, '--reset-values', '--description', f.description);
  if (f.createNamespace) args.push('--create-namespace');
  if (f.dryRun) {
    args.push(v.major >= 4 || v.minor >= 13 ? `--dry-run=${f.dryRun}` : '--dry-run');
  } else {
    args.push(...waitFlags(v, f.wait || f.rollbackOnFailure));
    if (f.rollbackOnFailure) args.push(v.major >= 4 ? '--rollback-on-failure' : '--atomic');
    args.push('--history-max', String(f.historyMax));
  }
  args.push('--timeout', f.timeout, '--output', 'json');
  return args;
}

export function rollbackArgs(
  v: HelmVersion,
  t: Target & { revision: number; wait: boolean; timeout: string; historyMax?: number; dryRun?: boolean },
): string[] {
  const args = [
    'rollback',
    t.release,
    String(t.revision),
    ...common(t),
    ...waitFlags(v, t.wait),
    '--timeout',
    t.timeout,
  ];
  if (t.historyMax !== undefined) args.push('--history-max', String(t.historyMax));
  if (t.dryRun) args.push(v.major >= 4 ? '--dry-run=client' : '--dry-run');
  return args;
}

export function uninstallArgs(_v: HelmVersion, t: Target & { wait?: boolean; timeout?: string }): string[] {
  return ['uninstall', t.release, ...common(t), ...(t.timeout ? ['--timeout', t.timeout] : [])];
}

export function historyArgs(t: Target): string[] {
  return ['history', t.release, ...common(t), '--max', '256', '--output', 'json'];
}

export function statusArgs(t: Target, revision?: number): string[] {
  return ['status', t.release, ...common(t), ...(revision ? ['--revision', String(revision)] : []), '--output', 'json'];
}

export function getValuesArgs(t: Target, revision?: number): string[] {
  return [
    'get',
    'values',
    t.release,
    ...common(t),
    ...(revision ? ['--revision', String(revision)] : []),
    '--output',
    'json',
  ];
}

export function getManifestArgs(t: Target, revision?: number): string[] {
  return ['get', 'manifest', t.release, ...common(t), ...(revision ? ['--revision', String(revision)] : [])];
}

/** `helm get all --template`: the release record through a Go template (used to read the chart back). */
export function getAllTemplateArgs(t: Target, template: string, revision?: number): string[] {
  return [
    'get',
    'all',
    t.release,
    ...common(t),
    ...(revision ? ['--revision', String(revision)] : []),
    '--template',
    template,
  ];
}

/** The exact command a person runs to free a release stuck in pending-*, for messages. */
export function recoveryCommand(t: Target, target: number | 'uninstall'): string {
  const ns = `-n ${t.namespace}`;
  const ctx = t.kubeContext ? ` --kube-context ${t.kubeContext}` : '';
  return target === 'uninstall'
    ? `helm uninstall ${t.release} ${ns}${ctx}`
    : `helm rollback ${t.release} ${target} ${ns}${ctx}`;
}
