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
