import { describe, expect, it } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@mlops-gha/common';
import { flatten, parseCsv, parseValues, readValuesFile } from './files.js';

const metrics = (file: string) => ({ kind: 'metrics-file' as const, file });
const params = (file: string) => ({ kind: 'params-file' as const, file });

function failure(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    return error as UserError;
  }
  throw new Error('expected an error');
}

describe('metrics and params files', () => {
  it('reads JSON, YAML and both CSV shapes', () => {
    expect(parseValues('{"accuracy": 0.93, "cm": [[1, 2], [3, 4]]}', metrics('metrics.json'))).toEqual({
      accuracy: 0.93,
      cm: [
        [1, 2],
        [3, 4],
      ],
    });
    expect(parseValues('train:\n  lr: 0.01\n  epochs: 10\nseed: 42\n', params('params.yaml'))).toEqual({
      train: { lr: 0.01, epochs: 10 },
      seed: 42,
    });
    expect(parseValues('epoch,loss,accuracy\n1,0.9,0.61\n2,0.5,0.8\n3,0.31,0.912\n', metrics('history.csv'))).toEqual({
      epoch: 3,
      loss: 0.31,
      accuracy: 0.912,
    });
    expect(parseValues('metric,value\naccuracy,0.93\n"f1, macro",0.9\nmodel,resnet\n', metrics('m.csv'))).toEqual({
      accuracy: 0.93,
      'f1, macro': 0.9,
      model: 'resnet',
    });
    expect(parseValues('', params('params.yaml'))).toEqual({});
  });

  it('names the file, line and column of malformed JSON', () => {
    const error = failure(() => parseValues('{\n  "accuracy": 0.93\n  "f1": 0.9\n}\n', metrics('out/metrics.json')));
    expect(error.message).toMatch(/^metrics-file out\/metrics.json is not valid JSON at line 3, column 3: /);
    expect(error.location).toEqual({ file: 'out/metrics.json', line: 3, column: 3 });
    expect(error.fix).toContain('one JSON object');
  });

  it('names the line of malformed YAML params', () => {
    const error = failure(() => parseValues('lr: 0.01\nepochs: [1, 2\nseed: 3\n', params('params.yaml')));
    expect(error.message).toMatch(/^params-file params.yaml is not valid YAML at line \d, column \d+: /);
    expect(error.location?.file).toBe('params.yaml');
    expect(error.location?.line).toBeGreaterThanOrEqual(2);
    const dup = failure(() => parseValues('lr: 0.01\nlr: 0.02\n', params('params.yaml')));
    expect(dup.message).toContain('at line 2');
  });

  it('names the line of a CSV row with the wrong number of values', () => {
    const error = failure(() => parseValues('epoch,loss\n1,0.9\n2,0.5,extra\n', metrics('history.csv')));
    expect(error.message).toBe('metrics-file history.csv line 3: 3 values for 2 columns (epoch, loss)');
    expect(error.location).toEqual({ file: 'history.csv', line: 3 });
  });

  it('refuses a list where a mapping belongs', () => {
    expect(failure(() => parseValues('[0.9, 0.8]', metrics('metrics.json'))).message).toBe(
      'metrics-file metrics.json must hold a mapping of names to values, but holds a list',
    );
  });

  it('reports an absent file as not found rather than failing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'values-'));
    expect(await readValuesFile(join(dir, 'metrics.json'), metrics('metrics.json'))).toEqual({
      found: false,
      values: {},
    });
    await writeFile(join(dir, 'metrics.yaml'), 'auc: 0.97\n');
    expect(await readValuesFile(join(dir, 'metrics.yaml'), metrics('metrics.yaml'))).toEqual({
      found: true,
      values: { auc: 0.97 },
    });
  });

  it('splits quoted CSV cells and flattens nested values for tables', () => {
    expect(parseCsv('a,"b ""c""",d\r\n\r\n1,2,3')).toEqual([
      { line: 1, cells: ['a', 'b "c"', 'd'] },
      { line: 3, cells: ['1', '2', '3'] },
    ]);
    expect(flatten({ train: { lr: 0.1 }, cm: [1, 2] })).toEqual([
      ['train.lr', 0.1],
      ['cm', [1, 2]],
    ]);
  });
});

describe('JSON nested deeper than the call stack', () => {
  it('is a UserError naming the file, not a stack overflow', () => {
    const error = failure(() => parseValues('['.repeat(100_000), metrics('m.json')));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/^metrics-file m\.json is not valid JSON: \S/);
    expect(error.fix).toBe(`Write m.json as one JSON object, e.g. {"accuracy": 0.93, "f1": 0.91}.`);
  });
});

describe('JSON error positions', () => {
  const cases: [string, number, number, string][] = [
    ['{"lr": 0.01,\n "epochs": }\n', 2, 12, 'unexpected "}", expected a value'],
    ['{"a": 1,}', 1, 9, 'unexpected "}", expected a "quoted" key (a trailing comma?)'],
    ['{"a": 1 "b": 2}', 1, 9, "unexpected \"\\\"\", expected ',' or '}'"],
    ['{"a": [1, 2}', 1, 12, "unexpected \"}\", expected ',' or ']'"],
    ['{"a": tru}', 1, 7, 'unexpected "t", expected a value'],
    ['{"a": 1}\n{"b": 2}', 2, 1, 'unexpected "{" after the JSON value'],
    ['{"a": "x\ny"}', 1, 9, 'unterminated string (a line break inside quotes)'],
    ['{"a": 1', 1, 8, "unexpected end of file, expected ',' or '}'"],
    ['', 1, 1, 'the file is empty'],
  ];
  it.each(cases)('%j: line %i, column %i', (text, line, column, reason) => {
    const error = failure(() => parseValues(text, metrics('m.json')));
    expect(error.message).toBe(`metrics-file m.json is not valid JSON at line ${line}, column ${column}: ${reason}`);
    expect(error.location).toEqual({ file: 'm.json', line, column });
  });
});
