import { expect, test } from '@jest/globals';
import { recoveryCommand, rollbackArgs, upgradeArgs } from './flags.js';
import { parseHelmVersion } from './version.js';

const v3 = parseHelmVersion('v3.17.3');
const v38 = parseHelmVersion('v3.8.2');
const v4 = parseHelmVersion('v4.1.4');
const base = {
  release: 'iris',
  namespace: 'ml',
  chart: './chart',
  valuesFile: '/tmp/v.yaml',
  description: 'mlops-gha: iris/3 sha256:0',
  createNamespace: false,
  wait: true,
  timeout: '5m',
  rollbackOnFailure: true,
  historyMax: 20,
};

test('Helm 3: --wait and --atomic; Helm 4: --wait=watcher and --rollback-on-failure', () => {
  const a3 = upgradeArgs(v3, base);
  expect(a3).toEqual([
    'upgrade',
    'iris',
    './chart',
    '--install',
    '--namespace',
    'ml',
    '--values',
    '/tmp/v.yaml',
    '--reset-values',
    '--description',
    'mlops-gha: iris/3 sha256:0',
    '--wait',
    '--atomic',
    '--history-max',
    '20',
    '--timeout',
    '5m',
    '--output',
    'json',
  ]);
  const a4 = upgradeArgs(v4, base);
  expect(a4).toContain('--wait=watcher');
  expect(a4).toContain('--rollback-on-failure');
  expect(a4).not.toContain('--atomic');
  expect(a4).not.toContain('--wait');
});

test('no wait and no rollback: neither flag; values only through a file, never --set', () => {
  for (const v of [v3, v4]) {
    const args = upgradeArgs(v, {
      ...base,
      wait: false,
      rollbackOnFailure: false,
      createNamespace: true,
      kubeContext: 'prod',
      chartVersion: '^1.2.0',
    });
    expect(
      args.some(
        (a) => a.startsWith('--wait') || a === '--atomic' || a === '--rollback-on-failure' || a.startsWith('--set'),
      ),
    ).toBe(false);
    expect(args).toEqual(
      expect.arrayContaining(['--create-namespace', '--kube-context', 'prod', '--version', '^1.2.0']),
    );
  }
});

test('dry runs: --dry-run=server from 3.13 and on 4, bare --dry-run before; nothing stored so no history-max', () => {
  expect(upgradeArgs(v3, { ...base, dryRun: 'server' })).toContain('--dry-run=server');
  expect(upgradeArgs(v4, { ...base, dryRun: 'server' })).toContain('--dry-run=server');
  expect(upgradeArgs(v38, { ...base, dryRun: 'client' })).toContain('--dry-run');
  expect(upgradeArgs(v4, { ...base, dryRun: 'server' })).not.toContain('--atomic');
  expect(
    rollbackArgs(v4, { release: 'iris', namespace: 'ml', revision: 2, wait: true, timeout: '1m', dryRun: true }),
  ).toEqual(['rollback', 'iris', '2', '--namespace', 'ml', '--wait=watcher', '--timeout', '1m', '--dry-run=client']);
  expect(
    rollbackArgs(v3, { release: 'iris', namespace: 'ml', revision: 2, wait: false, timeout: '1m', historyMax: 5 }),
  ).toEqual(['rollback', 'iris', '2', '--namespace', 'ml', '--timeout', '1m', '--history-max', '5']);
});

test('the recovery command a person can paste', () => {
  expect(recoveryCommand({ release: 'iris', namespace: 'ml' }, 3)).toBe('helm rollback iris 3 -n ml');
  expect(recoveryCommand({ release: 'iris', namespace: 'ml', kubeContext: 'prod' }, 'uninstall')).toBe(
    'helm uninstall iris -n ml --kube-context prod',
  );
});
