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
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

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

/**
 * Parses bytes [s, e) as a decimal number when that can be done exactly in double arithmetic
 * (at most 15 significant digits and a power of ten within 10^±22: Clinger's fast path, where
 * one correctly rounded multiplication or division gives the correctly rounded result).
 * Anything else, including blanks, returns NaN and the caller takes the general path.
 */
export function fastNumber(buf: Uint8Array, s: number, e: number): number {
  let i = s;
  let neg = false;
  const c0 = buf[i];
  if (c0 === 45 /* - */) {
    neg = true;
    i++;
  } else if (c0 === 43 /* + */) i++;
  let mant = 0;
  let digits = 0;
  let scale = 0;
  const first = i;
  while (i < e) {
    const c = buf[i]! - 48;
    if (c < 0 || c > 9) break;
    mant = mant * 10 + c;
    if (mant !== 0) digits++;
    i++;
  }
  let any = i > first;
  if (i < e && buf[i] === 46 /* . */) {
    i++;
    const f = i;
    while (i < e) {
      const c = buf[i]! - 48;
      if (c < 0 || c > 9) break;
      mant = mant * 10 + c;
      if (mant !== 0) digits++;
      i++;
    }
    scale = f - i;
    any ||= i > f;
  }
  if (!any) return NaN;
  if (i < e && (buf[i] === 101 || buf[i] === 69) /* e E */) {
    i++;
    let eneg = false;
    if (buf[i] === 45) {
      eneg = true;
      i++;
    } else if (buf[i] === 43) i++;
    let ex = 0;
    const f = i;
    while (i < e) {
      const c = buf[i]! - 48;
      if (c < 0 || c > 9) break;
      ex = ex * 10 + c;
      i++;
      if (ex > 400) return NaN;
    }
    if (i === f) return NaN;
    scale += eneg ? -ex : ex;
  }
  if (i !== e || digits > 15 || scale < -22 || scale > 22) return NaN;
  const v = scale < 0 ? mant / POW10[-scale]! : mant * POW10[scale]!;
  return neg ? -v : v;
}
