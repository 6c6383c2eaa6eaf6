/** Markdown pieces of the job summary: fences longer than any backtick run inside, and escaped table cells. */
import { describe, expect, it } from '@jest/globals';
import { cell, fenced, table } from './report.js';

describe('fenced', () => {
  it('fences with three backticks, or one more than the longest run in the text, and drops one final newline', () => {
    expect(fenced('a: 1\n', 'yaml')).toBe('```yaml\na: 1\n```');
    expect(fenced('x ``` y ```` z')).toBe('`````\nx ``` y ```` z\n`````');
    expect(fenced('')).toBe('```\n\n```');
  });
  it('cannot be closed early by a hostile value', () => {
    const hostile = 'image: x\n```\n# injected heading\n```';
    const text = fenced(hostile, 'diff');
    const fence = text.split('\n')[0]!.replace('diff', '');
    expect(fence).toBe('````');
    expect(text.split('\n').filter((l) => l === fence)).toHaveLength(1); // only the closing line
    expect(text.endsWith(`\n${fence}`)).toBe(true);
  });
});

describe('cell and table', () => {
  it('escapes HTML, pipes, mentions and line breaks; empty for null and undefined', () => {
    expect(cell('<img src=x> | @team\r\nnext & more')).toBe('&lt;img src=x&gt; &#124; &#64;team next &amp; more');
    expect(cell(null)).toBe('');
    expect(cell(undefined)).toBe('');
    expect(cell(7)).toBe('7');
  });
  it('lays out a header, a separator and one escaped row per entry', () => {
    expect(
      table(
        ['check', 'result'],
        [
          ['ready', 'ok'],
          ['infer', 'a|b'],
        ],
      ),
    ).toBe('| check | result |\n| --- | --- |\n| ready | ok |\n| infer | a&#124;b |');
  });
});
