import { beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, realpath, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expandOutputs } from './outputs.js';

// A working directory whose own name holds glob characters, as a matrix leg's folder might.
let cwd: string;
const FILES = [
  'model/model.onnx',
  'model/labels.json',
  'model/b.onnx',
  'ckpt/epoch-1.pt',
  'ckpt/epoch-2.pt',
  'ckpt/epoch-2.pt.tmp',
  'ckpt/sub/state.bin',
  'notes.md',
];
beforeAll(async () => {
  cwd = join(await realpath(await mkdtemp(join(tmpdir(), 'outputs-'))), 'run[1]*');
  for (const file of FILES) {
    await mkdir(dirname(join(cwd, file)), { recursive: true });
    await writeFile(join(cwd, file), file);
  }
});
const at = (...files: string[]) => files.map((f) => join(cwd, f));

describe('expandOutputs', () => {
  it('keeps pattern order, sorts within a pattern and lists each file once: the first match is the model', async () => {
    expect(await expandOutputs(['model/model.onnx', 'model/*'], cwd)).toEqual(
      at('model/model.onnx', 'model/b.onnx', 'model/labels.json'),
    );
  });

  it('takes every file under a folder pattern, never the folder itself', async () => {
    expect(await expandOutputs(['ckpt'], cwd)).toEqual(
      at('ckpt/epoch-1.pt', 'ckpt/epoch-2.pt', 'ckpt/epoch-2.pt.tmp', 'ckpt/sub/state.bin'),
    );
  });

  it('leaves out what a ! pattern excludes, wherever it stands in the list', async () => {
    // ckpt/* also matches the folder ckpt/sub, whose files come with it (implicit descendants)
    expect(await expandOutputs(['!**/*.tmp', 'ckpt/*', '!ckpt/epoch-1.pt'], cwd)).toEqual(
      at('ckpt/epoch-2.pt', 'ckpt/sub/state.bin'),
    );
  });

  it('reads relative patterns from the working directory even when its name holds glob characters', async () => {
    expect(await expandOutputs(['*.md'], cwd)).toEqual(at('notes.md'));
  });

  it('keeps an absolute pattern as written', async () => {
    const escaped = cwd.replace(/[[*]/g, (c) => `[${c}]`); // as a user escapes glob characters for @actions/glob
    expect(await expandOutputs([join(escaped, 'model', '*.onnx')], '/')).toEqual(
      at('model/b.onnx', 'model/model.onnx'),
    );
  });

  it('finds nothing for a pattern that matches nothing, or no patterns', async () => {
    expect(await expandOutputs(['dist/*.onnx'], cwd)).toEqual([]);
    expect(await expandOutputs([], cwd)).toEqual([]);
  });

  it('follows a symbolic link to a file', async () => {
    const linkDir = await mkdtemp(join(tmpdir(), 'outputs-link-'));
    await symlink(join(cwd, 'model', 'model.onnx'), join(linkDir, 'latest.onnx'));
    expect(await expandOutputs(['latest.onnx'], linkDir)).toEqual([join(linkDir, 'latest.onnx')]);
  });
});
