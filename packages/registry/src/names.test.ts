import { describe, expect, it } from '@jest/globals';
import { UserError } from '@mlops-gha/common';
import {
  checkAliasName,
  checkModelName,
  checkTags,
  checkVersionNumber,
  formatModelRef,
  parseModelRef,
  parseTags,
} from './names.js';

/** The UserError `fn` throws (fails the test when it throws nothing or something else). */
function thrown(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a UserError, nothing was thrown');
}

describe('checkModelName', () => {
  it('accepts letters, digits, ".", "_" and "-" up to 128 characters, starting with a letter or digit', () => {
    for (const name of ['iris', 'Iris-2.1_final', '7up', 'a'.repeat(128), 'a.b'])
      expect(checkModelName(name)).toBe(name);
  });

  it('refuses anything that could leave its key prefix or read oddly, naming where it came from', () => {
    for (const name of [
      '',
      '../x',
      'a/b',
      'a..b',
      '..',
      '.hidden',
      '-x',
      '_x',
      'a b',
      'a\\b',
      'é',
      'a'.repeat(129),
      'a\n',
    ]) {
      const error = thrown(() => checkModelName(name, 'the `name` input'));
      expect(error.message).toBe(`Invalid model name ${JSON.stringify(name)} in the \`name\` input`);
      expect(error.fix).toBe(
        'Use letters, digits, ".", "_" or "-" (at most 128, starting with a letter or digit, no "/" or ".."), e.g. iris-classifier.',
      );
    }
    expect(thrown(() => checkModelName('a/b')).message).toBe('Invalid model name "a/b" in the model name');
  });
});

describe('checkAliasName', () => {
  it('accepts MLflow-style aliases ([\\w-], a letter first, at most 64)', () => {
    for (const alias of ['staging', 'Prod_2', 'champion-v2', 'v', 'version3', 'latest2', 'a'.repeat(64)])
      expect(checkAliasName(alias)).toBe(alias);
  });

  it('refuses paths, dots, a leading digit or symbol, and over-long aliases', () => {
    for (const alias of ['', 'a/b', '../x', 'a.b', '1st', '_x', '-x', 'a b', 'a'.repeat(65)]) {
      const error = thrown(() => checkAliasName(alias, 'the `alias` input'));
      expect(error.message).toBe(`Invalid alias ${JSON.stringify(alias)} in the \`alias\` input`);
      expect(error.fix).toBe(
        'Use letters, digits, "_" or "-", starting with a letter (no "/", "." or ".."), e.g. staging or production.',
      );
    }
  });

  it('refuses latest and v<digits>, which read as version references', () => {
    for (const alias of ['latest', 'v1', 'v42']) {
      const error = thrown(() => checkAliasName(alias));
      expect(error.message).toBe(`The alias ${JSON.stringify(alias)} is reserved (it reads as a version reference)`);
      expect(error.fix).toBe('Choose another alias name, e.g. staging, production or champion.');
    }
  });
});

