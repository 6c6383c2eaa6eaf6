/** Number and text formatting shared by the report and its charts. */

/**
 * Text from files or inputs, made inert in markdown and HTML: entities for &, <, >, a
 * backslash before markdown punctuation, a zero-width space after @ (no mentions), one line.
 */
export function escapeMarkdown(text: string, maxLength = 120): string {
  let t = text.replace(/[\r\n\t]+/g, ' ');
  if (t.length > maxLength) t = `${t.slice(0, maxLength - 1)}…`;
  return t
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]#!|~:$]/g, (c) => `\\${c}`)
    .replace(/(w{3})\./gi, '$1\\.')
    .replace(/@/g, '@\u200b');
}

export function formatNumber(value: number | null | undefined, signed = false): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  const abs = Math.abs(value);
  let text = abs !== 0 && (abs >= 1e5 || abs < 1e-4) ? value.toExponential(3) : value.toFixed(abs >= 100 ? 2 : 4);
  if (signed && value >= 0) text = `+${text}`;
  return text.replace(/^-/, '−');
}
