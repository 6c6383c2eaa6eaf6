/**
 * Test scaffolding shared by drift's per-module test files (never imported by the package's
 * sources, not exported by index.ts): temporary data files, a seeded synthetic table, profiles
 * of generated columns, and the SciPy oracle (Debian's python3-scipy, run as /usr/bin/python3).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ColumnProfiler, PROFILE_BOUNDS, PROFILE_FORMAT, type ColumnType, type Profile } from './profile.js';
import { SeededRandom } from './random.js';

/** Writes `text` to a new file `name` in a fresh temporary folder. */
export async function tempFile(name: string, text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'drift-')), name);
  await writeFile(path, text);
  return path;
}

/** `rows` rows of age (normal 40±10, shifted), income, city and a 0/1 label, seeded. */
export function syntheticCsv(
  rows: number,
  seed: number,
  options: { shift?: number; city?: (r: SeededRandom) => string } = {},
): string {
  const rng = new SeededRandom(seed);
  const lines = ['age,income,city,label'];
  for (let i = 0; i < rows; i++) {
    const city = options.city ? options.city(rng) : ['Oslo', 'Lima', 'Pune'][rng.below(3)]!;
    lines.push(
      `${(40 + 10 * rng.normal() + (options.shift ?? 0)).toFixed(3)},${(3000 + 800 * rng.normal()).toFixed(2)},${city},${rng.below(2)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A profile of generated columns, built by the same profilers as a file's (NaN = a missing cell). */
export function profileOf(columns: Record<string, number[]>, reference?: Profile): Profile {
  const names = Object.keys(columns);
  const rows = columns[names[0]!]!.length;
  const types = new Map<string, ColumnType>(reference?.columns.map((c) => [c.name, c.type]));
  const out = names.map((name, i) => {
    const p = new ColumnProfiler(name, 17 + i, types.get(name));
    p.addBatch(
      {
        header: [name],
        rows,
        lines: new Int32Array(rows),
        numbers: [Float64Array.from(columns[name]!)],
        texts: [new Array(rows)],
      },
      0,
    );
    return p.finish();
  });
  return {
    format: PROFILE_FORMAT,
    rows,
    source: 'generated',
    bounds: PROFILE_BOUNDS,
    label: null,
    features: null,
    columns: out,
    predictions: null,
  };
}

/**
 * Evaluates each job's Python `expression` on each of its inputs (bound to `x`), with numpy as
 * np, scipy.stats as stats, scipy.special as special and scipy.spatial.distance as distance, in
 * one Python process (importing SciPy is the slow part); returns the values job by job.
 */
export function scipyJobs(jobs: { expression: string; inputs: unknown[] }[]): unknown[][] {
  const script = [
    'import json, sys, warnings',
    'import numpy as np',
    'from scipy import stats, special',
    'from scipy.spatial import distance',
    'warnings.simplefilter("ignore")',
    ...jobs.map((j, i) => `def f${i}(x):\n    return ${j.expression}`),
    `fs = [${jobs.map((_, i) => `f${i}`).join(', ')}]`,
    'print(json.dumps([[f(x) for x in inputs] for f, inputs in zip(fs, json.load(sys.stdin))]))',
  ].join('\n');
  const input = JSON.stringify(jobs.map((j) => j.inputs));
  const run = spawnSync('/usr/bin/python3', ['-c', script], { input, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`the SciPy oracle failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as unknown[][];
}

/** One job of scipyJobs. */
export function scipy<T>(expression: string, inputs: unknown[]): T[] {
  return scipyJobs([{ expression, inputs }])[0] as T[];
}
