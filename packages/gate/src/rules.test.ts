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

describe('parseRules: numbers, percentages and expressions', () => {
  const one = (text: string) => {
    const [r] = parseRules(text);
    return [r!.metric, r!.op, r!.factor, r!.offset, r!.usesBaseline];
  };

  it.each([
    ['accuracy >= .5', ['accuracy', '>=', 0, 0.5, false]],
    ['accuracy >= 5.', ['accuracy', '>=', 0, 5, false]],
    ['log_loss <= 1e-3', ['log_loss', '<=', 0, 0.001, false]],
    ['log_loss <= 2.5E+2', ['log_loss', '<=', 0, 250, false]],
    ['accuracy >= 90%', ['accuracy', '>=', 0, 0.9, false]],
    ['delta >= -0.5', ['delta', '>=', 0, -0.5, false]],
    ['f1 >= baseline -0.01', ['f1', '>=', 1, -0.01, true]],
    ['f1 >= baseline +0.02', ['f1', '>=', 1, 0.02, true]],
    ['f1 >= baseline + 2%', ['f1', '>=', 1, 0.02, true]],
    ['f1 >= baseline * 95%', ['f1', '>=', 0.95, 0, true]],
    ['f1 <= baseline*1.1', ['f1', '<=', 1.1, 0, true]],
    ['recall[churn] > 0.7', ['recall[churn]', '>', 0, 0.7, false]],
    ['per_class.a-b < 3', ['per_class.a-b', '<', 0, 3, false]],
  ])('%s', (text, expected) => {
    expect(one(text)).toEqual(expected);
  });

  it('keeps the rule as written, blanks collapsed, comments dropped; CRLF lines count like LF', () => {
    const rules = parseRules('f1   >=\tbaseline  -  0.01   # loose\r\n\r\n  # only a comment\r\naccuracy > 0.9\r\n');
    expect(rules.map((r) => [r.line, r.text, r.resolved])).toEqual([
      [1, 'f1 >= baseline - 0.01', 'f1'],
      [4, 'accuracy > 0.9', 'accuracy'],
    ]);
    expect(parseRules('  \n# nothing\n\t\n')).toEqual([]);
  });

  it.each([
    ['accuracy =< 0.9', 'rules line 1, column 10: "=<" is not an operator; did you mean "<="?'],
    [
      'accuracy != 0.9',
      'rules line 1, column 10: "!=" is not an operator; use >=, >, <=, or < ("!=" is not supported: equality is never certain with sampled data)',
    ],
    ['accuracy 0.9', 'rules line 1, column 10: "0.9" is not an operator; use >=, >, <=, or <\n'],
    ['accuracy >= 1e999', 'rules line 1, column 13: "1e999" is not a number'],
    ['f1 >= baseline * 1e999', 'rules line 1, column 18: "1e999" is not a number'],
    ['f1 >= baseline +', 'rules line 1, column 17: expected a number after "+"'],
    ['f1 >= baseline - 0.01 extra', 'rules line 1, column 23: unexpected "extra" after the expression'],
    ['f1 >= baseline 0.01', 'rules line 1, column 16: expected +, - or * after "baseline", found "0.01"'],
    ['f1 >= baseline 1e-3', 'rules line 1, column 16: expected +, - or * after "baseline", found "1e-3"'],
    ['f1 >= baseline -0.01 0.02', 'rules line 1, column 16: expected +, - or * after "baseline", found "-0.01"'],
    ['f1 >= 0.9 baseline', 'rules line 1, column 11: unexpected "baseline" after the number'],
    ['f1 >= @', 'rules line 1, column 7: expected a number or "baseline", found "@"'],
    ['>= 0.9', 'rules line 1, column 1: expected a metric name, found ">="'],
  ])('%s -> %s', (text, message) => {
    expect(() => parseRules(text)).toThrow(message);
  });

  it('a missing part is pointed at the end of the line, comments and trailing blanks aside', () => {
    try {
      parseRules('f1 >=    # no threshold');
      throw new Error('no error');
    } catch (error) {
      expect((error as Error).message).toBe(
        'rules line 1, column 6: expected a number or a baseline expression after ">="\n  f1 >=    # no threshold\n       ^',
      );
    }
  });
});

