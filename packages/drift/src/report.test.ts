/**
 * The drift report: the verdict first, the column table (drifted first), prediction drift,
 * quality change, mermaid charts of the most drifted columns, notes; escaping of text from
 * data files and the length bound.
 */
import { describe, expect, it } from '@jest/globals';
import { buildProfile } from './build.js';
import { compareProfiles, type ColumnDrift, type DatasetDrift } from './compare.js';
import { escapeCell, MAX_REPORT_LENGTH, renderReport, type ReportInput } from './report.js';
import { tempFile } from '../../../test/fixtures/drift-support.js';

function column(name: string, o: Partial<ColumnDrift> = {}): ColumnDrift {
  return {
    column: name,
    type: 'numerical',
    method: 'ks',
    statistic: 0.1,
    pValue: 0.5,
    threshold: 0.05,
    drifted: false,
    referenceMissingShare: 0,
    currentMissingShare: 0,
    chart: { labels: ['0', '1'], reference: [0.5, 0.5], current: [0.25, 0.75] },
    severity: 0,
    ...o,
  };
}

function result(columns: ColumnDrift[], o: Partial<DatasetDrift> = {}): DatasetDrift {
  const drifted = columns.filter((c) => c.drifted).map((c) => c.column);
  return {
    drift: drifted.length / columns.length >= 0.5,
    share: drifted.length / columns.length,
    driftShare: 0.5,
    tested: columns.length,
    drifted,
    columns,
    notes: [],
    correction: 'none',
    ...o,
  };
}

const input = (r: DatasetDrift, o: Partial<ReportInput> = {}): ReportInput => ({
  result: r,
  referenceLabel: 'registry://iris@production (version 4)',
  referenceRows: 12345,
  currentLabel: 'data/fresh.csv',
  currentRows: 800,
  ...o,
});