describe('checkVersionNumber', () => {
  it('accepts whole numbers from 1', () => {
    expect(checkVersionNumber(1)).toBe(1);
    expect(checkVersionNumber(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses 0, negatives, fractions, NaN, infinities and unsafe integers', () => {
    for (const v of [0, -1, 1.5, Number.NaN, Infinity, -Infinity, 2 ** 53]) {
      const error = thrown(() => checkVersionNumber(v, 'the `version` input'));
      expect(error.message).toBe(`Invalid version ${JSON.stringify(v)} in the \`version\` input`);
      expect(error.fix).toBe('Versions are whole numbers from 1.');
    }
  });
});

describe('parseModelRef', () => {
  it('reads NAME/VERSION, NAME/vVERSION, NAME@ALIAS, NAME@latest, NAME/latest, with or without registry://', () => {
    expect(parseModelRef('iris/3')).toEqual({ name: 'iris', kind: 'version', version: 3 });
    expect(parseModelRef('iris/v12')).toEqual({ name: 'iris', kind: 'version', version: 12 });
    expect(parseModelRef(' registry://iris@production ')).toEqual({ name: 'iris', kind: 'alias', alias: 'production' });
    expect(parseModelRef('iris@latest')).toEqual({ name: 'iris', kind: 'latest' });
    expect(parseModelRef('registry://iris/latest')).toEqual({ name: 'iris', kind: 'latest' });
  });

  it('a text without / or @ is not a reference, with the usage as the fix', () => {
    const error = thrown(() => parseModelRef('iris'));
    expect(error.message).toBe('Not a model reference: "iris"');
    expect(error.fix).toBe('Write NAME/VERSION (e.g. iris/3), NAME@ALIAS (e.g. iris@production) or NAME@latest.');
  });

  it('a version part that is not a whole number from 1 is refused, quoting the whole reference', () => {
    for (const [text, message] of [
      ['iris/three', 'Not a version number in "iris/three"'],
      ['iris/3.5', 'Not a version number in "iris/3.5"'],
      ['iris/-1', 'Not a version number in "iris/-1"'],
      ['iris/', 'Not a version number in "iris/"'],
      ['iris/3/extra', 'Not a version number in "iris/3/extra"'],
      ['iris/0', 'Invalid version 0 in "iris/0"'],
      ['iris/v0', 'Invalid version 0 in "iris/v0"'],
    ]) {
      expect(thrown(() => parseModelRef(text!)).message).toBe(message);
    }
  });

  it('the name and alias parts are checked like names (no path climbing through a reference)', () => {
    expect(thrown(() => parseModelRef('../etc/1')).message).toBe('Invalid model name ".." in "../etc/1"');
    expect(thrown(() => parseModelRef('@prod')).message).toBe('Invalid model name "" in "@prod"');
    expect(thrown(() => parseModelRef('iris@../prod')).message).toBe('Invalid alias "../prod" in "iris@../prod"');
    expect(thrown(() => parseModelRef('iris@v2')).message).toBe(
      'The alias "v2" is reserved (it reads as a version reference)',
    );
  });

  it('formatModelRef writes back what parseModelRef reads', () => {
    for (const text of ['iris/3', 'iris@production', 'iris@latest'])
      expect(formatModelRef(parseModelRef(text))).toBe(text);
    expect(formatModelRef(parseModelRef('registry://iris/latest'))).toBe('iris@latest');
  });
});

describe('tags', () => {
  it('parseTags reads key=value lines, trimming, skipping blanks and # comments; = may appear in the value', () => {
    expect(parseTags(['team=vision', '  # a comment', '', ' stage = dev ', 'query=a=b', 'url:v1/x=http://h'])).toEqual({
      team: 'vision',
      stage: 'dev',
      query: 'a=b',
      'url:v1/x': 'http://h',
    });
    expect(parseTags([])).toEqual({});
  });

  it('a line without a key before = is refused, quoted', () => {
    for (const line of ['novalue', '=x']) {
      const error = thrown(() => parseTags([line]));
      expect(error.message).toBe(`Tag ${JSON.stringify(line)} is not key=value`);
      expect(error.fix).toBe('Write one key=value per line, e.g. team=vision.');
    }
  });

  it('checkTags refuses keys outside [A-Za-z0-9_.:/-] or over 128, values with newlines or over 1024', () => {
    expect(thrown(() => checkTags({ 'a b': 'x' })).message).toBe('Invalid tag key "a b"');
    expect(thrown(() => checkTags({ ['k'.repeat(129)]: 'x' })).message).toBe(`Invalid tag key "${'k'.repeat(129)}"`);
    expect(thrown(() => parseTags(['k$=x'])).message).toBe('Invalid tag key "k$"');
    expect(thrown(() => checkTags({ note: 'a\nb' })).message).toBe('Invalid value for tag note');
    expect(thrown(() => checkTags({ note: 'a\rb' })).fix).toBe('Tag values are one line of at most 1024 characters.');
    expect(thrown(() => checkTags({ note: 'x'.repeat(1025) })).message).toBe('Invalid value for tag note');
    const fine = { ['k'.repeat(128)]: 'x'.repeat(1024), empty: '' };
    expect(checkTags(fine)).toBe(fine);
  });
});
