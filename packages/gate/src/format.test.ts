/** Text from files made inert in markdown, and numbers as the report prints them. */
import { describe, expect, it } from '@jest/globals';
import { escapeMarkdown, formatNumber } from './format.js';

describe('escapeMarkdown', () => {
  it('neutralises HTML, markdown, mentions, autolinks, math and table pipes', () => {
    expect(escapeMarkdown('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(escapeMarkdown('@org/team')).toBe('@\u200borg/team');
    expect(escapeMarkdown('**bold** _it_ [x](http://e.vil) `c` a|b ~s~ $x$ #12 www.e.vil')).toBe(
      '\\*\\*bold\\*\\* \\_it\\_ \\[x\\](http\\://e.vil) \\`c\\` a\\|b \\~s\\~ \\$x\\$ \\#12 www\\.e.vil',
    );
    expect(escapeMarkdown('line\nbreak')).toBe('line break');
    expect(escapeMarkdown('x'.repeat(200), 10)).toBe('xxxxxxxxx…');
  });
});

describe('escapeMarkdown: hostile names', () => {
  it('a metric name cannot open a link, a table cell, an HTML tag or a mention', () => {
    const text = escapeMarkdown('f1[<img src=x onerror=alert(1)>]|@octocat www.evil.test');
    expect(text).toBe('f1\\[&lt;img src=x onerror=alert(1)&gt;\\]\\|@\u200boctocat www\\.evil.test');
    expect(text).not.toMatch(/[<>]/);
    expect(text).not.toMatch(/(^|[^\\])\|/);
  });

  it('an ampersand becomes an entity once, before the other entities are written', () => {
    expect(escapeMarkdown('a & <b>')).toBe('a &amp; &lt;b&gt;');
    expect(escapeMarkdown('&lt;')).toBe('&amp;lt;');
  });

  it('cuts at maxLength characters with an ellipsis, before escaping (escapes may lengthen it)', () => {
    expect(escapeMarkdown('abcdef', 6)).toBe('abcdef');
    expect(escapeMarkdown('abcdefg', 6)).toBe('abcde…');
    expect(escapeMarkdown('*'.repeat(10), 4)).toBe('\\*\\*\\*…');
    expect(escapeMarkdown('')).toBe('');
  });
});

describe('formatNumber', () => {
  it.each<[number | null | undefined, boolean, string]>([
    [0.91234567, false, '0.9123'],
    [0, false, '0.0000'],
    [0, true, '+0.0000'],
    [0.05, true, '+0.0500'],
    [-0.05, true, '−0.0500'],
    [123.456, false, '123.46'],
    [99.99999, false, '100.0000'],
    [12345.6, false, '12345.60'],
    [123456, false, '1.235e+5'],
    [0.00001234, false, '1.234e-5'],
    [-0.00001234, false, '−1.234e-5'],
    [null, false, '—'],
    [undefined, true, '—'],
    [NaN, false, '—'],
    [Infinity, false, '∞'],
    [-Infinity, true, '−∞'],
  ])('%p (signed %p) -> %p', (value, signed, text) => {
    expect(formatNumber(value, signed)).toBe(text);
  });
});
