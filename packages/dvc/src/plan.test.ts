/**
 * plan.ts: what each selected output needs. A `.dir` manifest is read from the cache or else
 * the remote (a local folder here), checked against its md5 and parsed once; a missing or
 * damaged manifest becomes the output's `problem` (reported later, by kind), an unsafe path in
 * it or an unknown subtree a refusal before anything is written. Hashes are computed here
 * with node:crypto, never with this package.
 */
import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '@mlops-gha/common';
import type { DvcConfig } from './config.js';
import type { TrackedOutput } from './files.js';
import { planOutput, uniqueObjects, type OutputPlan } from './plan.js';
import { RemoteStores } from './remotes.js';

/** The shared corpus of real DVC projects, read in place (never copied into the repository). */
const corpusDir =
  process.env.DVC_CORPUS_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus/dvc');

const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');
const A = md5('a');
const B = md5('b');

async function setup() {
  const base = await mkdtemp(join(tmpdir(), 'dvc-plan-'));
  const cacheDir = join(base, 'cache');
  const remote = join(base, 'remote');
  await mkdir(remote);
  const config: DvcConfig = {
    cacheDir,
    sharedGroup: false,
    remotes: new Map([['storage', { name: 'storage', url: remote }]]),
    coreRemote: { name: 'storage', location: { file: '.dvc/config', line: 2 } },
    files: [],
    secrets: [],
  };
  const stores = new RemoteStores(config, { jobs: 2 }, base);
  const put = async (root: string, rel: string, body: Buffer | string) => {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), body);
  };
  return { base, cacheDir, remote, stores, put };
}

const output = (path: string, oid: string, legacy = false): TrackedOutput => ({
  path,
  md5: oid,
  hashName: legacy ? 'md5-dos2unix' : 'md5',
  isexec: false,
  cache: true,
  declaredIn: { file: `${path}.dvc`, line: 2, column: 3 },
  declaredInRepo: `${path}.dvc`,
});

/** A .dir object as DVC writes it (sorted, json.dumps separators), from relpath -> md5. */
function dirObject(entries: [string, string][]): { bytes: Buffer; oid: string } {
  const body = entries.map(([relpath, m]) => `{"md5": "${m}", "relpath": ${JSON.stringify(relpath)}}`).join(', ');
  const bytes = Buffer.from(`[${body}]`);
  return { bytes, oid: `${md5(bytes)}.dir` };
}
const files = (plan: OutputPlan) => plan.files.map((f) => [f.rel, f.object.oid]);

describe('planOutput: a file output', () => {
  it('needs its one object, at the cache path and remote key of its DVC era', async () => {
    const { cacheDir, stores } = await setup();
    const plan = await planOutput({ output: { ...output('run.sh', A), isexec: true } }, cacheDir, stores, undefined);
    expect(plan.whole).toBe(true);
    expect(plan.problem).toBeUndefined();
    expect(plan.dirObject).toBeUndefined();
    expect(plan.files).toHaveLength(1);
    const [file] = plan.files;
    expect([file!.rel, file!.isexec, file!.object.remote]).toEqual(['run.sh', true, 'storage']);
    expect(file!.object.cachePath).toBe(join(cacheDir, 'files/md5', A.slice(0, 2), A.slice(2)));
    expect(file!.object.key).toBe(`files/md5/${A.slice(0, 2)}/${A.slice(2)}`);
    const legacy = await planOutput({ output: output('old.csv', A, true) }, cacheDir, stores, undefined);
    expect(legacy.files[0]!.object.cachePath).toBe(join(cacheDir, A.slice(0, 2), A.slice(2)));
    expect(legacy.files[0]!.object.key).toBe(`${A.slice(0, 2)}/${A.slice(2)}`);
  });
});

