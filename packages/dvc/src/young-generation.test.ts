/**
 * young-generation.ts, in a child process of its own (the flag is process-wide): after the
 * call, long-lived objects allocated gradually leave the young generation at its start size;
 * without it, the same allocations grow it, so the test would notice a Node that stops
 * reading the flag at run time.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const moduleUrl = new URL('./young-generation.ts', import.meta.url).href;

/** new_space's committed size in MB after keeping ~120 MB of small objects, with or without the call. */
function youngGenerationMb(call: boolean): number {
  const script = `
    import v8 from 'node:v8';
    ${call ? `const { keepYoungGenerationSmall } = await import(${JSON.stringify(moduleUrl)}); keepYoungGenerationSmall(); keepYoungGenerationSmall();` : ''}
    const keep = [];
    for (let i = 0; i < 1_000_000; i++) keep.push({ rel: 'data/f' + i, oid: String(i).padStart(32, '0') });
    const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    console.log(JSON.stringify({ mb: space.space_size / 1048576, kept: keep.length }));
  `;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    cwd: fileURLToPath(new URL('.', import.meta.url)),
  });
  expect(run.stderr).toBe('');
  const out = JSON.parse(run.stdout) as { mb: number; kept: number };
  expect(out.kept).toBe(1_000_000);
  return out.mb;
}

describe('keepYoungGenerationSmall', () => {
  it('keeps the young generation at a few MB where the default grows it past 32 MB', () => {
    expect(youngGenerationMb(false)).toBeGreaterThan(32);
    expect(youngGenerationMb(true)).toBeLessThanOrEqual(4);
  }, 60_000);
});
