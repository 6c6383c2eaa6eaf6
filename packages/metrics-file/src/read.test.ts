import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@mlops-gha/common';
import { flattenMetrics, parseMetrics, readMetricsFile } from './read.js';

// What Keras' CSVLogger writes: one row per epoch, the last one the model that was saved.
const HISTORY = 'epoch,loss,accuracy\n0,0.91,0.61\n1,0.52,0.80\n2,0.31,0.912\n';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metrics-file-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The UserError `fn` throws (fails the test when it throws nothing or something else). */
function thrown(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a UserError, nothing was thrown');
}

describe('readMetricsFile', () => {
  // moved from metrics-file.test.ts
  it('a CSV with one row per epoch counts its last row (the final epoch), not the first', async () => {
    const path = join(dir, 'history.csv');
    await writeFile(path, HISTORY);
    expect(await readMetricsFile(path)).toEqual({ epoch: 2, loss: 0.31, accuracy: 0.912 });
  });

  // moved from metrics-file.test.ts
  it('a missing file, and one without numbers, say so', async () => {
    await expect(readMetricsFile('/nonexistent/metrics.json')).rejects.toThrow(
      'Metrics file /nonexistent/metrics.json cannot be read: it does not exist',
    );
    await writeFile(join(dir, 'm.json'), '{"model": "resnet"}');
    await expect(readMetricsFile(join(dir, 'm.json'))).rejects.toThrow('holds no numeric metrics');
  });

  it('a file without numbers is a UserError located at the file, with the fix', async () => {
    const path = join(dir, 'nan.yaml');
    await writeFile(path, 'accuracy: .nan\nloss: .inf\nmodel: resnet\n');
    const error = (await readMetricsFile(path).catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(`Metrics file ${path} holds no numeric metrics`);
    expect(error.location).toEqual({ file: path });
    expect(error.fix).toBe('Write at least one metric with a numeric value, e.g. {"accuracy": 0.91}.');
  });

  it('a path that is a folder cannot be read, and says why', async () => {
    const folder = join(dir, 'a-folder.json');
    await mkdir(folder);
    await expect(readMetricsFile(folder)).rejects.toThrow(`Metrics file ${folder} cannot be read: EISDIR`);
  });

  it('YAML metrics with a .yml extension, a run.json `metrics` object, and a parse error carry through', async () => {
    await writeFile(join(dir, 'm.yml'), 'accuracy: 0.75\n');
    expect(await readMetricsFile(join(dir, 'm.yml'))).toEqual({ accuracy: 0.75 });
    await writeFile(join(dir, 'bad.json'), '{"accuracy": }');
    await expect(readMetricsFile(join(dir, 'bad.json'))).rejects.toThrow(
      `Metrics file ${join(dir, 'bad.json')} cannot be parsed`,
    );
  });
});

describe('parseMetrics', () => {
  // moved from metrics-file.test.ts
  it('metric,value / name,value / key,value headers (any case) hold one metric per row', () => {
    for (const head of ['metric,value', 'Name,Value', 'key,value']) {
      expect(parseMetrics(`${head}\naccuracy,0.93\n"f1, macro",0.9\nmodel,resnet\n`, 'm.csv')).toEqual({
        accuracy: 0.93,
        'f1, macro': 0.9,
      });
    }
  });

  // moved from metrics-file.test.ts
  it('JSON and YAML: nested objects flattened, a run.json `metrics` object used directly, text skipped', () => {
    expect(parseMetrics('{"accuracy": 0.9, "per_class": {"a": 0.8}, "note": "x"}', 'm.json')).toEqual({
      accuracy: 0.9,
      'per_class.a': 0.8,
    });
    expect(parseMetrics('{"metrics": {"f1": 0.7}, "params": {"lr": 0.1}}', 'run.json')).toEqual({ f1: 0.7 });
    expect(parseMetrics('accuracy: 0.5\nloss: 1e-3\n', 'm.yaml')).toEqual({ accuracy: 0.5, loss: 0.001 });
  });

  it('CSV cells that are not numbers (nan, inf, text, empty) are left out, never turned into numbers', () => {
    expect(
      parseMetrics('metric,value\nacc,nan\nf1,inf\nloss,-Infinity\nname,x\nblank,\nauc,.5\nr2,-1e-2\n', 'M.CSV'),
    ).toEqual({ auc: 0.5, r2: -0.01 });
  });

  it('a number too large for a double (1e400) is left out, never turned into Infinity', () => {
    expect(parseMetrics('metric,value\nbig,1e400\nsmall,-1e400\nacc,0.5\n', 'm.csv')).toEqual({ acc: 0.5 });
    expect(parseMetrics('{"big": "1e400", "acc": "0.5", "raw": 1e400}', 'm.json')).toEqual({ acc: 0.5 });
    expect(parseMetrics('big: "-1e400"\nraw: 1e400\nacc: 0.5\n', 'm.yaml')).toEqual({ acc: 0.5 });
  });

  it('YAML .nan and .inf are left out; numeric strings count', () => {
    expect(parseMetrics('a: .nan\nb: .inf\nc: -.inf\nd: "2.5"\ne: [1]\nf: true\ng: " 7 "\n', 'm.yaml')).toEqual({
      d: 2.5,
      g: 7,
    });
  });

  it('a JSON syntax error is located by line and column (from the parser position)', () => {
    // `"b"` starts at offset 9: the third line, first column
    const error = thrown(() => parseMetrics('{\n"a": 1\n"b": 2}', 'm.json'));
    expect(error.message).toMatch(/^Metrics file m\.json cannot be parsed: /);
    expect(error.location).toEqual({ file: 'm.json', line: 3, column: 1 });
    expect(error.fix).toBe(
      'Write the metrics as a JSON or YAML object of numbers, e.g. {"accuracy": 0.91, "f1": 0.88}.',
    );
  });

  it('a YAML syntax error is located where the YAML parser puts it', () => {
    // a quote opened on line 1 and never closed: the parser stops at the end, line 2
    const error = thrown(() => parseMetrics('a: "x\n', 'm.yaml'));
    expect(error.message).toMatch(/^Metrics file m\.yaml cannot be parsed: Missing closing "quote/);
    expect(error.location).toEqual({ file: 'm.yaml', line: 2, column: 1 });
  });

  it('a document that is not an object (a list, a scalar, empty) is an error at line 1', () => {
    for (const [text, file] of [
      ['[0.9, 0.8]', 'm.json'],
      ['0.9', 'm.json'],
      ['just text', 'm.yaml'],
      ['', 'm.yaml'],
    ] as const) {
      const error = thrown(() => parseMetrics(text, file));
      expect(error.message).toBe(`Metrics file ${file} does not hold an object of metric names and values`);
      expect(error.location).toEqual({ file, line: 1 });
    }
  });

  it('a `metrics` key that is not an object is an ordinary metric, not the run.json form', () => {
    expect(parseMetrics('{"metrics": 3, "f1": 0.5}', 'm.json')).toEqual({ metrics: 3, f1: 0.5 });
    expect(parseMetrics('{"metrics": [1, 2], "f1": 0.5}', 'm.json')).toEqual({ f1: 0.5 });
  });

  it('a hostile metric name (__proto__) is kept as a metric and does not touch the prototype', () => {
    const metrics = parseMetrics('{"__proto__": 0.9, "acc": 0.5}', 'm.json');
    expect(Object.entries(metrics)).toEqual([
      ['__proto__', 0.9],
      ['acc', 0.5],
    ]);
    expect(Object.getPrototypeOf(metrics)).toBe(Object.prototype);
    expect(Object.entries(parseMetrics('metric,value\n__proto__,1\n', 'm.csv'))).toEqual([['__proto__', 1]]);
  });
});

describe('flattenMetrics', () => {
  it('joins nested names with dots at any depth and keeps finite numbers only', () => {
    expect(
      flattenMetrics({ a: 1, b: { c: 2, d: { e: -3.5 } }, f: Number.NaN, g: Infinity, h: null, i: [1], j: false }),
    ).toEqual({ a: 1, 'b.c': 2, 'b.d.e': -3.5 });
  });

  it('a numeric string counts under a name; a bare value without a name does not', () => {
    expect(flattenMetrics({ a: '1e3', b: '0x10', c: '1,5', d: '' })).toEqual({ a: 1000 });
    expect(flattenMetrics('5')).toEqual({});
  });

  it('adds to the object it is given', () => {
    const out = { kept: 1 };
    expect(flattenMetrics({ x: 2 }, 'p', out)).toBe(out);
    expect(out).toEqual({ kept: 1, 'p.x': 2 });
  });
});
