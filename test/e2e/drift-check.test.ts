/**
 * drift-check end to end: the committed bundles run as the runner runs them. registry-push
 * stores a version with `profile-data` (and `sample-data`) in a folder registry; drift-check
 * then compares fresh snapshots with that version's profile: an unshifted snapshot reports
 * no drift, a shifted one names the drifted columns; each bad input of issue 12 fails with a
 * message that names the cause; on a pull_request event the report is one sticky comment.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGitHubApi, type GitHubApiDouble } from '../doubles/github-api.js';
import { logisticClassifierModel, writeModel } from '../harness/onnx-models.js';
import { labelledCsv, type LabelledCsvOptions } from '../harness/synthetic-data.js';
import {
  NODE_VERSIONS,
  errorMessages,
  runAction,
  type ActionResult,
  type RunActionOptions,
} from '../harness/run-action.js';
import { PRODUCTION_REFERENCE, productionReferenceInputs, pushInputs } from './registry-fixtures.js';

const OWNER = 'octo-org';
const REPO = 'octo-repo';
const WEIGHTS = [1.5, -2, 0.5];

/** The suite's tables: label = 1 when x·WEIGHTS + noise > 0 (see labelledCsv). */
const snapshot = (rows: number, seed: number, options?: LabelledCsvOptions) =>
  labelledCsv(rows, seed, WEIGHTS, options);

let work: string;
let api: GitHubApiDouble;
let pushed: ActionResult;

beforeAll(async () => {
  api = await startGitHubApi();
  api.addToken('ghs_writer', { login: 'github-actions[bot]', permission: 'write' });
  work = await mkdtemp(join(tmpdir(), 'drift-check-e2e-'));
  await writeModel(join(work, 'model.onnx'), logisticClassifierModel({ weights: WEIGHTS, bias: 0 }));
  await writeFile(join(work, 'train.csv'), snapshot(800, 11));
  await writeFile(join(work, 'metrics.json'), JSON.stringify({ accuracy: 0.86, f1: 0.85 }));
  await writeFile(join(work, 'fresh.csv'), snapshot(600, 12));
  await writeFile(join(work, 'drifted.csv'), snapshot(600, 13, { shift: [0.8, 0, 0], scale: [1, 1.8, 1] }));
  pushed = await runAction('registry-push', {
    cwd: work,
    inputs: productionReferenceInputs({ 'sample-data': 'train.csv' }),
  });
  // A version pushed without profile-data, for the error case.
  await writeModel(join(work, 'other.onnx'), logisticClassifierModel({ weights: [1, 1, 1], bias: 0 }));
  const bare = await runAction('registry-push', {
    cwd: work,
    inputs: pushInputs('churn', { model: 'other.onnx', alias: 'bare' }),
  });
  if (bare.exitCode !== 0) throw new Error(bare.stdout);
});

afterAll(async () => {
  await api.stop();
});

function check(inputs: Record<string, string>, extra: RunActionOptions = {}) {
  return runAction('drift-check', {
    cwd: work,
    ...extra,
    inputs: { ...PRODUCTION_REFERENCE, ...inputs },
  });
}

