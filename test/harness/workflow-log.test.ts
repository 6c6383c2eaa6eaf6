import { describe, expect, it } from '@jest/globals';
import { captureLog } from './workflow-log.js';

describe('captureLog', () => {
  it('reads back the lines, the commands and the annotations a call printed, and its exit code', async () => {
    const before = process.exitCode;
    const log = await captureLog(async () => {
      process.stdout.write('plain line\n');
      process.stdout.write(Buffer.from('::debug::detail\n'));
      await Promise.resolve();
      process.stdout.write('::error file=params.yaml,line=4::`lr` must be a number\n');
      process.exitCode = 1;
    });
    expect(log.lines).toEqual([
      'plain line',
      '::debug::detail',
      '::error file=params.yaml,line=4::`lr` must be a number',
    ]);
    expect(log.commands.map((c) => c.command)).toEqual(['debug', 'error']);
    expect(log.annotations).toEqual([
      { level: 'error', message: '`lr` must be a number', file: 'params.yaml', line: 4 },
    ]);
    expect(log.exitCode).toBe(1);
    // The test process keeps the exit code it had.
    expect(process.exitCode).toBe(before);
  });

  it('puts stdout and the exit code back when the call throws', async () => {
    const write = process.stdout.write;
    const before = process.exitCode;
    await expect(
      captureLog(() => {
        process.exitCode = 2;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(process.stdout.write).toBe(write);
    expect(process.exitCode).toBe(before);
  });
});
