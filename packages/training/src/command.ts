import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cancellation, CancelSignal } from './signals.js';

export type RunStatus = 'succeeded' | 'failed' | 'cancelled' | 'timed-out';

export interface CommandOptions {
  /** The user's command, as written under `run:`; it becomes the script file's content. */
  run: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where the script file is written (RUNNER_TEMP in Actions). */
  scriptDir: string;
  /** The shell, as Actions' default `bash -e {0}`: the script path is appended. */
  shell?: string[];
  /** Kill the command after this long: SIGTERM to its process group, then SIGKILL after `graceMs`. */
  timeoutMs?: number;
  /** Time between SIGTERM and SIGKILL on a timeout [10 s]. */
  graceMs?: number;
  /** After a second cancel signal (the runner's SIGTERM), SIGKILL the group after this long [1 s]. */
  cancelKillMs?: number;
  /** `inherit` streams the command's output straight to ours (live, no copy); a function receives it. */
  output?: 'inherit' | ((chunk: string, stream: 'stdout' | 'stderr') => void);
  cancellation?: Cancellation;
}

export interface CommandResult {
  status: RunStatus;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The signals passed on to the command's process group, in order (SIGINT, SIGTERM, SIGKILL). */
  signalsSent: NodeJS.Signals[];
  startedAt: Date;
  endedAt: Date;
  durationMs: number;
  /** The shell could not be started at all (e.g. bash missing). */
  spawnError?: string;
}

/**
 * Runs the training command through bash as Actions runs a `run:` step (`bash -e <file>`, the
 * script in a file, the path as one argument), in its own process group so that signals reach
 * the whole tree (bash, python, torchrun's workers). Cancel signals are forwarded; a timeout
 * sends SIGTERM, then SIGKILL after a grace period. Never rejects for the command's own failure.
 */
export async function runCommand(options: CommandOptions): Promise<CommandResult> {
  await mkdir(options.scriptDir, { recursive: true });
  const script = join(options.scriptDir, `train-${randomUUID()}.sh`);
  await writeFile(script, options.run.endsWith('\n') ? options.run : `${options.run}\n`);
  const [shell, ...shellArgs] = options.shell ?? ['bash', '-e'];
  const signalsSent: NodeJS.Signals[] = [];
  const startedAt = new Date();
  let status: RunStatus | undefined;
  const timers: NodeJS.Timeout[] = [];

  if (options.cancellation?.cancelled) {
    await rm(script, { force: true });
    const endedAt = new Date();
    return { status: 'cancelled', exitCode: null, signal: null, signalsSent, startedAt, endedAt, durationMs: 0 };
  }

  const child = spawn(shell!, [...shellArgs, script], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: [
      'ignore',
      options.output === 'inherit' || options.output === undefined ? 'inherit' : 'pipe',
      options.output === 'inherit' || options.output === undefined ? 'inherit' : 'pipe',
    ],
  });
  const onOutput = typeof options.output === 'function' ? options.output : undefined;
  if (onOutput) {
    child.stdout?.setEncoding('utf8').on('data', (d: string) => onOutput(d, 'stdout'));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => onOutput(d, 'stderr'));
  }

  const sendToGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    signalsSent.push(signal);
    try {
      // Windows has no process groups to signal: the shell alone gets it there.
      if (process.platform === 'win32') child.kill(signal);
      else process.kill(-child.pid, signal);
    } catch {
      // ESRCH: the group is gone already.
    }
  };
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(fn, ms);
    timers.push(t);
  };

  const stopListening = options.cancellation?.onSignal((signal: CancelSignal) => {
    status ??= 'cancelled';
    sendToGroup(signal);
    // The runner's second signal means it will kill us 2.5 s later: make sure the command is
    // gone before then, so that the run can still be recorded.
    if (signal === 'SIGTERM') later(options.cancelKillMs ?? 1000, () => sendToGroup('SIGKILL'));
  });
  if (options.timeoutMs !== undefined) {
    later(options.timeoutMs, () => {
      status ??= 'timed-out';
      sendToGroup('SIGTERM');
      later(options.graceMs ?? 10_000, () => sendToGroup('SIGKILL'));
    });
  }

  const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolve) => {
      child.on('error', (error) => resolve({ code: null, signal: null, error }));
      child.on('exit', (code, signal) => resolve({ code, signal }));
    },
  );
  for (const t of timers) clearTimeout(t);
  stopListening?.();
  await rm(script, { force: true });
  const endedAt = new Date();
  const finalStatus: RunStatus = status ?? (outcome.code === 0 ? 'succeeded' : 'failed');
  return {
    status: finalStatus,
    exitCode: outcome.code,
    signal: outcome.signal,
    signalsSent,
    startedAt,
    endedAt,
    durationMs: endedAt.getTime() - startedAt.getTime(),
    spawnError: outcome.error ? `${shell} could not be started: ${outcome.error.message}` : undefined,
  };
}

/** `exit code 2`, `signal SIGINT`: how a finished command ended, for messages. */
export function describeExit(result: Pick<CommandResult, 'exitCode' | 'signal'>): string {
  if (result.signal) return `signal ${result.signal}`;
  return `exit code ${result.exitCode}`;
}
