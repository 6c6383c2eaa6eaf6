/**
 * Timing for bench/data-pull.ts: wall time of a run, and the CPU seconds the S3 server's
 * process and the client (this process, or the child tool it waited for) spent in it, read
 * from /proc, so that each ratio can be read against how busy the server was.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** CPU seconds so far: the S3 server's process, this process, and this process's waited-for children (rclone, cp). */
function cpuNow(serverPid: number | undefined): { server: number; self: number; children: number } {
  const fields = (pid: number | string) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const tick = 0.01; // USER_HZ
  const own = fields('self');
  const usage = process.cpuUsage();
  return {
    server: serverPid ? (Number(fields(serverPid)[11]) + Number(fields(serverPid)[12])) * tick : 0,
    self: (usage.user + usage.system) / 1e6,
    children: (Number(own[13]) + Number(own[14])) * tick,
  };
}

export interface Timing {
  ms: number;
  /** CPU seconds of the S3 server and of the client (this process, or the child tool) during the run. */
  serverCpu: number;
  clientCpu: number;
}

export async function timed<T>(fn: () => Promise<T>, serverPid?: number): Promise<Timing & { value: T }> {
  // Flush the previous run's dirty pages first: on this kind of VM their writeback otherwise
  // lands, at random, on whichever tool runs next.
  spawnSync('sync');
  const before = cpuNow(serverPid);
  const t = performance.now();
  const value = await fn();
  const ms = performance.now() - t;
  const after = cpuNow(serverPid);
  return {
    ms,
    value,
    serverCpu: after.server - before.server,
    clientCpu: after.self - before.self + (after.children - before.children),
  };
}

/** The faster of two timings (undefined: none yet). */
export const faster = (a: Timing | undefined, b: Timing) => (a && a.ms <= b.ms ? a : b);
export const NONE: Timing = { ms: Infinity, serverCpu: 0, clientCpu: 0 };

/** Where the run's time went: how busy the server was, and the client's CPU per object. */
export function cpuLine(t: Timing, objects: number): string {
  return `server busy ${((t.serverCpu / (t.ms / 1000)) * 100).toFixed(0).padStart(3)}%, client cpu ${((t.clientCpu / objects) * 1e6).toFixed(0)} us/object`;
}

export function rate(files: number, bytes: number, ms: number): string {
  return `${(files / (ms / 1000)).toFixed(0).padStart(6)} files/s ${(bytes / 1e6 / (ms / 1000)).toFixed(1).padStart(7)} MB/s  (${(ms / 1000).toFixed(2)} s)`;
}
