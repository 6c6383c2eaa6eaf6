/**
 * metric-gate end to end on tasks with several label columns, through the committed bundle:
 * multilabel classification (0/1 columns, a [N,K] sigmoid model) and multi-output regression
 * ([N,K] targets and outputs, `multioutput`), plus the `force-finite` and
 * `confusion-normalize` inputs. Expected values are computed here by hand from the models'
 * weights, not by the evaluation package.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linearRegressorModel, logisticClassifierModel, writeModel } from '../harness/onnx-models.js';
import { NODE_VERSIONS, runAction, type NodeChoice } from '../harness/run-action.js';
import { seededNormal } from '../harness/synthetic-data.js';
import { linearRow, multilabelModel, multiOutputRegressorModel, type MultiLinear } from './metric-gate-models.js';

const ROWS = 600;
const TAGS = ['tag_a', 'tag_b', 'tag_c'];
const TRUE_TAGS: MultiLinear = {
  weights: [
    [1.5, -1, 0.2],
    [-0.5, 1.2, 1],
    [0.8, 0.3, -1.4],
  ],
  bias: [0.1, -0.2, 0.3],
};
const WORSE_TAGS: MultiLinear = {
  weights: [
    [0.6, -0.2, 0.9],
    [0.4, 0.5, 0.2],
    [0.1, 0.9, -0.3],
  ],
  bias: [0.5, 0.2, -0.4],
};
const TRUE_TARGETS: MultiLinear = {
  weights: [
    [2, -1],
    [0.5, 3],
    [-1, 0.25],
  ],
  bias: [1, -2],
};
const WORSE_TARGETS: MultiLinear = {
  weights: [
    [1.5, -0.5],
    [0.2, 2.5],
    [-0.4, 0.1],
  ],
  bias: [0.5, -1],
};

interface Table {
  x: number[][];
  y: number[][];
}

function table(seed: number, make: (x: number[], noise: () => number) => number[]): Table {
  const normal = seededNormal(seed);
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < ROWS; i++) {
    // Features as the CSV holds them (5 decimals), so hand and model see the same inputs.
    const row = [normal(), normal(), normal()].map((v) => Number(v.toFixed(5)));
    x.push(row);
    y.push(make(row, normal));
  }
  return { x, y };
}

function csv(t: Table, labels: string[]): string {
  const lines = [['x1', 'x2', 'x3', ...labels].join(',')];
  t.x.forEach((row, i) => lines.push([...row, ...t.y[i]!].join(',')));
  return `${lines.join('\n')}\n`;
}

let work: string;
/** Text as the report writes it: markdown punctuation in names escaped. */
const md = (text: string) => text.replace(/[_[\]]/g, (c) => `\\${c}`);
const tags = table(11, (x, noise) => linearRow(TRUE_TAGS, x).map((z) => (z + noise() * 0.7 > 0 ? 1 : 0)));
const targets = table(12, (x, noise) => linearRow(TRUE_TARGETS, x).map((v) => Number((v + noise() * 0.5).toFixed(4))));

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'metric-gate-multi-'));
  await writeFile(join(work, 'tags.csv'), csv(tags, TAGS));
  await writeFile(join(work, 'targets.csv'), csv(targets, ['y1', 'y2']));
  await writeModel(join(work, 'tags.onnx'), multilabelModel(TRUE_TAGS));
  await writeModel(join(work, 'tags-baseline.onnx'), multilabelModel(WORSE_TAGS, ['probabilities']));
  await writeModel(join(work, 'targets.onnx'), multiOutputRegressorModel(TRUE_TARGETS));
  await writeModel(join(work, 'targets-baseline.onnx'), multiOutputRegressorModel(WORSE_TARGETS));
});

function gate(inputs: Record<string, string>, node: NodeChoice = '24') {
  return runAction('metric-gate', {
    node,
    cwd: work,
    eventName: 'push',
    event: {},
    inputs: { 'bootstrap-samples': '300', comment: 'false', ...inputs },
  });
}

/** A gate that must succeed: the step's result, with the report it wrote, as text. */
async function passed(inputs: Record<string, string>, node?: NodeChoice) {
  const result = await gate(inputs, node);
  expect({ exit: result.exitCode, stderr: result.stderr }).toEqual({ exit: 0, stderr: '' });
  return { result, report: await readFile(result.outputs.report!, 'utf8') };
}

