/**
 * drift-check on the example project's own snapshots, through the committed bundles: the
 * first snapshot's `data/train.csv` is pushed as the reference profile (with the project's
 * model.onnx), then `fresh/current.csv` (the drifted snapshot) and `data/holdout.csv` (new
 * rows of the original distribution) are checked against it. The expected verdicts are not
 * written down here: SciPy 1.10 (Debian's /usr/bin/python3) computes them from the full
 * files with Evidently's large-reference algorithm (normalised Wasserstein for numerical
 * columns, Jensen-Shannon over value shares for categorical ones, threshold 0.1, dataset
 * drift at half of the columns), and the action must agree column by column.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_VERSIONS, errorMessages, repoRoot, runAction } from '../harness/run-action.js';
import { PRODUCTION_REFERENCE, productionReferenceInputs } from './registry-fixtures.js';

const PROJECT = join(repoRoot, 'workflows-examples/example-project');
// The snapshots' objects in the project's committed DVC remote (listed in its README).
const OBJECTS = {
  'train.csv': 'dvc-remote/files/md5/6f/d0369a5e364e770ebad3aa228ba6e0',
  'current.csv': 'dvc-remote/files/md5/fb/0d0ca43e7b0629dc053d0a02ed1612',
  'holdout.csv': 'dvc-remote/files/md5/e7/e0a857d6defa4541bc3bdc11343c6b',
};
const LABEL = 'churn';

interface Oracle {
  columns: Record<string, { method: 'wasserstein' | 'jensenshannon'; value: number; drifted: boolean }>;
  drifted: string[];
  share: number;
  drift: boolean;
}

/** Evidently's algorithm for references over 1,000 rows, in SciPy, on the full files. */
function scipyVerdict(reference: string, current: string): Oracle {
  const script = `
import csv, json, sys
import numpy as np
from scipy import stats
from scipy.spatial import distance

def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], {name: [row[i] for row in rows[1:]] for i, name in enumerate(rows[0])}

header, ref = read(sys.argv[1])
_, cur = read(sys.argv[2])
columns = {}
for name in header:
    if name == sys.argv[3]:
        continue
    r = np.array(ref[name], dtype=np.float64)
    c = np.array(cur[name], dtype=np.float64)
    if len(np.unique(r)) > 5:
        value = stats.wasserstein_distance(r, c) / np.std(r)
        method = "wasserstein"
    else:
        keys = np.unique(np.concatenate([r, c]))
        value = distance.jensenshannon([np.sum(r == k) for k in keys], [np.sum(c == k) for k in keys])
        method = "jensenshannon"
    columns[name] = {"method": method, "value": float(value), "drifted": bool(value >= 0.1)}
drifted = [n for n in columns if columns[n]["drifted"]]
share = len(drifted) / len(columns)
print(json.dumps({"columns": columns, "drifted": drifted, "share": share, "drift": share >= 0.5}))
`;
  const py = spawnSync('/usr/bin/python3', ['-c', script, reference, current, LABEL], { encoding: 'utf8' });
  if (py.status !== 0) throw new Error(`the SciPy oracle failed: ${py.stderr}`);
  return JSON.parse(py.stdout) as Oracle;
}

/** The report's table row of a column: method label, statistic and verdict as printed. */
function reportRow(report: string, column: string): { method: string; statistic: number; drifted: boolean } {
  const line = report.split('\n').find((l) => l.startsWith(`| ${column.replace(/_/g, '\\_')} |`));
  if (!line) throw new Error(`no row for ${column} in the report`);
  const cells = line.split('|').map((c) => c.trim());
  return { method: cells[3]!, statistic: Number(cells[4]), drifted: cells[7] === '**drifted**' };
}

const METHOD_LABEL = { wasserstein: 'Wasserstein distance (normed)', jensenshannon: 'Jensen-Shannon distance' };

let work: string;
const oracle: Record<string, Oracle> = {};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'drift-example-'));
  for (const [name, object] of Object.entries(OBJECTS)) await copyFile(join(PROJECT, object), join(work, name));
  await copyFile(join(PROJECT, 'model.onnx'), join(work, 'model.onnx'));
  await copyFile(join(PROJECT, 'metrics.json'), join(work, 'metrics.json'));
  const pushed = await runAction('registry-push', {
    cwd: work,
    inputs: productionReferenceInputs({ 'label-column': LABEL }),
  });
  if (pushed.exitCode !== 0) throw new Error(`registry-push failed:\n${pushed.stdout}\n${pushed.stderr}`);
  for (const current of ['current.csv', 'holdout.csv'])
    oracle[current] = scipyVerdict(join(work, 'train.csv'), join(work, current));
});

describe.each(NODE_VERSIONS)('drift-check on the example project (Node %s)', (node) => {
  it.each([
    ['the drifted snapshot (fresh/current.csv)', 'current.csv'],
    ['new rows of the original distribution (data/holdout.csv)', 'holdout.csv'],
  ])('agrees with SciPy on %s', async (_what, current) => {
    const expected = oracle[current]!;
    const r = await runAction('drift-check', {
      cwd: work,
      node,
      inputs: { current, ...PRODUCTION_REFERENCE },
    });
    expect(errorMessages(r)).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.outputs.drift).toBe(String(expected.drift));
    expect(JSON.parse(r.outputs['drifted-columns']!).sort()).toEqual([...expected.drifted].sort());
    expect(Number(r.outputs.share)).toBeCloseTo(expected.share, 12);
    const report = await readFile(r.outputs.report!, 'utf8');
    for (const [column, want] of Object.entries(expected.columns)) {
      const row = reportRow(report, column);
      expect([column, row.method, row.drifted]).toEqual([column, METHOD_LABEL[want.method], want.drifted]);
      // The report prints 4 significant digits; the profile of 2,000 rows holds every value, so they agree exactly.
      expect([column, row.statistic]).toEqual([column, Number(want.value.toPrecision(4))]);
    }
  });
});

it('the oracle sees what the example project says: monthly_charges and usage_gb drifted, nothing else', () => {
  expect(oracle['current.csv']!.drifted.sort()).toEqual(['monthly_charges', 'usage_gb']);
  expect(oracle['holdout.csv']!.drifted).toEqual([]);
});
