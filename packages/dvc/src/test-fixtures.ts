/**
 * Builds DVC repositories and remotes from known bytes for tests. Every hash here is computed
 * independently with node:crypto following DVC's documented rules, never with this package.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');

/** DVC 2: text (no NUL, <=30% odd bytes in the first 512) -> CRLF->LF before md5. */
export function legacyMd5(b: Buffer): string {
  const head = b.subarray(0, 512);
  const odd = [...head].filter((x) => !((x >= 32 && x < 127) || [10, 13, 9, 12, 8].includes(x))).length;
  const text = head.length === 0 || (!head.includes(0) && odd / head.length <= 0.3);
  return md5(text ? Buffer.from(b.toString('latin1').replace(/\r\n/g, '\n'), 'latin1') : b);
}

/** The .dir bytes as Python's json.dumps(sort_keys=True) writes them (ASCII relpaths only here). */
export function dirObject(files: Record<string, string>): { bytes: Buffer; oid: string } {
  const entries = Object.keys(files)
    .sort()
    .map((rel) => `{"md5": "${files[rel]}", "relpath": "${rel}"}`);
  const bytes = Buffer.from(`[${entries.join(', ')}]`);
  return { bytes, oid: `${md5(bytes)}.dir` };
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function put(root: string, rel: string, body: Buffer | string): Promise<string> {
  const path = join(root, ...rel.split('/'));
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, body);
  return path;
}

export const objectPath = (oid: string, legacy: boolean) => `${legacy ? '' : 'files/md5/'}${oid.slice(0, 2)}/${oid.slice(2)}`;

export interface FixtureRepo {
  root: string;
  remote: string;
  /** Expected workspace bytes by repo-relative path. */
  expected: Record<string, Buffer>;
  /** Expected cache object paths (relative to .dvc/cache). */
  cacheObjects: string[];
}

/**
 * A repository with: a DVC 3 file, a DVC 3 directory (nested), a DVC 2 CRLF text file, a DVC 2
 * binary file, a DVC 2 directory, a dvc.lock with two stages and a `cache: false` metric.
 */
export async function buildFixture(options: { remoteDir?: string; config?: string } = {}): Promise<FixtureRepo> {
  const root = await tempDir('dvc-repo-');
  const remote = options.remoteDir ?? (await tempDir('dvc-remote-'));
  const expected: Record<string, Buffer> = {};
  const cacheObjects: string[] = [];
  const pushObject = async (oid: string, bytes: Buffer, legacy: boolean) => {
    await put(remote, objectPath(oid, legacy), bytes);
    cacheObjects.push(objectPath(oid, legacy));
  };

  // DVC 3 single file
  const model = Buffer.from('model weights\n');
  await pushObject(md5(model), model, false);
  expected['models/model.bin'] = model;
  await put(root, 'models/model.bin.dvc', `outs:\n- md5: ${md5(model)}\n  size: ${model.length}\n  hash: md5\n  path: model.bin\n`);

  // DVC 3 directory with nesting
  const images: Record<string, Buffer> = {
    'cat.txt': Buffer.from('meow\n'),
    'sub/dog.txt': Buffer.from('woof\n'),
    'sub/deep/bird.txt': Buffer.from('tweet\r\n'),
  };
  const imageHashes: Record<string, string> = {};
  for (const [rel, b] of Object.entries(images)) {
    imageHashes[rel] = md5(b);
    await pushObject(md5(b), b, false);
    expected[`data/images/${rel}`] = b;
  }
  const imagesDir = dirObject(imageHashes);
  await pushObject(imagesDir.oid, imagesDir.bytes, false);
  const imagesSize = Object.values(images).reduce((s, b) => s + b.length, 0);
  await put(root, 'data/images.dvc', `outs:\n- md5: ${imagesDir.oid}\n  size: ${imagesSize}\n  nfiles: 3\n  hash: md5\n  path: images\n`);

  // DVC 2 CRLF text file: named by the dos2unix md5, stored with the original bytes
  const csv = Buffer.from('a,b\r\n1,2\r\n3,4\r\n');
  await pushObject(legacyMd5(csv), csv, true);
  expected['data/raw.csv'] = csv;
  await put(root, 'data/raw.csv.dvc', `outs:\n- md5: ${legacyMd5(csv)}\n  size: ${csv.length}\n  path: raw.csv\n`);

  // DVC 2 directory with a binary file
  const bin = Buffer.from([0, 1, 2, 3, 13, 10, 255]);
  const txt = Buffer.from('x\r\ny\r\n');
  const legacyDir = dirObject({ 'b.bin': legacyMd5(bin), 't.txt': legacyMd5(txt) });
  await pushObject(legacyMd5(bin), bin, true);
  await pushObject(legacyMd5(txt), txt, true);
  await pushObject(legacyDir.oid, legacyDir.bytes, true);
  expected['legacy/b.bin'] = bin;
  expected['legacy/t.txt'] = txt;
  await put(root, 'legacy.dvc', `outs:\n- md5: ${legacyDir.oid}\n  path: legacy\n`);

  // dvc.yaml + dvc.lock, two stages, a cache: false metric
  const features = Buffer.from('f1,f2\n0.1,0.2\n');
  const scores = Buffer.from('{"acc": 0.9}\n');
  const metrics = Buffer.from('{"auc": 0.8}\n');
  await pushObject(md5(features), features, false);
  await pushObject(md5(scores), scores, false);
  expected['pipeline/features.csv'] = features;
  expected['pipeline/scores.json'] = scores;
  await put(root, 'dvc.yaml', [
    'stages:',
    '  featurize:',
    '    cmd: python featurize.py',
    '    outs:',
    '    - pipeline/features.csv',
    '  evaluate:',
    '    cmd: python evaluate.py',
    '    outs:',
    '    - pipeline/scores.json',
    '    metrics:',
    '    - pipeline/metrics.json:',
    '        cache: false',
    '',
  ].join('\n'));
  await put(root, 'dvc.lock', [
    "schema: '2.0'",
    'stages:',
    '  featurize:',
    '    cmd: python featurize.py',
    '    outs:',
    '    - path: pipeline/features.csv',
    '      hash: md5',
    `      md5: ${md5(features)}`,
    `      size: ${features.length}`,
    '  evaluate:',
    '    cmd: python evaluate.py',
    '    outs:',
    '    - path: pipeline/scores.json',
    '      hash: md5',
    `      md5: ${md5(scores)}`,
    `      size: ${scores.length}`,
    '    - path: pipeline/metrics.json',
    '      hash: md5',
    `      md5: ${md5(metrics)}`,
    `      size: ${metrics.length}`,
    '',
  ].join('\n'));

  await put(root, '.dvc/config', options.config ?? `[core]\n    remote = storage\n['remote "storage"']\n    url = ${remote}\n`);
  await put(root, '.dvc/.gitignore', '/config.local\n/tmp\n/cache\n');
  return { root, remote, expected, cacheObjects };
}