describe('planOutput: a directory output', () => {
  it('reads the manifest from the cache when it is there and intact', async () => {
    const { cacheDir, stores, put } = await setup();
    const dir = dirObject([
      ['cat.txt', A],
      ['sub/dog.txt', B],
    ]);
    await put(cacheDir, `files/md5/${dir.oid.slice(0, 2)}/${dir.oid.slice(2)}`, dir.bytes);
    const plan = await planOutput({ output: output('images', dir.oid) }, cacheDir, stores, undefined);
    expect(plan.problem).toBeUndefined();
    expect(plan.dirObject?.state).toBe('cached');
    expect(files(plan)).toEqual([
      ['images/cat.txt', A],
      ['images/sub/dog.txt', B],
    ]);
    expect(plan.distinctPaths).toBe(true);
    expect(plan.files.every((f) => !f.isexec)).toBe(true); // a .dir has no exec bit
  });

  it('falls back to the remote when the cached copy does not match its md5, keeping the verified bytes', async () => {
    const { cacheDir, remote, stores, put } = await setup();
    const dir = dirObject([['a.txt', A]]);
    const key = `files/md5/${dir.oid.slice(0, 2)}/${dir.oid.slice(2)}`;
    await put(cacheDir, key, '[]'); // damaged cache copy
    await put(remote, key, dir.bytes);
    const plan = await planOutput({ output: output('d', dir.oid) }, cacheDir, stores, undefined);
    expect(plan.dirObject?.state).toBe('downloaded');
    expect(plan.dirBytes).toEqual(dir.bytes);
    expect(files(plan)).toEqual([['d/a.txt', A]]);
  });

  it('a manifest in neither place is a `missing` problem naming where it looked', async () => {
    const { cacheDir, remote, stores } = await setup();
    const oid = `${md5('x')}.dir`;
    const plan = await planOutput({ output: output('d', oid) }, cacheDir, stores, undefined);
    expect(plan.dirObject?.state).toBe('missing');
    expect(plan.problem).toEqual({
      kind: 'missing',
      message: `missing: the directory manifest ${oid} is in neither the cache nor file://${remote}/files/md5/${oid.slice(0, 2)}/${oid.slice(2)}`,
    });
    expect(plan.files).toEqual([]);
  });

  it('a remote manifest whose bytes do not match its md5 is a `corrupt` problem', async () => {
    const { cacheDir, remote, stores, put } = await setup();
    const dir = dirObject([['a.txt', A]]);
    await put(remote, `files/md5/${dir.oid.slice(0, 2)}/${dir.oid.slice(2)}`, `${dir.bytes.toString()} `);
    const plan = await planOutput({ output: output('d', dir.oid) }, cacheDir, stores, undefined);
    expect(plan.dirObject?.state).toBe('corrupt');
    expect(plan.problem?.kind).toBe('corrupt');
    expect(plan.problem?.message).toBe(
      `corrupt: the directory manifest file://${remote}/files/md5/${dir.oid.slice(0, 2)}/${dir.oid.slice(2)} does not match its md5 ${dir.oid}`,
    );
  });

  it('a remote that fails to answer is a `failed` problem keeping the cause', async () => {
    const { cacheDir, remote, stores } = await setup();
    const oid = `${md5('y')}.dir`;
    await mkdir(join(remote, `files/md5/${oid.slice(0, 2)}/${oid.slice(2)}`), { recursive: true }); // EISDIR on read
    const plan = await planOutput({ output: output('d', oid) }, cacheDir, stores, undefined);
    expect(plan.dirObject?.state).toBe('failed');
    expect(plan.problem?.kind).toBe('failed');
    expect(plan.problem?.message).toMatch(new RegExp(`^failed to fetch the directory manifest ${oid}: .*EISDIR`));
    expect((plan.problem?.cause as NodeJS.ErrnoException).code).toBe('EISDIR');
  });

  it.each([
    ['not JSON', Buffer.from('{oops'), 'is not a JSON list'],
    ['a JSON object', Buffer.from('{"md5": "x"}'), 'is not a JSON list'],
    [
      'an entry with a bad md5',
      Buffer.from('[{"md5": "xyz", "relpath": "a"}]'),
      'has an entry without a valid md5 and relpath',
    ],
    ['an entry without relpath', Buffer.from(`[{"md5": "${A}"}]`), 'has an entry without a valid md5 and relpath'],
    ['a null entry', Buffer.from('[null]'), 'has an entry without a valid md5 and relpath'],
  ])('a manifest that is %s is a `corrupt` problem', async (_name, bytes, why) => {
    const { cacheDir, stores, put } = await setup();
    const oid = `${md5(bytes)}.dir`;
    await put(cacheDir, `files/md5/${oid.slice(0, 2)}/${oid.slice(2)}`, bytes);
    const plan = await planOutput({ output: output('d', oid) }, cacheDir, stores, undefined);
    expect(plan.problem).toEqual({ kind: 'corrupt', message: `corrupt: the directory manifest ${oid} ${why}` });
  });

  it.each(['/etc/passwd', '../escape', 'a/../../b', 'a//b', './a', 'C:evil', 'a\\b', 'nul\0byte', ''])(
    'refuses the unsafe relpath %j before anything is written, at the output',
    async (relpath) => {
      const { cacheDir, stores, put } = await setup();
      const dir = dirObject([[relpath, A]]);
      await put(cacheDir, `files/md5/${dir.oid.slice(0, 2)}/${dir.oid.slice(2)}`, dir.bytes);
      const error = await planOutput({ output: output('d', dir.oid) }, cacheDir, stores, undefined).then(
        () => undefined,
        (e: unknown) => e as UserError,
      );
      expect(error).toBeInstanceOf(UserError);
      expect(error!.message).toBe(
        `The directory manifest ${dir.oid} of d lists the path ${JSON.stringify(relpath)}, which is absolute or climbs out of d/; refusing to pull it (nothing was written)`,
      );
      expect(error!.title).toBe('Unsafe path in a DVC directory manifest');
      expect(error!.location).toEqual({ file: 'd.dvc', line: 2, column: 3 });
    },
  );

  it('a subtree selection keeps only the files under it (`sub` is not `subway`)', async () => {
    const { cacheDir, stores, put } = await setup();
    const dir = dirObject([
      ['sub/a.txt', A],
      ['sub/deep/b.txt', B],
      ['subway.txt', A],
      ['top.txt', B],
    ]);
    await put(cacheDir, `files/md5/${dir.oid.slice(0, 2)}/${dir.oid.slice(2)}`, dir.bytes);
    const plan = await planOutput(
      { output: output('d', dir.oid), subpaths: ['sub', 'top.txt'] },
      cacheDir,
      stores,
      undefined,
    );
    expect(plan.whole).toBe(false);
    expect(files(plan)).toEqual([
      ['d/sub/a.txt', A],
      ['d/sub/deep/b.txt', B],
      ['d/top.txt', B],
    ]);
  });

  it('a subtree the manifest does not hold is an Unknown target refusal with the command to list it', async () => {
    const { cacheDir, stores, put } = await setup();
    const dir = dirObject([['a.txt', A]]);
    await put(cacheDir, `files/md5/${dir.oid.slice(0, 2)}/${dir.oid.slice(2)}`, dir.bytes);
    await expect(
      planOutput({ output: output('d', dir.oid), subpaths: ['a'] }, cacheDir, stores, undefined),
    ).rejects.toMatchObject({
      message: "'d/a' is not in the tracked directory d",
      title: 'Unknown target',
      fix: 'List what d holds with `dvc ls . d`, and give one of its files or folders.',
      location: { file: 'd.dvc', line: 2, column: 3 },
    });
  });

  it('a manifest listing a path twice is planned with distinctPaths false', async () => {
    const { cacheDir, stores, put } = await setup();
    const dir = dirObject([
      ['a.txt', A],
      ['a.txt', B],
    ]);
    await put(cacheDir, `files/md5/${dir.oid.slice(0, 2)}/${dir.oid.slice(2)}`, dir.bytes);
    const plan = await planOutput({ output: output('d', dir.oid) }, cacheDir, stores, undefined);
    expect(plan.distinctPaths).toBe(false);
    expect(plan.files).toHaveLength(2);
  });

  it('the `remote` override decides where the manifest is looked for', async () => {
    const { cacheDir, stores } = await setup();
    const oid = `${md5('z')}.dir`;
    await expect(planOutput({ output: output('d', oid) }, cacheDir, stores, 'elsewhere')).rejects.toThrow(
      'Unknown remote "elsewhere" (named by the `remote` input)',
    );
  });
});

