/**
 * drift-check's work against SciPy (`npm run bench:drift`).
 *
 * 1,000,000 rows x 50 columns (45 numerical, 5 categorical; 3 columns shifted) of fresh data,
 * compared with a stored profile of a reference of the same size. Timed in the same run:
 *   1. ours: stream-read the fresh CSV, profile it, compare with the stored profile (what
 *      drift-check does after loading profile.json);
 *   2. SciPy (Debian's 1.10, /usr/bin/python3): both files read into numpy arrays, then Evidently's
 *      large-reference algorithm on the full data (Wasserstein / std, Jensen-Shannon).
 * Prints seconds and the ratio. BENCH_ROWS and BENCH_COLUMNS change the size.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildProfile, checkDrift, SeededRandom, validateProfile } from '@mlops-gha/drift';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const COLUMNS = Number(process.env.BENCH_COLUMNS ?? 50);
const CATEGORICAL = Math.min(5, Math.floor(COLUMNS / 10));
const root = join(process.cwd(), '.bench', 'drift');
const CITIES = ['Oslo', 'Lima', 'Pune', 'Kyiv', 'Quito', 'Accra'];

async function writeData(path: string, seed: number, shifted: boolean): Promise<void> {
  const rng = new SeededRandom(seed);
  const out = createWriteStream(path);
  const header = Array.from({ length: COLUMNS }, (_, j) => (j < COLUMNS - CATEGORICAL ? `x${j}` : `c${j}`));
  out.write(`${header.join(',')}\n`);
  let chunk = '';
  for (let r = 0; r < ROWS; r++) {
    const cells: string[] = [];
    for (let j = 0; j < COLUMNS; j++) {
      if (j >= COLUMNS - CATEGORICAL)
        cells.push(CITIES[Math.min(5, Math.floor(rng.next() * (shifted && j === COLUMNS - 1 ? 7 : 6)))]!);
      else cells.push((rng.normal() + (shifted && j < 2 ? 0.3 : 0)).toFixed(4));
    }
    chunk += `${cells.join(',')}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise<void>((r) => out.on('close', () => r()));
}

await mkdir(root, { recursive: true });
const referencePath = join(root, 'reference.csv');
const currentPath = join(root, 'current.csv');
console.log(`bench:drift: writing ${ROWS} x ${COLUMNS} reference and fresh data under ${root}`);
await writeData(referencePath, 1, false);
await writeData(currentPath, 2, true);

// The stored profile, as registry-push writes it (not timed: it happens once, at push time).
const profilePath = join(root, 'profile.json');
await writeFile(profilePath, JSON.stringify(await buildProfile(referencePath, { input: 'profile-data' })));

const oursStart = performance.now();
const oursCpu = process.cpuUsage();
const reference = validateProfile(JSON.parse(await readFile(profilePath, 'utf8')), profilePath);
const outcome = await checkDrift({ current: currentPath, reference, referenceLabel: 'profile.json' });
const oursSeconds = (performance.now() - oursStart) / 1000;
const cpu = process.cpuUsage(oursCpu);
// On a shared machine the wall clock mostly measures waiting for a core; the CPU time says what the work costs.
const oursCpuSeconds = (cpu.user + cpu.system) / 1e6;

const py = spawnSync('/usr/bin/python3', [join(process.cwd(), 'bench/drift_scipy.py'), referencePath, currentPath], {
  encoding: 'utf8',
  maxBuffer: 1 << 24,
});
if (py.status !== 0) throw new Error(`drift_scipy.py failed: ${py.stderr}`);
const scipy = JSON.parse(py.stdout.trim().split('\n').pop()!) as {
  read_s: number;
  stats_s: number;
  total_s: number;
  drifted: string[];
};

console.log(
  `ours  : ${oursSeconds.toFixed(2)} s wall, ${oursCpuSeconds.toFixed(2)} s CPU  (read + profile ${ROWS} x ${COLUMNS} fresh rows, compare with the stored profile); drifted: ${outcome.result.drifted.join(', ')}`,
);
console.log(
  `SciPy : ${scipy.total_s.toFixed(2)} s  (read ${scipy.read_s.toFixed(2)} s + statistics on the full data ${scipy.stats_s.toFixed(2)} s); drifted: ${scipy.drifted.join(', ')}`,
);
console.log(
  `ratio : SciPy / ours = ${(scipy.total_s / oursSeconds).toFixed(2)}x; goal for ours: < 5 s (${oursSeconds < 5 ? 'met' : 'not met'})`,
);
