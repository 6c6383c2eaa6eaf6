import { UserError } from '@mlops-gha/common';

/** A Go duration as helm's `--timeout` takes it (`5m`, `90s`, `1h30m`, `1.5m`) -> milliseconds. */
export function parseGoDuration(text: string, input = 'timeout'): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  const t = text.trim();
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t))) {
    total += Number(m[1]) * units[m[2]!]!;
    matched = re.lastIndex;
  }
  if (!t || matched !== t.length || !Number.isFinite(total) || total <= 0) {
    throw new UserError(`Input \`${input}\` must be a duration such as 5m, 90s or 1h30m, got ${JSON.stringify(text)}`, {
      fix: `Set \`${input}:\` to a number with a unit (s, m, h), e.g. \`${input}: 5m\`.`,
    });
  }
  return total;
}
