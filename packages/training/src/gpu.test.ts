import { describe, expect, it } from '@jest/globals';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCudaVersion, parseDriverVersion, parseGpuSpec, parseInventory, probeGpus, selectGpus } from './gpu.js';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/nvidia-smi');
const smi = (name: string) => join(fixtures, name, 'nvidia-smi');

describe('probeGpus against recorded nvidia-smi outputs', () => {
  it('reads two GPUs, the driver and the CUDA version from the header', async () => {
    const probe = await probeGpus({ nvidiaSmi: smi('two-gpus') });
    expect(probe).toEqual({
      status: 'ok',
      devices: [
        {
          index: 0,
          name: 'NVIDIA H100 80GB HBM3',
          uuid: 'GPU-6f2a3c1e-8b9d-4e2f-a1b3-5c7d9e0f1a2b',
          memoryTotalMiB: 81559,
          driverVersion: '550.90.07',
        },
        {
          index: 1,
          name: 'NVIDIA H100 80GB HBM3',
          uuid: 'GPU-0c4e6a8b-1d3f-4a5c-9e7b-2f4a6c8e0b1d',
          memoryTotalMiB: 81559,
          driverVersion: '550.90.07',
        },
      ],
      driverVersion: '550.90.07',
      cudaVersion: '12.4',
      exitCode: 0,
    });
  });

  it('tells "no GPU" from "no driver" from "not installed", keeping nvidia-smi\'s words and exit code', async () => {
    expect(await probeGpus({ nvidiaSmi: smi('no-gpu') })).toMatchObject({
      status: 'no-gpu',
      devices: [],
      message: 'No devices were found',
      exitCode: 6,
    });
    expect(await probeGpus({ nvidiaSmi: smi('no-driver') })).toMatchObject({
      status: 'no-driver',
      message:
        "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
      exitCode: 9,
    });
    expect(await probeGpus({ nvidiaSmi: smi('driver-mismatch') })).toMatchObject({
      status: 'no-driver',
      message: 'Failed to initialize NVML: Driver/library version mismatch',
      exitCode: 18,
    });
    const empty = await mkdtemp(join(tmpdir(), 'no-smi-'));
    expect(await probeGpus({ env: { PATH: empty } })).toMatchObject({
      status: 'not-installed',
      message: 'nvidia-smi was not found on PATH (no NVIDIA driver is installed on this runner)',
    });
  });

  it('parses inventory lines with [N/A] fields and both header spellings of the CUDA version', () => {
    expect(parseInventory('0, Tesla T4, [N/A], 15360, 535.183.01\n\n')).toEqual([
      { index: 0, name: 'Tesla T4', uuid: null, memoryTotalMiB: 15360, driverVersion: '535.183.01' },
    ]);
    expect(parseCudaVersion('| NVIDIA-SMI 550.90.07   Driver Version: 550.90.07      CUDA Version: 12.4     |')).toBe(
      '12.4',
    );
    expect(parseCudaVersion('| NVIDIA-SMI 610.12   KMD Version: 610.12      CUDA UMD Version: 13.1     |')).toBe(
      '13.1',
    );
    expect(parseCudaVersion('    CUDA Version                          : 12.2')).toBe('12.2');
    expect(parseDriverVersion('KMD Version: 610.12 ')).toBe('610.12');
    expect(parseCudaVersion('No devices were found')).toBeNull();
  });
});

describe('gpus input', () => {
  const two = parseInventory(
    '0, NVIDIA H100 80GB HBM3, GPU-a, 81559, 550.90.07\n1, NVIDIA H100 80GB HBM3, GPU-b, 81559, 550.90.07',
  );

  it('turns all, a count or indices into CUDA_VISIBLE_DEVICES', () => {
    expect(selectGpus(parseGpuSpec('all'), two).visibleDevices).toBeNull();
    expect(selectGpus(parseGpuSpec(''), two).selected).toHaveLength(2);
    expect(selectGpus(parseGpuSpec('1'), two)).toMatchObject({ visibleDevices: '0', selected: [{ index: 0 }] });
    expect(selectGpus(parseGpuSpec('1,'), two)).toMatchObject({ visibleDevices: '1', selected: [{ index: 1 }] });
    expect(selectGpus(parseGpuSpec('[1]'), two).visibleDevices).toBe('1');
    expect(selectGpus(parseGpuSpec(' 1, 0 '), two).visibleDevices).toBe('1,0');
  });

  it('refuses an index the runner does not have, naming the GPUs it has', () => {
    expect(() => selectGpus(parseGpuSpec('0,3'), two)).toThrow(
      'Input `gpus` names GPU index 3, which does not exist: this runner has 2 GPUs: 0 (NVIDIA H100 80GB HBM3), 1 (NVIDIA H100 80GB HBM3)',
    );
    expect(() => selectGpus(parseGpuSpec('4'), two)).toThrow('Input `gpus` asks for 4 GPUs but this runner has 2 GPUs');
  });

  it('refuses values that are neither a count nor indices', () => {
    expect(() => parseGpuSpec('two')).toThrow('Input `gpus` must be a count or a list of GPU indices, got "two"');
    expect(() => parseGpuSpec('0')).toThrow('Input `gpus` must be at least 1 GPU, got "0"');
    expect(() => parseGpuSpec('1,1')).toThrow('names GPU 1 twice');
  });
});
