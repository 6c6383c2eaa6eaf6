import { describe, expect, it } from '@jest/globals';
import { checkRules, parseRules } from './rules.js';

describe('parseRules', () => {
  it('reads every form of the contract, one per line, skipping blanks and comments', () => {
    const rules = parseRules(
      [
        'f1 >= baseline - 0.01',
        '',
        '# a comment',
        'accuracy > 0.9  # inline comment',
        'log_loss <= baseline * 1.05',
        'mse < baseline+0.5',
        'recall >= baseline-1%',
        'roc_auc >= baseline',
      ].join('\n'),
    );
    expect(rules.map((r) => [r.line, r.metric, r.op, r.factor, r.offset, r.usesBaseline])).toEqual([
      [1, 'f1', '>=', 1, -0.01, true],
      [4, 'accuracy', '>', 0, 0.9, false],
      [5, 'log_loss', '<=', 1.05, 0, true],
      [6, 'mse', '<', 1, 0.5, true],
      [7, 'recall', '>=', 1, -0.01, true],
      [8, 'roc_auc', '>=', 1, 0, true],
    ]);
    expect(rules[1]!.text).toBe('accuracy > 0.9');
  });

  it.each([
    ['accuracy => 0.9', 'rules line 1, column 10: "=>" is not an operator; did you mean ">="?'],
    [
      'accuracy == 0.9',
      'rules line 1, column 10: "==" is not an operator; use >=, >, <=, or < ("==" is not supported: equality is never certain with sampled data)',
    ],
    ['f1', 'rules line 1, column 3: expected an operator (>=, >, <=, <) after "f1"'],
    ['f1 >=', 'rules line 1, column 6: expected a number or a baseline expression after ">="'],
    ['f1 >= baseline / 2', 'rules line 1, column 16: expected +, - or * after "baseline", found "/"'],
    ['f1 >= baseline - x', 'rules line 1, column 18: expected a number after "-", found "x"'],
    ['f1 >= best', 'rules line 1, column 7: expected a number or "baseline", found "best"'],
    ['0.9 <= f1', 'rules line 1, column 1: expected a metric name, found "0.9"'],
    ['f1 >= 0.9 0.1', 'rules line 1, column 11: unexpected "0.1" after the number'],
  ])('%s -> %s', (text, message) => {
    expect(() => parseRules(`accuracy >= 0.5\n${text}`.split('\n')[1]!)).toThrow(message);
  });

  it('shows the line with a caret under the problem', () => {
    try {
      parseRules('f1 >= baseline\n  accuracy => 0.9');
      throw new Error('no error');
    } catch (error) {
      expect((error as Error).message).toBe(
        'rules line 2, column 12: "=>" is not an operator; did you mean ">="?\n    accuracy => 0.9\n             ^',
      );
    }
  });
});

describe('checkRules', () => {
  const available = ['accuracy', 'precision', 'recall', 'f1', 'log_loss', 'roc_auc'];

  it('rejects an unknown metric, suggesting the nearest one', () => {
    const text = 'f1 >= 0.8\nacuracy >= 0.9';
    expect(() => checkRules(parseRules(text), available, false, text)).toThrow(
      'rules line 2, column 1: unknown metric "acuracy". Did you mean "accuracy"? Metrics here: accuracy, precision, recall, f1, log_loss, roc_auc',
    );
  });

  it('rejects a baseline rule without a baseline', () => {
    const text = 'f1 >= baseline - 0.01';
    expect(() => checkRules(parseRules(text), available, false, text)).toThrow(
      'rules line 1, column 7: "f1 >= baseline - 0.01" compares with the baseline, but no `baseline` is set',
    );
  });

  it('resolves binary names to their macro averages on multiclass tasks, and says so', () => {
    const [rule] = checkRules(parseRules('f1 >= baseline'), ['accuracy', 'f1_macro', 'f1_micro'], true);
    expect(rule!.resolved).toBe('f1_macro');
    expect(rule!.note).toBe('f1 is checked as f1_macro on this multiclass task');
  });
});
