import { spawn } from 'node:child_process';
import { UserError, silentLogger, type Logger } from '@mlops-gha/common';
import { CHART_TEMPLATE, parseChartDump, type ReleaseChart } from './chart.js';
import { HelmCommandError } from './errors.js';
import * as flags from './flags.js';
import { parseHistory, parseRelease, parseValues, type HistoryEntry, type ReleaseStatusInfo } from './parse.js';
import { checkSupported, parseHelmVersion, supportsServerDryRun, type HelmVersion } from './version.js';

export interface HelmRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  /** Aborting stops helm as a person pressing Ctrl-C would: SIGTERM (helm cancels its context and records the failure), SIGKILL after `killAfterMs`. */
  signal?: AbortSignal;
  killAfterMs?: number;
}

const MISSING_FIX =
  'Install helm before this step (e.g. `uses: azure/setup-helm@v4`), or set the `helm` input to the path of a helm binary.';

/**
 * The only place that runs helm. Every call is an argument array (no shell); stdout and
 * stderr are kept; the time spent inside helm is added up so callers can tell their own
 * overhead from helm's.
 */
export class Helm {
  /** Milliseconds spent waiting for helm processes, over every call. */
  timeInHelmMs = 0;
  readonly calls: string[][] = [];

  private constructor(
    readonly binary: string,
    readonly version: HelmVersion,
    private readonly logger: Logger,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** Runs `helm version`, refuses Helm 2 and < 3.8, and names the `helm` input when the binary is missing. */
  static async detect(binary = 'helm', options: { logger?: Logger; env?: NodeJS.ProcessEnv } = {}): Promise<Helm> {
    const env = options.env ?? process.env;
    let run: HelmRun;
    try {
      run = await exec(binary, ['version'], env);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES') {
        throw new UserError(
          binary === 'helm'
            ? 'helm was not found on PATH (the `helm` input is empty, so helm-deploy looks for `helm` on PATH)'
            : `The \`helm\` input names ${binary}, which ${code === 'ENOENT' ? 'does not exist' : 'cannot be executed'}`,
          { fix: MISSING_FIX },
        );
      }
      throw error;
    }
    if (run.exitCode !== 0) {
      throw new UserError(
        `\`${binary} version\` failed (exit code ${run.exitCode}): ${run.stderr.trim().slice(0, 300)}`,
        { fix: MISSING_FIX },
      );
    }
    const version = checkSupported(parseHelmVersion(run.stdout, binary), binary);
    return new Helm(binary, version, options.logger ?? silentLogger, env);
  }

  get major(): number {
    return this.version.major;
  }

  get serverDryRun(): boolean {
    return supportsServerDryRun(this.version);
  }

  /** Runs helm; a non-zero exit is thrown as a HelmCommandError carrying its kind. */
  async run(args: string[], options: RunOptions = {}): Promise<HelmRun> {
    const result = await this.runRaw(args, options);
    if (result.exitCode !== 0) throw new HelmCommandError(args, result.exitCode, result.stderr);
    return result;
  }

  async runRaw(args: string[], options: RunOptions = {}): Promise<HelmRun> {
    this.calls.push(args);
    this.logger.debug(`helm ${args.join(' ')}`);
    const result = await exec(this.binary, args, this.env, options);
    this.timeInHelmMs += result.ms;
    for (const line of result.stderr.split('\n'))
      if (/level=WARN|^WARNING:|^Flag .* has been deprecated/.test(line)) this.logger.debug(`helm: ${line}`);
    return result;
  }

  /** The release's history, oldest first; undefined when helm knows no such release. */
  async history(t: flags.Target): Promise<HistoryEntry[] | undefined> {
    try {
      return parseHistory((await this.run(flags.historyArgs(t))).stdout);
    } catch (error) {
      if (error instanceof HelmCommandError && error.kind === 'release-not-found') return undefined;
      throw error;
    }
  }

  async status(t: flags.Target, revision?: number): Promise<ReleaseStatusInfo> {
    return parseRelease((await this.run(flags.statusArgs(t, revision))).stdout);
  }

  async values(t: flags.Target, revision?: number): Promise<Record<string, unknown>> {
    return parseValues((await this.run(flags.getValuesArgs(t, revision))).stdout);
  }

  async manifest(t: flags.Target, revision?: number): Promise<string> {
    return (await this.run(flags.getManifestArgs(t, revision))).stdout;
  }

  /** The computed values of a revision (chart defaults coalesced with the user's), `get values --all`. */
  async allValues(t: flags.Target, revision?: number): Promise<Record<string, unknown>> {
    return parseValues((await this.run([...flags.getValuesArgs(t, revision), '--all'])).stdout);
  }

  /** The chart a revision was made from, as helm stored it with the release. */
  async chart(t: flags.Target, revision?: number): Promise<ReleaseChart> {
    return parseChartDump((await this.run(flags.getAllTemplateArgs(t, CHART_TEMPLATE, revision))).stdout);
  }

  async upgrade(f: flags.UpgradeFlags, options: RunOptions = {}): Promise<ReleaseStatusInfo> {
    const dryRun = f.dryRun === 'server' && !this.serverDryRun ? 'client' : f.dryRun;
    const out = await this.run(flags.upgradeArgs(this.version, { ...f, dryRun }), options);
    return parseRelease(out.stdout, 'upgrade');
  }

  async rollback(t: Parameters<typeof flags.rollbackArgs>[1], options: RunOptions = {}): Promise<HelmRun> {
    return this.run(flags.rollbackArgs(this.version, t), options);
  }

  async uninstall(t: flags.Target & { timeout?: string }, options: RunOptions = {}): Promise<HelmRun> {
    return this.run(flags.uninstallArgs(this.version, t), options);
  }
}

function exec(binary: string, args: string[], env: NodeJS.ProcessEnv, options: RunOptions = {}): Promise<HelmRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 3000);
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.on('close', (exitCode, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      resolve({ exitCode, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}
