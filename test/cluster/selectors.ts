/**
 * Label and field selectors in the query-string syntax of k8s.io/apimachinery/pkg/labels:
 * `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, joined by commas.
 */
import { badRequest, type K8sObject } from './status.js';

type Requirement = { key: string; op: 'in' | 'notin' | 'exists' | '!exists'; values: string[] };

export type Selector = (labels: Record<string, string>) => boolean;

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function parseRequirement(part: string): Requirement {
  let m = /^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
  if (m) {
    const [, key, op, value] = m as unknown as [string, string, string, string];
    return { key, op: op === '!=' ? 'notin' : 'in', values: [value.trim()] };
  }
  m = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
  if (m) {
    const [, key, op, values] = m as unknown as [string, string, 'in' | 'notin', string];
    return { key, op, values: values.split(',').map((v) => v.trim()) };
  }
  m = /^(!?)\s*([A-Za-z0-9./_-]+)$/.exec(part);
  if (m) return { key: m[2] as string, op: m[1] ? '!exists' : 'exists', values: [] };
  throw badRequest(`unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, gt, lt`);
}

export function parseLabelSelector(text: string | null | undefined): Selector {
  if (!text) return () => true;
  const requirements = splitTopLevel(text).map(parseRequirement);
  return (labels) =>
    requirements.every((r) => {
      const has = Object.prototype.hasOwnProperty.call(labels, r.key);
      switch (r.op) {
        case 'exists':
          return has;
        case '!exists':
          return !has;
        case 'in':
          return has && r.values.includes(labels[r.key] as string);
        case 'notin':
          return !has || !r.values.includes(labels[r.key] as string);
      }
    });
}

/** A selector from a `LabelSelector` object (matchLabels + matchExpressions). */
export function selectorFromObject(selector: K8sObject | undefined): Selector {
  if (!selector) return () => false;
  const matchLabels: Record<string, string> = selector.matchLabels ?? {};
  const expressions: K8sObject[] = selector.matchExpressions ?? [];
  return (labels) =>
    Object.entries(matchLabels).every(([k, v]) => labels[k] === v) &&
    expressions.every((e) => {
      const has = Object.prototype.hasOwnProperty.call(labels, e.key);
      const values: string[] = e.values ?? [];
      if (e.operator === 'In') return has && values.includes(labels[e.key] as string);
      if (e.operator === 'NotIn') return !has || !values.includes(labels[e.key] as string);
      if (e.operator === 'Exists') return has;
      if (e.operator === 'DoesNotExist') return !has;
      return false;
    });
}

/** Field selectors: the fields every kind supports (metadata.name, metadata.namespace). */
export function parseFieldSelector(text: string | null | undefined): (obj: K8sObject) => boolean {
  if (!text) return () => true;
  const tests = splitTopLevel(text).map((part) => {
    const m = /^([^!=]+)(==|=|!=)(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const [, field, op, value] = m as unknown as [string, string, string, string];
    const path = field.trim().split('.');
    if (!['metadata.name', 'metadata.namespace'].includes(field.trim())) {
      throw badRequest(`field label not supported: ${field.trim()}`);
    }
    return (obj: K8sObject) => {
      const actual = path.reduce<unknown>((o, k) => (o == null ? undefined : (o as K8sObject)[k]), obj) ?? '';
      return op === '!=' ? actual !== value : actual === value;
    };
  });
  return (obj) => tests.every((t) => t(obj));
}
