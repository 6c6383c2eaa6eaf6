import { formatBytes, formatRate } from './format.js';

export interface ProgressSnapshot {
  done: number;
  total?: number;
  bytes: number;
  elapsedMs: number;
}

/**
 * Counts units (files, rows) and bytes of a long task and renders the line Actions logs show
 * every few seconds: `data-pull: 1200/20000 files, 310 MB, 48 MB/s`. The clock is injectable
 * so the rendering can be tested without waiting.
 */
export class ProgressMeter {
  private done = 0;
  private bytes = 0;
  private readonly startedAt: number;

  constructor(
    readonly label: string,
    readonly unit: string,
    private total?: number,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  add(units: number, bytes = 0): void {
    this.done += units;
    this.bytes += bytes;
  }

  addBytes(bytes: number): void {
    this.bytes += bytes;
  }

  setTotal(total: number): void {
    this.total = total;
  }

  snapshot(): ProgressSnapshot {
    return { done: this.done, total: this.total, bytes: this.bytes, elapsedMs: this.now() - this.startedAt };
  }

  line(): string {
    const { done, total, bytes, elapsedMs } = this.snapshot();
    const count = total === undefined ? `${done}` : `${done}/${total}`;
    return `${this.label}: ${count} ${this.unit}, ${formatBytes(bytes)}, ${formatRate(bytes, elapsedMs / 1000)}`;
  }
}

/**
 * Calls `emit` with the meter's line every `intervalMs` until the returned function is
 * called. The timer is unref'd so a forgotten ticker never keeps a process alive.
 */
export function startProgressTicker(meter: ProgressMeter, emit: (line: string) => void, intervalMs = 5000): () => void {
  const timer = setInterval(() => emit(meter.line()), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
