/**
 * Runs an action bundle the way GitHub's runner does (actions/runner's NodeScriptActionHandler):
 * `node <actionDir>/<runs.main>` in a child process, cwd = GITHUB_WORKSPACE, stdin closed,
 * inputs as INPUT_<NAME> (declared defaults applied, dashes kept), fresh file-command files
 * under RUNNER_TEMP/_runner_file_commands, the event payload at GITHUB_EVENT_PATH, and the
 * stdout/stderr workflow commands interpreted as the runner interprets them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { parseKeyValueFile, parseWorkflowCommand, toAnnotation, type Annotation } from './file-commands.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export type NodeChoice = '22' | '24';
/**
 * Node versions every end-to-end test runs on: the oldest the project claims (engines >= 22)
 * and GitHub's node24, each from its pinned package (tools/node22, tools/node24).
 */
export const NODE_VERSIONS: NodeChoice[] = ['22', '24'];

export interface RunActionOptions {
  /** `with:` values. Declared inputs missing here get their action.yml default, or "". */
  inputs?: Record<string, string | number | boolean>;
  /** Extra environment (the step's `env:`), e.g. AWS credentials or ACTIONS_RUNTIME_TOKEN. */
  env?: Record<string, string>;
  /** The event payload written to GITHUB_EVENT_PATH. */
  event?: object;
  eventName?: string;
  /** GITHUB_WORKSPACE and the process's cwd; a fresh temporary folder when omitted. */
  cwd?: string;
  /** Which Node runs the bundle [24]: the node@22 or node@24 package (or this process when it is that major). */
  node?: NodeChoice;
  /** What `${{ github.token }}` expands to in input defaults. */
  token?: string;
  /** RUNNER_DEBUG=1: `::debug::` lines are shown. */
  debug?: boolean;
  /** STATE_<name> values, as the runner gives a post step. */
  state?: Record<string, string>;
  /** Kill the step (SIGKILL) after this long; the result then has signal set. */
  timeoutMs?: number;
  /** The GitHub API base URL (GITHUB_API_URL); defaults to an address nothing listens on. */
  apiUrl?: string;
  /** GITHUB_SERVER_URL. Artifact/cache clients treat only github.com or *.localhost as non-GHES. */
  serverUrl?: string;
}

export interface ActionResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The log as the runner shows it: commands consumed, secrets masked as ***. */
  log: string[];
  outputs: Record<string, string>;
  /** Variables the action exported through GITHUB_ENV. */
  exportedEnv: Record<string, string>;
  /** State saved for the post step through GITHUB_STATE. */
  state: Record<string, string>;
  /** Entries added to PATH through GITHUB_PATH. */
  paths: string[];
  /** The job summary markdown (GITHUB_STEP_SUMMARY). */
  summary: string;
  annotations: Annotation[];
  masks: string[];
  debugMessages: string[];
  workspace: string;
  runnerTemp: string;
  nodeVersion: string;
  durationMs: number;
}

/** The messages of a step's error annotations: what the runner shows as its failures. */
export const errorMessages = (result: ActionResult): string[] =>
  result.annotations.filter((a) => a.level === 'error').map((a) => a.message);

export interface RunningAction {
  child: ChildProcess;
  result: Promise<ActionResult>;
  /**
   * What the runner does on a cancelled job or a step timeout (Runner.Sdk/ProcessInvoker.cs):
   * SIGINT, then SIGTERM after 7.5 s, then SIGKILL after 2.5 s more.
   */
  cancel(timings?: { sigtermAfterMs?: number; killAfterMs?: number }): Promise<ActionResult>;
}

export function nodeBinary(choice: NodeChoice = '24'): string {
  if (process.versions.node.split('.')[0] === choice) return process.execPath;
  const binary = join(repoRoot, `tools/node${choice}/node_modules/node/bin/node`);
  if (!existsSync(binary)) {
    throw new Error(
      `Node ${choice} is not installed at ${binary}: run \`npm ci\` (its postinstall installs tools/node${choice}).`,
    );
  }
  return binary;
}

interface ActionMetadata {
  dir: string;
  main: string;
  inputs: Record<string, { default?: string; required?: boolean }>;
}

/** Finds an action by name: a shipped one under actions/, or a test fixture. */
export function loadActionMetadata(name: string): ActionMetadata {
  const candidates = [join(repoRoot, 'actions', name), join(repoRoot, 'test/fixtures/actions', name)];
  const dir = candidates.find((d) => existsSync(join(d, 'action.yml')));
  if (!dir) throw new Error(`No action.yml for action ${name} (looked in ${candidates.join(', ')})`);
  const doc = parseYaml(readFileSync(join(dir, 'action.yml'), 'utf8')) as {
    runs?: { using?: string; main?: string };
    inputs?: Record<string, { default?: unknown; required?: boolean }>;
  };
  if (doc.runs?.using !== 'node24' || !doc.runs.main) {
    throw new Error(`${name}/action.yml must say runs.using: node24 and name runs.main`);
  }
  const inputs: ActionMetadata['inputs'] = {};
  for (const [id, spec] of Object.entries(doc.inputs ?? {})) {
    inputs[id] = { default: spec?.default === undefined ? undefined : String(spec.default), required: spec?.required };
  }
  return { dir, main: resolve(dir, doc.runs.main), inputs };
}