describe.each(NODE_VERSIONS)('drift-check on Node %s', (node) => {
  it('reports no drift on a snapshot from the training distribution', async () => {
    expect(pushed.exitCode).toBe(0);
    const r = await check({ current: 'fresh.csv' }, { node });
    expect(errorMessages(r)).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.outputs.drift).toBe('false');
    expect(JSON.parse(r.outputs['drifted-columns']!)).toEqual([]);
    expect(Number(r.outputs.share)).toBe(0);
    const report = await readFile(r.outputs.report!, 'utf8');
    expect(report.split('\n')[0]).toMatch(/^### 🟢 No dataset drift: 0 of 3 columns drifted/);
    expect(r.summary).toContain(report.split('\n')[0]);
    expect(report).toMatch(/\| x1 \| numerical \| K-S p-value \|/);
    expect(report).toMatch(/The model's predictions have not drifted/);
  });

  it('names the drifted columns of a shifted snapshot, with prediction drift and histograms', async () => {
    const r = await check({ current: 'drifted.csv', 'label-column': 'label' }, { node });
    expect(errorMessages(r)).toEqual([]);
    expect(r.outputs.drift).toBe('true');
    expect(JSON.parse(r.outputs['drifted-columns']!).sort()).toEqual(['x1', 'x2']);
    expect(Number(r.outputs.share)).toBeCloseTo(2 / 3, 12);
    const report = await readFile(r.outputs.report!, 'utf8');
    expect(report.split('\n')[0]).toMatch(/^### 🔴 Drift: 2 of 3 columns drifted/);
    expect(report).toContain('| probabilities\\[1\\] | numerical |');
    expect(report).toContain('```mermaid\nxychart-beta');
    // Quality: accuracy on the fresh labels beside the version's recorded 0.86.
    expect(report).toMatch(/\| accuracy \| 0\.86 \| 0\.\d+ \|/);
  });
});

describe('drift-check (Node 24)', () => {
  it('fails the step with fail-on-drift when the data drifted', async () => {
    const r = await check({ current: 'drifted.csv', 'fail-on-drift': 'true' });
    expect(r.exitCode).toBe(1);
    expect(errorMessages(r).join('\n')).toMatch(
      /drifted\.csv drifted from registry:\/\/churn@production .* in 2 of 3 columns \(x1, x2\); fail-on-drift is true\. The report/,
    );
    expect(r.outputs.drift).toBe('true');
  });

  it('compares with a data file as the reference, and honours methods and multiple-testing', async () => {
    const r = await check({
      current: 'drifted.csv',
      reference: 'train.csv',
      registry: '',
      methods: 'psi',
      'multiple-testing': 'bonferroni',
    });
    expect(errorMessages(r)).toEqual([]);
    const report = await readFile(r.outputs.report!, 'utf8');
    expect(report).toMatch(/\| x1 \| numerical \| PSI \|/);
    expect(JSON.parse(r.outputs['drifted-columns']!)).toContain('x1');
  });

  it('writes one sticky comment on a pull request and edits it on the next run', async () => {
    const event = {
      number: 7,
      pull_request: { number: 7 },
      repository: { name: REPO, owner: { login: OWNER }, full_name: `${OWNER}/${REPO}` },
    };
    const opts = { apiUrl: api.url, token: 'ghs_writer', eventName: 'pull_request', event };
    await check({ current: 'fresh.csv' }, opts);
    const second = await check({ current: 'drifted.csv' }, opts);
    expect(second.exitCode).toBe(0);
    const comments = api.comments(OWNER, REPO, 7);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body.split('\n')[0]).toBe('<!-- mlops-gha sticky-comment key=drift-check%2Fdefault -->');
    expect(comments[0]!.body).toContain('🔴 Drift: 2 of 3 columns drifted');
  });

  describe('bad input', () => {
    it('a fresh file missing a reference column', async () => {
      await writeFile(join(work, 'no-x2.csv'), snapshot(100, 21).replace(/^([^,\n]*),([^,\n]*),/gm, '$1,'));
      const r = await check({ current: 'no-x2.csv' });
      expect(r.exitCode).toBe(1);
      expect(errorMessages(r).join('\n')).toMatch(/The current data lacks the reference column\(s\) "x2"/);
      expect(r.outputs.drift).toBeUndefined();
    });
    it('an extra column is ignored and said', async () => {
      await writeFile(
        join(work, 'extra.csv'),
        snapshot(300, 22)
          .replace(/\n(?=.)/g, ',7\n')
          .replace('label,7', 'label,region')
          .replace(/\n$/, ',7\n'),
      );
      const r = await check({ current: 'extra.csv' });
      expect(errorMessages(r)).toEqual([]);
      expect(r.log.join('\n')).toMatch(/Ignored column\(s\) not in the reference: region/);
      expect(await readFile(r.outputs.report!, 'utf8')).toMatch(/Ignored column\(s\) not in the reference: region/);
    });
    it('a column whose type changed from numbers to text, with the file and line', async () => {
      await writeFile(
        join(work, 'text.csv'),
        snapshot(50, 23, { cell: (row, col, v) => (row === 4 && col === 2 ? 'high' : v) }),
      );
      const r = await check({ current: 'text.csv' });
      expect(r.exitCode).toBe(1);
      const a = r.annotations.find((x) => x.level === 'error')!;
      expect(a.message).toMatch(
        /text\.csv, line 6: column "x3" holds the text "high", but it was numerical in the reference/,
      );
      expect(a.file).toContain('text.csv');
      expect(a.line).toBe(6);
    });
    it('an empty file', async () => {
      await writeFile(join(work, 'empty.csv'), '');
      const r = await check({ current: 'empty.csv' });
      expect(r.exitCode).toBe(1);
      expect(errorMessages(r).join('\n')).toMatch(/current: empty\.csv is empty/);
    });
    it('an all-missing column', async () => {
      await writeFile(join(work, 'gone.csv'), snapshot(80, 24, { cell: (_row, col, v) => (col === 0 ? '' : v) }));
      const r = await check({ current: 'gone.csv' });
      expect(r.exitCode).toBe(1);
      expect(errorMessages(r).join('\n')).toMatch(
        /Column "x1" of the current data has no values: all 80 cells are missing/,
      );
    });
    it('a reference version without a profile names profile-data and the version', async () => {
      const r = await check({ current: 'fresh.csv', reference: 'registry://churn@bare' });
      expect(r.exitCode).toBe(1);
      expect(errorMessages(r).join('\n')).toMatch(/churn\/2 has no data profile: it was pushed without `profile-data`/);
    });
    it('a method that does not fit the column names `methods`, the column, the reference and a fix', async () => {
      const r = await check({ current: 'fresh.csv', methods: 'x1: chisquare' });
      expect(r.exitCode).toBe(1);
      const message = errorMessages(r).join('\n');
      expect(message).toContain(
        '`methods`: chisquare cannot test "x1", which is numerical in the reference (registry://churn@production (version 1, profile of train.csv))',
      );
      expect(message).toContain(
        'Choose one of ks, wasserstein, jensenshannon, psi for "x1" in `methods` (e.g. `x1: ks`)',
      );
    });
    it('`columns` naming a column the reference lacks names the reference and its columns', async () => {
      const r = await check({ current: 'fresh.csv', columns: 'x1\nx9' });
      expect(r.exitCode).toBe(1);
      expect(errorMessages(r).join('\n')).toMatch(
        /`columns` names "x9", which the reference \(registry:\/\/churn@production .*\) does not have \(it has x1, x2, x3, label\).*List only reference columns under `columns`/s,
      );
    });
    it('a missing reference column points the annotation at the current file’s header', async () => {
      await writeFile(join(work, 'no-x3.csv'), snapshot(50, 25).replace(/,[^,\n]*(,[^,\n]*)$/gm, '$1'));
      const r = await check({ current: 'no-x3.csv' });
      expect(r.exitCode).toBe(1);
      const a = r.annotations.find((x) => x.level === 'error')!;
      expect(a.message).toMatch(/lacks the reference column\(s\) "x3": no-x3\.csv has x1, x2, label; the reference/);
      expect([a.file, a.line]).toEqual(['no-x3.csv', 1]);
    });
    it('a ragged row and a missing file name the input, the file, the line and the fix', async () => {
      await writeFile(join(work, 'ragged.csv'), snapshot(20, 26).replace(/\n([^\n]*)\n$/, '\n$1,9\n'));
      const ragged = await check({ current: 'ragged.csv' });
      expect(ragged.exitCode).toBe(1);
      const a = ragged.annotations.find((x) => x.level === 'error')!;
      expect(a.message).toMatch(/current: ragged\.csv, line 21: 5 fields, but the header has 4 \(x1, x2, x3, label\)/);
      expect(a.message).toContain('quote fields that contain commas');
      expect([a.file, a.line]).toEqual(['ragged.csv', 21]);
      const missing = await check({ current: 'nowhere.csv' });
      expect(missing.exitCode).toBe(1);
      expect(errorMessages(missing).join('\n')).toMatch(
        /current: nowhere\.csv does not exist.*Set `current` to a CSV or JSON Lines file/s,
      );
    });
    it('a threshold of 0 is refused by name before anything is read', async () => {
      const r = await check({ current: 'fresh.csv', threshold: '0' });
      expect(r.exitCode).toBe(1);
      expect(errorMessages(r).join('\n')).toMatch(
        /Input `threshold` must be above 0, got 0.*Set `threshold:` to a number above 0/s,
      );
      expect(r.outputs.drift).toBeUndefined();
    });
    it('a tampered profile is refused by its sha256', async () => {
      const path = join(work, 'registry/churn/versions/1/profile.json');
      const original = await readFile(path, 'utf8');
      await writeFile(path, original.replace('"rows":800', '"rows":801'));
      try {
        const r = await check({ current: 'fresh.csv' });
        expect(r.exitCode).toBe(1);
        expect(errorMessages(r).join('\n')).toMatch(
          /churn\/1 failed verification: profile\.json: .* the manifest says/,
        );
      } finally {
        await writeFile(path, original);
      }
    });
  });
});
