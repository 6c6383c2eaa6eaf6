import { UserError } from '@mlops-gha/common';
import { capture } from './process.js';

/** One GPU as `nvidia-smi --query-gpu` reports it. */
export interface GpuDevice {
  index: number;
  name: string;
  uuid: string | null;
  memoryTotalMiB: number | null;
  driverVersion: string | null;
}

/**
 * What the probe found. `ok`: at least one GPU; `no-gpu`: the driver answers but lists none;
 * `no-driver`: nvidia-smi is installed but fails (module not loaded, library mismatch);
 * `not-installed`: no nvidia-smi on PATH (every CPU runner); `skipped`: not probed.
 */
export type GpuProbeStatus = 'ok' | 'no-gpu' | 'no-driver' | 'not-installed' | 'skipped';

export interface GpuProbe {
  status: GpuProbeStatus;
  devices: GpuDevice[];
  driverVersion: string | null;
  /** The driver's highest supported CUDA version, from the nvidia-smi header (not the toolkit's). */
  cudaVersion: string | null;
  /** nvidia-smi's own words when it failed, with its exit code. */
  message?: string;
  exitCode?: number | null;
}

/** The inventory query, one line per GPU. */
export const INVENTORY_QUERY = [
  '--query-gpu=index,name,uuid,memory.total,driver_version',
  '--format=csv,noheader,nounits',
];
/** The sampling query, one line per GPU. */
export const SAMPLE_QUERY = ['--query-gpu=index,utilization.gpu,memory.used', '--format=csv,noheader,nounits'];

/** `[N/A]`, `N/A`, `[Not Supported]` and empty fields read as null. */
function field(value: string | undefined): string | null {
  if (value === undefined) return null;
  const v = value.trim();
  if (v === '' || /^\[?(N\/A|Not Supported|Unknown Error|Insufficient Permissions)\]?$/i.test(v)) return null;
  return v;
}

function numberField(value: string | undefined): number | null {
  const v = field(value);
  if (v === null) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** Parses `--query-gpu=index,name,uuid,memory.total,driver_version --format=csv,noheader,nounits`. */
export function parseInventory(csv: string): GpuDevice[] {
  const devices: GpuDevice[] = [];
  for (const line of csv.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const parts = line.split(', ');
    // A GPU name never contains ", " in practice, but keep the last three fields anchored.
    if (parts.length < 5) continue;
    const driver = parts.pop();
    const memory = parts.pop();
    const uuid = parts.pop();
    const index = numberField(parts.shift());
    if (index === null) continue;
    devices.push({
      index,
      name: field(parts.join(', ')) ?? 'unknown GPU',
      uuid: field(uuid),
      memoryTotalMiB: numberField(memory),
      driverVersion: field(driver),
    });
  }
  return devices;
}

/**
 * The CUDA version from nvidia-smi's table header: `CUDA Version: 12.4`, or on newer drivers
 * (about R610 on) `CUDA UMD Version: 13.0`. Also reads `nvidia-smi -q`'s `CUDA Version : 12.4`.
 */
export function parseCudaVersion(text: string): string | null {
  const match = /CUDA (?:UMD )?Version\s*:\s*([0-9]+(?:\.[0-9]+)*)/.exec(text);
  return match ? match[1]! : null;
}

/** The driver version from the header: `Driver Version: 550.90.07` or `KMD Version: 610.12`. */
export function parseDriverVersion(text: string): string | null {
  const match = /(?:Driver|KMD) Version\s*:\s*([0-9]+(?:\.[0-9]+)*)/.exec(text);
  return match ? match[1]! : null;
}

function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .find((l) => l.trim() !== '')
      ?.trim() ?? ''
  );
}

/**
 * Asks nvidia-smi what GPUs this runner has: the inventory query and the plain table (for the
 * CUDA version, which is no query field) run in parallel.
 */
