/**
 * The report's charts and per-class tables as a reader (and GitHub's mermaid and markdown
 * renderers) receive them: exact blocks for small inputs, hostile class names made inert.
 * test/crosscheck/report-mermaid.test.ts parses whole reports with mermaid itself.
 */
import { describe, expect, it } from '@jest/globals';
import type { ClassCurves } from '@mlops-gha/evaluation';
import {
  curveCharts,
  mermaidText,
  normalizedMatrixTable,
  NORMALIZE_CAPTION,
  perClassTable,
  type ConfusionNormalize,
} from './report-charts.js';

const grid = [0, 0.5, 1];
const curves = (label: string, lean: number, extra: Partial<ClassCurves> = {}): ClassCurves => ({
  label,
  roc: { x: grid, y: [0, 0.5 + lean, 1] },
  pr: { x: grid, y: [1, 0.75 + lean / 2, 0.5] },
  rocAuc: 0.75 + lean / 2,
  averagePrecision: 0.8,
  ...extra,
});

describe('mermaidText', () => {
  it('keeps letters, digits and plain punctuation; quotes, brackets, markup and line breaks become spaces', () => {
    expect(mermaidText('class "a"]\n; click x call alert(1)')).toBe('class a click x call alert(1)');
    expect(mermaidText('%%{init: {"theme":"dark"}}%%')).toBe('init: theme : dark');
    expect(mermaidText('Größe 1.5 – négatif')).toBe('Größe 1.5 négatif');
  });

  it('cuts long text with an ellipsis', () => {
    expect(mermaidText('x'.repeat(100), 10)).toBe('xxxxxxxxx…');
    expect(mermaidText('  ')).toBe('');
  });
});

describe('curveCharts', () => {
  it('a ROC and a precision-recall chart per class, the candidate line first, then the baseline', () => {
    const charts = curveCharts({ candidate: [curves('yes', 0.2)], baseline: [curves('yes', 0)] });
    expect(charts).toEqual([
      [
        '```mermaid',
        'xychart-beta',
        '  title "ROC, class yes: candidate AUC 0.850, baseline AUC 0.750"',
        '  x-axis "false positive rate" 0 --> 1',
        '  y-axis "true positive rate" 0 --> 1',
        '  line [0, 0.7, 1]',
        '  line [0, 0.5, 1]',
        '  line [0, 0.5, 1]',
        '```',
        '',
        '_ROC of class yes (lines: candidate, baseline, then chance)._',
      ].join('\n'),
      [
        '```mermaid',
        'xychart-beta',
        '  title "Precision-recall, class yes: candidate AP 0.800, baseline AP 0.800"',
        '  x-axis "recall" 0 --> 1',
        '  y-axis "precision (interpolated)" 0 --> 1',
        '  line [1, 0.85, 0.5]',
        '  line [1, 0.75, 0.5]',
        '```',
        '',
        '_Precision-recall of class yes (lines: candidate, baseline)._',
      ].join('\n'),
    ]);
  });

  it('an undefined AUC says so, a non-finite point is drawn at 0, and a class without a baseline match stands alone', () => {
    const [roc] = curveCharts({
      candidate: [curves('no', 0, { rocAuc: null, roc: { x: grid, y: [0, NaN, 1] }, pr: undefined })],
      baseline: [curves('other', 0)],
    });
    expect(roc).toContain('title "ROC, class no: candidate AUC undefined"');
    expect(roc).toContain('  line [0, 0, 1]\n  line [0, 0.5, 1]\n```');
    expect(roc).toContain('_ROC of class no (lines: candidate, then chance)._');
  });

  it('a reliability chart over the bins both models have rows in, with the diagonal', () => {
    const calibration = (bin: number[], observed: number[]) => ({
      bins: 5,
      bin,
      observed,
      predicted: bin.map((b) => (b + 0.5) / 5),
      count: bin.map(() => 10),
    });
    const charts = curveCharts({
      candidate: [
        curves('1', 0, {
          roc: undefined,
          pr: undefined,
          calibration: calibration([0, 1, 3, 4], [0.1, 0.3, 0.7, 0.95]),
        }),
      ],
      baseline: [
        curves('1', 0, { roc: undefined, pr: undefined, calibration: calibration([0, 3, 4], [0.05, 0.6, 0.9]) }),
      ],
    });
    expect(charts).toHaveLength(1);
    expect(charts[0]).toContain('  x-axis "predicted probability" ["0.0-0.2", "0.6-0.8", "0.8-1.0"]');
    expect(charts[0]).toContain('  line [0.1, 0.7, 0.95]\n  line [0.05, 0.6, 0.9]\n  line [0.1, 0.7, 0.9]\n```');
    expect(charts[0]).toContain(
      '(lines: candidate, baseline, then perfect calibration; 5 uniform bins, empty bins left out)',
    );
  });

  it('fewer than two calibration bins, or no curves at all, draw nothing', () => {
    const one = { bins: 10, bin: [4], observed: [0.5], predicted: [0.45], count: [3] };
    expect(curveCharts({ candidate: [curves('a', 0, { roc: undefined, pr: undefined, calibration: one })] })).toEqual(
      [],
    );
    expect(curveCharts({})).toEqual([]);
  });

  it('a hostile class name reaches neither the mermaid title nor the caption as markup', () => {
    const [roc] = curveCharts({ candidate: [curves('"]\n```<img src=x>@team', 0, { pr: undefined })] });
    const title = roc!.split('\n')[2]!;
    expect(title).toBe('  title "ROC, class img src=x team: candidate AUC 0.750"');
    // the block still opens and closes once: the name's backticks cannot close it early
    expect(roc!.split('\n').filter((l) => l.startsWith('```'))).toEqual(['```mermaid', '```']);
    expect(roc!.split('\n').at(-1)).toBe(
      '_ROC of class "\\] \\`\\`\\`&lt;img src=x&gt;@\u200bteam (lines: candidate, then chance)._',
    );
  });
});

