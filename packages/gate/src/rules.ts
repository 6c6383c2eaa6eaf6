import { UserError } from '@mlops-gha/common';
import { closest, distance } from 'fastest-levenshtein';

export type Operator = '>=' | '>' | '<=' | '<';

/** One gate rule: `METRIC OP EXPR`, i.e. candidate OP factor * baseline + offset. */
export interface Rule {
  /** The rule as written (trimmed). */
  text: string;
  /** 1-based line within the rules input. */
  line: number;
  /** Metric as written. */
  metric: string;
  /** Metric the rule is checked on (differs from `metric` when an alias was resolved, e.g. f1 -> f1_macro). */
  resolved: string;
  op: Operator;
  /** Coefficient of the baseline value: 0 for an absolute threshold. */
  factor: number;
  offset: number;
  usesBaseline: boolean;
  /** A note for the report, e.g. an alias resolution. */
  note?: string;
}

const TOKEN =
  /\s*(?:(>=|<=|>|<|==|!=|=)|(baseline)\b|([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?)|([-+*/])|([A-Za-z_][\w.-]*(?:\[[^\]\r\n]+\])?)|(\S))/y;

function ruleError(line: number, column: number, lineText: string, message: string, fix: string): UserError {
  const caret = `${' '.repeat(Math.max(0, column - 1))}^`;
  return new UserError(`rules line ${line}, column ${column}: ${message}\n  ${lineText}\n  ${caret}`, {
    fix,
    title: 'metric-gate rule',
  });
}

const EXAMPLE =
  'Write one rule per line as `METRIC OP EXPR`, e.g. `f1 >= baseline - 0.01`, `accuracy >= 0.9` or `log_loss <= baseline * 1.05`.';

/**
 * Parses the `rules` input: one rule per line, blank lines and `#` comments ignored. Errors
 * say the line and column and show a caret under the problem.
 */
export function parseRules(text: string): Rule[] {
  const rules: Rule[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const hash = raw.indexOf('#');
    const body = hash >= 0 ? raw.slice(0, hash) : raw;
    if (body.trim() === '') return;
    const tokens: { kind: string; text: string; column: number }[] = [];
    TOKEN.lastIndex = 0;
    while (TOKEN.lastIndex < body.length) {
      const start = TOKEN.lastIndex;
      const m = TOKEN.exec(body);
      if (!m) break;
      const text = m[0].trim();
      if (text === '') break;
      const column = start + (m[0].length - m[0].trimStart().length) + 1;
      const kind = m[1] ? 'op' : m[2] ? 'baseline' : m[3] ? 'number' : m[4] ? 'arith' : m[5] ? 'name' : 'bad';
      tokens.push({ kind, text, column });
    }
    const lineText = raw.trimEnd();
    const at = (i: number) => tokens[i];
    const endColumn = body.trimEnd().length + 1;
    const metric = at(0);
    if (!metric || metric.kind !== 'name') {
      throw ruleError(
        lineNo,
        metric?.column ?? 1,
        lineText,
        `expected a metric name, found "${metric?.text ?? ''}"`,
        EXAMPLE,
      );
    }
    const op = at(1);
    if (!op)
      throw ruleError(
        lineNo,
        endColumn,
        lineText,
        `expected an operator (>=, >, <=, <) after "${metric.text}"`,
        EXAMPLE,
      );
    if (op.kind !== 'op' || !['>=', '>', '<=', '<'].includes(op.text)) {
      const pair = body.slice(op.column - 1, op.column + 1);
      if (pair === '=>' || pair === '=<') {
        throw ruleError(
          lineNo,
          op.column,
          lineText,
          `"${pair}" is not an operator; did you mean "${pair[1]}="?`,
          EXAMPLE,
        );
      }
      const hint =
        op.kind === 'op' ? ` ("${op.text}" is not supported: equality is never certain with sampled data)` : '';
      throw ruleError(
        lineNo,
        op.column,
        lineText,
        `"${op.text}" is not an operator; use >=, >, <=, or <${hint}`,
        EXAMPLE,
      );
    }
    const rest = tokens.slice(2);
    if (rest.length === 0)
      throw ruleError(
        lineNo,
        endColumn,
        lineText,
        `expected a number or a baseline expression after "${op.text}"`,
        EXAMPLE,
      );
    const number = (t: { text: string; column: number }) => {
      const pct = t.text.endsWith('%');
      const v = Number(pct ? t.text.slice(0, -1) : t.text);
      if (!Number.isFinite(v)) throw ruleError(lineNo, t.column, lineText, `"${t.text}" is not a number`, EXAMPLE);
      return pct ? v / 100 : v;
    };
    let factor = 0;
    let offset = 0;
    let usesBaseline = false;
    const first = rest[0]!;
    if (first.kind === 'number' && rest.length === 1) {
      offset = number(first);
    } else if (first.kind === 'baseline') {
      usesBaseline = true;
      factor = 1;
      if (rest.length === 1) {
        // baseline
      } else {
        const arith = rest[1]!;
        if (arith.kind === 'number' && /^[-+]/.test(arith.text) && rest.length === 2) {
          // `baseline -0.01` tokenises as a signed number
          offset = number(arith);
        } else {
          if (arith.kind !== 'arith' || arith.text === '/') {
            throw ruleError(
              lineNo,
              arith.column,
              lineText,
              `expected +, - or * after "baseline", found "${arith.text}"`,
              EXAMPLE,
            );
          }
          const operand = rest[2];
          if (!operand)
            throw ruleError(lineNo, endColumn, lineText, `expected a number after "${arith.text}"`, EXAMPLE);
          if (operand.kind !== 'number') {
            throw ruleError(
              lineNo,
              operand.column,
              lineText,
              `expected a number after "${arith.text}", found "${operand.text}"`,
              EXAMPLE,
            );
          }
          const v = number(operand);
          if (arith.text === '*') factor = v;
          else offset = arith.text === '-' ? -v : v;
          if (rest[3])
            throw ruleError(
              lineNo,
              rest[3].column,
              lineText,
              `unexpected "${rest[3].text}" after the expression`,
              EXAMPLE,
            );
        }
      }
    } else if (first.kind === 'number') {
      throw ruleError(lineNo, rest[1]!.column, lineText, `unexpected "${rest[1]!.text}" after the number`, EXAMPLE);
    } else {
      throw ruleError(
        lineNo,
        first.column,
        lineText,
        `expected a number or "baseline", found "${first.text}"`,
        EXAMPLE,
      );
    }
    rules.push({
      text: body.trim().replace(/\s+/g, ' '),
      line: lineNo,
      metric: metric.text,
      resolved: metric.text,
      op: op.text as Operator,
      factor,
      offset,
      usesBaseline,
    });
  });
  return rules;
}

