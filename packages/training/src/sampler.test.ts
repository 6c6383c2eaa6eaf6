import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GpuSampler, parseSamples } from './sampler.js';

// Recorded nvidia-smi outputs: with NVIDIA_SMI_FAKE_STATE the two-gpus fake cycles through three
// samples (GPU 0: 97/40960, 88/41984, 100/43008; GPU 1: 12/2048, 0/2048, [N/A]/2048).
const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/nvidia-smi');
const smi = (name: string) => join(fixtures, name, 'nvidia-smi');

describe('GpuSampler', () => {
  it('summarises samples as mean and max per selected GPU, skipping [N/A]', async () => {
    const state = join(await mkdtemp(join(tmpdir(), 'smi-state-')), 'n');
    const sampler = new GpuSampler({
      indices: [0, 1],
      intervalMs: 60_000,
      nvidiaSmi: smi('two-gpus'),
      env: { ...process.env, NVIDIA_SMI_FAKE_STATE: state },
    });
    for (let i = 0; i < 3; i++) await sampler.sample();
    expect(await sampler.stop()).toEqual([
      {
        index: 0,
        samples: 3,
        utilization_percent: { mean: 95, max: 100 },
        memory_used_mib: { mean: 41984, max: 43008 },
      },
      { index: 1, samples: 3, utilization_percent: { mean: 6, max: 12 }, memory_used_mib: { mean: 2048, max: 2048 } },
    ]);
  });

  it('takes one sample at stop when the run was shorter than the interval', async () => {
    const sampler = new GpuSampler({ indices: [1], intervalMs: 60_000, nvidiaSmi: smi('two-gpus') });
    sampler.start();
    const [gpu1] = await sampler.stop();
    expect(gpu1).toEqual({
      index: 1,
      samples: 1,
      utilization_percent: { mean: 12, max: 12 },
      memory_used_mib: { mean: 2048, max: 2048 },
    });
  });

  it('parses sample lines', () => {
    expect(parseSamples('0, 97, 40960\n1, [N/A], 2048\n')).toEqual([
      { index: 0, utilization: 97, memoryUsed: 40960 },
      { index: 1, utilization: null, memoryUsed: 2048 },
    ]);
  });
});

describe('GpuSampler, more', () => {
  it('does not double up a sample while one is in flight', async () => {
    const state = join(await mkdtemp(join(tmpdir(), 'smi-state-')), 'n');
    const sampler = new GpuSampler({
      indices: [0],
      intervalMs: 60_000,
      nvidiaSmi: smi('two-gpus'),
      env: { ...process.env, NVIDIA_SMI_FAKE_STATE: state },
    });
    const first = sampler.sample();
    expect(sampler.sample()).toBe(first);
    await first;
    expect(await readFile(state, 'utf8')).toBe('1\n'); // nvidia-smi ran once
    expect(await sampler.stop()).toEqual([
      {
        index: 0,
        samples: 1,
        utilization_percent: { mean: 97, max: 97 },
        memory_used_mib: { mean: 40960, max: 40960 },
      },
    ]);
  });

  it('counts failed samples as errors and reports no values (nvidia-smi missing)', async () => {
    const sampler = new GpuSampler({ indices: [0], intervalMs: 60_000, nvidiaSmi: '/nonexistent/nvidia-smi' });
    await sampler.sample();
    expect(sampler.errors).toBe(1);
    expect(await sampler.stop()).toEqual([
      {
        index: 0,
        samples: 0,
        utilization_percent: { mean: null, max: null },
        memory_used_mib: { mean: null, max: null },
      },
    ]);
  });

  it('reports a selected GPU that never appears in the samples with no values', async () => {
    const sampler = new GpuSampler({ indices: [3], intervalMs: 60_000, nvidiaSmi: smi('two-gpus') });
    await sampler.sample();
    expect(await sampler.stop()).toEqual([
      {
        index: 3,
        samples: 0,
        utilization_percent: { mean: null, max: null },
        memory_used_mib: { mean: null, max: null },
      },
    ]);
  });

  it('samples nothing when no GPU is selected (a CPU run)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smi-'));
    const marker = join(dir, 'ran');
    const fake = join(dir, 'nvidia-smi');
    await writeFile(fake, `#!/bin/sh\ntouch '${marker}'\n`, { mode: 0o755 });
    const sampler = new GpuSampler({ indices: [], intervalMs: 1, nvidiaSmi: fake });
    sampler.start();
    expect(await sampler.stop()).toEqual([]);
    await expect(readFile(marker)).rejects.toThrow('ENOENT');
  });

  it('rounds the mean to one decimal', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smi-'));
    const state = join(dir, 'n');
    const fake = join(dir, 'nvidia-smi');
    // three samples of GPU 0: utilisation 10, 10, 11 (mean 10.333...), memory 1, 2, 2 (mean 1.666...)
    await writeFile(
      fake,
      `#!/bin/sh\nn=$(cat '${state}' 2>/dev/null || echo 0)\necho $((n + 1)) > '${state}'\n` +
        `case $n in 0) echo '0, 10, 1';; 1) echo '0, 10, 2';; *) echo '0, 11, 2';; esac\n`,
      { mode: 0o755 },
    );
    const sampler = new GpuSampler({ indices: [0], intervalMs: 60_000, nvidiaSmi: fake });
    for (let i = 0; i < 3; i++) await sampler.sample();
    expect(await sampler.stop()).toEqual([
      { index: 0, samples: 3, utilization_percent: { mean: 10.3, max: 11 }, memory_used_mib: { mean: 1.7, max: 2 } },
    ]);
  });
});

describe('parseSamples, more', () => {
  it('skips blank, header and truncated lines; reads CRLF, decimals and every unavailable spelling as null', () => {
    const csv =
      'index, utilization.gpu [%], memory.used [MiB]\r\n\r\n0, 12.5, 1024\r\n1, [Not Supported], N/A\r\n2, 7\r\n';
    expect(parseSamples(csv)).toEqual([
      { index: 0, utilization: 12.5, memoryUsed: 1024 },
      { index: 1, utilization: null, memoryUsed: null },
    ]);
    expect(parseSamples('')).toEqual([]);
  });
});
