import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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

  it('prints the usage for --help (exit 0) and explains each usage error (exit 2)', async () => {
    const help = capture();
    expect(await main(['--help'], help.stream, capture().stream)).toBe(0);
    expect(help.text()).toMatch(/^Usage: mlops-dvc pull \[targets\.\.\.\] \[options\]\n/);
    const cases: [string[], RegExp][] = [
      [[], /^No command given\n\nUsage: mlops-dvc pull/],
      [['pull', '--jobs', '0'], /^--jobs must be a positive integer, got "0"\n$/],
      [['pull', '-j', '2.5'], /^--jobs must be a positive integer, got "2\.5"\n$/],
      [['pull', '--link-type', 'reflink'], /^--link-type must be copy, hardlink or symlink, got "reflink"\n$/],
      [['pull', '--no-such-option'], /no-such-option[\s\S]*\n\nUsage: mlops-dvc pull/],
    ];
    for (const [argv, expected] of cases) {
      const err = capture();
      expect([argv, await main(argv, capture().stream, err.stream)]).toEqual([argv, 2]);
      expect(err.text()).toMatch(expected);
    }
  });

  it('outside a DVC repository: exit 1 with the error and its fix, nothing on stdout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'not-dvc-'));
    const out = capture();
    const err = capture();
    expect(await main(['pull', '-C', dir, '-q'], out.stream, err.stream)).toBe(1);
    expect(err.text()).toMatch(
      new RegExp(
        `^error: ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not inside a DVC repository .*\nFix: Check out the repository first`,
      ),
    );
    expect(out.text()).toBe('');
  });

  it('ends a pull with the totals and the data version', async () => {
    const repo = await buildFixture();
    const out = capture();
    expect(await main(['pull', '-C', repo.root, '-q', 'data/raw.csv.dvc'], out.stream, capture().stream)).toBe(0);
    expect(out.text()).toMatch(
      /\n1 files \(15 B\): 1 downloaded \(15 B\), 0 from the cache, 1 written in [^\n]+\ndata-version [0-9a-f]{40}\n$/,
    );
  });
});
