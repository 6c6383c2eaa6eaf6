import { describe, expect, it } from '@jest/globals';
import { locateJsonError } from './json-error.js';

// Positions are 0-based offsets into the text, counted by hand; the reasons are the module's own
// words (the same on every Node version, unlike V8's).
describe('locateJsonError', () => {
  it.each([
    ['', 0, 'unexpected end of file, expected a value'],
    ['   \n', 4, 'unexpected end of file, expected a value'],
    ['nul', 0, 'unexpected "n", expected a value'],
    ['NaN', 0, 'unexpected "N", expected a value'],
    ['{"loss": Infinity}', 9, 'unexpected "I", expected a value'],
    ['[-Infinity]', 1, 'unexpected "-", expected a value'],
    ['[1,]', 3, 'unexpected "]", expected a value'],
    ['{"a": 01}', 7, "unexpected \"1\", expected ',' or '}'"],
    ['{"a": .5}', 6, 'unexpected ".", expected a value'],
    ['{"a": "\\x"}', 7, 'bad escape in a string'],
    ['"\\u12G4"', 1, 'bad \\u escape in a string'],
    ['"abc', 4, 'unterminated string'],
    ['{"a": "x\ny"}', 8, 'unterminated string (a line break inside quotes)'],
    ['{"a" 1}', 5, 'unexpected "1", expected \':\' after the key'],
    ['{1: 2}', 1, 'unexpected "1", expected a "quoted" key'],
    ["{'a': 2}", 1, 'unexpected "\'", expected a "quoted" key'],
    ['{"a": 1,}', 8, 'unexpected "}", expected a "quoted" key (a trailing comma?)'],
    ['[1 2]', 3, "unexpected \"2\", expected ',' or ']'"],
    ['{"a": 1} x', 9, 'unexpected "x" after the JSON value'],
    ['{"a": [1, {"b": [true, fals]}]}', 23, 'unexpected "f", expected a value'],
  ])('%j: at %i, %s', (text, position, reason) => {
    expect(locateJsonError(text)).toEqual({ position, reason });
  });

  it('finds nothing wrong in valid JSON, including a byte order mark and every kind of value', () => {
    for (const text of [
      '{}',
      '\ufeff{"a": 1}',
      ' [1, -0.5e+3, 2E-2, 0, "x\\u00e9\\n\\"", true, false, null, {}, []] ',
      '{"nested": {"deeper": [[], [{}]]}, "unicode": "é✓"}',
      '"just a string"',
      '42',
    ]) {
      expect(locateJsonError(text)).toBeNull();
    }
  });

  // JSON.parse is the reference: whatever it refuses has a located reason, whatever it accepts has none.
  it('agrees with JSON.parse on which texts are valid', () => {
    const texts = [
      '{"a":1}',
      '{"a":1',
      '[1,2,3]',
      '[1,2,,3]',
      '{"a":[1,{"b":null}]}',
      '{"a":tru}',
      '"\\ud83d\\ude00"',
      '"tab\there"',
      '-0',
      '-',
      '1.',
      '1e5',
      '1e',
      '{"a":1}{"b":2}',
      '\t\r\n{"a"\t:\r\n1}',
      '[',
      ']',
      '{"a":"b\\/c"}',
    ];
    for (const text of texts) {
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      expect({ text, located: locateJsonError(text) !== null }).toEqual({ text, located: !valid });
    }
  });

  it('answers for deeply nested broken JSON instead of overflowing the stack', () => {
    // JSON.parse refuses this without recursion; a metrics file like it must not crash the action.
    const text = '['.repeat(100_000);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(() => locateJsonError(text)).not.toThrow();
  });
});
