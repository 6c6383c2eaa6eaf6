import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UserError } from '@mlops-gha/common';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalStore } from './index.js';
import { checkKey, joinKey } from './keys.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'keys-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('checkKey', () => {
  it.each(['', '/', '/a', 'a/', 'a//b', '.', '..', './a', 'a/.', 'a/..', 'a/../b', 'a/./b', 'a\\b', 'a\0b', '//'])(
    'refuses %j with the fix',
    (key) => {
      expect(() => checkKey(key)).toThrow(/Refusing the storage key .*keys must be relative paths/);
      expect(() => new LocalStore(root).urlOf(key)).toThrow(/Refusing the storage key/);
    },
  );
  it.each(['a', 'a/b', '.a', 'a/.b', '..a', 'a/...', '...', 'files/md5/ab/cdef.dir', 'a b/c'])('accepts %j', (key) => {
    expect(checkKey(key)).toBe(key);
    expect(new LocalStore(root).urlOf(key)).toBe(pathToFileURL(join(root, key)).href);
  });

  it('refuses with a UserError that quotes the key (control characters escaped) and says where it came from', () => {
    let error: unknown;
    try {
      checkKey('models/../../etc/passwd\n');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      "Refusing the storage key \"models/../../etc/passwd\\n\": keys must be relative paths without '.', '..' or empty segments",
    );
    expect((error as UserError).fix).toBe(
      'This key came from a manifest or an input: correct it so it stays inside the store.',
    );
  });

  it('refuses a backslash or NUL anywhere, not only between segments', () => {
    for (const key of ['..\\..\\windows', 'a\\', '\\a', 'a/b\0', '\0']) expect(() => checkKey(key)).toThrow(UserError);
  });
});

describe('joinKey', () => {
  it('joins a prefix and a key with exactly one slash', () => {
    expect(joinKey('models', 'iris/1/model.onnx')).toBe('models/iris/1/model.onnx');
    expect(joinKey('models/', 'a')).toBe('models/a');
    expect(joinKey('a/b///', 'c')).toBe('a/b/c');
  });

  it('gives the key itself under an empty prefix (the bucket root)', () => {
    expect(joinKey('', 'files/md5/ab/cd')).toBe('files/md5/ab/cd');
    expect(joinKey('/', 'k')).toBe('k');
  });
});
