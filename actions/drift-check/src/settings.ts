import { getBoolean, getChoice, getList, getNumber, getOptional, getSecret, getString } from '@mlops-gha/action-common';
import { UserError } from '@mlops-gha/common';
import { METHODS, type Correction, type Method } from '@mlops-gha/drift';

/** drift-check's inputs, validated before anything is read. */
export interface DriftCheckSettings {
  current: string;
  /** `registry://…` or a data file. */
  reference: { kind: 'registry'; ref: string } | { kind: 'file'; path: string };
  registry?: string;
  endpoint?: string;
  region?: string;
  model?: string;
  labelColumn?: string;
  columns?: string[];
  methods?: Record<string, Method>;
  threshold?: number;
  driftShare: number;
  correction: Correction;
  failOnDrift: boolean;
  token?: string;
}

function method(text: string, line: string): Method {
  const m = text.trim().toLowerCase();
  if ((METHODS as readonly string[]).includes(m)) return m as Method;
  throw new UserError(`\`methods\`: unknown method "${text.trim()}" in "${line}"`, {
    fix: `Use one of ${METHODS.join(', ')}.`,
  });
}

/** `COLUMN: METHOD` lines (or `COLUMN=METHOD`), `*` for the rest, or a single method for all. */
export function parseMethods(lines: string[]): Record<string, Method> | undefined {
  if (lines.length === 0) return undefined;
  if (lines.length === 1 && !/[:=]/.test(lines[0]!)) return { '*': method(lines[0]!, lines[0]!) };
  const out: Record<string, Method> = {};
  for (const line of lines) {
    const at = line.search(/[:=][^:=]*$/);
    if (at <= 0)
      throw new UserError(`\`methods\`: "${line}" is not COLUMN: METHOD`, {
        fix: 'Write one `COLUMN: METHOD` per line, e.g. `age: ks`.',
      });
    const column = line.slice(0, at).trim();
    if (Object.hasOwn(out, column))
      throw new UserError(`\`methods\` names the column "${column}" twice`, { fix: 'Give each column one method.' });
    out[column] = method(line.slice(at + 1), line);
  }
  return out;
}

/** A number input that must be above 0 (getNumber's `min` would print the smallest double). */
function positive<T extends number | undefined>(name: string, value: T, example: string): T {
  if (value !== undefined && !(value > 0))
    throw new UserError(`Input \`${name}\` must be above 0, got ${value}`, {
      fix: `Set \`${name}:\` to a number above 0 (${example}), or remove it to use the default.`,
    });
  return value;
}

export function readSettings(): DriftCheckSettings {
  const current = getString('current', { required: true }).trim();
  const referenceText = getString('reference', { required: true }).trim();
  const registry = getOptional('registry')?.trim() || undefined;
  const reference = referenceText.startsWith('registry://')
    ? ({ kind: 'registry', ref: referenceText } as const)
    : ({ kind: 'file', path: referenceText } as const);
  if (reference.kind === 'registry' && !registry) {
    throw new UserError(`\`reference\` is ${referenceText}, but \`registry\` is empty`, {
      fix: 'Set `registry:` to the registry (s3://bucket/prefix or a folder) that holds the model.',
    });
  }
  const columns = getList('columns');
  return {
    current,
    reference,
    registry,
    endpoint: getOptional('endpoint-url')?.trim() || undefined,
    region: getOptional('region')?.trim() || undefined,
    model: getOptional('model')?.trim() || undefined,
    labelColumn: getOptional('label-column')?.trim() || undefined,
    columns: columns.length ? columns : undefined,
    methods: parseMethods(getList('methods')),
    threshold: positive('threshold', getNumber('threshold', { max: 10 }), 'e.g. `threshold: 0.1` for distances'),
    driftShare: positive('drift-share', getNumber('drift-share', { default: 0.5, max: 1 })!, 'e.g. `drift-share: 0.5`'),
    correction: getChoice('multiple-testing', ['none', 'bonferroni', 'benjamini-hochberg'] as const, 'none'),
    failOnDrift: getBoolean('fail-on-drift', false),
    token: getSecret('github-token'),
  };
}
