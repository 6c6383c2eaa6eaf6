import { spawn } from 'node:child_process';

export interface Captured {
  /** Exit code; null when the program could not be started or was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the program could not be started (ENOENT: not on PATH, EACCES, ...). */
  spawnError?: NodeJS.ErrnoException;
  timedOut: boolean;
}

/**
 * Runs a short-lived program with an argument array (never a shell string) and returns what
 * it printed. A program that is not installed is a result (spawnError.code === 'ENOENT'),
 * not an exception, because "no nvidia-smi" is a normal answer on a CPU runner.
 */
export function capture(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<Captured> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, options.timeoutMs)
      : undefined;
    timer?.unref();
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const finish = (result: Captured) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve(result);
    };
    child.on('error', (error: NodeJS.ErrnoException) =>
      finish({ code: null, stdout, stderr, spawnError: error, timedOut }),
    );
    child.on('close', (code) => finish({ code, stdout, stderr, timedOut }));
  });
}