/** scikit-learn's multilabel definitions, by hand: subset accuracy, Hamming loss, micro F1, recall of one label. */
function multilabelByHand(m: MultiLinear) {
  let exact = 0;
  let wrong = 0;
  let tp = 0;
  let predicted = 0;
  let actual = 0;
  let tpB = 0;
  let actualB = 0;
  tags.x.forEach((x, i) => {
    const pred = linearRow(m, x).map((z) => (z > 0 ? 1 : 0)); // sigmoid(z) > 0.5
    const truth = tags.y[i]!;
    let same = true;
    pred.forEach((p, j) => {
      const t = truth[j]!;
      if (p !== t) {
        wrong++;
        same = false;
      }
      tp += p & t;
      predicted += p;
      actual += t;
      if (j === 1) {
        tpB += p & t;
        actualB += t;
      }
    });
    if (same) exact++;
  });
  return {
    accuracy: exact / ROWS,
    hamming_loss: wrong / (ROWS * TAGS.length),
    f1_micro: (2 * tp) / (predicted + actual),
    'recall[tag_b]': tpB / actualB,
  };
}

function r2ByHand(m: MultiLinear, weighting: 'uniform' | 'variance') {
  const k = 2;
  const scores: number[] = [];
  const variances: number[] = [];
  for (let j = 0; j < k; j++) {
    const y = targets.y.map((row) => row[j]!);
    const mean = y.reduce((a, b) => a + b, 0) / ROWS;
    let ss = 0;
    let se = 0;
    targets.x.forEach((x, i) => {
      ss += (y[i]! - mean) ** 2;
      se += (y[i]! - linearRow(m, x)[j]!) ** 2;
    });
    scores.push(1 - se / ss);
    variances.push(ss);
  }
  if (weighting === 'uniform') return { r2: (scores[0]! + scores[1]!) / 2, per: scores };
  return {
    r2: (scores[0]! * variances[0]! + scores[1]! * variances[1]!) / (variances[0]! + variances[1]!),
    per: scores,
  };
}

describe('metric-gate with several label columns', () => {
  it.each(NODE_VERSIONS)(
    'multilabel on Node %s: 0/1 label columns and a [N,K] sigmoid model, scikit-learn averages, rules per label',
    async (node) => {
      const { result, report } = await passed(
        {
          model: 'tags.onnx',
          dataset: 'tags.csv',
          baseline: 'tags-baseline.onnx',
          'label-column': 'tag_a, tag_b, tag_c',
          rules: 'f1_micro >= baseline\nhamming_loss <= 0.3\nrecall[tag_b] >= 0.6\nroc_auc >= 0.8',
        },
        node,
      );
      expect(result.outputs.verdict).toBe('pass');
      const metrics = JSON.parse(result.outputs.metrics!);
      const hand = multilabelByHand(TRUE_TAGS);
      for (const [name, value] of Object.entries(hand)) expect(metrics[name]).toBeCloseTo(value, 9);
      for (const name of ['precision_samples', 'f1_macro', 'f1_weighted', 'roc_auc_micro', 'average_precision_macro'])
        expect(typeof metrics[name]).toBe('number');
      expect(metrics.roc_auc_macro).toBeGreaterThan(0.8);
      expect(report).toContain('Task: **multilabel**');
      expect(report).toContain(md('roc_auc is checked as roc_auc_macro on this multilabel task'));
      // The baseline's f1_micro, by hand, is what the rule compared against.
      const baseline = multilabelByHand(WORSE_TAGS);
      expect(hand.f1_micro).toBeGreaterThan(baseline.f1_micro);
      // Decided on the paired bootstrap interval of the difference (the row shows it), not on point values.
      const row = `| ${md('f1_micro')} | ${baseline.f1_micro.toFixed(4)} | ${hand.f1_micro.toFixed(4)} | +${(hand.f1_micro - baseline.f1_micro).toFixed(4)} | [+0.`;
      expect(report).toContain(row);
      expect(report).not.toContain('the bootstrap does not resample');
    },
  );

  it('multi-output regression: multioutput variance_weighted, per-target rules such as r2[y2]', async () => {
    const { result, report } = await passed({
      model: 'targets.onnx',
      dataset: 'targets.csv',
      baseline: 'targets-baseline.onnx',
      'label-column': 'y1\ny2',
      multioutput: 'variance_weighted',
      rules: 'r2 >= 0.8\nr2[y2] >= baseline\nmse <= baseline',
    });
    expect(result.outputs.verdict).toBe('pass');
    const metrics = JSON.parse(result.outputs.metrics!);
    const hand = r2ByHand(TRUE_TARGETS, 'variance');
    expect(metrics.r2).toBeCloseTo(hand.r2, 5);
    expect(metrics['r2[y1]']).toBeCloseTo(hand.per[0]!, 5);
    expect(metrics['r2[y2]']).toBeCloseTo(hand.per[1]!, 5);
    expect(metrics.r2).not.toBeCloseTo(r2ByHand(TRUE_TARGETS, 'uniform').r2, 5);
    expect(report).toContain(md('2 outputs combined as variance_weighted'));
    expect(report).toMatch(
      /\| r2\\\[y2\\\] \| 0\.\d{4} \| 0\.\d{4} \| \+0\.\d{4} \| \[\+0\.\d{4}, \+0\.\d{4}\] \| r2\\\[y2\\\] &gt;= baseline \| ✅ pass \|/,
    );
  });

  it("multi-output regression without a baseline: every target's values are rows of the table", async () => {
    const { result, report } = await passed({
      model: 'targets.onnx',
      dataset: 'targets.csv',
      'label-column': 'y1,y2',
      'bootstrap-samples': '0',
    });
    const hand = r2ByHand(TRUE_TARGETS, 'uniform');
    expect(JSON.parse(result.outputs.metrics!).r2).toBeCloseTo(hand.r2, 5);
    for (const [j, name] of ['y1', 'y2'].entries())
      expect(report).toContain(`| ${md(`r2[${name}]`)} | — | ${hand.per[j]!.toFixed(4)} |`);
  });

  it('refuses a label column the holdout lacks, and binary with several label columns', async () => {
    const missing = await gate({ model: 'tags.onnx', dataset: 'tags.csv', 'label-column': 'tag_a, tag_z' });
    expect(missing.exitCode).toBe(1);
    expect(missing.stdout).toContain('has no label column "tag_z"');
    const binary = await gate({
      model: 'tags.onnx',
      dataset: 'tags.csv',
      'label-column': 'tag_a,tag_b,tag_c',
      task: 'binary',
    });
    expect(binary.exitCode).toBe(1);
    expect(binary.stdout).toContain('several label columns are a multilabel or multi-output regression task');
  });
});

