import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@mlops-gha/common';
import * as metricsFile from '@mlops-gha/metrics-file';
import { collectModelFiles, readMetricsFile, readRunRecord } from './sources.js';

let work: string;
let n = 0;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'registry-sources-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** A fresh folder holding `files` (path -> text), nested folders created. */
async function tree(files: Record<string, string>): Promise<string> {
  const dir = join(work, `t${n++}`);
  await mkdir(dir);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

describe('collectModelFiles', () => {
  // moved from registry.test.ts
  it('a missing model file', async () => {
    await expect(collectModelFiles([join(work, 'nope/model.onnx')])).rejects.toThrow(
      /^Model file not found: .*nope\/model.onnx$/,
    );
  });

  // moved from registry.test.ts
  it('a model path that cannot be read as a file (a FIFO)', async () => {
    const path = join(work, 'pipe.onnx');
    spawnSync('mkfifo', [path]);
    await expect(collectModelFiles([path])).rejects.toThrow(`The model path ${path} is neither a file nor a folder`);
  });

  it('a file is pushed under its base name, with its size', async () => {
    const dir = await tree({ 'out/model.onnx': 'weights' });
    expect(await collectModelFiles([join(dir, 'out/model.onnx')])).toEqual([
      { source: join(dir, 'out/model.onnx'), path: 'model.onnx', size: 7 },
    ]);
  });

  it('a relative entry is read from the given working directory', async () => {
    const dir = await tree({ 'out/model.onnx': 'weights' });
    expect(await collectModelFiles(['out/model.onnx'], dir)).toEqual([
      { source: join(dir, 'out/model.onnx'), path: 'model.onnx', size: 7 },
    ]);
  });

  it('a folder’s files are pushed under their paths inside it, with /, sorted; empty subfolders add nothing', async () => {
    const dir = await tree({ 'model/weights.bin': '1234', 'model/tokenizer/vocab.txt': 'ab', 'model/a.json': '{}' });
    await mkdir(join(dir, 'model/empty'));
    expect(await collectModelFiles([join(dir, 'model')])).toEqual([
      { source: join(dir, 'model/a.json'), path: 'a.json', size: 2 },
      { source: join(dir, 'model/tokenizer/vocab.txt'), path: 'tokenizer/vocab.txt', size: 2 },
      { source: join(dir, 'model/weights.bin'), path: 'weights.bin', size: 4 },
    ]);
  });

  it('several entries are merged and sorted by their path in the version', async () => {
    const dir = await tree({ 'z.onnx': 'z', 'extras/labels.txt': 'l' });
    expect((await collectModelFiles([join(dir, 'z.onnx'), join(dir, 'extras')])).map((f) => f.path)).toEqual([
      'labels.txt',
      'z.onnx',
    ]);
  });

  it('a link to a file inside a folder is followed (a Hugging Face snapshot), pushed under the link’s name', async () => {
    const dir = await tree({ 'blobs/abc123': 'weights', 'snapshot/config.json': '{}' });
    await symlink(join(dir, 'blobs/abc123'), join(dir, 'snapshot/model.safetensors'));
    expect(await collectModelFiles([join(dir, 'snapshot')])).toEqual([
      { source: join(dir, 'snapshot/config.json'), path: 'config.json', size: 2 },
      { source: join(dir, 'snapshot/model.safetensors'), path: 'model.safetensors', size: 7 },
    ]);
  });

  it('a dangling link, a link to a folder or a FIFO inside a folder is an error naming it, not a file left out', async () => {
    const dangling = await tree({ 'model/a.bin': 'a' });
    await symlink(join(dangling, 'gone.bin'), join(dangling, 'model/b.bin'));
    const error = (await collectModelFiles([join(dangling, 'model')]).catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(
      `The model folder ${join(dangling, 'model')} holds b.bin, a link to a folder or to nothing`,
    );
    expect(error.location).toEqual({ file: join(dangling, 'model/b.bin') });
    expect(error.fix).toBe(
      'Put only the model files (or links to files) in the folder, or list the files one per line in `model`.',
    );

    const looped = await tree({ 'model/sub/a.bin': 'a' });
    await symlink(join(looped, 'model'), join(looped, 'model/sub/up'));
    await expect(collectModelFiles([join(looped, 'model')])).rejects.toThrow(
      `The model folder ${join(looped, 'model')} holds sub/up, a link to a folder or to nothing`,
    );

    const piped = await tree({ 'model/a.bin': 'a' });
    spawnSync('mkfifo', [join(piped, 'model/pipe')]);
    await expect(collectModelFiles([join(piped, 'model')])).rejects.toThrow(
      `The model folder ${join(piped, 'model')} holds pipe, neither a file nor a folder`,
    );
  });

  it('nothing given, or only empty folders, is an error with the fix', async () => {
    const none = (await collectModelFiles([]).catch((e: unknown) => e)) as UserError;
    expect(none.message).toBe('No model file given');
    expect(none.fix).toBe('Set `model:` to the model file (e.g. model.onnx), or several files, one per line.');
    const dir = await tree({});
    await mkdir(join(dir, 'empty'));
    await expect(collectModelFiles([join(dir, 'empty')])).rejects.toThrow(`No files in ${join(dir, 'empty')}`);
  });

  it('two files that would land on one path are refused, naming both', async () => {
    const dir = await tree({ 'a/model.onnx': '1', 'b/model.onnx': '2' });
    await expect(collectModelFiles([join(dir, 'a/model.onnx'), join(dir, 'b/model.onnx')])).rejects.toThrow(
      `Two model files would both be stored as model.onnx: ${join(dir, 'a/model.onnx')} and ${join(dir, 'b/model.onnx')}`,
    );
  });
});

describe('readRunRecord', () => {
  const write = async (doc: unknown) => {
    const path = join(work, `run-${n++}.json`);
    await writeFile(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
    return path;
  };

  it('takes params, flattened numeric metrics, the actor and the lineage from the train action’s run.json', async () => {
    const path = await write({
      schema: 'mlops-gha/run-record@1',
      actor: 'trainer',
      repository: 'acme/churn',
      git: { sha: 'a'.repeat(40), ref: 'refs/heads/main' },
      workflow: { run_url: 'https://github.com/acme/churn/actions/runs/7', run_id: '7' },
      data_version: 'd'.repeat(32),
      params: { C: 1, kernel: 'rbf' },
      metrics: { accuracy: 0.9, per_class: { a: 0.8, b: '0.7' }, note: 'fine', nan: 'NaN', huge: 1e400 },
    });
    expect(await readRunRecord(path)).toEqual({
      params: { C: 1, kernel: 'rbf' },
      metrics: { accuracy: 0.9, 'per_class.a': 0.8, 'per_class.b': 0.7 },
      actor: 'trainer',
      lineage: {
        git_sha: 'a'.repeat(40),
        git_ref: 'refs/heads/main',
        repository: 'acme/churn',
        run_url: 'https://github.com/acme/churn/actions/runs/7',
        run_id: '7',
        data_version: 'd'.repeat(32),
      },
    });
  });

  it('a top-level run_id wins over the workflow’s; empty or missing facts are null; params that are not an object are none', async () => {
    const path = await write({ run_id: 'run-9', workflow: { run_id: '7' }, actor: '', git: {}, params: [1, 2] });
    expect(await readRunRecord(path)).toEqual({
      params: {},
      metrics: {},
      actor: null,
      lineage: { git_sha: null, git_ref: null, repository: null, run_url: null, run_id: 'run-9', data_version: null },
    });
  });

  it('a missing or unparsable file is a UserError located at it, with the fix', async () => {
    const missing = join(work, 'nope.json');
    const error = (await readRunRecord(missing).catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(new RegExp(`^Cannot read the run record ${missing}: ENOENT`));
    expect(error.location).toEqual({ file: missing });
    expect(error.fix).toBe(
      "Pass the train action's `run-record` output (the path of its run.json), or leave `run-record` empty.",
    );
    const broken = await write('{"actor": ');
    await expect(readRunRecord(broken)).rejects.toThrow(`Cannot read the run record ${broken}: `);
  });

  it('reads run.json metrics by the one metrics rule: decimal numbers and numeric strings, never hex, binary or infinities', async () => {
    const path = await write({
      metrics: { hex: '0x10', bin: '0b1', inf: 'Infinity', padded: ' 5 ', sci: '1e3', text: 'n/a' },
    });
    expect((await readRunRecord(path)).metrics).toEqual({ padded: 5, sci: 1000 });
    const hostile = await write('{"metrics": {"__proto__": 0.5, "acc": 0.9}}');
    const metrics = (await readRunRecord(hostile)).metrics;
    expect(Object.entries(metrics)).toEqual([
      ['__proto__', 0.5],
      ['acc', 0.9],
    ]);
    expect(Object.getPrototypeOf(metrics)).toBe(Object.prototype);
    // a `metrics` that is not an object holds no named metric (not one named "")
    for (const value of [5, '5', [1, 2]])
      expect((await readRunRecord(await write({ metrics: value }))).metrics).toEqual({});
  });

  it('JSON that is not an object is refused', async () => {
    for (const doc of ['[1]', 'null', '"text"']) {
      const path = await write(doc);
      const error = (await readRunRecord(path).catch((e: unknown) => e)) as UserError;
      expect(error.message).toBe(`The run record ${path} is not a JSON object`);
      expect(error.location).toEqual({ file: path });
    }
  });
});

describe('readMetricsFile', () => {
  it('is the one reader of @mlops-gha/metrics-file (the gate and training read metrics the same way)', () => {
    expect(readMetricsFile).toBe(metricsFile.readMetricsFile);
  });
});