/** The runner sets INPUT_ + name with spaces as `_`, upper-cased; dashes stay. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

function evaluateDefault(value: string, context: Record<string, string>): string {
  return value.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    if (!(expr in context)) throw new Error(`The harness cannot evaluate \${{ ${expr} }} in an input default`);
    return context[expr] ?? '';
  });
}

const RUNNER_OWNED = /^(INPUT_|GITHUB_|RUNNER_|ACTIONS_|STATE_)/;

export function startAction(name: string, options: RunActionOptions = {}): RunningAction {
  const meta = loadActionMetadata(name);
  if (!existsSync(meta.main)) {
    throw new Error(`Bundle ${meta.main} does not exist: run \`npm run build\` first.`);
  }
  let child!: ChildProcess;
  let resolveChild!: (c: ChildProcess) => void;
  const childReady = new Promise<ChildProcess>((r) => (resolveChild = r));
  const result = (async (): Promise<ActionResult> => {
    const runnerTemp = await mkdtemp(join(tmpdir(), 'runner-temp-'));
    const workspace = options.cwd ?? (await mkdtemp(join(tmpdir(), 'workspace-')));
    const commands = join(runnerTemp, '_runner_file_commands');
    await mkdir(commands, { recursive: true });
    await mkdir(join(runnerTemp, '_github_workflow'), { recursive: true });
    const files = {
      output: join(commands, `set_output_${randomUUID()}`),
      env: join(commands, `set_env_${randomUUID()}`),
      state: join(commands, `save_state_${randomUUID()}`),
      path: join(commands, `add_path_${randomUUID()}`),
      summary: join(commands, `step_summary_${randomUUID()}`),
      event: join(runnerTemp, '_github_workflow', 'event.json'),
    };
    for (const f of [files.output, files.env, files.state, files.path, files.summary]) await writeFile(f, '');
    await writeFile(files.event, JSON.stringify(options.event ?? {}, null, 2));

    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && !RUNNER_OWNED.test(k) && k !== 'NODE_OPTIONS') env[k] = v;
    }
    const github: Record<string, string> = {
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_EVENT_PATH: files.event,
      GITHUB_EVENT_NAME: options.eventName ?? 'push',
      GITHUB_OUTPUT: files.output,
      GITHUB_ENV: files.env,
      GITHUB_STATE: files.state,
      GITHUB_PATH: files.path,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_REPOSITORY: 'octo-org/octo-repo',
      GITHUB_REPOSITORY_OWNER: 'octo-org',
      GITHUB_REPOSITORY_ID: '1296269',
      GITHUB_SHA: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_REF_NAME: 'main',
      GITHUB_REF_TYPE: 'branch',
      GITHUB_RUN_ID: '1658821493',
      GITHUB_RUN_NUMBER: '42',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_ACTOR: 'octocat',
      GITHUB_ACTOR_ID: '583231',
      GITHUB_JOB: 'test',
      GITHUB_WORKFLOW: 'ml-pipeline',
      GITHUB_WORKFLOW_REF: 'octo-org/octo-repo/.github/workflows/ml.yml@refs/heads/main',
      GITHUB_ACTION: `__${name}`,
      GITHUB_ACTION_PATH: meta.dir,
      GITHUB_SERVER_URL: options.serverUrl ?? 'https://github.com',
      GITHUB_API_URL: options.apiUrl ?? 'http://127.0.0.1:9',
      GITHUB_GRAPHQL_URL: `${options.apiUrl ?? 'http://127.0.0.1:9'}/graphql`,
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      RUNNER_NAME: 'GitHub Actions 2',
      RUNNER_ENVIRONMENT: 'github-hosted',
      RUNNER_TEMP: runnerTemp,
      RUNNER_TOOL_CACHE: join(runnerTemp, 'toolcache'),
    };
    if (options.debug) github.RUNNER_DEBUG = '1';
    Object.assign(env, github);

    const context: Record<string, string> = {
      'github.token': options.token ?? '',
      'github.workspace': workspace,
      'github.repository': github.GITHUB_REPOSITORY!,
      'github.sha': github.GITHUB_SHA!,
      'github.actor': github.GITHUB_ACTOR!,
      'runner.temp': runnerTemp,
    };
    const given = options.inputs ?? {};
    for (const [id, spec] of Object.entries(meta.inputs)) {
      const value =
        id in given ? String(given[id]) : spec.default !== undefined ? evaluateDefault(spec.default, context) : '';
      env[inputEnvName(id)] = value;
    }
    for (const [id, value] of Object.entries(given)) {
      // The runner warns about undeclared inputs ("Unexpected input(s)") but still passes them.
      if (!(id in meta.inputs)) env[inputEnvName(id)] = String(value);
    }
    for (const [k, v] of Object.entries(options.state ?? {})) env[`STATE_${k}`] = v;
    Object.assign(env, options.env ?? {});

    const node = nodeBinary(options.node);
    const started = Date.now();
    child = spawn(node, [meta.main], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
    resolveChild(child);

    const log = new RunnerLog(!!options.debug);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      log.feed('stdout', chunk);
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      log.feed('stderr', chunk);
    });
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res, rej) => {
      child.on('error', rej);
      child.on('close', (code, sig) => res([code, sig]));
    });
    if (timer) clearTimeout(timer);
    log.flush();

    const read = (f: string) => readFile(f, 'utf8');
    return {
      exitCode,
      signal,
      stdout,
      stderr,
      log: log.lines,
      outputs: parseKeyValueFile(await read(files.output), 'GITHUB_OUTPUT'),
      exportedEnv: parseKeyValueFile(await read(files.env), 'GITHUB_ENV'),
      state: parseKeyValueFile(await read(files.state), 'GITHUB_STATE'),
      paths: (await read(files.path)).split(/\r?\n/).filter(Boolean),
      summary: await read(files.summary),
      annotations: log.annotations,
      masks: log.masks,
      debugMessages: log.debugMessages,
      workspace,
      runnerTemp,
      nodeVersion: await nodeVersion(node),
      durationMs: Date.now() - started,
    };
  })();

  return {
    get child() {
      return child;
    },
    result,
    async cancel(timings = {}) {
      const c = await childReady;
      const done = result.then(
        () => undefined,
        () => undefined,
      );
      const exited = () => c.exitCode !== null || c.signalCode !== null;
      c.kill('SIGINT');
      // The escalation timers are cleared as soon as the step ends, so no timer outlives it.
      const wait = async (ms: number) => {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([done, new Promise((r) => (timer = setTimeout(r, ms)))]);
        clearTimeout(timer);
      };
      await wait(timings.sigtermAfterMs ?? 7500);
      if (!exited()) {
        c.kill('SIGTERM');
        await wait(timings.killAfterMs ?? 2500);
        if (!exited()) c.kill('SIGKILL');
      }
      return result;
    },
  };
}

/** Runs an action to completion and returns what the runner would show. */
export function runAction(name: string, options: RunActionOptions = {}): Promise<ActionResult> {
  return startAction(name, options).result;
}