describe('uniqueObjects', () => {
  it('shares one ObjectNeed per object and era across files and outputs', async () => {
    const { cacheDir, stores } = await setup();
    const plans = [
      await planOutput({ output: output('x.bin', A) }, cacheDir, stores, undefined),
      await planOutput({ output: output('copy-of-x.bin', A) }, cacheDir, stores, undefined),
      await planOutput({ output: output('legacy-x.bin', A, true) }, cacheDir, stores, undefined),
      await planOutput({ output: output('y.bin', B) }, cacheDir, stores, undefined),
    ];
    const objects = uniqueObjects(plans);
    expect(objects.size).toBe(3); // A (DVC 3), A (DVC 2: another cache file), B
    expect(plans[1]!.files[0]!.object).toBe(plans[0]!.files[0]!.object);
    expect(plans[2]!.files[0]!.object).not.toBe(plans[0]!.files[0]!.object);
    expect([...objects.values()].map((o) => [o.oid, o.hashName])).toEqual([
      [A, 'md5'],
      [A, 'md5-dos2unix'],
      [B, 'md5'],
    ]);
  });
});

describe('planOutput on real .dir manifests from the corpus (caches read in place)', () => {
  // counts and paths printed by /usr/bin/python3 from the manifest itself
  it('a DVC 2 folder of 124 images in nested folders, 103 distinct objects', async () => {
    const { stores } = await setup();
    const cacheDir = join(corpusDir, 'ckhire__video-analytics-labs/.dvc/cache');
    const images = output('images', '8ed69f23988b42eafd349516022ae1ac.dir', true);
    const plan = await planOutput({ output: images }, cacheDir, stores, undefined);
    expect(plan.problem).toBeUndefined();
    expect(plan.dirObject?.state).toBe('cached');
    expect(plan.distinctPaths).toBe(true);
    expect(plan.files).toHaveLength(124);
    expect(files(plan)[0]).toEqual([
      'images/green/0a251f2f-babd-4257-87be-2940bd4bacc8.jpg',
      '317a79af3aaf1250d9b55fac4838a895',
    ]);
    expect(files(plan).at(-1)).toEqual([
      'images/yellow/red_doubt/6fca65e0-7ad2-4a88-a526-c3afd3cc7226.jpg',
      '236d34743b41e67b9328c6f71baa0308',
    ]);
    expect(uniqueObjects([plan]).size).toBe(103);
    const yellow = await planOutput({ output: images, subpaths: ['yellow'] }, cacheDir, stores, undefined);
    expect(yellow.files).toHaveLength(36);
  });

  it('the empty folder object ([]) plans no files and no problem', async () => {
    const { stores } = await setup();
    const cacheDir = join(corpusDir, 'jordantoaster__dvc-exemplar/.dvc/cache');
    const plan = await planOutput(
      { output: output('empty', 'd751713988987e9331980363e24189ce.dir', true) },
      cacheDir,
      stores,
      undefined,
    );
    expect([plan.problem, plan.dirObject?.state, plan.files]).toEqual([undefined, 'cached', []]);
  });
});
