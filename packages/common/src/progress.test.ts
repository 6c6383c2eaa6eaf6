import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ProgressMeter, startProgressTicker } from './progress.js';

describe('ProgressMeter', () => {
  it('renders the progress line Actions logs show', () => {
    let now = 1000;
    const meter = new ProgressMeter('data-pull', 'files', 20000, () => now);
    meter.add(1200, 310_000_000);
    now += 6458;
    expect(meter.line()).toBe('data-pull: 1200/20000 files, 310 MB, 48.0 MB/s');
  });

  it('counts without a total until one is set, and adds bytes without units', () => {
    let now = 0;
    const meter = new ProgressMeter('registry-push', 'files', undefined, () => now);
    meter.add(1);
    meter.addBytes(2_000_000);
    meter.add(2, 1_000_000);
    now = 2000;
    expect(meter.line()).toBe('registry-push: 3 files, 3.00 MB, 1.50 MB/s');
    meter.setTotal(10);
    expect(meter.snapshot()).toEqual({ done: 3, total: 10, bytes: 3_000_000, elapsedMs: 2000 });
    expect(meter.line()).toBe('registry-push: 3/10 files, 3.00 MB, 1.50 MB/s');
  });

  it('shows no rate before any time has passed', () => {
    const meter = new ProgressMeter('train', 'files', 4, () => 5);
    meter.add(1, 100);
    expect(meter.line()).toBe('train: 1/4 files, 100 B, - MB/s');
  });

  it('measures from its creation on the real clock by default', () => {
    const before = Date.now();
    const meter = new ProgressMeter('x', 'rows');
    const { elapsedMs, done, bytes, total } = meter.snapshot();
    expect(elapsedMs).toBeGreaterThanOrEqual(0);
    expect(elapsedMs).toBeLessThanOrEqual(Date.now() - before);
    expect({ done, bytes, total }).toEqual({ done: 0, bytes: 0, total: undefined });
  });
});

describe('startProgressTicker', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it("emits the meter's current line every interval until stopped", () => {
    jest.useFakeTimers();
    let now = 0;
    const meter = new ProgressMeter('data-pull', 'files', 3, () => now);
    const lines: string[] = [];
    const stop = startProgressTicker(meter, (line) => lines.push(line), 5000);
    jest.advanceTimersByTime(4999);
    expect(lines).toEqual([]);
    meter.add(1, 5_000_000);
    now = 5000;
    jest.advanceTimersByTime(1);
    meter.add(2, 5_000_000);
    now = 10_000;
    jest.advanceTimersByTime(5000);
    stop();
    jest.advanceTimersByTime(60_000);
    expect(lines).toEqual(['data-pull: 1/3 files, 5.00 MB, 1.00 MB/s', 'data-pull: 3/3 files, 10.0 MB, 1.00 MB/s']);
  });

  it('ticks every 5 seconds by default', () => {
    jest.useFakeTimers();
    const lines: string[] = [];
    const stop = startProgressTicker(new ProgressMeter('x', 'files', 1, () => 0), (line) => lines.push(line));
    jest.advanceTimersByTime(14_999);
    stop();
    expect(lines).toHaveLength(2);
  });

  it('never keeps a process alive when it is not stopped', () => {
    // A child process starts a ticker, forgets it, and finishes its work: it must exit by itself.
    const progress = fileURLToPath(new URL('./progress.ts', import.meta.url));
    const script = `
      const { ProgressMeter, startProgressTicker } = await import(${JSON.stringify(progress)});
      startProgressTicker(new ProgressMeter('x', 'files'), () => {}, 10);
      setTimeout(() => console.log('work done'), 50);
    `;
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(stdout).toBe('work done\n');
  });
});
