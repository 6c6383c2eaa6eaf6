/**
 * metric-gate end to end: the committed bundle, run as the runner runs it, against the local
 * GitHub API double (real @actions/github client through GITHUB_API_URL), on ONNX models the
 * test builds and a holdout CSV it writes. What it refuses is in metric-gate-refusals.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Registry } from '@mlops-gha/registry';
import { startGitHubApi, type GitHubApiDouble } from '../doubles/github-api.js';
import { pullRequestEvent } from '../harness/github-events.js';
import { NODE_VERSIONS, runAction, type RunActionOptions } from '../harness/run-action.js';
import { GATE_INPUTS, gateWorkspace, holdoutCsv } from './metric-gate-fixtures.js';

const OWNER = 'octo-org';
const REPO = 'octo-repo';

const prEvent = (number: number, fork = false) => pullRequestEvent({ number, fork, owner: OWNER, repo: REPO });

let api: GitHubApiDouble;
let work: string;

beforeAll(async () => {
  api = await startGitHubApi();
  api.addToken('ghs_writer', { login: 'github-actions[bot]', permission: 'write' });
  api.addToken('ghs_reader', { login: 'github-actions[bot]', permission: 'read' });
  work = await gateWorkspace('metric-gate-e2e-');
});

afterAll(async () => {
  await api.stop();
});

function gate(extra: RunActionOptions = {}, inputs: Record<string, string> = {}) {
  return runAction('metric-gate', {
    cwd: work,
    apiUrl: api.url,
    token: 'ghs_writer',
    eventName: 'pull_request',
    event: prEvent(1),
    ...extra,
    inputs: { ...GATE_INPUTS, ...inputs },
  });
}

describe.each(NODE_VERSIONS)('metric-gate on Node %s', (node) => {
  it('evaluates both models, passes, and creates then edits one sticky comment', async () => {
    const pr = node === NODE_VERSIONS[0] ? 11 : 12;
    const first = await gate({ node, event: prEvent(pr) });
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    expect(first.outputs.verdict).toBe('pass');
    const metrics = JSON.parse(first.outputs.metrics!);
    // scikit-learn's binary metrics, F-betas, per-class values, sums and ranking metrics.
    expect(Object.keys(metrics).sort()).toEqual(
      [
        'accuracy',
        'accuracy_count',
        'average_precision',
        'balanced_accuracy',
        'brier_score',
        'cohen_kappa',
        'f0.5',
        'f1',
        'f1[0]',
        'f1[1]',
        'f2',
        'log_loss',
        'log_loss_sum',
        'matthews_corrcoef',
        'precision',
        'precision[0]',
        'precision[1]',
        'recall',
        'recall[0]',
        'recall[1]',
        'roc_auc',
        'support[0]',
        'support[1]',
      ].sort(),
    );
    expect(metrics.roc_auc).toBeGreaterThan(0.85);
    const report = await readFile(first.outputs.report!, 'utf8');
    expect(report.split('\n')[0]).toBe('### ✅ metric-gate: PASS');
    expect(report).toContain('| metric | baseline | candidate | delta | 95% interval | rule | status |');
    expect(report).toMatch(
      /\| f1 \| 0\.\d{4} \| 0\.\d{4} \| \+0\.\d{4} \| \[\+0\.\d{4}, \+0\.\d{4}\] \| f1 &gt;= baseline - 0\.01 \| ✅ pass \|/,
    );
    expect(report).toContain('McNemar (accuracy)');
    expect(report).toMatch(
      /DeLong \(roc_auc\): difference \+0\.\d{4}, SE 0\.\d{4}, z = \d+\.\d{4}, p = \d\.\d{3}e-\d+/,
    );
    expect(report).toContain(
      'Lineage: holdout holdout.csv (800 rows) · commit 6dcb09b5b578 · run [ml-pipeline \\#42](https://github.com/octo-org/octo-repo/actions/runs/1658821493)',
    );
    expect(first.summary).toContain('### ✅ metric-gate: PASS');

    let comments = api.comments(OWNER, REPO, pr);
    expect(comments).toHaveLength(1);
    const id = comments[0]!.id;
    expect(comments[0]!.body.split('\n')[0]).toBe('<!-- mlops-gha sticky-comment key=metric-gate%2Fdefault -->');
    expect(comments[0]!.body).toContain('### ✅ metric-gate: PASS');
    expect(first.outputs['comment-url']).toBe(comments[0]!.html_url);

    // The next push: a stricter rule; the same comment is edited, not a second one created.
    const second = await gate({ node, event: prEvent(pr) }, { rules: 'f1 >= baseline + 0.5' });
    expect(second.exitCode).toBe(1);
    expect(second.outputs.verdict).toBe('fail');
    comments = api.comments(OWNER, REPO, pr);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.id).toBe(id);
    expect(comments[0]!.body).toContain('### ❌ metric-gate: FAIL');
    expect(second.annotations).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: expect.stringContaining('metric-gate verdict: fail (fail-on: fail): f1 >= baseline + 0.5 (fail)'),
      }),
    );
  });
});

describe('metric-gate comments (Node 20)', () => {
  it('keeps one comment per comment-key, finds it past the first page, and ignores look-alikes by others', async () => {
    const pr = 21;
    for (let i = 0; i < 120; i++) api.seedComment(OWNER, REPO, pr, `review comment ${i}`, 'octocat');
    // Someone pastes our marker: it must not be taken over.
    api.seedComment(OWNER, REPO, pr, '<!-- mlops-gha sticky-comment key=metric-gate%2Fdefault -->\nfake', 'mallory');
    const a = await gate({ event: prEvent(pr) });
    const b = await gate({ event: prEvent(pr) }, { 'comment-key': 'second-model' });
    const again = await gate({ event: prEvent(pr) });
    expect([a.exitCode, b.exitCode, again.exitCode]).toEqual([0, 0, 0]);
    const ours = api.comments(OWNER, REPO, pr).filter((c) => c.user.login === 'github-actions[bot]');
    expect(ours).toHaveLength(2);
    expect(ours[0]!.body).toContain('key=metric-gate%2Fdefault');
    expect(ours[1]!.body).toContain('key=metric-gate%2Fsecond-model');
    expect(again.outputs['comment-url']).toBe(ours[0]!.html_url);
    expect(api.comments(OWNER, REPO, pr).find((c) => c.user.login === 'mallory')!.body).toContain('fake');
    // The listing walked every page.
    const lists = api.requests.filter(
      (r) => r.method === 'GET' && r.path === `/repos/${OWNER}/${REPO}/issues/${pr}/comments`,
    );
    expect(lists.some((r) => r.query.page === '2')).toBe(true);
  });

  it('with a read-only token (a fork pull request) writes the summary, warns, and succeeds', async () => {
    const pr = 31;
    const result = await gate({ event: prEvent(pr, true), token: 'ghs_reader' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.verdict).toBe('pass');
    expect(result.outputs['comment-url']).toBeUndefined();
    expect(result.summary).toContain('### ✅ metric-gate: PASS');
    expect(api.comments(OWNER, REPO, pr)).toHaveLength(0);
    const warning = result.annotations.find((a) => a.level === 'warning');
    expect(warning?.message).toContain(
      'No pull-request comment: the token may not write to pull request #31 (Resource not accessible by integration',
    );
    expect(warning?.message).toContain('forks get a read-only GITHUB_TOKEN');
  });

  it('on a push (no pull request) skips the comment without calling the API', async () => {
    const before = api.requests.length;
    const result = await gate({ eventName: 'push', event: { ref: 'refs/heads/main', after: 'c'.repeat(40) } });
    expect(result.exitCode).toBe(0);
    expect(api.requests.length).toBe(before);
    expect(result.log.join('\n')).toContain('No pull request in this push event');
    expect(result.outputs.verdict).toBe('pass');
  });

  it("keeps an oversized report under GitHub's limit without cutting the verdict", async () => {
    const pr = 41;
    const many: Record<string, number> = {};
    const base: Record<string, number> = {};
    for (let i = 0; i < 3000; i++) {
      many[`metric_${i}_${'x'.repeat(40)}`] = i / 3000;
      base[`metric_${i}_${'x'.repeat(40)}`] = i / 3000 - 0.001;
    }
    many.f1 = 0.9;
    base.f1 = 0.8;
    await writeFile(join(work, 'many.json'), JSON.stringify(many));
    await writeFile(join(work, 'many-base.json'), JSON.stringify(base));
    const result = await gate(
      { event: prEvent(pr) },
      { model: '', dataset: '', metrics: 'many.json', baseline: 'many-base.json', rules: 'f1 >= baseline' },
    );
    expect(result.exitCode).toBe(0);
    const [comment] = api.comments(OWNER, REPO, pr);
    expect(comment).toBeDefined();
    expect(comment!.body.length).toBeLessThan(65536);
    expect(comment!.body).toContain('### ✅ metric-gate: PASS');
    expect(comment!.body).toContain('| f1 | 0.8000 | 0.9000 | +0.1000 | — | f1 &gt;= baseline | ✅ pass |');
    expect(comment!.body).toMatch(
      /_\d+ more rows left out to keep this under GitHub's size limit; the full report is in the job summary/,
    );
    expect(comment!.body).toContain('No interval was possible');
    // The report file keeps everything.
    const full = await readFile(result.outputs.report!, 'utf8');
    expect(full).toContain(`metric\\_2999\\_${'x'.repeat(40)}`);
  });

  it('escapes metric names from files so they cannot inject markdown, HTML or mentions', async () => {
    const pr = 51;
    await writeFile(
      join(work, 'evil.json'),
      JSON.stringify({
        f1: 0.9,
        '<img src=x onerror=alert(1)>': 1,
        '@octo-org/admins [click](https://evil.example)': 2,
        'a|b': 3,
      }),
    );
    await writeFile(join(work, 'evil-base.json'), JSON.stringify({ f1: 0.85 }));
    const result = await gate(
      { event: prEvent(pr) },
      { model: '', dataset: '', metrics: 'evil.json', baseline: 'evil-base.json', rules: 'f1 >= baseline' },
    );
    expect(result.exitCode).toBe(0);
    const body = api.comments(OWNER, REPO, pr)[0]!.body;
    expect(body).not.toContain('<img');
    expect(body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(body).not.toMatch(/@octo-org/);
    expect(body).toContain('@\u200bocto-org/admins \\[click\\](https\\://evil.example)');
    expect(body).toContain('| a\\|b |');
  });
});

describe('metric-gate on a larger holdout (Node 20)', () => {
  it('runs the bootstrap on worker threads inside the bundle', async () => {
    await writeFile(join(work, 'large.csv'), holdoutCsv(12_000, 99));
    const result = await gate({ eventName: 'push', event: {} }, { dataset: 'large.csv', 'bootstrap-samples': '2000' });
    expect(result.exitCode).toBe(0);
    const threads = Math.min(8, availableParallelism());
    expect(result.log.join('\n')).toMatch(new RegExp(`Bootstrap done in \\d+\\.\\d+ s on ${threads} thread\\(s\\)`));
    expect(result.outputs.verdict).toBe('pass');
  });
});

describe('metric-gate with a registry baseline (Node 20)', () => {
  // every test here reads churn@production: pushed once for the block, so each test also runs alone
  let pushed: { version: number };
  beforeAll(async () => {
    const registry = Registry.open(join(work, 'registry'));
    const { size } = await import('node:fs').then((fs) => fs.statSync(join(work, 'baseline.onnx')));
    pushed = await registry.push({
      name: 'churn',
      files: [{ source: join(work, 'baseline.onnx'), path: 'model.onnx', size }],
      metrics: { f1: 0.7 },
      alias: 'production',
    });
    registry.close();
  });

  it('downloads registry://NAME@ALIAS from a folder registry and evaluates it paired', async () => {
    const result = await gate(
      { eventName: 'push', event: {} },
      { baseline: 'registry://churn@production', registry: 'registry' },
    );
    expect(result.exitCode).toBe(0);
    const report = await readFile(result.outputs.report!, 'utf8');
    expect(report).toContain(`vs baseline **registry\\://churn@\u200bproduction (version ${pushed.version})**`);
    expect(report).toContain('Intervals: 95% paired bootstrap');
  });

  it("with a metrics-file candidate, compares with the metrics in the version's manifest", async () => {
    await writeFile(join(work, 'cand-metrics.json'), JSON.stringify({ f1: 0.75 }));
    const result = await gate(
      { eventName: 'push', event: {} },
      {
        model: '',
        dataset: '',
        metrics: 'cand-metrics.json',
        baseline: 'registry://churn@production',
        registry: 'registry',
        rules: 'f1 >= baseline',
      },
    );
    expect(result.exitCode).toBe(0);
    const report = await readFile(result.outputs.report!, 'utf8');
    expect(report).toContain('| f1 | 0.7000 | 0.7500 | +0.0500 | — | f1 &gt;= baseline | ✅ pass |');
  });

  it('says what to set when `registry` is missing', async () => {
    const result = await gate({ eventName: 'push', event: {} }, { baseline: 'registry://churn@production' });
    expect(result.exitCode).toBe(1);
    expect(result.annotations.find((a) => a.level === 'error')!.message).toContain(
      'The baseline registry://churn@production is a registry reference, but `registry` is not set',
    );
  });
});

describe('metric-gate with the scikit-learn metrics users gate on (Node 20)', () => {
  it('gates on f0.5, a per-class recall and balanced accuracy, and draws the curves', async () => {
    const result = await gate(
      { eventName: 'push', event: {} },
      {
        rules: 'f0.5 >= baseline - 0.05\nrecall[1] >= 0.5\nbalanced_accuracy >= 0.7\nf3 > 0',
        'bootstrap-samples': '200',
      },
    );
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const metrics = JSON.parse(result.outputs.metrics!);
    for (const name of [
      'f0.5',
      'f2',
      'f3',
      'recall[1]',
      'precision[0]',
      'support[1]',
      'balanced_accuracy',
      'matthews_corrcoef',
      'cohen_kappa',
      'brier_score',
      'average_precision',
    ]) {
      expect([name, typeof metrics[name]]).toEqual([name, 'number']);
    }
    const report = await readFile(result.outputs.report!, 'utf8');
    expect(report).toContain('| recall\\[1\\] |');
    expect(report.match(/```mermaid\nxychart-beta/g)).toHaveLength(3);
    expect(report).toContain(`candidate AUC ${metrics.roc_auc.toFixed(3)}`);
    expect(report).toContain('normalised by true class');
  });
});
