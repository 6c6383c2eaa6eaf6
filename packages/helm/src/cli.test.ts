/**
 * The Helm class, the only place that runs helm: against the real Helm 3 and Helm 4 binaries
 * (test/harness/helm-tools.ts) pointed at a cluster that refuses connections, and against
 * small stand-in helm scripts in a temporary folder that record the arguments they receive,
 * for what a real helm cannot be made to do on cue (an old version, a missing release, a
 * process that ignores SIGTERM).
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { UserError, type Logger } from '@mlops-gha/common';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HELM_TOOLCHAINS, requireHelmTools } from '../../../test/harness/helm-tools.js';
import { Helm } from './cli.js';
import { HelmCommandError } from './errors.js';

const MISSING_FIX =
  'Install helm before this step (e.g. `uses: azure/setup-helm@v4`), or set the `helm` input to the path of a helm binary.';
const target = { release: 'iris', namespace: 'ml' };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'helm-cli-'));
});

/** A stand-in helm: `version` prints `versionLine`; other commands run `body` (sh); every call's arguments are logged. */
async function fakeHelm(
  name: string,
  versionLine: string,
  body = 'exit 0',
): Promise<{ path: string; calls: () => Promise<string[][]> }> {
  const path = join(dir, name);
  const log = `${path}.log`;
  await writeFile(
    path,
    `#!/bin/sh
for a in "$@"; do printf '%s\\037' "$a"; done >> '${log}'
echo >> '${log}'
if [ "$1" = version ]; then echo '${versionLine}'; exit 0; fi
${body}
`,
  );
  await chmod(path, 0o755);
  return {
    path,
    calls: async () =>
      (existsSync(log) ? await readFile(log, 'utf8') : '')
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\x1f').slice(0, -1)),
  };
}

async function caught(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('with the real helm binaries', () => {
  beforeAll(() => requireHelmTools());

  test.each(HELM_TOOLCHAINS.map((t) => [t.helmVersion, t] as const))('detects %s', async (_v, tools) => {
    const helm = await Helm.detect(tools.helm);
    expect(helm.version.text).toBe(tools.helmVersion);
    expect([helm.major, helm.serverDryRun, helm.binary]).toEqual([tools.major, true, tools.helm]);
  });

  test.each(HELM_TOOLCHAINS.map((t) => [t.helmVersion, t] as const))(
    '%s: an unreachable cluster is a HelmCommandError of that kind, naming the command',
    async (_v, tools) => {
      const kubeconfig = join(dir, 'refused.kubeconfig');
      await writeFile(
        kubeconfig,
        'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\n' +
          'contexts:\n- name: c\n  context:\n    cluster: c\n    user: u\ncurrent-context: c\nusers:\n- name: u\n  user:\n    token: x\n',
      );
      const helm = await Helm.detect(tools.helm, {
        env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: kubeconfig },
      });
      const error = await caught(helm.history(target));
      expect(error).toBeInstanceOf(HelmCommandError);
      expect((error as HelmCommandError).kind).toBe('cluster-unreachable');
      expect(error.message).toMatch(
        /^helm history iris failed: [Kk]ubernetes cluster unreachable: .*connection refused$/,
      );
      expect(helm.calls).toEqual([['history', 'iris', '--namespace', 'ml', '--max', '256', '--output', 'json']]);
    },
  );
});

describe('Helm.detect: what a user sees when helm is not usable', () => {
  test('a `helm` input naming a file that does not exist', async () => {
    const error = await caught(Helm.detect(join(dir, 'nope', 'helm')));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(`The \`helm\` input names ${join(dir, 'nope', 'helm')}, which does not exist`);
    expect((error as UserError).fix).toBe(MISSING_FIX);
  });

  test('a file that cannot be executed', async () => {
    const path = join(dir, 'not-executable');
    await writeFile(path, '#!/bin/sh\necho v3.17.0\n');
    await chmod(path, 0o644);
    const error = await caught(Helm.detect(path));
    expect(error.message).toBe(`The \`helm\` input names ${path}, which cannot be executed`);
  });

  test('no helm on PATH, with the input left empty', async () => {
    const error = await caught(Helm.detect('helm', { env: { PATH: join(dir, 'empty') } }));
    expect(error.message).toBe(
      'helm was not found on PATH (the `helm` input is empty, so helm-deploy looks for `helm` on PATH)',
    );
    expect((error as UserError).fix).toBe(MISSING_FIX);
  });

  test('`helm version` failing, and versions too old to drive', async () => {
    const broken = join(dir, 'broken');
    await writeFile(broken, '#!/bin/sh\necho "segfault in plugin loader" >&2\nexit 3\n');
    await chmod(broken, 0o755);
    expect((await caught(Helm.detect(broken))).message).toBe(
      `\`${broken} version\` failed (exit code 3): segfault in plugin loader`,
    );
    const old = await fakeHelm('helm-3.7', 'v3.7.2+g663a896');
    expect((await caught(Helm.detect(old.path))).message).toBe(
      `${old.path} is Helm v3.7.2; helm-deploy needs Helm 3.8 or newer (Helm 3 or 4)`,
    );
  });
});

