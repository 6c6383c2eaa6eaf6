import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanCsvFile } from './csv-file.js';
import { decodeField, type RecordSink } from './csv-scan.js';
import { parseCsvRecords, type CsvRecord } from './records.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csv-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string | Buffer): Promise<string> {
  await writeFile(join(dir, name), text);
  return join(dir, name);
}

async function records(path: string, readBytes?: number): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  const sink: RecordSink = {
    record(buf, bounds, quoted, _values, fields, line) {
      const cells = Array.from({ length: fields }, (_, k) =>
        decodeField(buf, bounds[2 * k]!, bounds[2 * k + 1]!, quoted[k]!),
      );
      out.push({ line, cells });
    },
  };
  await scanCsvFile(path, sink, { subject: `Dataset ${path}`, readBytes });
  return out;
}

describe('scanCsvFile', () => {
  // Quoted line breaks, "" escapes, CRLF, a lone CR, multi-byte characters and a record much longer than one read.
  const text = `\ufeffname,note\r\n"a ""q""","x\ny"\r\nb,€€€\rc,"${'long,'.repeat(40)}"\n\nd,\n`;

  it('hands over the same records and lines as the in-memory tokenizer, whatever the read size', async () => {
    const path = await file('t.csv', text);
    const expected = parseCsvRecords(text);
    expect(expected[0]!.cells).toEqual(['name', 'note']); // the byte order mark is dropped
    for (const readBytes of [16, 17, 31, 64, 1000, undefined]) {
      expect([readBytes, await records(path, readBytes)]).toEqual([readBytes, expected]);
    }
  });

  it('an empty file, or one holding only a byte order mark, has no records', async () => {
    expect(await records(await file('empty.csv', ''))).toEqual([]);
    expect(await records(await file('bom.csv', '\ufeff'))).toEqual([]);
    expect(await records(await file('bom-blank.csv', '\ufeff\n\r\n'), 16)).toEqual([]);
  });

  it('an unclosed quote names the caller’s subject and the line it opened on', async () => {
    const path = await file('open.csv', `a,b\n1,2\n3,"${'x'.repeat(100)}\n4,5\n`);
    await expect(records(path, 16)).rejects.toMatchObject({
      message: `Dataset ${path}, line 3: a quoted field is never closed`,
      location: { file: path, line: 3 },
    });
    const plain = await file('open2.csv', 'a\n"');
    await expect(scanCsvFile(plain, { record() {} })).rejects.toThrow(
      `${plain}, line 2: a quoted field is never closed`,
    );
  });

  it('stops at an error the sink throws, with that error', async () => {
    const path = await file('stop.csv', 'a\n1\n2\n3\n');
    const seen: number[] = [];
    const stop = new Error('row 2 is bad');
    const sink: RecordSink = {
      record(_buf, _bounds, _quoted, values, _fields, line) {
        if (line === 3) throw stop;
        seen.push(values[0]!);
      },
    };
    await expect(scanCsvFile(path, sink, { readBytes: 16 })).rejects.toBe(stop);
    expect(seen).toEqual([NaN, 1]); // the header's "a" is not a number
  });

  it('refuses a path that cannot be opened with the system error', async () => {
    await expect(scanCsvFile(join(dir, 'nope.csv'), { record() {} })).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
