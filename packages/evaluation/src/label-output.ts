/** A model's label output read as class labels: each row's text, the distinct labels, each row's class index. */
import type { OutputColumn } from './predict.js';

/** Canonical text of a label: numbers as JavaScript prints them (`1.0` -> `1`), other text trimmed. */
export function canonicalLabel(raw: string): string {
  const text = raw.trim();
  if (text !== '' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return String(Number(text));
  return text;
}

/** One row's label as text. */
export function labelText(column: OutputColumn, i: number): string {
  const v = column.values[i]!;
  return typeof v === 'string' ? canonicalLabel(v) : String(v);
}

/** The distinct labels of a label output, as text. */
export function distinctLabels(column: OutputColumn): Set<string> {
  if (Array.isArray(column.values)) return new Set(column.values.map((v) => canonicalLabel(v)));
  const distinct = new Set<number>();
  const values = column.values;
  let prev = NaN;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== prev) {
      distinct.add(v);
      prev = v;
    }
  }
  return new Set([...distinct].map((v) => String(v)));
}

/** Class index of each row of a label output. */
export function labelIndices(column: OutputColumn, index: Map<string, number>): Int32Array {
  const n = column.values.length;
  const out = new Int32Array(n);
  if (Array.isArray(column.values)) {
    for (let i = 0; i < n; i++) out[i] = index.get(canonicalLabel(column.values[i]!))!;
    return out;
  }
  const byValue = new Map<number, number>();
  const values = column.values;
  let prev = NaN;
  let prevClass = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v !== prev) {
      let c = byValue.get(v);
      if (c === undefined) {
        c = index.get(String(v))!;
        byValue.set(v, c);
      }
      prev = v;
      prevClass = c;
    }
    out[i] = prevClass;
  }
  return out;
}