const versionCache = new Map<string, string>();
async function nodeVersion(binary: string): Promise<string> {
  const cached = versionCache.get(binary);
  if (cached) return cached;
  if (binary === process.execPath) return process.version;
  const version = await new Promise<string>((res) => {
    const p = spawn(binary, ['--version']);
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('close', () => res(out.trim()));
  });
  versionCache.set(binary, version);
  return version;
}

/**
 * The runner's treatment of an action's output lines: workflow commands are consumed
 * (annotations shown as `Error: …`, debug only with RUNNER_DEBUG, groups as ##[group]),
 * registered secrets are replaced by *** in every later line.
 */
class RunnerLog {
  readonly lines: string[] = [];
  readonly annotations: Annotation[] = [];
  readonly masks: string[] = [];
  readonly debugMessages: string[] = [];
  private readonly partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };

  constructor(private readonly showDebug: boolean) {}

  feed(stream: 'stdout' | 'stderr', chunk: string): void {
    const text = this.partial[stream] + chunk;
    const parts = text.split('\n');
    this.partial[stream] = parts.pop() ?? '';
    for (const line of parts) this.line(line.replace(/\r$/, ''));
  }

  flush(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream] !== '') this.line(this.partial[stream]);
      this.partial[stream] = '';
    }
  }

  private mask(text: string): string {
    let out = text;
    for (const secret of this.masks) if (secret) out = out.split(secret).join('***');
    return out;
  }

  private line(raw: string): void {
    const cmd = parseWorkflowCommand(raw);
    if (!cmd) {
      this.lines.push(this.mask(raw));
      return;
    }
    switch (cmd.command) {
      case 'add-mask':
        // The runner masks the value and, for multi-line values, each line on its own.
        for (const v of [cmd.data, ...cmd.data.split(/\r?\n/)])
          if (v.trim() && !this.masks.includes(v)) this.masks.push(v);
        return;
      case 'debug':
        this.debugMessages.push(this.mask(cmd.data));
        if (this.showDebug) this.lines.push(`##[debug]${this.mask(cmd.data)}`);
        return;
      case 'group':
        this.lines.push(`##[group]${this.mask(cmd.data)}`);
        return;
      case 'endgroup':
        this.lines.push('##[endgroup]');
        return;
      default: {
        const annotation = toAnnotation(cmd);
        if (annotation) {
          annotation.message = this.mask(annotation.message);
          this.annotations.push(annotation);
          const label = annotation.level === 'error' ? 'Error' : annotation.level === 'warning' ? 'Warning' : 'Notice';
          this.lines.push(`${label}: ${annotation.message}`);
          return;
        }
        this.lines.push(this.mask(raw));
      }
    }
  }
}