describe('Helm calls', () => {
  test('a release helm does not know has no history (undefined), not an error', async () => {
    const fake = await fakeHelm('helm-missing', 'v3.17.3', 'echo "Error: release: not found" >&2; exit 1');
    const helm = await Helm.detect(fake.path);
    expect(await helm.history(target)).toBeUndefined();
    // any other failure is thrown
    const other = await fakeHelm('helm-other', 'v3.17.3', 'echo "Error: boom" >&2; exit 1');
    const error = await caught((await Helm.detect(other.path)).history(target));
    expect([error.message, (error as HelmCommandError).kind]).toEqual(['helm history iris failed: boom', 'other']);
  });

  test('a server dry run on Helm before 3.13 becomes a client dry run; helm receives the argument array as given', async () => {
    const release =
      '{"name":"iris","namespace":"ml","version":5,"info":{"status":"pending-upgrade"},"chart":{"metadata":{"name":"model-server","version":"0.2.0","appVersion":"1.0"}}}';
    const fake = await fakeHelm('helm-3.12', 'v3.12.3', `echo '${release}'`);
    const helm = await Helm.detect(fake.path);
    expect(helm.serverDryRun).toBe(false);
    const status = await helm.upgrade({
      ...target,
      chart: './charts/model server',
      valuesFile: join(dir, 'values; rm -rf ~.yaml'),
      description: 'deploy "iris" $(whoami)',
      createNamespace: false,
      wait: true,
      rollbackOnFailure: false,
      timeout: '5m',
      historyMax: 10,
      dryRun: 'server',
    });
    expect([status.revision, status.status, status.chart?.version]).toEqual([5, 'pending-upgrade', '0.2.0']);
    const calls = await fake.calls();
    expect(calls[1]).toEqual([
      'upgrade',
      'iris',
      './charts/model server',
      '--install',
      '--namespace',
      'ml',
      '--values',
      join(dir, 'values; rm -rf ~.yaml'),
      '--reset-values',
      '--description',
      'deploy "iris" $(whoami)',
      '--dry-run',
      '--timeout',
      '5m',
      '--output',
      'json',
    ]);
    expect(helm.calls).toEqual([calls[1]]);
  });

  test("helm's warnings go to the debug log; the environment given is the one helm runs with", async () => {
    const fake = await fakeHelm(
      'helm-warn',
      'v4.1.4',
      'echo "WARNING: Kubernetes configuration file is group-readable" >&2; echo "level=WARN msg=deprecated" >&2; echo "noise" >&2; printf "%s" "$MY_VAR"',
    );
    const debug: string[] = [];
    const logger: Logger = { info() {}, warning() {}, debug: (m) => debug.push(m) };
    const helm = await Helm.detect(fake.path, { logger, env: { PATH: process.env.PATH, MY_VAR: 'from-env' } });
    const run = await helm.runRaw(['get', 'manifest', 'iris']);
    expect([run.exitCode, run.stdout]).toEqual([0, 'from-env']);
    expect(debug).toEqual([
      'helm get manifest iris',
      'helm: WARNING: Kubernetes configuration file is group-readable',
      'helm: level=WARN msg=deprecated',
    ]);
  });

  test('aborting sends SIGTERM (helm records the cancellation and exits), SIGKILL if it does not stop', async () => {
    const ready = join(dir, 'ready');
    const polite = await fakeHelm(
      'helm-polite',
      'v3.17.3',
      `trap 'echo "Error: UPGRADE FAILED: context canceled" >&2; exit 1' TERM; touch '${ready}'; while :; do sleep 0.05; done`,
    );
    const helm = await Helm.detect(polite.path);
    const controller = new AbortController();
    const pending = helm.run(['upgrade', 'iris', './chart'], { signal: controller.signal });
    while (!existsSync(ready)) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const error = await caught(pending);
    expect([error.message, (error as HelmCommandError).kind]).toEqual([
      'helm upgrade iris failed: UPGRADE FAILED: context canceled',
      'cancelled',
    ]);

    const stubbornReady = join(dir, 'stubborn-ready');
    const stubborn = await fakeHelm(
      'helm-stubborn',
      'v3.17.3',
      `trap '' TERM; touch '${stubbornReady}'; while :; do sleep 0.05; done`,
    );
    const helm2 = await Helm.detect(stubborn.path);
    const controller2 = new AbortController();
    const run = helm2.runRaw(['upgrade', 'iris', './chart'], { signal: controller2.signal, killAfterMs: 100 });
    while (!existsSync(stubbornReady)) await new Promise((r) => setTimeout(r, 20));
    controller2.abort();
    const result = await run;
    expect([result.exitCode, result.signal]).toEqual([null, 'SIGKILL']);
  });
});
