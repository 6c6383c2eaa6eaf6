/**
 * The report's charts through mermaid's own parser (mermaid-parse.mjs, the package GitHub's
 * renderer uses, in a child Node process with a jsdom window), and the comment's size with
 * 20 classes against GitHub's 65,536-character limit.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classificationMetrics, type ClassificationInput } from '@mlops-gha/evaluation';
import { COMMENT_REPORT_LIMIT, decide, parseRules, renderReport, Rng, type ReportInput } from '@mlops-gha/gate';

const here = dirname(fileURLToPath(import.meta.url));

function parseMermaid(diagrams: string[]): { ok: boolean; type?: string; error?: string }[] {
  const run = spawnSync(process.execPath, [join(here, 'mermaid-parse.mjs')], {
    input: JSON.stringify(diagrams),
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.status !== 0) throw new Error(`mermaid parser failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** A classifier's predictions on n rows of k classes; `skill` pulls the scores towards the truth. */
function predictions(n: number, k: number, seed: number, skill: number, classes: string[]): ClassificationInput {
  const rng = new Rng(seed);
  const truth = new Int32Array(n);
  const predicted = new Int32Array(n);
  const probabilities = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    truth[i] = Math.floor(rng.next() * k);
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const v = rng.next() + (c === truth[i] ? skill : 0);
      probabilities[i * k + c] = v;
      sum += v;
    }
    let best = 0;
    for (let c = 0; c < k; c++) {
      probabilities[i * k + c]! /= sum;
      if (probabilities[i * k + c]! > probabilities[i * k + best]!) best = c;
    }
    predicted[i] = best;
  }
  return { truth, predicted, probabilities, k, classes };
}

function report(k: number, classes: string[], rulesText: string): ReportInput {
  const task = k === 2 ? 'binary' : 'multiclass';
  const cand = classificationMetrics(task, predictions(2000, k, 1, 0.8, classes));
  const base = classificationMetrics(task, predictions(2000, k, 2, 0.5, classes));
  const decision = decide({
    rules: parseRules(rulesText),
    candidate: cand.values,
    baseline: base.values,
    confidence: 0.95,
    method: 'bca',
    failOn: 'fail',
  });
  return {
    decision,
    candidateName: 'candidate.onnx',
    baselineName: 'baseline.onnx',
    candidate: cand.values,
    baseline: base.values,
    metrics: Object.keys(cand.values).filter((m) => !m.includes('[')),
    notes: cand.notes,
    mode: 'point',
    confidence: 0.95,
    task: { task, reason: 'test', classes, positiveClass: task === 'binary' ? classes[1] : undefined },
    confusion: { classes, candidate: cand.confusionMatrix, baseline: base.confusionMatrix },
    perClass: { candidate: cand.perClass, baseline: base.perClass },
    curves: { candidate: cand.curves, baseline: base.curves },
  };
}

describe('report charts', () => {
  it('binary: ROC, precision-recall and reliability charts that mermaid parses, AUC and AP in the titles', () => {
    // A hostile class name: quotes, brackets, a mermaid directive and a line break.
    const input = report(2, ['stay', 'churn"]\n%%{init: {"theme":"dark"}}%%'], 'roc_auc >= baseline');
    const text = renderReport(input);
    const blocks = mermaidBlocks(text);
    expect(blocks).toHaveLength(3);
    const results = parseMermaid([...blocks, 'xychart-beta\n  title "cut\n  line [0, x]\n']);
    expect(results.slice(0, 3)).toEqual([
      { ok: true, type: 'xychart' },
      { ok: true, type: 'xychart' },
      { ok: true, type: 'xychart' },
    ]);
    // The parser is a real one: a broken block is refused.
    expect(results[3]!.ok).toBe(false);
    const auc = (v: number | null | undefined) => v!.toFixed(3);
    expect(blocks[0]).toContain(
      `candidate AUC ${auc(input.candidate.roc_auc)}, baseline AUC ${auc(input.baseline!.roc_auc)}`,
    );
    expect(blocks[1]).toContain(
      `candidate AP ${auc(input.candidate.average_precision)}, baseline AP ${auc(input.baseline!.average_precision)}`,
    );
    // Down-sampled: 21 points per line whatever the number of rows.
    expect(blocks[0]!.match(/line \[([^\]]*)\]/)![1]!.split(',')).toHaveLength(21);
    // Nothing from the class name can open a directive or leave the title's quotes.
    for (const block of blocks) {
      expect(block).not.toMatch(/%%|\{/);
      expect(block.split('\n')[1]!.match(/"/g)).toHaveLength(2);
    }
  });

  it('multiclass with 3 classes: one-vs-rest charts per class; all parse', () => {
    const text = renderReport(report(3, ['a', 'b', 'c'], 'f1 >= baseline'));
    const blocks = mermaidBlocks(text);
    expect(blocks).toHaveLength(6);
    expect(parseMermaid(blocks).every((r) => r.ok && r.type === 'xychart')).toBe(true);
  });

  it('20 classes: per-class table and normalised confusion matrices, the comment under 65,536 characters', () => {
    const classes = Array.from({ length: 20 }, (_, i) => `class_${i}`);
    const text = renderReport(report(20, classes, 'f1_macro >= baseline\nrecall[class_3] >= 0.2'), {
      maxLength: COMMENT_REPORT_LIMIT,
    });
    expect(text.length).toBeLessThan(65_536);
    expect(text).toContain('normalised by true class');
    expect(text.match(/^\| class\\_\d+ \| [\d.]+ → [\d.]+ \|/gm)).toHaveLength(20);
    expect(mermaidBlocks(text)).toHaveLength(0);
  });
});