export async function probeGpus(
  options: { nvidiaSmi?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<GpuProbe> {
  const bin = options.nvidiaSmi ?? 'nvidia-smi';
  const run = (args: string[]) => capture(bin, args, { env: options.env, timeoutMs: options.timeoutMs ?? 30_000 });
  const [inventory, header] = await Promise.all([run(INVENTORY_QUERY), run([])]);
  const empty = { devices: [], driverVersion: null, cudaVersion: null };

  if (inventory.spawnError) {
    const code = inventory.spawnError.code;
    return {
      status: code === 'ENOENT' ? 'not-installed' : 'no-driver',
      ...empty,
      message:
        code === 'ENOENT'
          ? `${bin} was not found on PATH (no NVIDIA driver is installed on this runner)`
          : `${bin} could not be started: ${inventory.spawnError.message}`,
      exitCode: null,
    };
  }
  const said = firstLine(inventory.stdout) || firstLine(inventory.stderr);
  if (inventory.timedOut) {
    return {
      status: 'no-driver',
      ...empty,
      message: `${bin} did not answer within ${(options.timeoutMs ?? 30_000) / 1000} s`,
      exitCode: null,
    };
  }
  if (inventory.code !== 0) {
    const noDevices = /No devices were found/i.test(said) || inventory.code === 6;
    return {
      status: noDevices ? 'no-gpu' : 'no-driver',
      ...empty,
      message: said || `${bin} failed`,
      exitCode: inventory.code,
    };
  }
  const devices = parseInventory(inventory.stdout);
  if (devices.length === 0) {
    return { status: 'no-gpu', ...empty, message: said || `${bin} listed no GPUs`, exitCode: 0 };
  }
  const headerText = header.code === 0 ? header.stdout : '';
  return {
    status: 'ok',
    devices,
    driverVersion: devices[0]!.driverVersion ?? parseDriverVersion(headerText),
    cudaVersion: parseCudaVersion(headerText),
    exitCode: 0,
  };
}

/** The `gpus` input: every GPU, the first N, or these indices. */
export type GpuSpec = { kind: 'all' } | { kind: 'count'; count: number } | { kind: 'indices'; indices: number[] };

/**
 * Reads the `gpus` input. `all` (or empty): every GPU. A single number is a count (`2` = the
 * first two GPUs). A comma-separated list, or a single index followed by a comma or in brackets
 * (`0,2`, `1,`, `[1]`), names indices.
 */
export function parseGpuSpec(raw: string | undefined): GpuSpec {
  const value = (raw ?? '').trim();
  if (value === '' || value.toLowerCase() === 'all') return { kind: 'all' };
  const fix =
    'Set `gpus:` to `all`, a count such as `2`, or indices separated by commas such as `0,2` (a single index as `1,`).';
  if (/^\d+$/.test(value)) {
    const count = Number(value);
    if (count < 1) throw new UserError(`Input \`gpus\` must be at least 1 GPU, got ${JSON.stringify(raw)}`, { fix });
    return { kind: 'count', count };
  }
  const list = value.replace(/^\[|\]$/g, '');
  const parts = list
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p))) {
    throw new UserError(`Input \`gpus\` must be a count or a list of GPU indices, got ${JSON.stringify(raw)}`, { fix });
  }
  const indices = parts.map(Number);
  const duplicate = indices.find((i, n) => indices.indexOf(i) !== n);
  if (duplicate !== undefined) {
    throw new UserError(`Input \`gpus\` names GPU ${duplicate} twice: ${JSON.stringify(raw)}`, { fix });
  }
  return { kind: 'indices', indices };
}

export interface GpuSelection {
  /** The devices the command may use. */
  selected: GpuDevice[];
  /** The CUDA_VISIBLE_DEVICES value to set, or null to leave the environment as it is. */
  visibleDevices: string | null;
}

function describeDevices(devices: GpuDevice[]): string {
  if (devices.length === 0) return 'no GPUs';
  return devices.map((d) => `${d.index} (${d.name})`).join(', ');
}

/**
 * Turns the `gpus` input into CUDA_VISIBLE_DEVICES over the probed devices, refusing indices
 * the runner does not have and counts larger than it has.
 */
export function selectGpus(spec: GpuSpec, devices: GpuDevice[]): GpuSelection {
  if (spec.kind === 'all') return { selected: devices, visibleDevices: null };
  const have = `this runner has ${devices.length === 1 ? '1 GPU' : `${devices.length} GPUs`}: ${describeDevices(devices)}`;
  if (spec.kind === 'count') {
    if (spec.count > devices.length) {
      throw new UserError(`Input \`gpus\` asks for ${spec.count} GPUs but ${have}`, {
        fix: `Lower \`gpus:\` to at most ${devices.length}, or run the job on a runner with more GPUs.`,
      });
    }
    const selected = devices.slice(0, spec.count);
    return { selected, visibleDevices: selected.map((d) => d.index).join(',') };
  }
  const missing = spec.indices.filter((i) => !devices.some((d) => d.index === i));
  if (missing.length > 0) {
    throw new UserError(
      `Input \`gpus\` names GPU ${missing.length === 1 ? 'index' : 'indices'} ${missing.join(', ')}, which ${missing.length === 1 ? 'does' : 'do'} not exist: ${have}`,
      {
        fix: `Use indices from the list above (nvidia-smi numbering), e.g. \`gpus: ${
          devices
            .map((d) => d.index)
            .slice(0, 2)
            .join(',') || '0'
        }\`.`,
      },
    );
  }
  const selected = spec.indices.map((i) => devices.find((d) => d.index === i)!);
  return { selected, visibleDevices: spec.indices.join(',') };
}

/** The `gpu` output and record summary: the first selected GPU's identity, plus the count. */
export interface GpuIdentity {
  count: number;
  name: string | null;
  memory_mib: number | null;
  driver: string | null;
  cuda: string | null;
}

export function gpuIdentity(probe: GpuProbe, selected: GpuDevice[]): GpuIdentity {
  const first = selected[0];
  return {
    count: selected.length,
    name: first?.name ?? null,
    memory_mib: first?.memoryTotalMiB ?? null,
    driver: probe.driverVersion,
    cuda: probe.cudaVersion,
  };
}
