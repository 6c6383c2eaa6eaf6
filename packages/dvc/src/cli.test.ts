import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from './cli.js';
import { buildFixture } from '../../../test/fixtures/dvc-repo.js';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

describe('mlops-dvc pull', () => {
  it('pulls like the action and writes the manifest', async () => {
    const repo = await buildFixture();
    const out = capture();
    const err = capture();
    const code = await main(
      ['pull', '-C', repo.root, '-q', 'models/model.bin', '--manifest', join(repo.root, 'm.json')],
      out.stream,
      err.stream,
    );
    expect([code, err.text()]).toEqual([0, '']);
    expect(out.text()).toMatch(/^A {2}models\/model.bin {2}1 file, 14 B\n1 files \(14 B\): 1 downloaded/);
    expect(await readFile(join(repo.root, 'models/model.bin'))).toEqual(repo.expected['models/model.bin']);
    expect(JSON.parse(await readFile(join(repo.root, 'm.json'), 'utf8'))).toMatchObject({
      files: 1,
      outputs: [{ path: 'models/model.bin', size: 14 }],
    });
  });

  it('exits 1 with the error, location and fix; 2 on usage errors', async () => {
    const repo = await buildFixture();
    const err = capture();
    expect(await main(['pull', '-C', repo.root, '-r', 'nope'], capture().stream, err.stream)).toBe(1);
    expect(err.text()).toMatch(/^error: Unknown remote "nope" \(named by the `remote` input\)\nFix: Define it/);
    const usage = capture();
    expect(await main(['push'], capture().stream, usage.stream)).toBe(2);
    expect(usage.text()).toContain('Usage: mlops-dvc pull');
    expect(await main(['pull', '--link-type', 'reflink'], capture().stream, capture().stream)).toBe(2);
  });
});
