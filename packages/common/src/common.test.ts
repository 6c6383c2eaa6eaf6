import { describe, expect, it } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ProgressMeter,
  UserError,
  describeError,
  formatBytes,
  formatDuration,
  formatRate,
  hashFile,
  isUserError,
} from './index.js';

describe('formatting', () => {
  it('writes bytes in SI units with three significant digits', () => {
    expect([0, 999, 1000, 1234, 310_000_000, 1_250_000_000].map(formatBytes)).toEqual([
      '0 B',
      '999 B',
      '1.00 kB',
      '1.23 kB',
      '310 MB',
      '1.25 GB',
    ]);
    expect(formatRate(48_000_000, 1)).toBe('48.0 MB/s');
    expect([850, 12_300, 245_000, 7_380_000].map(formatDuration)).toEqual([
      '850 ms',
      '12.3 s',
      '4 min 05 s',
      '2 h 03 min',
    ]);
  });
});

describe('ProgressMeter', () => {
  it('renders the progress line Actions logs show', () => {
    let now = 1000;
    const meter = new ProgressMeter('data-pull', 'files', 20000, () => now);
    meter.add(1200, 310_000_000);
    now += 6458;
    expect(meter.line()).toBe('data-pull: 1200/20000 files, 310 MB, 48.0 MB/s');
  });
});

describe('UserError', () => {
  it('carries the fix and the location, and describes itself with both', () => {
    const error = new UserError('data.dvc: outs[0] has no md5', {
      fix: 'Run dvc commit data.dvc.',
      location: { file: 'data.dvc', line: 2 },
    });
    expect(isUserError(error)).toBe(true);
    expect(describeError(error)).toBe('data.dvc: outs[0] has no md5\nFix: Run dvc commit data.dvc.');
    expect(describeError(new Error('plain'))).toBe('plain');
    expect(error.location).toEqual({ file: 'data.dvc', line: 2 });
  });
});

describe('hashFile', () => {
  it('hashes a file as sha256 and md5', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'hash-')), 'f');
    await writeFile(path, 'foo');
    expect(await hashFile(path)).toBe('2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae');
    expect(await hashFile(path, 'md5')).toBe('acbd18db4cc2f85cedef654fccc4a4d8');
  });
});
