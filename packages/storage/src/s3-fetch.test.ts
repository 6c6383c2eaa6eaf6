/**
 * getToFile: one attempt at an S3 object over the lean GET path. Up to the cutoff the object
 * comes whole in one GET; beyond it the first answer gives part 0 and the rest come as ranges.
 * Most tests go through the store (the caller), against a scripted S3 that counts requests.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startScriptedS3, type ScriptedS3 } from '../../../test/doubles/s3-scripted.js';
import { ObjectNotFoundError, openStore, type ObjectStore } from './index.js';
import { DEFAULT_RANGES, getToFile } from './s3-fetch.js';
import { S3ObjectGetter } from './s3-get.js';
import { BucketRegion } from './s3-region.js';

// Small sizes so that the ranged path runs on a few MB (production: 256 MiB cutoff, 8 MiB parts).
const PART_SIZE = 1024 * 1024;
const ranges = { cutoff: PART_SIZE, partSize: PART_SIZE };

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

let s3: ScriptedS3;
let store: ObjectStore;
const big = randomBytes(2 * PART_SIZE + 12345); // three parts, the last one short
beforeAll(async () => {
  s3 = await startScriptedS3();
});
afterAll(() => s3.stop());
beforeEach(() => {
  s3.mode = 'normal';
  s3.requests.length = 0;
  s3.put('p/big', big);
  store?.close();
  store = openStore('s3://bucket/p', { endpoint: s3.endpoint, credentials, region: 'us-east-1', ranges });
});

async function dest(): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'ranged-'));
  return { dir, file: join(dir, 'out') };
}

async function failureOf(p: Promise<unknown>): Promise<Error> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (!error) throw new Error('expected a failure');
  return error;
}

describe('large objects: ranged parallel GETs', () => {
  it('fetches every part once, writes them in place and verifies the md5', async () => {
    const { file } = await dest();
    let reported = 0;
    const { bytes } = await store.downloadToFile('big', file, {
      verify: { algorithm: 'md5', digest: md5(big) },
      mode: 0o444,
      onBytes: (n) => (reported += n),
    });
    expect(bytes).toBe(big.length);
    expect((await readFile(file)).equals(big)).toBe(true);
    expect(reported).toBe(big.length);
    // a plain GET first (its answer gives part 0 and the size), then the other parts as ranges
    expect(s3.requests).toHaveLength(3);
    expect(s3.requests[0]).toBe('GET /bucket/p/big');
    expect(s3.requests.slice(1).sort()).toEqual(
      [`bytes=${PART_SIZE}-${2 * PART_SIZE - 1}`, `bytes=${2 * PART_SIZE}-${big.length - 1}`]
        .map((r) => `GET /bucket/p/big ${r}`)
        .sort(),
    );
  });

  it('an object up to the cutoff comes whole in one GET (one stream, as rclone below its multi-thread cutoff)', async () => {
    const single = openStore('s3://bucket/p', {
      endpoint: s3.endpoint,
      credentials,
      region: 'us-east-1',
      ranges: { cutoff: 4 * PART_SIZE, partSize: PART_SIZE },
    });
    const { file } = await dest();
    const { bytes } = await single.downloadToFile('big', file, { verify: { algorithm: 'md5', digest: md5(big) } });
    single.close();
    expect(bytes).toBe(big.length);
    expect((await readFile(file)).equals(big)).toBe(true);
    expect(s3.requests).toEqual(['GET /bucket/p/big']);
  });

  it('above the cutoff, the first answer gives only the first part and the others come as ranges', async () => {
    const split = openStore('s3://bucket/p', {
      endpoint: s3.endpoint,
      credentials,
      region: 'us-east-1',
      ranges: { cutoff: 2 * PART_SIZE, partSize: PART_SIZE },
    });
    const { dir, file } = await dest();
    await split.downloadToFile('big', file, { verify: { algorithm: 'md5', digest: md5(big) } });
    split.close();
    expect((await readFile(file)).equals(big)).toBe(true);
    expect(await readdir(dir)).toEqual(['out']);
    expect(s3.requests[0]).toBe('GET /bucket/p/big');
    expect(s3.requests.slice(1).sort()).toEqual(
      [`bytes=${PART_SIZE}-${2 * PART_SIZE - 1}`, `bytes=${2 * PART_SIZE}-${big.length - 1}`]
        .map((r) => `GET /bucket/p/big ${r}`)
        .sort(),
    );
  });

  it('takes the whole body, verified, from a server that ignores Range', async () => {
    s3.mode = 'ignore-range';
    const { dir, file } = await dest();
    await store.downloadToFile('big', file, { verify: { algorithm: 'md5', digest: md5(big) } });
    expect((await readFile(file)).equals(big)).toBe(true);
    expect(await readdir(dir)).toEqual(['out']);
    // the first answer, the parts it refused to serve as ranges, then the whole object once more
    expect(s3.requests[0]).toBe('GET /bucket/p/big');
    expect(s3.requests.at(-1)).toBe('GET /bucket/p/big');
    expect(s3.requests.length).toBeLessThanOrEqual(1 + 2 + 1);
  });

  it('refuses a part whose Content-Range is not the one asked for, and leaves nothing behind', async () => {
    s3.mode = 'wrong-content-range';
    const { dir, file } = await dest();
    const error = await failureOf(
      store.downloadToFile('big', file, { verify: { algorithm: 'md5', digest: md5(big) } }),
    );
    expect(error.message).toMatch(/asked for bytes \d+-\d+\/\d+, the server sent Content-Range "bytes \d+-\d+\/\d+"/);
    expect(existsSync(file)).toBe(false);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses an object replaced between its parts (If-Match), never writing mixed bytes', async () => {
    s3.mode = 'change-between-ranges';
    const { dir, file } = await dest();
    const error = await failureOf(
      store.downloadToFile('big', file, { verify: { algorithm: 'md5', digest: md5(big) } }),
    );
    expect(error.message).toMatch(/changed while it was being downloaded/);
    expect(await readdir(dir)).toEqual([]);
    // the part requests carried If-Match, so the server could refuse them
    expect(s3.requests.length).toBeGreaterThan(1);
  });

  it('retries a part whose connection dropped mid-body, and only that part', async () => {
    s3.mode = 'drop-mid-range';
    s3.drops = 2;
    const { file } = await dest();
    await store.downloadToFile('big', file, { verify: { algorithm: 'md5', digest: md5(big) } });
    expect((await readFile(file)).equals(big)).toBe(true);
    expect(s3.requests.filter((r) => r === 'GET /bucket/p/big')).toHaveLength(1);
    expect(s3.requests).toHaveLength(3 + 2);
  });

  it("fails the object when a part keeps dropping, after that part's own retries only", async () => {
    s3.mode = 'drop-mid-range';
    s3.drops = 1000;
    const { dir, file } = await dest();
    const error = await failureOf(
      store.downloadToFile('big', file, { verify: { algorithm: 'md5', digest: md5(big) } }),
    );
    expect(error.message).toMatch(/Truncated body|socket|aborted|closed|reset/i);
    expect(await readdir(dir)).toEqual([]);
    // one first part, then at most 5 attempts for each of the two other parts: no object-level retry on top
    expect(s3.requests.length).toBeLessThanOrEqual(1 + 2 * 5);
  });
});

describe('getToFile, called directly', () => {
  const getter = () =>
    new S3ObjectGetter('bucket', new BucketRegion('us-east-1'), async () => credentials, s3.endpoint, 4);

  it('takes rclone and s5cmd sizes by default: one GET up to 256 MiB, then 8 MiB parts', () => {
    expect(DEFAULT_RANGES).toEqual({ cutoff: 256 * 1024 * 1024, partSize: 8 * 1024 * 1024 });
  });

  it('writes a small object from its one answer, verified', async () => {
    const small = randomBytes(5000);
    s3.put('p/small', small);
    const { dir, file } = await dest();
    const g = getter();
    const result = await getToFile(g, 'p/small', file, 's3://bucket/p/small', {
      verify: { algorithm: 'md5', digest: md5(small) },
    });
    g.close();
    expect(result).toEqual({ bytes: small.length });
    expect((await readFile(file)).equals(small)).toBe(true);
    expect(await readdir(dir)).toEqual(['out']);
    expect(s3.requests).toEqual(['GET /bucket/p/small']);
  });

  it('says a missing key is ObjectNotFoundError, naming the URL, and writes nothing', async () => {
    const { dir, file } = await dest();
    const g = getter();
    const error = await failureOf(getToFile(g, 'p/none', file, 's3://bucket/p/none', {}));
    g.close();
    expect(error).toBeInstanceOf(ObjectNotFoundError);
    expect((error as ObjectNotFoundError).url).toBe('s3://bucket/p/none');
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps a missing bucket and a refusal as S3 errors with their status, not "not found"', async () => {
    const { file } = await dest();
    const g = getter();
    s3.mode = 'no-bucket';
    const noBucket = await failureOf(getToFile(g, 'p/big', file, 's3://bucket/p/big', {}));
    expect(noBucket).not.toBeInstanceOf(ObjectNotFoundError);
    expect(noBucket).toMatchObject({ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } });
    s3.mode = 'forbidden';
    const denied = await failureOf(getToFile(g, 'p/big', file, 's3://bucket/p/big', {}));
    expect(denied).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    g.close();
  });
});