describe('report', () => {
  it('escapes hostile column names and category values', async () => {
    const hostile = '@octocat <img src=x> | `rm` [x](http://e)';
    const ref = await buildProfile(await tempFile('r.csv', `"${hostile}",v\na,1\nb,2\n`));
    const cur = await buildProfile(await tempFile('c.csv', `"${hostile}",v\n"c""|<b>@x",1\nb,2\n`), { reference: ref });
    const result = compareProfiles(ref, cur);
    const report = renderReport({ result, referenceLabel: 'r', referenceRows: 2, currentLabel: 'c', currentRows: 2 });
    expect(report).not.toContain('@octocat');
    expect(report).not.toContain('<img');
    expect(report).not.toContain('<b>');
    expect(report).toContain('&#64;octocat &lt;img src=x&gt; &#124;');
  });
  it('states the verdict first, with counts and shares, then both sides with their row counts', () => {
    const drift = renderReport(input(result([column('a', { drifted: true, pValue: 0.001 }), column('b')])));
    expect(drift.split('\n')[0]).toBe('### 🔴 Drift: 1 of 2 columns drifted (50.0% ≥ 50.0%)');
    expect(drift).toContain('Drifted: `a`');
    expect(drift).toContain(
      'Reference: registry://iris&#64;production (version 4) (12,345 rows) · current: data/fresh.csv (800 rows)',
    );
    const calm = renderReport(
      input(result([column('a'), column('b'), column('c', { drifted: true })], { drift: false })),
    );
    expect(calm.split('\n')[0]).toBe('### 🟢 No dataset drift: 1 of 3 columns drifted (33.3% < 50.0%)');
  });
  it('names the correction and how many p-value tests it spanned', () => {
    const text = renderReport(
      input(result([column('a'), column('b', { method: 'wasserstein', pValue: null })], { correction: 'bonferroni' })),
    );
    expect(text).toContain('· bonferroni correction across 1 p-value tests');
  });
  it('lists drifted columns first, most severe first, with the method label, values, threshold and missing shares', () => {
    const text = renderReport(
      input(
        result([
          column('calm'),
          column('mild', { drifted: true, severity: 1, pValue: 0.01 }),
          column('strong', {
            drifted: true,
            severity: 9,
            pValue: 1e-9,
            referenceMissingShare: 0.005,
            currentMissingShare: 0.25,
          }),
        ]),
      ),
    );
    const rows = text.split('\n').filter((l) => /^\| (calm|mild|strong) /.test(l));
    expect(rows.map((l) => l.split(' | ')[0])).toEqual(['| strong', '| mild', '| calm']);
    expect(rows[0]).toBe('| strong | numerical | K-S p-value | 0.1 | 1.00e-9 | 0.05 | **drifted** | 0.50% → 25.0% |');
    expect(rows[2]).toBe('| calm | numerical | K-S p-value | 0.1 | 0.5 | 0.05 | no | 0.0% → 0.0% |');
  });
  it('shows at most 150 column rows and says where the rest are', () => {
    const many = Array.from({ length: 160 }, (_, i) => column(`c${i}`));
    const text = renderReport(input(result(many, { drift: false })));
    expect(text.split('\n').filter((l) => /^\| c\d+ /.test(l))).toHaveLength(150);
    expect(text).toContain('(10 more columns not shown; every column is in the `drifted-columns` output.)');
  });
  it('reports prediction drift and quality when given, and the notes saying why not otherwise', () => {
    const r = result([column('a')], { drift: false });
    const full = renderReport(
      input(r, {
        predictions: [column('label', { type: 'categorical', method: 'z', drifted: true, pValue: 0.001 })],
        quality: [
          { metric: 'accuracy', reference: 0.9, current: 0.85 },
          { metric: 'f1', reference: null, current: 0.8 },
          { metric: 'auc', reference: 0.7, current: 0.75 },
        ],
      }),
    );
    expect(full).toContain("The model's predictions have drifted.");
    expect(full).toContain('| label | categorical | Z-test p-value | 0.1 | 0.001 | 0.05 | **drifted** | 0.0% → 0.0% |');
    expect(full).toContain('| accuracy | 0.9 | 0.85 | -0.05 |');
    expect(full).toContain('| f1 | – | 0.8 | – |');
    expect(full).toContain('| auc | 0.7 | 0.75 | +0.05 |');
    const bare = renderReport(
      input(r, { predictionsNote: 'No model: set `model`.', qualityNote: 'No `label-column`.' }),
    );
    expect(bare).toContain('#### Prediction drift\n\nNo model: set `model`.');
    expect(bare).toContain('#### Quality change\n\nNo `label-column`.');
    const defaults = renderReport(input(r));
    expect(defaults).toContain('#### Prediction drift\n\nNot computed.');
    expect(defaults).toContain('No labels in the current data: quality not measured.');
  });
  it('charts the most drifted columns (3 by default, `charts` to change) with mermaid-safe labels', () => {
    const cols = ['a', 'b', 'c', 'd'].map((n, i) =>
      column(n === 'a' ? 'evil"] --> x{' : n, {
        drifted: true,
        severity: 10 - i,
        chart: { labels: ['"x"', 'y'], reference: [0.2, 0.8], current: [0.6, 0.4] },
      }),
    );
    const text = renderReport(input(result(cols)));
    expect(text.match(/```mermaid/g)).toHaveLength(3);
    expect(text).toContain('  title "evil -- x: reference (bars) vs current (line)"');
    expect(text).toContain('  x-axis ["x", "y"]'); // quotes, brackets and arrows become spaces
    expect(text).toContain('  bar [0.2, 0.8]\n  line [0.6, 0.4]');
    expect(text).toContain('  y-axis "share of rows" 0 --> 0.88');
    expect(renderReport(input(result(cols), { charts: 1 })).match(/```mermaid/g)).toHaveLength(1);
    expect(renderReport(input(result([column('calm')], { drift: false })))).not.toContain('```mermaid');
  });
  it('puts the notes, escaped, in a details block', () => {
    const text = renderReport(
      input(result([column('a')], { notes: ['Ignored column(s) not in the reference: <b>@x</b>.'] })),
    );
    expect(text).toContain(
      '<details><summary>Notes</summary>\n\n- Ignored column(s) not in the reference: &lt;b&gt;&#64;x&lt;/b&gt;.\n\n</details>',
    );
  });
  it(`stays under ${MAX_REPORT_LENGTH} characters, saying it was cut`, () => {
    const notes = Array.from({ length: 2000 }, (_, i) => `note ${i} ${'x'.repeat(60)}`);
    const text = renderReport(input(result([column('a')], { notes })));
    expect(text.length).toBeLessThanOrEqual(MAX_REPORT_LENGTH);
    expect(text).toMatch(new RegExp(`\\(report truncated at ${MAX_REPORT_LENGTH} characters\\)\\n$`));
  });
});

describe('escapeCell', () => {
  it('escapes markdown, HTML, pipes and mentions, joins lines, and cuts at 80 characters', () => {
    expect(escapeCell('a|b <i>@me</i> `x` *y* [l](u) #h ~s! \\')).toBe(
      'a&#124;b &lt;i&gt;&#64;me&lt;/i&gt; \\`x\\` \\*y\\* \\[l\\](u) \\#h \\~s\\! \\\\',
    );
    expect(escapeCell('line1\r\nline2\tend')).toBe('line1 line2 end');
    expect(escapeCell('x'.repeat(100))).toBe(`${'x'.repeat(80)}…`);
    expect(escapeCell('&amp;')).toBe('&amp;amp;');
  });
});
