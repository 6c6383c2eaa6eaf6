/**
 * Our hashing against the literals printed in DVC's own test suites and against real CRLF
 * files that DVC 2 and DVC 3 named differently (../shared/corpus/dvc, read in place).
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dirHash, dirManifestBytes, hashBytesAs, hashFileAs, isTextBlock, type DirEntry } from '@mlops-gha/dvc';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared corpus of real DVC projects, read in place (never copied into the repository). */
const corpusDir =
  process.env.DVC_CORPUS_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus/dvc');

interface Case {
  kind: string;
  content?: string;
  tree?: Record<string, unknown>;
  dir_object_bytes?: string;
  expected_md5: string;
  expected_size?: number;
  expected_nfiles?: number;
}
const suite = JSON.parse(readFileSync(join(corpusDir, 'dvc-test-suite-hashes.json'), 'utf8')) as {
  cases: Case[];
  dos2unix_and_text_detection: {
    kind: string;
    content_lf_bytes_hex?: string;
    content_crlf_bytes_hex?: string;
    computed_md5_dos2unix_both?: string;
    cases?: { block_hex: string; is_text: boolean }[];
  }[];
};

function flatten(tree: Record<string, unknown>, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([name, value]) =>
    typeof value === 'string'
      ? [[`${prefix}${name}`, value] as [string, string]]
      : flatten(value as Record<string, unknown>, `${prefix}${name}/`),
  );
}

describe("DVC's own test-suite hashes", () => {
  const files = suite.cases.filter((c) => c.kind === 'file');
  const dirs = suite.cases.filter((c) => c.kind === 'dir');
  const raws = suite.cases.filter((c) => c.kind === 'raw_dir_object');
  it('has the cases we expect to check', () => {
    expect(files.length + dirs.length + raws.length).toBeGreaterThan(30);
  });
  it.each(files.map((c) => [JSON.stringify(c.content).slice(0, 40), c] as const))('file %s', (_name, c) => {
    expect(hashBytesAs(Buffer.from(c.content!, 'utf8'), 'md5')).toBe(c.expected_md5);
  });
  it.each(dirs.map((c) => [c.expected_md5, c] as const))(
    'directory %s: exact .dir bytes, hash, size and nfiles',
    (_name, c) => {
      const files = flatten(c.tree!);
      const entries: DirEntry[] = files.map(([relpath, content]) => ({
        relpath,
        md5: hashBytesAs(Buffer.from(content, 'utf8'), 'md5'),
      }));
      if (c.dir_object_bytes) expect(dirManifestBytes(entries).toString('utf8')).toBe(c.dir_object_bytes);
      expect(dirHash(entries)).toBe(c.expected_md5);
      if (c.expected_nfiles !== undefined) expect(entries.length).toBe(c.expected_nfiles);
      if (c.expected_size !== undefined)
        expect(files.reduce((s, [, content]) => s + Buffer.byteLength(content), 0)).toBe(c.expected_size);
    },
  );
  it.each(raws.map((c) => [c.expected_md5, c] as const))('raw .dir object %s round-trips', (_name, c) => {
    const entries = JSON.parse(c.dir_object_bytes!) as DirEntry[];
    expect(dirManifestBytes(entries).toString('utf8')).toBe(c.dir_object_bytes);
    expect(dirHash(entries)).toBe(c.expected_md5);
  });
  it('applies DVC 2 dos2unix and text detection as the suites assert', () => {
    for (const c of suite.dos2unix_and_text_detection) {
      if (c.kind === 'dos2unix_equality') {
        const lf = hashBytesAs(Buffer.from(c.content_lf_bytes_hex!, 'hex'), 'md5-dos2unix');
        const crlf = hashBytesAs(Buffer.from(c.content_crlf_bytes_hex!, 'hex'), 'md5-dos2unix');
        expect(crlf).toBe(lf);
        expect(lf).toBe(c.computed_md5_dos2unix_both);
      }
      if (c.kind === 'istextblock')
        for (const b of c.cases!)
          expect([b.block_hex, isTextBlock(Buffer.from(b.block_hex, 'hex'))]).toEqual([b.block_hex, b.is_text]);
    }
  });
  it('escapes relpaths as Python json.dumps(ensure_ascii) does and sorts by code point', () => {
    const entries: DirEntry[] = [
      { relpath: 'a/b', md5: '0'.repeat(32) },
      { relpath: 'a.b', md5: '1'.repeat(32) },
      { relpath: 'a-b', md5: '2'.repeat(32) },
      { relpath: 'é"\\\t😀', md5: '3'.repeat(32) },
      { relpath: '😀', md5: '5'.repeat(32) },
      { relpath: '\uffff', md5: '4'.repeat(32) },
    ];
    const e = (md5: string, rel: string) => `{"md5": "${md5.repeat(32)}", "relpath": "${rel}"}`;
    // Python puts U+FFFF before U+1F600 (code points); JS's default sort would not (UTF-16 units).
    expect(dirManifestBytes(entries).toString()).toBe(
      `[${[e('2', 'a-b'), e('1', 'a.b'), e('0', 'a/b'), e('3', '\\u00e9\\"\\\\\\t\\ud83d\\ude00'), e('4', '\\uffff'), e('5', '\\ud83d\\ude00')].join(', ')}]`,
    );
  });
});

describe('real CRLF files named by DVC 2 (dos2unix) and DVC 3 (raw md5)', () => {
  const real = JSON.parse(readFileSync(join(corpusDir, 'real-crlf-dos2unix-cases.json'), 'utf8')) as {
    cases: { bytes_file: string; size: number; raw_md5: string; dos2unix_md5: string }[];
  };
  it.each(real.cases.map((c) => [c.bytes_file, c] as const))('%s', async (_name, c) => {
    const path = join(corpusDir, c.bytes_file);
    expect(await hashFileAs(path, 'md5')).toBe(c.raw_md5);
    expect(await hashFileAs(path, 'md5-dos2unix')).toBe(c.dos2unix_md5);
    expect(readFileSync(path).length).toBe(c.size);
  });
});
