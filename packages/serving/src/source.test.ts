import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RecordingLogger, UserError } from '@mlops-gha/common';
import { collectModelFiles, Registry } from '@mlops-gha/registry';
import { linearRegressorModel, logisticClassifierModel, writeModel } from '../../../test/harness/onnx-models.js';
import { fetchModel, Sha256MismatchError } from './source.js';

let work: string;
let n = 0;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'serving-source-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function push(registry: Registry, name: string, bytes: Uint8Array) {
  const path = await writeModel(join(work, `src-${n++}`, 'model.onnx'), bytes);
  return registry.push({ name, files: await collectModelFiles([path]) });
}

describe('a model from a registry version', () => {
  const v1Bytes = logisticClassifierModel({ weights: [1, 2], bias: 0 });
  const v2Bytes = logisticClassifierModel({ weights: [3, -1], bias: 0.5 });
  let registry: Registry;
  let v1: Awaited<ReturnType<typeof push>>;
  let v2: Awaited<ReturnType<typeof push>>;
  beforeAll(async () => {
    registry = Registry.open(join(work, 'registry'));
    v1 = await push(registry, 'churn', v1Bytes);
    v2 = await push(registry, 'churn', v2Bytes);
  });
  afterAll(() => registry.close());

  it("loads the version's bytes, checked against its manifest and the deployed sha256, from a file:// URI or a path", async () => {
    expect(v2.uri).toMatch(/^file:\/\/.*\/churn\/versions\/2\/files\/$/);
    for (const uri of [v2.uri, fileURLToPath(v2.uri), fileURLToPath(v2.uri).replace(/\/$/, '')]) {
      const fetched = await fetchModel({ uri, sha256: v2.sha256 }, new RecordingLogger());
      expect(Buffer.compare(fetched.bytes, Buffer.from(v2Bytes))).toBe(0);
      expect(fetched.sha256).toBe(sha256(v2Bytes));
      expect(fetched.manifest).toMatchObject({ name: 'churn', version: 2 });
    }
    // The manifest alone is enough to verify against.
    expect((await fetchModel({ uri: v1.uri }, new RecordingLogger())).sha256).toBe(sha256(v1Bytes));
  });

  it("refuses a deployed sha256 that is another version's, before reading the model", async () => {
    const error = await fetchModel({ uri: v2.uri, sha256: v1.sha256 }, new RecordingLogger()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Sha256MismatchError);
    expect((error as Error).message).toBe(
      `The expected sha256 ${v1.sha256} is neither version 2's sha256 (${v2.sha256}) nor model.onnx's in ${join(fileURLToPath(v2.uri), '..', 'manifest.json').replace(/^/, 'file://')}`,
    );
  });

  it('refuses a stored file whose bytes no longer match the manifest', async () => {
    const registry2 = Registry.open(join(work, 'registry2'));
    const pushed = await push(registry2, 'fraud', v1Bytes);
    registry2.close();
    const stored = join(fileURLToPath(pushed.uri), 'model.onnx');
    await chmod(stored, 0o644);
    await writeFile(stored, v2Bytes); // a valid model, but not the registered one
    const error = await fetchModel({ uri: pushed.uri, sha256: pushed.sha256 }, new RecordingLogger()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Sha256MismatchError);
    expect((error as Error).message).toContain(
      `has sha256 ${sha256(v2Bytes)}, but the manifest ${pushed.uri.replace(/files\/$/, 'manifest.json')} says ${sha256(v1Bytes)}: refusing to serve it`,
    );
  });
});

describe('a model from a plain folder', () => {
  it('picks the single .onnx file, or MODEL_FILE among several, and refuses to guess', async () => {
    const folder = join(work, 'plain');
    const a = logisticClassifierModel({ weights: [1], bias: 0 });
    const b = linearRegressorModel({ weights: [2], bias: 1 });
    await writeModel(join(folder, 'a.onnx'), a);
    await writeFile(join(folder, 'README.md'), 'notes');
    expect((await fetchModel({ uri: folder, sha256: sha256(a) }, new RecordingLogger())).location).toBe(
      `file://${folder}/a.onnx`,
    );
    await writeModel(join(folder, 'sub', 'b.onnx'), b);
    await expect(fetchModel({ uri: folder, sha256: sha256(a) }, new RecordingLogger())).rejects.toThrow(
      `${folder} holds several .onnx files (a.onnx, sub/b.onnx); which one to serve is not clear`,
    );
    const fetched = await fetchModel(
      { uri: folder, sha256: sha256(b), modelFile: 'sub/b.onnx' },
      new RecordingLogger(),
    );
    expect(Buffer.compare(fetched.bytes, Buffer.from(b))).toBe(0);
    await expect(
      fetchModel({ uri: folder, sha256: sha256(b), modelFile: '../b.onnx' }, new RecordingLogger()),
    ).rejects.toThrow(`The model file "../b.onnx" is not in ${folder}`);
    // An .onnx file named directly.
    expect(
      (await fetchModel({ uri: join(folder, 'sub', 'b.onnx'), sha256: sha256(b) }, new RecordingLogger())).sha256,
    ).toBe(sha256(b));
  });

  it('refuses what it cannot verify or reach, as user errors that say how to fix them', async () => {
    const folder = join(work, 'unverifiable');
    const bytes = logisticClassifierModel({ weights: [1], bias: 0 });
    await writeModel(join(folder, 'model.onnx'), bytes);
    const cases: [Parameters<typeof fetchModel>[0], string][] = [
      [
        { uri: folder },
        `No sha256 to verify file://${folder}/model.onnx against: there is no registry manifest beside it and none was given`,
      ],
      [{ uri: folder, sha256: 'abc' }, 'The expected sha256 "abc" is not 64 hex digits'],
      [{ uri: 'gs://bucket/model', sha256: sha256(bytes) }, 'Unsupported model URI scheme in "gs://bucket/model"'],
      [
        { uri: join(work, 'missing'), sha256: sha256(bytes) },
        `No .onnx file in ${join(work, 'missing')} (it is empty or missing)`,
      ],
    ];
    for (const [source, message] of cases) {
      const error = await fetchModel(source, new RecordingLogger()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).message).toBe(message);
      expect((error as UserError).fix).toEqual(expect.any(String));
    }
    // The sha256 may be given in upper case (as some tools print it).
    expect((await fetchModel({ uri: folder, sha256: sha256(bytes).toUpperCase() }, new RecordingLogger())).sha256).toBe(
      sha256(await readFile(join(folder, 'model.onnx'))),
    );
  });
});