/**
 * Names a bare metric stands for on tasks that only have averages, in order of preference:
 * multiclass `f1` -> `f1_macro`, `roc_auc` -> `roc_auc_ovr`; multilabel `roc_auc` ->
 * `roc_auc_macro`, `average_precision` -> `average_precision_macro` (scikit-learn's default
 * average for those scores is macro).
 */
function aliasesOf(metric: string): string[] {
  if (metric === 'roc_auc') return ['roc_auc_ovr', 'roc_auc_macro'];
  if (metric === 'average_precision') return ['average_precision_macro'];
  if (/^(precision|recall|f\d+(\.\d+)?)$/.test(metric)) return [`${metric}_macro`];
  return [];
}

/** The available name nearest to a mistyped one (Levenshtein distance at most 3), for "did you mean". */
function nearest(metric: string, available: string[]): string | undefined {
  const near = available.length ? closest(metric, available) : undefined;
  return near !== undefined && distance(metric, near) <= 3 ? near : undefined;
}

/** The metric list of an error: per-class names summarised, so 20 classes do not bury the rest. */
function listed(available: string[]): string {
  const plain = available.filter((m) => !m.includes('['));
  const classes = [
    ...new Set(available.map((m) => /^support\[(.+)\]$/.exec(m)?.[1]).filter((c): c is string => c !== undefined)),
  ];
  const perClass = classes.length
    ? `; per class: precision[CLASS], recall[CLASS], f1[CLASS], support[CLASS] for CLASS in ${classes.slice(0, 20).join(', ')}${classes.length > 20 ? ', …' : ''}`
    : '';
  return `${plain.join(', ') || '(none)'}${perClass}`;
}

/**
 * Checks rules against the metrics at hand: every metric must exist (aliases such as `f1`
 * resolve to `f1_macro` on multiclass tasks) and a rule naming `baseline` needs a baseline.
 */
export function checkRules(
  rules: Rule[],
  available: string[],
  hasBaseline: boolean,
  rulesText?: string,
  task = 'multiclass',
): Rule[] {
  const lines = rulesText?.split(/\r?\n/) ?? [];
  return rules.map((rule) => {
    const lineText = (lines[rule.line - 1] ?? rule.text).trimEnd();
    const metricColumn = Math.max(1, lineText.indexOf(rule.metric) + 1);
    let resolved = rule.metric;
    let note: string | undefined;
    if (!available.includes(resolved)) {
      const alias = aliasesOf(rule.metric).find((a) => available.includes(a));
      if (alias) {
        resolved = alias;
        note = `${rule.metric} is checked as ${alias} on this ${task} task`;
      } else {
        const near = nearest(rule.metric, available);
        const suggestion = near ? ` Did you mean "${near}"?` : '';
        throw ruleError(
          rule.line,
          metricColumn,
          lineText,
          `unknown metric "${rule.metric}".${suggestion} Metrics here: ${listed(available)}`,
          'Name one of the metrics listed (scikit-learn names; multiclass averages are f1_macro, f1_micro, f1_weighted, ...; one class is recall[CLASS]; any F-beta is fBETA, e.g. f0.5 or f2).',
        );
      }
    }
    if (rule.usesBaseline && !hasBaseline) {
      throw ruleError(
        rule.line,
        Math.max(1, lineText.indexOf('baseline') + 1),
        lineText,
        `"${rule.text}" compares with the baseline, but no \`baseline\` is set`,
        'Set `baseline:` (a metrics file, an .onnx model or registry://NAME@ALIAS), or compare with a number, e.g. `f1 >= 0.8`.',
      );
    }
    return { ...rule, resolved, note };
  });
}
