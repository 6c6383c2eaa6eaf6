/**
 * failures.ts: the one error a pull ends with when outputs could not be pulled. The kinds are
 * told apart (missing on the remote, corrupt there, failed to download, the store itself
 * failing), each with its own title and fix; the message lists each output and object.
 */
import { describe, expect, it } from '@jest/globals';
import { UserError } from '@mlops-gha/common';
import { IntegrityError, ObjectNotFoundError, StoreFailure } from '@mlops-gha/storage';
import type { ObjectState } from './failures.js';
import { failureError } from './failures.js';
import type { TrackedOutput } from './files.js';
import type { ObjectNeed, OutputPlan } from './plan.js';

const oid = (n: number) => `f${n.toString(16).padStart(31, '0')}`;
const output = (path: string, line: number): TrackedOutput => ({
  path,
  md5: `${oid(900 + line)}.dir`,
  hashName: 'md5',
  isexec: false,
  cache: true,
  declaredIn: { file: `${path}.dvc`, line, column: 3 },
  declaredInRepo: `${path}.dvc`,
});
const object = (n: number, state: ObjectState | undefined, error?: unknown): ObjectNeed => ({
  oid: oid(n),
  hashName: 'md5',
  cachePath: `/cache/${n}`,
  key: `files/md5/${n}`,
  remote: 'storage',
  ...(state ? { state } : {}),
  ...(error ? { error } : {}),
});
function plan(path: string, line: number, objects: ObjectNeed[], problem?: OutputPlan['problem']): OutputPlan {
  const out = output(path, line);
  return {
    selection: { output: out },
    output: out,
    whole: true,
    files: objects.map((o, i) => ({ rel: `${path}/f${i}.txt`, object: o, isexec: false })),
    ...(problem ? { problem } : {}),
  };
}
const unreachable = () =>
  new StoreFailure(
    'unreachable',
    's3://bucket/data',
    'Cannot reach the storage endpoint http://localhost:1 (connect ECONNREFUSED 127.0.0.1:1)',
    'Check `endpoint-url` and the network.',
  );

