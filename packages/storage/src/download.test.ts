import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import {
  bytesToVerifiedFile,
  checkDigest,
  ensureDir,
  streamToVerifiedFile,
  tempBeside,
  writeVerifiedBytes,
  writeVerifiedStream,
} from './download.js';
import { IntegrityError } from './errors.js';
import { isTransient } from './retry.js';
import type { ChunkVerifier } from './types.js';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const URL_ = 's3://bucket/files/md5/ab/cdef';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'download-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

let n = 0;
/** A fresh empty folder and a destination in it. */
async function target(): Promise<{ dir: string; dest: string }> {
  const dir = join(work, `t${n++}`);
  await ensureDir(dir);
  return { dir, dest: join(dir, 'object') };
}

/** A stream that sends `first` and then fails as a dropped connection does. */
function droppingStream(first: Buffer): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(first);
      } else this.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    },
  });
}

const counting = () => {
  const seen: number[] = [];
  return { seen, onBytes: (k: number) => seen.push(k), total: () => seen.reduce((a, b) => a + b, 0) };
};

describe('tempBeside', () => {
  it('names a hidden file in the same folder, different on every call', () => {
    const dest = join(work, 'cache', 'ab', 'cdef');
    const a = tempBeside(dest);
    const b = tempBeside(dest);
    expect(dirname(a)).toBe(dirname(dest));
    expect(basename(a).startsWith('.cdef.tmp-')).toBe(true);
    expect(a).not.toBe(b);
  });
});

describe('checkDigest', () => {
  it('accepts the expected digest in either case and refuses another with an IntegrityError', () => {
    const digest = md5(Buffer.from('foo'));
    expect(() =>
      checkDigest(URL_, { verify: { algorithm: 'md5', digest: digest.toUpperCase() } }, digest),
    ).not.toThrow();
    let error: unknown;
    try {
      checkDigest(URL_, { verify: { algorithm: 'md5', digest } }, md5(Buffer.from('bar')));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as Error).message).toBe(
      `Corrupt object ${URL_}: its md5 is ${md5(Buffer.from('bar'))}, expected ${digest}`,
    );
  });

  it('checks nothing without a verify option or a digest', () => {
    expect(() => checkDigest(URL_, {}, 'x')).not.toThrow();
    expect(() => checkDigest(URL_, { verify: { algorithm: 'md5', digest: 'a' } }, undefined)).not.toThrow();
  });
});

