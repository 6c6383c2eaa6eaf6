/**
 * What a cell holds: a finite number, a missing value, or text. Numbers are decimal literals
 * (`-1.5`, `.5`, `3e-4`, surrounding blanks allowed); `inf`, `Infinity`, `0x10`, `1_000` are
 * not numbers, and a literal out of double range (`1e999`) is not a finite number. Missing
 * cells are empty or one of `NA`, `NaN`, `N/A`, `null`, `None`, `#N/A`, `-NaN` (any case), the
 * texts pandas, R and spreadsheets write for "no value".
 */
export const MISSING_TOKENS: readonly string[] = ['', 'na', 'nan', 'n/a', 'null', 'none', '#n/a', '-nan'];
const MISSING = new Set(MISSING_TOKENS);
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Whether a (trimmed) cell text means "no value". */
export function isMissingText(text: string): boolean {
  return MISSING.has(text.toLowerCase());
}

/** A cell's text classified: its finite number, null when missing, or the trimmed text. */
export function classifyText(raw: string): number | string | null {
  const t = raw.trim();
  if (t.length <= 4 && MISSING.has(t.toLowerCase())) return null;
  if (NUMBER.test(t)) {
    const v = Number(t);
    if (Number.isFinite(v)) return v;
  }
  return t;
}