describe('perClassTable', () => {
  const candidate = { classes: ['a', 'b|c'], precision: [0.5, 1], recall: [1, NaN], f1: [2 / 3, 0], support: [3, 0] };

  it('one row per class; undefined values show as a dash; names are escaped', () => {
    expect(perClassTable(candidate)).toBe(
      [
        '| class | precision | recall | f1 | support |',
        '|---|---:|---:|---:|---:|',
        '| a | 0.5000 | 1.0000 | 0.6667 | 3 |',
        '| b\\|c | 1.0000 | — | 0.0000 | 0 |',
      ].join('\n'),
    );
  });

  it('beside a baseline: baseline → candidate, a dash where the baseline lacks the class', () => {
    const baseline = { classes: ['a'], precision: [0.25], recall: [0.5], f1: [1 / 3], support: [3] };
    expect(perClassTable(candidate, baseline).split('\n').slice(2)).toEqual([
      '| a | 0.2500 → 0.5000 | 0.5000 → 1.0000 | 0.3333 → 0.6667 | 3 |',
      '| b\\|c | — → 1.0000 | — → — | — → 0.0000 | 0 |',
    ]);
  });
});

describe('normalizedMatrixTable', () => {
  const matrix = [
    [3, 1],
    [0, 0],
  ];

  it.each<[ConfusionNormalize, string[]]>([
    ['true', ['| x | 0.75 | 0.25 | 4 |', '| y | 0 | 0 | 0 |']],
    ['pred', ['| x | 1.00 | 1.00 | 4 |', '| y | 0 | 0 | 0 |']],
    ['all', ['| x | 0.75 | 0.25 | 4 |', '| y | 0 | 0 | 0 |']],
  ])('normalize=%s (scikit-learn: an empty row or column is 0, not NaN)', (normalize, body) => {
    const table = normalizedMatrixTable(['x', 'y'], matrix, normalize).split('\n');
    expect(table.slice(0, 2)).toEqual(['| true \\ predicted | x | y | rows |', '|---|---:|---:|---:|']);
    expect(table.slice(2)).toEqual(body);
  });

  it('by true class unless told otherwise, and each mode has its caption', () => {
    expect(normalizedMatrixTable(['x', 'y'], matrix)).toBe(normalizedMatrixTable(['x', 'y'], matrix, 'true'));
    expect(NORMALIZE_CAPTION).toEqual({
      true: 'normalised by true class (each row sums to 1)',
      pred: 'normalised by predicted class (each column sums to 1)',
      all: 'normalised over all rows (the cells sum to 1)',
    });
  });
});