describe('writeVerifiedStream', () => {
  it('writes the chunks in order, reports every byte, applies the mode, and hashes as they pass', async () => {
    const { dir, dest } = await target();
    const chunks = [randomBytes(1000), randomBytes(70_000), randomBytes(3)];
    const whole = Buffer.concat(chunks);
    const meter = counting();
    const result = await writeVerifiedStream(Readable.from(chunks), dest, URL_, {
      verify: { algorithm: 'sha256', digest: createHash('sha256').update(whole).digest('hex') },
      onBytes: meter.onBytes,
      mode: 0o444,
    });
    expect(result).toEqual({ bytes: whole.length });
    expect((await readFile(dest)).equals(whole)).toBe(true);
    expect(meter.total()).toBe(whole.length);
    expect((await stat(dest)).mode & 0o777).toBe(0o444);
    expect(await readdir(dir)).toEqual(['object']);
  });

  it('refuses corrupt bytes: nothing at the destination, no temporary file, the reported bytes taken back', async () => {
    const { dir, dest } = await target();
    const meter = counting();
    const error = await writeVerifiedStream(Readable.from([Buffer.from('bar')]), dest, URL_, {
      verify: { algorithm: 'md5', digest: md5(Buffer.from('foo')) },
      onBytes: meter.onBytes,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(await readdir(dir)).toEqual([]);
    expect(meter.seen).toEqual([3, -3]);
  });

  it('treats a body shorter or longer than announced as a transient fault, not a corrupt object', async () => {
    for (const [body, expected] of [
      [Buffer.alloc(10), 11],
      [Buffer.alloc(12), 11],
    ] as const) {
      const { dir, dest } = await target();
      const error = await writeVerifiedStream(Readable.from([body]), dest, URL_, {}, expected).catch((e: unknown) => e);
      expect((error as Error).message).toBe(`Truncated body: ${body.length} of ${expected} bytes from ${URL_}`);
      expect((error as { code?: string }).code).toBe('TruncatedBody');
      expect(isTransient(error)).toBe(true);
      expect(await readdir(dir)).toEqual([]);
    }
  });

  it('leaves an existing destination untouched when the new bytes fail', async () => {
    const { dest } = await target();
    await writeFile(dest, 'previous good copy');
    await expect(writeVerifiedStream(droppingStream(Buffer.from('partial')), dest, URL_)).rejects.toThrow(
      'read ECONNRESET',
    );
    expect(await readFile(dest, 'utf8')).toBe('previous good copy');
  });

  it("runs the caller's verifier on every chunk and refuses the file when it says no", async () => {
    const { dir, dest } = await target();
    const fed: string[] = [];
    const verifier = (): ChunkVerifier => ({
      update: (chunk) => fed.push(chunk.toString()),
      finish: () => {
        throw new Error('dos2unix md5 differs');
      },
    });
    await expect(
      writeVerifiedStream(Readable.from([Buffer.from('a'), Buffer.from('b')]), dest, URL_, { verifier }),
    ).rejects.toThrow('dos2unix md5 differs');
    expect(fed).toEqual(['a', 'b']);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('writeVerifiedBytes', () => {
  it('writes the body with exactly the mode asked for, whatever the umask, and reports it once', async () => {
    const { dir, dest } = await target();
    const meter = counting();
    const body = Buffer.from('small object');
    expect(await writeVerifiedBytes(body, dest, URL_, { mode: 0o666, onBytes: meter.onBytes })).toEqual({ bytes: 12 });
    expect(await readFile(dest, 'utf8')).toBe('small object');
    // 0o666 would become 0o644 under the usual umask 022 if only passed to open(2)
    expect((await stat(dest)).mode & 0o777).toBe(0o666);
    expect(meter.seen).toEqual([12]);
    expect(await readdir(dir)).toEqual(['object']);
  });

  it('refuses a corrupt body before writing anything, and reports no bytes', async () => {
    const { dir, dest } = await target();
    const meter = counting();
    const error = await writeVerifiedBytes(Buffer.from('bar'), dest, () => URL_, {
      verify: { algorithm: 'md5', digest: md5(Buffer.from('foo')) },
      onBytes: meter.onBytes,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as IntegrityError).url).toBe(URL_);
    expect(meter.seen).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('writes an empty object, and replaces an existing destination', async () => {
    const { dest } = await target();
    await writeFile(dest, 'old');
    await writeVerifiedBytes(Buffer.alloc(0), dest, URL_, {
      verify: { algorithm: 'md5', digest: md5(Buffer.alloc(0)) },
    });
    expect((await stat(dest)).size).toBe(0);
  });

  it('creates the destination folders', async () => {
    const dest = join(work, 'deep', 'er', 'x');
    await writeVerifiedBytes(Buffer.from('x'), dest, URL_);
    expect(await readFile(dest, 'utf8')).toBe('x');
  });
});

describe('streamToVerifiedFile and bytesToVerifiedFile', () => {
  it('open the source afresh after a dropped connection, and count the bytes once', async () => {
    const { dir, dest } = await target();
    const body = randomBytes(50_000);
    const meter = counting();
    let opens = 0;
    const result = await streamToVerifiedFile(
      async () => (++opens === 1 ? droppingStream(body.subarray(0, 20_000)) : Readable.from([body])),
      dest,
      URL_,
      { verify: { algorithm: 'md5', digest: md5(body) }, onBytes: meter.onBytes, retry: { baseDelayMs: 1 } },
    );
    expect(result).toEqual({ bytes: body.length });
    expect(opens).toBe(2);
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(meter.total()).toBe(body.length);
    expect(await readdir(dir)).toEqual(['object']);
  });

  it('do not retry a corrupt object', async () => {
    const { dest } = await target();
    let opens = 0;
    const verify = { algorithm: 'md5' as const, digest: md5(Buffer.from('foo')) };
    await expect(
      streamToVerifiedFile(async () => (opens++, Readable.from([Buffer.from('bar')])), dest, URL_, { verify }),
    ).rejects.toBeInstanceOf(IntegrityError);
    let reads = 0;
    await expect(
      bytesToVerifiedFile(async () => (reads++, Buffer.from('bar')), dest, URL_, { verify }),
    ).rejects.toBeInstanceOf(IntegrityError);
    expect([opens, reads]).toEqual([1, 1]);
    expect(existsSync(dest)).toBe(false);
  });

  it('read the bytes again after a transient failure, up to the attempts asked for', async () => {
    const { dest } = await target();
    let reads = 0;
    await bytesToVerifiedFile(
      async () => {
        if (++reads < 3) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        return Buffer.from('ok');
      },
      dest,
      URL_,
      { retry: { baseDelayMs: 1 } },
    );
    expect(reads).toBe(3);
    expect(await readFile(dest, 'utf8')).toBe('ok');
    reads = 0;
    await expect(
      bytesToVerifiedFile(
        async () => {
          reads++;
          throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
        },
        join(dirname(dest), 'other'),
        URL_,
        { retry: { attempts: 2, baseDelayMs: 1 } },
      ),
    ).rejects.toThrow('reset');
    expect(reads).toBe(2);
  });
});

describe('a folder removed between two writes of one process', () => {
  it('is made again (ensureDir remembers folders, a deleted cache must not break the next pull)', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'ensure-')), 'sub');
    await writeVerifiedBytes(Buffer.from('a'), join(dir, 'a'), 'u');
    await rm(dir, { recursive: true });
    await writeVerifiedBytes(Buffer.from('b'), join(dir, 'b'), 'u');
    expect(await readFile(join(dir, 'b'), 'utf8')).toBe('b');
    await rm(dir, { recursive: true });
    await writeVerifiedStream(Readable.from([Buffer.from('c')]), join(dir, 'c'), 'u');
    expect(await readFile(join(dir, 'c'), 'utf8')).toBe('c');
  });
});
