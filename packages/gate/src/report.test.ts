import { describe, expect, it } from '@jest/globals';
import { renderReport, type ReportInput } from './report.js';
import { parseRules } from './rules.js';
import { decide } from './verdict.js';

describe('renderReport size limit', () => {
  function input(rules: number, metrics: number): ReportInput {
    const candidate: Record<string, number> = {};
    const baseline: Record<string, number> = {};
    for (let i = 0; i < metrics; i++) {
      candidate[`m${i}_${'y'.repeat(50)}`] = 0.5;
      baseline[`m${i}_${'y'.repeat(50)}`] = 0.4;
    }
    const text = Array.from(
      { length: rules },
      (_, i) => `m${i}_${'y'.repeat(50)} >= baseline${i === 7 ? ' + 0.5' : ''}`,
    ).join('\n');
    const decision = decide({
      rules: parseRules(text),
      candidate,
      baseline,
      confidence: 0.95,
      method: 'bca',
      failOn: 'fail',
    });
    return {
      decision,
      candidateName: 'c.json',
      baselineName: 'b.json',
      candidate,
      baseline,
      metrics: Object.keys(candidate),
      mode: 'point',
      confidence: 0.95,
    };
  }

  it('keeps everything when it fits', () => {
    const text = renderReport(input(2, 5), { maxLength: 60_000 });
    expect(text.split('\n')[0]).toBe('### ✅ metric-gate: PASS');
    expect(text).toContain('<details>');
    expect(text.match(/^\| m\d/gm)).toHaveLength(5);
  });

  it('drops details, then rule-less rows, then passing rules; never the verdict or a failing rule', () => {
    const text = renderReport(input(2000, 2000), { maxLength: 60_000, fullReportHint: 'see the job summary' });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(60_000);
    expect(text.split('\n')[0]).toBe('### ❌ metric-gate: FAIL');
    expect(text).toContain('1999 of 2000 rules pass, 1 fail, 0 inconclusive');
    expect(text).toContain(
      `| m7\\_${'y'.repeat(50)} | 0.4000 | 0.5000 | +0.1000 | — | m7\\_${'y'.repeat(50)} &gt;= baseline + 0.5 | ❌ fail |`,
    );
    expect(text).not.toContain('<details>');
    expect(text).toMatch(/_\d+ more rows left out to keep this under GitHub's size limit; see the job summary\._/);
  });
});

describe('renderReport: what the reader sees', () => {
  const rules = parseRules('accuracy >= baseline');
  const base = (over: Partial<ReportInput>): ReportInput => {
    const candidate = { accuracy: 0.9, f1: 0.8 };
    const baseline = { accuracy: 0.85, f1: 0.82 };
    return {
      decision: decide({ rules, candidate, baseline, confidence: 0.95, method: 'bca', failOn: 'fail' }),
      candidateName: 'model.onnx',
      baselineName: 'prod.onnx',
      candidate,
      baseline,
      metrics: ['f1', 'accuracy'],
      mode: 'paired',
      confidence: 0.95,
      ...over,
    };
  };

  it('paired: the method line, rule metrics first, the interval of each metric with its sign', () => {
    const text = renderReport(
      base({
        bootstrap: { samples: 1000, seed: 7, method: 'bca', seconds: 1.5 },
        holdout: { path: 'holdout.csv', rows: 1234, features: 4, labelColumn: 'label' },
        intervals: { accuracy: { low: 0.01, high: 0.09, method: 'bca', confidence: 0.95, used: 1000 } },
      }),
    );
    expect(text).toContain(
      'Intervals: 95% paired bootstrap (BCa, 1000 resamples) of candidate − baseline on the same 1234 holdout rows.',
    );
    const rows = text.match(/^\| (accuracy|f1) .*$/gm)!;
    expect(rows).toEqual([
      '| accuracy | 0.8500 | 0.9000 | +0.0500 | [+0.0100, +0.0900] | accuracy &gt;= baseline | ✅ pass |',
      '| f1 | 0.8200 | 0.8000 | −0.0200 | — | — | — |',
    ]);
    expect(text).toContain('Lineage: holdout holdout.csv (1,234 rows)');
  });

  it('names from files are inert; a run URL that is not plain http(s) is left out', () => {
    const text = renderReport(
      base({
        candidateName: '<img src=x onerror=alert(1)> @admins',
        lineage: { runUrl: 'javascript:alert(1)', commit: '0123456789abcdef', dataVersion: '**v2**' },
      }),
    );
    expect(text).toContain('Candidate **&lt;img src=x onerror=alert(1)&gt; @\u200badmins** vs baseline **prod.onnx**');
    expect(text).not.toContain('javascript');
    expect(text).toContain('Lineage: data-version \\*\\*v2\\*\\* · commit 0123456789ab');
    const linked = renderReport(
      base({ lineage: { runUrl: 'https://github.com/o/r/actions/runs/1', runLabel: 'run 1' } }),
    );
    expect(linked).toContain('Lineage: run [run 1](https://github.com/o/r/actions/runs/1)');
  });

  it('without a baseline or rules: says so instead of a tally', () => {
    const text = renderReport({
      decision: decide({ rules: [], candidate: { accuracy: 0.9 }, confidence: 0.95, method: 'bca', failOn: 'fail' }),
      candidateName: 'metrics.json',
      candidate: { accuracy: 0.9 },
      metrics: ['accuracy'],
      mode: 'candidate',
      confidence: 0.95,
    });
    expect(text.split('\n').slice(0, 3)).toEqual([
      '### ✅ metric-gate: PASS',
      '',
      'Candidate **metrics.json** (no baseline): no rules were given, so nothing could fail; the candidate may replace the baseline.',
    ]);
    expect(text).toContain('| accuracy | — | 0.9000 | — | — | — | — |');
  });
});
