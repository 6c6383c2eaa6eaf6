import { SAMPLE_QUERY } from './gpu.js';
import { capture } from './process.js';

/** Utilisation of one GPU over a run, summarised from periodic samples. */
export interface GpuUtilization {
  index: number;
  /** Samples in which the GPU reported anything. */
  samples: number;
  utilization_percent: { mean: number | null; max: number | null };
  memory_used_mib: { mean: number | null; max: number | null };
}

/** One `index, utilization.gpu, memory.used` line per GPU; `[N/A]` reads as null. */
export function parseSamples(csv: string): { index: number; utilization: number | null; memoryUsed: number | null }[] {
  const rows = [];
  for (const line of csv.split(/\r?\n/)) {
    const parts = line.split(',').map((p) => p.trim());
    if (parts.length < 3 || !/^\d+$/.test(parts[0]!)) continue;
    const num = (v: string) => (/^-?\d+(\.\d+)?$/.test(v) ? Number(v) : null);
    rows.push({ index: Number(parts[0]), utilization: num(parts[1]!), memoryUsed: num(parts[2]!) });
  }
  return rows;
}

class Series {
  count = 0;
  sum = 0;
  max: number | null = null;
  add(v: number | null): void {
    if (v === null) return;
    this.count += 1;
    this.sum += v;
    this.max = this.max === null ? v : Math.max(this.max, v);
  }
  mean(): number | null {
    return this.count === 0 ? null : Math.round((this.sum / this.count) * 10) / 10;
  }
}

/**
 * Samples GPU utilisation and memory with nvidia-smi every `intervalMs` while the training
 * command runs. A sample still in flight when the next is due is not doubled up; a run shorter
 * than one interval still gets one sample at stop. The timer is unref'd.
 */
export class GpuSampler {
  private readonly util = new Map<number, Series>();
  private readonly memory = new Map<number, Series>();
  private readonly seen = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private taken = 0;
  errors = 0;

  constructor(
    private readonly options: { indices: number[]; intervalMs: number; nvidiaSmi?: string; env?: NodeJS.ProcessEnv },
  ) {}

  start(): void {
    if (this.options.indices.length === 0) return;
    this.timer = setInterval(() => void this.sample(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Takes one sample now, unless one is already running. */
  sample(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    this.inFlight = (async () => {
      const result = await capture(this.options.nvidiaSmi ?? 'nvidia-smi', SAMPLE_QUERY, {
        env: this.options.env,
        timeoutMs: Math.max(5_000, this.options.intervalMs * 2),
      });
      if (result.code !== 0) {
        this.errors += 1;
        return;
      }
      this.taken += 1;
      for (const row of parseSamples(result.stdout)) {
        if (!this.options.indices.includes(row.index)) continue;
        if (!this.util.has(row.index)) {
          this.util.set(row.index, new Series());
          this.memory.set(row.index, new Series());
        }
        this.util.get(row.index)!.add(row.utilization);
        this.memory.get(row.index)!.add(row.memoryUsed);
        if (row.utilization !== null || row.memoryUsed !== null)
          this.seen.set(row.index, (this.seen.get(row.index) ?? 0) + 1);
      }
    })().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Stops sampling and returns the mean and max per GPU, in the order of `indices`. */
  async stop(): Promise<GpuUtilization[]> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.inFlight) await this.inFlight;
    if (this.options.indices.length > 0 && this.taken === 0) await this.sample();
    return this.options.indices.map((index) => {
      const u = this.util.get(index);
      const m = this.memory.get(index);
      return {
        index,
        samples: this.seen.get(index) ?? 0,
        utilization_percent: { mean: u?.mean() ?? null, max: u?.max ?? null },
        memory_used_mib: { mean: m?.mean() ?? null, max: m?.max ?? null },
      };
    });
  }
}
