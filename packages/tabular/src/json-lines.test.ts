import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJsonObjectLine, scanJsonLinesFile } from './json-lines.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'json-lines-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  await writeFile(join(dir, name), text);
  return join(dir, name);
}

async function objects(path: string, readBytes?: number): Promise<[number, Record<string, unknown>][]> {
  const out: [number, Record<string, unknown>][] = [];
  await scanJsonLinesFile(path, (row, line) => out.push([line, row]), { subject: `data ${path}`, readBytes });
  return out;
}

describe('parseJsonObjectLine', () => {
  it('returns the object of a line', () => {
    expect(parseJsonObjectLine(' {"a": [1], "b": null} ', 3, 's', 'f')).toEqual({ a: [1], b: null });
  });

  it.each(['[1, 2]', '3', 'null', '"text"', 'true'])('refuses %s: not an object, with the caller’s example', (text) => {
    expect(() => parseJsonObjectLine(text, 4, 'Dataset h.jsonl', 'h.jsonl', '{"x": 1}')).toThrow(
      expect.objectContaining({
        message: 'Dataset h.jsonl, line 4: expected a JSON object with named fields',
        fix: 'Write each row as an object, e.g. {"x": 1}.',
        location: { file: 'h.jsonl', line: 4 },
      }),
    );
  });

  it('refuses invalid JSON with the parser’s reason', () => {
    expect(() => parseJsonObjectLine('{"a": 1,', 2, 'input: f', 'f')).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(/^input: f, line 2: not valid JSON \(.+\)$/),
        fix: 'Write one JSON object per line (JSON Lines).',
      }),
    );
  });
});

describe('scanJsonLinesFile', () => {
  // a byte order mark, CRLF, blank lines (they count), multi-byte text, a line longer than a
  // read, and a last line without a line break
  const text = `\ufeff{"a": 1}\r\n\n   \n{"a": "€é€", "b": "${'x'.repeat(70)}"}\n{"a": 2}`;
  const expected: [number, Record<string, unknown>][] = [
    [1, { a: 1 }],
    [4, { a: '€é€', b: 'x'.repeat(70) }],
    [5, { a: 2 }],
  ];

  it('hands over every object with its line, whatever the read size', async () => {
    const path = await file('t.jsonl', text);
    for (const readBytes of [16, 17, 23, 64, undefined])
      expect([readBytes, await objects(path, readBytes)]).toEqual([readBytes, expected]);
  });

  it('an empty file, or blank lines only, hands over nothing', async () => {
    expect(await objects(await file('e.jsonl', ''))).toEqual([]);
    expect(await objects(await file('b.jsonl', '\n\r\n  \n'))).toEqual([]);
  });

  it('names the line of a bad one, counting the blank lines before it', async () => {
    const path = await file('bad.jsonl', '{"a": 1}\n\n[1]\n');
    await expect(objects(path, 16)).rejects.toThrow(`data ${path}, line 3: expected a JSON object with named fields`);
  });

  it('stops at an error the callback throws, with that error', async () => {
    const path = await file('stop.jsonl', '{"a": 1}\n{"a": 2}\n{"a": 3}\n');
    const stop = new Error('stop');
    const seen: number[] = [];
    await expect(
      scanJsonLinesFile(path, (row, line) => {
        if (line === 2) throw stop;
        seen.push(row.a as number);
      }),
    ).rejects.toBe(stop);
    expect(seen).toEqual([1]);
  });
});