describe('checkRules: names, aliases, suggestions', () => {
  it('roc_auc, precision, recall and any F-beta resolve to their multiclass averages', () => {
    const available = ['roc_auc_ovr', 'precision_macro', 'recall_macro', 'f1_macro', 'f0.5_macro', 'f2_macro'];
    const rules = checkRules(
      parseRules('roc_auc >= 0.8\nprecision >= 0.5\nrecall >= 0.5\nf0.5 >= 0.5\nf2 >= 0.5'),
      available,
      false,
    );
    expect(rules.map((r) => r.resolved)).toEqual([
      'roc_auc_ovr',
      'precision_macro',
      'recall_macro',
      'f0.5_macro',
      'f2_macro',
    ]);
    // a name that is there is used as is, with no note
    const [plain] = checkRules(parseRules('f1 >= 0.5'), ['f1', 'f1_macro'], false);
    expect([plain!.resolved, plain!.note]).toEqual(['f1', undefined]);
    // no alias for other names: accuracy is not accuracy_macro
    expect(() => checkRules(parseRules('accuracy >= 0.5'), ['accuracy_macro'], false)).toThrow(
      'unknown metric "accuracy"',
    );
  });

  it('names the fix and the annotation title; without the rules text, shows the rule itself', () => {
    const error = (() => {
      try {
        checkRules(parseRules('acuracy >= 0.5'), ['accuracy'], false);
      } catch (e) {
        return e as Error & { fix?: string; title?: string };
      }
      throw new Error('no error');
    })();
    expect(error.message).toBe(
      'rules line 1, column 1: unknown metric "acuracy". Did you mean "accuracy"? Metrics here: accuracy\n  acuracy >= 0.5\n  ^',
    );
    expect(error.title).toBe('metric-gate rule');
    expect(error.fix).toMatch(/^Name one of the metrics listed \(scikit-learn names;/);
    try {
      checkRules(parseRules('f1 >= baseline'), ['f1'], false);
    } catch (e) {
      expect((e as { fix?: string }).fix).toMatch(
        /^Set `baseline:` \(a metrics file, an \.onnx model or registry:\/\/NAME@ALIAS\)/,
      );
    }
    try {
      parseRules('f1 =>');
    } catch (e) {
      expect((e as { fix?: string }).fix).toMatch(/^Write one rule per line as `METRIC OP EXPR`/);
    }
  });

  it('on multilabel tasks roc_auc and average_precision resolve to their macro averages, and the note says multilabel', () => {
    const available = ['roc_auc_macro', 'roc_auc_micro', 'average_precision_macro', 'average_precision_micro'];
    const rules = checkRules(
      parseRules('roc_auc >= 0.8\naverage_precision >= 0.7'),
      available,
      false,
      undefined,
      'multilabel',
    );
    expect(rules.map((r) => [r.resolved, r.note])).toEqual([
      ['roc_auc_macro', 'roc_auc is checked as roc_auc_macro on this multilabel task'],
      ['average_precision_macro', 'average_precision is checked as average_precision_macro on this multilabel task'],
    ]);
    // the multiclass name wins where both are there (one-vs-rest is the multiclass report's average)
    expect(checkRules(parseRules('roc_auc >= 0.8'), ['roc_auc_macro', 'roc_auc_ovr'], false)[0]!.resolved).toBe(
      'roc_auc_ovr',
    );
    // only whole names: no alias for a name that merely starts like one
    expect(() => checkRules(parseRules('average_precision_at_5 >= 0.5'), available, false)).toThrow(
      'unknown metric "average_precision_at_5"',
    );
  });

  it('aliases only whole names: precision, recall and fN or fN.M, nothing that merely contains them', () => {
    expect(
      checkRules(parseRules('f10 >= 0.5\nf0.25 >= 0.5'), ['f10_macro', 'f0.25_macro'], false).map((r) => r.resolved),
    ).toEqual(['f10_macro', 'f0.25_macro']);
    expect(() => checkRules(parseRules('my_recall >= 0.5'), ['my_recall_macro'], false)).toThrow(
      'unknown metric "my_recall"',
    );
    expect(() => checkRules(parseRules('precision_at_k >= 0.5'), ['precision_at_k_macro'], false)).toThrow(
      'unknown metric "precision_at_k"',
    );
  });

  it('suggests a name at most 3 edits away, and none beyond', () => {
    const text = 'f1 >= 0.5\n  log_los <= 0.3';
    expect(() => checkRules(parseRules(text), ['log_loss', 'f1'], false, text)).toThrow(
      'rules line 2, column 3: unknown metric "log_los". Did you mean "log_loss"? Metrics here: log_loss, f1',
    );
    expect(() => checkRules(parseRules('balanced >= 0.5'), ['balanced_accuracy'], false)).toThrow(
      'unknown metric "balanced". Metrics here: balanced_accuracy',
    );
    expect(() => checkRules(parseRules('abcd >= 0.5'), ['wxyz'], false)).toThrow(
      'unknown metric "abcd". Metrics here: wxyz',
    );
    expect(() => checkRules(parseRules('abcd >= 0.5'), ['abxyz'], false)).toThrow('Did you mean "abxyz"?');
    expect(() => checkRules(parseRules('x >= 0.5'), [], false)).toThrow('unknown metric "x". Metrics here: (none)');
  });

  it('lists per-class metrics once as a pattern, naming up to 20 classes', () => {
    const classes = Array.from({ length: 22 }, (_, i) => `c${i}`);
    const available = ['accuracy', ...classes.flatMap((c) => [`recall[${c}]`, `support[${c}]`])];
    expect(() => checkRules(parseRules('acc >= 0.5'), available, false)).toThrow(
      `Metrics here: accuracy; per class: precision[CLASS], recall[CLASS], f1[CLASS], support[CLASS] for CLASS in ${classes.slice(0, 20).join(', ')}, …`,
    );
    const twenty = classes.slice(0, 20);
    expect(() =>
      checkRules(
        parseRules('acc >= 0.5'),
        twenty.map((c) => `support[${c}]`),
        false,
      ),
    ).toThrow(
      `Metrics here: (none); per class: precision[CLASS], recall[CLASS], f1[CLASS], support[CLASS] for CLASS in ${twenty.join(', ')}\n`,
    );
    expect(() => checkRules(parseRules('acc >= 0.5'), ['accuracy', 'support[a]', 'support[b]'], false)).toThrow(
      /Metrics here: accuracy; per class: .* for CLASS in a, b$/m,
    );
  });

  it('points a missing baseline at the word "baseline" in the line as written', () => {
    const text = '\n   f1 >=   baseline';
    expect(() => checkRules(parseRules(text), ['f1'], false, text)).toThrow(
      'rules line 2, column 12: "f1 >= baseline" compares with the baseline, but no `baseline` is set',
    );
    expect(checkRules(parseRules(text), ['f1'], true, text)[0]!.usesBaseline).toBe(true);
  });
});
