/** `timeout` as helm's --timeout reads it: a Go duration, to milliseconds. */
import { expect, test } from '@jest/globals';
import { parseGoDuration } from './duration.js';

test('timeouts as helm reads them', () => {
  expect(parseGoDuration('5m')).toBe(300_000);
  expect(parseGoDuration('1h2m3s')).toBe(3_723_000);
  expect(parseGoDuration('1.5m')).toBe(90_000);
  for (const bad of ['10', '', '5 m', 'm', '-1s', '0s'])
    expect(() => parseGoDuration(bad)).toThrow(/must be a duration/);
});

test('every Go unit, fractions, and spaces around the value', () => {
  expect(parseGoDuration('1500ms')).toBe(1500);
  expect(parseGoDuration('2000000us')).toBe(2000);
  expect(parseGoDuration('3000000µs')).toBe(3000);
  expect(parseGoDuration('4000000000ns')).toBe(4000);
  expect(parseGoDuration('0.5h')).toBe(1_800_000);
  expect(parseGoDuration('  90s \n')).toBe(90_000);
});

test('a bad value names the input, quotes what was given and shows the form to use', () => {
  expect(() => parseGoDuration('5 minutes', 'smoke-timeout')).toThrow(
    expect.objectContaining({
      message: 'Input `smoke-timeout` must be a duration such as 5m, 90s or 1h30m, got "5 minutes"',
      fix: 'Set `smoke-timeout:` to a number with a unit (s, m, h), e.g. `smoke-timeout: 5m`.',
    }),
  );
  for (const bad of ['5d', '1e3s', 'Infinityh', '5m-', 'NaNs'])
    expect(() => parseGoDuration(bad)).toThrow(/must be a duration/);
});
