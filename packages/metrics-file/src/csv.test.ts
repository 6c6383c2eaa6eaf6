import { describe, expect, it } from '@jest/globals';
import { UserError } from '@mlops-gha/common';
import { metricsFromCsv, parseCsv } from './csv.js';

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

describe('parseCsv', () => {
  it('splits RFC 4180 records: quoted commas, doubled quotes, and the line each record starts on', () => {
    const text = 'metric,value\n"f1, macro",0.9\n"say ""hi""",1\n"two\nlines",2\n\nlast,3\n';
    expect(parseCsv(text, 'm.csv')).toEqual([
      { line: 1, cells: ['metric', 'value'] },
      { line: 2, cells: ['f1, macro', '0.9'] },
      { line: 3, cells: ['say "hi"', '1'] },
      { line: 4, cells: ['two\nlines', '2'] },
      { line: 7, cells: ['last', '3'] },
    ]);
  });

  it('an empty text has no records', () => {
    expect(parseCsv('', 'm.csv')).toEqual([]);
  });

  it('an unclosed quote names the file and the line it opens on', () => {
    const error = thrown(() => parseCsv('metric,value\nacc,0.9\n"loss,0.1\n', 'history.csv'));
    expect(error.message).toBe('history.csv, line 3: a quoted field is never closed');
    expect(error.location).toEqual({ file: 'history.csv', line: 3 });
  });
});

describe('metricsFromCsv', () => {
  // moved from metrics-file.test.ts
  it('ragged rows and headers without values are errors with the line', () => {
    expect(() =>
      metricsFromCsv('epoch,loss\n1,0.9\n2,0.5,extra\n', { file: 'h.csv', label: 'metrics-file h.csv' }),
    ).toThrow('metrics-file h.csv line 3: 3 values for 2 columns (epoch, loss)');
    expect(() => metricsFromCsv('epoch,loss\n', { file: 'h.csv' })).toThrow(
      'metrics file h.csv has a header row but no values',
    );
  });

  it('a header of metric names over one row per epoch: the last row counts, cells trimmed and kept as text', () => {
    expect(
      metricsFromCsv('epoch, loss ,accuracy\n0,0.91,0.61\n1, 0.52 ,0.80\n2,0.31,nan\n', { file: 'h.csv' }),
    ).toEqual({ epoch: '2', loss: '0.31', accuracy: 'nan' });
  });

  it('metric,value / name,value / key,value headers (any case, padded) hold one metric per row', () => {
    for (const head of ['metric,value', 'NAME,VALUE', ' key , Value ']) {
      expect(metricsFromCsv(`${head}\naccuracy, 0.93\n"f1, macro",0.9\nmodel,resnet\n`, { file: 'm.csv' })).toEqual({
        accuracy: '0.93',
        'f1, macro': '0.9',
        model: 'resnet',
      });
    }
  });

  it('a two-column header that is not key/value is a header of metric names (the last row counts)', () => {
    expect(metricsFromCsv('metric,score\nacc,0.5\nf1,0.7\n', { file: 'm.csv' })).toEqual({
      metric: 'f1',
      score: '0.7',
    });
    expect(metricsFromCsv('value,metric\n0.5,acc\n', { file: 'm.csv' })).toEqual({ value: '0.5', metric: 'acc' });
  });

  it('an empty file is an error naming the file, with the fix and the location', () => {
    for (const text of ['', '\n\n']) {
      const error = thrown(() => metricsFromCsv(text, { file: 'h.csv' }));
      expect(error.message).toBe('metrics file h.csv is empty');
      expect(error.location).toEqual({ file: 'h.csv', line: 1 });
      expect(error.title).toBe('Malformed metrics-file');
      expect(error.fix).toBe(
        'Write h.csv with a header row such as `epoch,loss,accuracy` and one row per epoch (the last row counts), or `metric,value` rows.',
      );
    }
  });

  it('a header column without a name is an error at the header line, the label leading the message', () => {
    const error = thrown(() =>
      metricsFromCsv('\nepoch,,accuracy\n1,2,3\n', { file: 'h.csv', label: 'metrics-file h.csv' }),
    );
    expect(error.message).toBe('metrics-file h.csv line 2: column 2 of the header has no name');
    expect(error.location).toEqual({ file: 'h.csv', line: 2 });
  });

  it('a row with fewer cells than the header is located at its own line, even when a later row is fine', () => {
    const error = thrown(() => metricsFromCsv('a,b,c\n1,2\n4,5,6\n', { file: 'h.csv' }));
    expect(error.message).toBe('metrics file h.csv line 2: 2 values for 3 columns (a, b, c)');
    expect(error.location).toEqual({ file: 'h.csv', line: 2 });
  });

  it('a metric named twice (or not at all) is an error at its line, not the last one silently winning', () => {
    const error = thrown(() => metricsFromCsv('metric,value\nacc,0.9\nf1,0.7\n acc ,0.5\n', { file: 'm.csv' }));
    expect(error.message).toBe('metrics file m.csv line 4: the metric acc is already on line 2');
    expect(error.location).toEqual({ file: 'm.csv', line: 4 });
    const unnamed = thrown(() => metricsFromCsv('metric,value\nacc,0.9\n  ,0.5\n', { file: 'm.csv' }));
    expect(unnamed.message).toBe('metrics file m.csv line 3: a value without a metric name');
    expect(unnamed.location).toEqual({ file: 'm.csv', line: 3 });
    const header = thrown(() =>
      metricsFromCsv('epoch,loss,loss\n1,0.5,0.4\n', { file: 'h.csv', label: 'metrics-file h.csv' }),
    );
    expect(header.message).toBe('metrics-file h.csv line 1: columns 2 and 3 of the header are both named loss');
    expect(header.location).toEqual({ file: 'h.csv', line: 1 });
  });

  it('a header-only file reports the header line as its location', () => {
    const error = thrown(() => metricsFromCsv('\n\nepoch,loss\n', { file: 'h.csv' }));
    expect(error.location).toEqual({ file: 'h.csv', line: 3 });
  });

  it('hostile metric names (__proto__, constructor) are metrics like any other, not dropped, prototype untouched', () => {
    for (const text of ['metric,value\n__proto__,1\nconstructor,2\n', '__proto__,constructor\n1,2\n']) {
      const metrics = metricsFromCsv(text, { file: 'm.csv' });
      expect(Object.entries(metrics)).toEqual([
        ['__proto__', '1'],
        ['constructor', '2'],
      ]);
      expect(Object.getPrototypeOf(metrics)).toBe(Object.prototype);
    }
  });
});