describe('metric-gate force-finite and confusion-normalize (Node 24)', () => {
  it('force-finite: r2 of a constant target is 0.0 by default and undefined when false', async () => {
    await writeFile(join(work, 'constant.csv'), csv({ x: tags.x, y: tags.x.map(() => [3]) }, ['label']));
    await writeModel(join(work, 'linear.onnx'), linearRegressorModel({ weights: [1, 0.5, -0.2], bias: 3 }));
    const base = { model: 'linear.onnx', dataset: 'constant.csv', task: 'regression', 'bootstrap-samples': '0' };
    const forced = await gate(base);
    expect(forced.exitCode).toBe(0);
    expect(JSON.parse(forced.outputs.metrics!).r2).toBe(0);
    const raw = await gate({ ...base, 'force-finite': 'false', rules: 'r2 >= 0.5' });
    expect(raw.outputs.verdict).toBe('inconclusive');
    expect(JSON.parse(raw.outputs.metrics!).r2).toBeNull();
    expect(await readFile(raw.outputs.report!, 'utf8')).toContain(md('force_finite is off'));
    const bad = await gate({ ...base, 'force-finite': 'maybe' });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toContain('Input `force-finite` must be true or false');
  });

  it("confusion-normalize: pred normalises the report's confusion matrices by predicted class", async () => {
    await writeFile(join(work, 'binary.csv'), csv({ x: tags.x, y: tags.y.map((y) => [y[0]!]) }, ['label']));
    await writeModel(join(work, 'logistic.onnx'), logisticClassifierModel({ weights: [1.2, -0.4, 0.9], bias: 0.1 }));
    const { report } = await passed({
      model: 'logistic.onnx',
      dataset: 'binary.csv',
      'confusion-normalize': 'pred',
      'bootstrap-samples': '0',
    });
    const caption = 'Confusion matrix, candidate, normalised by predicted class (each column sums to 1):';
    expect(report).toContain(caption);
    // The counts table comes first; its columns, divided by their sums, are the normalised table.
    const tableAfter = (marker: string) =>
      report
        .slice(report.indexOf(marker) + marker.length)
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('|'))
        .slice(2, 4)
        .map((l) =>
          l
            .split('|')
            .slice(2, 4)
            .map((c) => Number(c.trim())),
        );
    const counts = tableAfter('Confusion matrix, candidate:');
    const normalised = tableAfter(caption);
    for (let p = 0; p < 2; p++) {
      const sum = counts[0]![p]! + counts[1]![p]!;
      for (let t = 0; t < 2; t++) expect(normalised[t]![p]).toBeCloseTo(counts[t]![p]! / sum, 2);
    }
  });
});
