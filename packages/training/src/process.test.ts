import { describe, expect, it } from '@jest/globals';
import { mkdtemp, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capture } from './process.js';

describe('capture', () => {
  it('returns the exit code and everything the program printed on stdout and stderr', async () => {
    const result = await capture('bash', ['-c', 'printf "out\\n"; printf "err\\n" >&2; exit 3']);
    expect(result).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false });
  });

  it('passes arguments as they are, never through a shell', async () => {
    const hostile = ['$(touch pwned)', '; rm -rf /', '"quoted" and \'single\'', '*', ''];
    const result = await capture('node', ['-e', 'console.log(JSON.stringify(process.argv.slice(1)))', ...hostile]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(hostile);
  });

  it('runs in the folder and with the environment given', async () => {
    const dir = await realpath(await mkdtemp(join(tmpdir(), 'capture-')));
    const result = await capture('bash', ['-c', 'pwd; echo "$ONLY_THIS"'], {
      cwd: dir,
      env: { PATH: process.env.PATH, ONLY_THIS: 'yes' },
    });
    expect(result.stdout).toBe(`${dir}\nyes\n`);
  });

  it('answers a program that is not installed with spawnError ENOENT instead of throwing', async () => {
    const result = await capture('nvidia-smi-that-is-not-installed', ['-L']);
    expect(result.code).toBeNull();
    expect(result.spawnError?.code).toBe('ENOENT');
    expect(result.timedOut).toBe(false);
  });

  it('kills a program that runs past the timeout and says so, keeping what it printed', async () => {
    const result = await capture('bash', ['-c', 'echo started; exec sleep 30'], { timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    expect(result.code).toBeNull();
    expect(result.stdout).toBe('started\n');
  });

  it('is not timed out when the program ends in time', async () => {
    const result = await capture('bash', ['-c', 'exit 0'], { timeoutMs: 10_000 });
    expect(result).toEqual({ code: 0, stdout: '', stderr: '', timedOut: false });
  });
});
