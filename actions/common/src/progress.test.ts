import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { startProgress } from './progress.js';
import { captureLog } from '../../../test/harness/workflow-log.js';

// Fake timers: the ticks are driven by hand, so nothing here waits or depends on the machine's speed.
beforeEach(() => {
  jest.useFakeTimers({ now: new Date('2026-12-01T00:00:00Z') });
});
afterEach(() => {
  jest.useRealTimers();
});

describe('startProgress', () => {
  it("prints the meter's line at each interval, and a final line at finish, then stops", async () => {
    let lineAtFirstTick = '';
    let lineAtFinish = '';
    const log = await captureLog(() => {
      const progress = startProgress('data-pull', 'files', 4, 1000);
      progress.meter.add(1, 2_000_000);
      jest.advanceTimersByTime(999);
      jest.advanceTimersByTime(1);
      lineAtFirstTick = progress.meter.line();
      progress.meter.add(3, 6_000_000);
      jest.advanceTimersByTime(1000);
      lineAtFinish = progress.meter.line();
      progress.finish();
      jest.advanceTimersByTime(10_000);
    });
    expect(lineAtFirstTick).toMatch(/^data-pull: 1\/4 files, /);
    expect(lineAtFinish).toMatch(/^data-pull: 4\/4 files, /);
    expect(log.lines).toEqual([lineAtFirstTick, lineAtFinish, lineAtFinish]);
  });

  it('counts without a total when none is known, and prints once at finish for a short task', async () => {
    let line = '';
    const log = await captureLog(() => {
      const progress = startProgress('train', 'outputs');
      progress.meter.add(2, 10);
      line = progress.meter.line();
      progress.finish();
      jest.advanceTimersByTime(60_000);
    });
    expect(line).toMatch(/^train: 2 outputs, /);
    expect(log.lines).toEqual([line]);
  });
});
