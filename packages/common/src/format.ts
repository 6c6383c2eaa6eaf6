const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/**
 * Bytes in SI units with three significant digits: `310 MB`, `1.25 GB`, `512 B`. The value is
 * rounded before the unit is chosen, so 999 999 B is `1.00 MB` (not `1000 kB`) and a rate of a
 * few bytes a second shows whole bytes.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return `${bytes} B`;
  let value = bytes;
  let unit = 0;
  let shown = Math.round(value);
  while (shown >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
    shown = Number(value.toPrecision(3));
  }
  if (unit === 0) return `${shown} B`;
  const digits = shown >= 100 ? 0 : shown >= 10 ? 1 : 2;
  return `${shown.toFixed(digits)} ${UNITS[unit]}`;
}

/** A throughput such as `48 MB/s`. */
export function formatRate(bytes: number, seconds: number): string {
  if (seconds <= 0) return '- MB/s';
  return `${formatBytes(bytes / seconds)}/s`;
}

/**
 * A duration as `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`. Each step rounds first, so
 * 59.96 s is `1 min 00 s`, not `60.0 s`.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return `${ms} ms`;
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) return `${minutes} min ${String(totalSeconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
