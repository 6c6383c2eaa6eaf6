import { expect, test } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildValues, valuesYaml } from './values.js';

test('files left to right, then inline values, then the model block under a dotted key', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'values-'));
  await writeFile(
    join(dir, 'a.yaml'),
    'replicaCount: 1\nserving:\n  model: { name: old, extra: kept }\n  port: 8080\nlist: [1, 2]\n',
  );
  await writeFile(join(dir, 'b.yaml'), 'replicaCount: 2\nlist: [3]\n');
  const values = await buildValues({
    files: [join(dir, 'a.yaml'), join(dir, 'b.yaml')],
    inline: 'serving:\n  port: 9000\n',
    modelKey: 'serving.model',
    model: { name: 'iris', version: 3, storageUri: 's3://b/iris/versions/3/files/', sha256: 'ab'.repeat(32) },
  });
  expect(values).toEqual({
    replicaCount: 2,
    list: [3],
    serving: {
      port: 9000,
      model: {
        name: 'iris',
        version: 3,
        storageUri: 's3://b/iris/versions/3/files/',
        sha256: 'ab'.repeat(32),
        extra: 'kept',
      },
    },
  });
  expect(parse(valuesYaml(values))).toEqual(values);
});

test('a values file that is not YAML names the file, line and column', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'values-'));
  const file = join(dir, 'bad.yaml');
  await writeFile(file, 'a: 1\nb: [unclosed\nc: 2\n');
  const error = (await buildValues({ files: [file], modelKey: 'model' }).then(
    () => ({ message: 'no error' }),
    (e: unknown) => e,
  )) as { message: string; location?: { file: string; line?: number } };
  const line = error.location?.line ?? 0;
  expect(error.message).toMatch(
    new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not valid YAML: .*line \\d+`),
  );
  expect(error.location).toMatchObject({ file });
  expect(line).toBeGreaterThanOrEqual(2);
  await expect(buildValues({ files: [join(dir, 'missing.yaml')], modelKey: 'model' })).rejects.toThrow(
    /missing\.yaml does not exist/,
  );
  await expect(buildValues({ files: [], inline: '- a\n- b\n', modelKey: 'model' })).rejects.toThrow(
    /`values` input must be a YAML mapping/,
  );
  await expect(
    buildValues({ files: [], modelKey: 'a..b', model: { name: 'x', version: 1, storageUri: 'u', sha256: 's' } }),
  ).rejects.toThrow(/model-values-key/);
});

test('a key named __proto__ is a key like any other: kept through the merge and written out, nothing inherited', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'values-'));
  await writeFile(join(dir, 'a.yaml'), '__proto__:\n  polluted: 1\nreplicaCount: 1\n');
  const values = await buildValues({
    files: [join(dir, 'a.yaml')],
    inline: '__proto__:\n  extra: 2\n',
    modelKey: 'serving.__proto__',
    model: { name: 'iris', version: 1, storageUri: 'u', sha256: 's' },
  });
  expect(Object.keys(values).sort()).toEqual(['__proto__', 'replicaCount', 'serving']);
  expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
  expect((values as { polluted?: unknown }).polluted).toBeUndefined();
  expect(parse(valuesYaml(values))).toEqual(
    JSON.parse(
      '{"__proto__": {"polluted": 1, "extra": 2}, "replicaCount": 1, "serving": {"__proto__": {"name": "iris", "version": 1, "storageUri": "u", "sha256": "s"}}}',
    ),
  );
});