describe('failureError', () => {
  it('objects missing on the remote: listed by output and md5, with `dvc push` as the fix', () => {
    const error = failureError([plan('data', 4, [object(1, 'cached'), object(2, 'missing'), object(3, 'missing')])], 0);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(
      [
        '1 output could not be pulled (missing objects); they were not written to the workspace:',
        '  data: 2 missing on the remote:',
        `    md5: ${oid(2)} (data/f1.txt)`,
        `    md5: ${oid(3)} (data/f2.txt)`,
      ].join('\n'),
    );
    expect(error.title).toBe('Missing DVC objects');
    expect(error.fix).toBe(
      'Run `dvc push` where the data was produced (its cache holds these objects), or check remote-url.',
    );
    expect(error.location).toEqual({ file: 'data.dvc', line: 4, column: 3 });
  });

  it('corrupt objects: each with why, and pushing again from a good cache as the fix', () => {
    const integrity = new IntegrityError('file:///remote/files/md5/x', oid(5), oid(6), 'md5');
    const error = failureError([plan('model', 2, [object(5, 'corrupt', integrity)])], 1);
    expect(error.message).toBe(
      [
        '1 output could not be pulled (corrupt objects); they were not written to the workspace, the 1 complete output was checked out:',
        '  model: 1 corrupt on the remote (bytes do not match the md5):',
        `    md5: ${oid(5)} (model/f0.txt) - Corrupt object file:///remote/files/md5/x: its md5 is ${oid(6)}, expected ${oid(5)}`,
      ].join('\n'),
    );
    expect(error.title).toBe('Corrupt DVC objects');
    expect(error.fix).toBe(
      'Push the data again (`dvc push`) from a machine whose cache has intact copies; the remote copies are damaged.',
    );
  });

  it('a mix of kinds over several outputs: counted, titled as not fetched, the first output located', () => {
    const error = failureError(
      [
        plan('a', 7, [object(1, 'missing', new ObjectNotFoundError('file:///r/1'))]),
        plan('b', 9, [object(2, 'corrupt', new Error('bad bytes')), object(3, 'failed', new Error('timeout'))]),
      ],
      2,
    );
    expect(error.message).toBe(
      [
        '2 outputs could not be pulled (objects that could not be fetched); they were not written to the workspace, the 2 complete outputs were checked out:',
        '  a: 1 missing on the remote:',
        `    md5: ${oid(1)} (a/f0.txt)`,
        '  b: 1 corrupt on the remote (bytes do not match the md5):',
        `    md5: ${oid(2)} (b/f0.txt) - bad bytes`,
        '  b: 1 failed to download:',
        `    md5: ${oid(3)} (b/f1.txt) - timeout`,
      ].join('\n'),
    );
    expect(error.title).toBe('DVC objects not fetched');
    expect(error.location).toEqual({ file: 'a.dvc', line: 7, column: 3 });
  });

  it('an object with no recorded state counts as failed to download', () => {
    const lines = failureError([plan('x', 1, [object(1, 'cached'), object(2, undefined)])], 0).message.split('\n');
    expect(lines[1]).toBe('  x: 1 failed to download:');
    // no error recorded: no " - undefined" after it
    expect(lines[2]).toBe(`    md5: ${oid(2)} (x/f1.txt)`);
  });

  it('downloads that failed for another reason: the cause of each, and running again as the fix', () => {
    const error = failureError([plan('d', 1, [object(1, 'failed', new Error('socket hang up'))])], 0);
    expect(error.message).toContain(`    md5: ${oid(1)} (d/f0.txt) - socket hang up`);
    expect(error.title).toBe('DVC objects not fetched');
    expect(error.fix).toBe(
      'See the errors listed for each object; run the job again if the storage service was failing.',
    );
  });

  it('lists at most 20 objects per output and kind, then how many more', () => {
    const objects = Array.from({ length: 23 }, (_, i) => object(i, 'missing'));
    const lines = failureError([plan('big', 1, objects)], 0).message.split('\n');
    expect(lines[1]).toBe('  big: 23 missing on the remote:');
    expect(lines.filter((l) => l.startsWith('    md5: '))).toHaveLength(20);
    expect(lines.at(-1)).toBe('    … and 3 more');
  });

  it('a .dir manifest that could not be had is listed with its own message', () => {
    const error = failureError(
      [
        plan('imgs', 3, [], {
          kind: 'missing',
          message: `missing: the directory manifest ${oid(900 + 3)}.dir is in neither the cache nor file:///r`,
        }),
      ],
      0,
    );
    expect(error.message).toBe(
      `1 output could not be pulled (missing objects); they were not written to the workspace:\n  imgs (${oid(903)}.dir): missing: the directory manifest ${oid(903)}.dir is in neither the cache nor file:///r`,
    );
    expect(error.title).toBe('Missing DVC objects');
  });

  it('a failing store wins: its message first, its title and fix, whether on an object or a manifest', () => {
    const store = unreachable();
    const onObject = failureError([plan('a', 1, [object(1, 'missing'), object(2, 'failed', store)])], 0);
    expect(onObject.message.split('\n')[0]).toBe(store.message);
    expect(onObject.message.split('\n')[1]).toBe(
      '1 output could not be pulled; they were not written to the workspace:',
    );
    expect(onObject.title).toBe('Storage endpoint unreachable');
    expect(onObject.fix).toBe('Check `endpoint-url` and the network.');
    expect(onObject.cause).toBe(store);
    const onManifest = failureError(
      [plan('d', 1, [], { kind: 'failed', message: 'failed to fetch the directory manifest', cause: store })],
      0,
    );
    expect([onManifest.title, onManifest.fix]).toEqual([
      'Storage endpoint unreachable',
      'Check `endpoint-url` and the network.',
    ]);
  });
});
