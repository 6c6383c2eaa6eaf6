import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from './command.js';
import { Cancellation } from './signals.js';

async function dirs() {
  const cwd = await mkdtemp(join(tmpdir(), 'cmd-cwd-'));
  const scriptDir = await mkdtemp(join(tmpdir(), 'cmd-scripts-'));
  return { cwd, scriptDir };
}

function collect() {
  let text = '';
  return { output: (chunk: string) => void (text += chunk), text: () => text };
}

describe('runCommand', () => {
  it('runs the command as a bash -e script in the working directory, and removes the script', async () => {
    const { cwd, scriptDir } = await dirs();
    const out = collect();
    const result = await runCommand({
      run: 'pwd\necho "$GREETING" >&2\nfalse\necho never',
      cwd,
      scriptDir,
      env: { ...process.env, GREETING: 'hello' },
      output: out.output,
    });
    expect(out.text()).toBe(`${cwd}\nhello\n`);
    expect(result).toMatchObject({ status: 'failed', exitCode: 1, signal: null, signalsSent: [] });
    expect(await readdir(scriptDir)).toEqual([]);
  });

  it('succeeds with exit code 0 and measures the time', async () => {
    const { cwd, scriptDir } = await dirs();
    const result = await runCommand({ run: 'exit 0', cwd, scriptDir, env: process.env, output: collect().output });
    expect(result.status).toBe('succeeded');
    expect(result.exitCode).toBe(0);
    expect(result.endedAt.getTime()).toBeGreaterThanOrEqual(result.startedAt.getTime());
  });

  it('on a timeout sends SIGTERM to the whole process group, then SIGKILL after the grace period', async () => {
    const { cwd, scriptDir } = await dirs();
    // The child ignores SIGTERM (as a stuck data loader might); a grandchild proves the group is hit.
    const run = [
      'trap "echo got TERM >> term.log" TERM',
      '(trap "echo sub got TERM >> term.log; exit 0" TERM; sleep 30 & wait) &',
      'echo started',
      'while true; do sleep 0.05 || true; done',
    ].join('\n');
    const out = collect();
    const result = await runCommand({
      run,
      cwd,
      scriptDir,
      env: process.env,
      timeoutMs: 400,
      graceMs: 400,
      output: out.output,
    });
    expect(result).toMatchObject({
      status: 'timed-out',
      exitCode: null,
      signal: 'SIGKILL',
      signalsSent: ['SIGTERM', 'SIGKILL'],
    });
    const log = await readFile(join(cwd, 'term.log'), 'utf8');
    expect(log).toContain('got TERM');
    expect(log).toContain('sub got TERM');
  });

  it('forwards a cancel signal to the command and records it', async () => {
    const { cwd, scriptDir } = await dirs();
    const cancellation = new Cancellation([]);
    const out = collect();
    const running = runCommand({
      run: 'trap "echo interrupted > int.log; exit 130" INT\necho ready\nwhile true; do sleep 0.05; done',
      cwd,
      scriptDir,
      env: process.env,
      output: (chunk) => {
        out.output(chunk);
        if (chunk.includes('ready')) cancellation.raise('SIGINT');
      },
      cancellation,
    });
    const result = await running;
    cancellation.dispose();
    expect(result).toMatchObject({ status: 'cancelled', exitCode: 130, signalsSent: ['SIGINT'] });
    expect(await readFile(join(cwd, 'int.log'), 'utf8')).toBe('interrupted\n');
  });

  it('kills the group shortly after the second cancel signal (the runner kills us 2.5 s later)', async () => {
    const { cwd, scriptDir } = await dirs();
    const cancellation = new Cancellation([]);
    const result = await runCommand({
      run: 'trap "" INT TERM\necho ready\nwhile true; do sleep 0.05 || true; done',
      cwd,
      scriptDir,
      env: process.env,
      cancelKillMs: 200,
      output: (chunk) => {
        if (chunk.includes('ready')) {
          cancellation.raise('SIGINT');
          setTimeout(() => cancellation.raise('SIGTERM'), 100);
        }
      },
      cancellation,
    });
    cancellation.dispose();
    expect(result).toMatchObject({
      status: 'cancelled',
      signal: 'SIGKILL',
      signalsSent: ['SIGINT', 'SIGTERM', 'SIGKILL'],
    });
  });

  it('does not start a command once the run is cancelled', async () => {
    const { cwd, scriptDir } = await dirs();
    const cancellation = new Cancellation([]);
    cancellation.raise('SIGINT');
    const result = await runCommand({ run: 'touch started', cwd, scriptDir, env: process.env, cancellation });
    expect(result.status).toBe('cancelled');
    expect(existsSync(join(cwd, 'started'))).toBe(false);
  });
});
