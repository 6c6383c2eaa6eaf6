import * as core from '@actions/core';
import { ProgressMeter, startProgressTicker } from '@mlops-gha/common';

/**
 * A progress meter whose line is printed to the Actions log every `intervalMs` (logs are not
 * a TTY, so a long step shows it is alive with plain lines). Call `finish()` to print the
 * final line and stop the timer.
 */
export function startProgress(label: string, unit: string, total?: number, intervalMs = 5000) {
  const meter = new ProgressMeter(label, unit, total);
  const stop = startProgressTicker(meter, (line) => core.info(line), intervalMs);
  return {
    meter,
    finish(): void {
      stop();
      core.info(meter.line());
    },
  };
}
