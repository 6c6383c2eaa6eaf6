import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { startScriptedS3, type ScriptedMode, type ScriptedS3 } from './s3-scripted.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

// What an S3 client sees on the wire: one GET on a new connection, its status, headers and body.
describe('the scripted S3 GetObject server', () => {
  let s3: ScriptedS3;
  const body = Buffer.from('0123456789');
  const etag = `"${createHash('md5').update(body).digest('hex')}"`;

  const get = (path: string, headers: Record<string, string> = {}): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = request(`${s3.endpoint}${path}`, { headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  const code = (answer: Answer) => /<Code>([^<]+)<\/Code>/.exec(answer.body.toString())?.[1];

  beforeAll(async () => {
    s3 = await startScriptedS3('data');
  });
  beforeEach(() => {
    s3.mode = 'normal';
    s3.drops = 0;
    s3.put('dir/k.bin', body);
  });
  afterAll(() => s3.stop());

  it('serves an object whole (200, its md5 as ETag) and by range (206, Content-Range), and records each request', async () => {
    const before = s3.requests.length;
    const whole = await get('/data/dir/k.bin');
    expect([whole.status, whole.headers.etag, whole.body.toString()]).toEqual([200, etag, '0123456789']);
    const part = await get('/data/dir/k.bin', { range: 'bytes=2-5' });
    expect([part.status, part.headers['content-range'], part.body.toString()]).toEqual([206, 'bytes 2-5/10', '2345']);
    // A range past the end is cut to the object, as S3 does; one that starts past it is refused.
    const tail = await get('/data/dir/k.bin', { range: 'bytes=8-100' });
    expect([tail.status, tail.headers['content-range'], tail.body.toString()]).toEqual([206, 'bytes 8-9/10', '89']);
    const beyond = await get('/data/dir/k.bin', { range: 'bytes=10-20' });
    expect([beyond.status, code(beyond)]).toEqual([416, 'InvalidRange']);
    expect(s3.requests.slice(before)).toEqual([
      'GET /data/dir/k.bin',
      'GET /data/dir/k.bin bytes=2-5',
      'GET /data/dir/k.bin bytes=8-100',
      'GET /data/dir/k.bin bytes=10-20',
    ]);
  });

  it('answers If-Match with another ETag, a missing key and another bucket as S3 does', async () => {
    const stale = await get('/data/dir/k.bin', { 'if-match': '"0000"', range: 'bytes=0-3' });
    expect([stale.status, code(stale)]).toEqual([412, 'PreconditionFailed']);
    expect((await get('/data/dir/k.bin', { 'if-match': etag })).status).toBe(200);
    const missing = await get('/data/dir/none.bin');
    expect([missing.status, code(missing)]).toEqual([404, 'NoSuchKey']);
    const other = await get('/elsewhere/dir/k.bin');
    expect([other.status, code(other)]).toEqual([404, 'NoSuchBucket']);
  });

  it.each<[ScriptedMode, number, string]>([
    ['forbidden', 403, 'AccessDenied'],
    ['no-bucket', 404, 'NoSuchBucket'],
    ['slow-down', 503, 'SlowDown'],
    ['wrong-region', 301, 'PermanentRedirect'],
  ])('mode %s: every GET is %i %s, with an S3 XML error body', async (mode, status, errorCode) => {
    s3.mode = mode;
    const answer = await get('/data/dir/k.bin', { range: 'bytes=0-3' });
    expect([answer.status, answer.headers['content-type'], code(answer)]).toEqual([
      status,
      'application/xml',
      errorCode,
    ]);
  });

  it('mode ignore-range: a ranged GET gets the whole object with 200', async () => {
    s3.mode = 'ignore-range';
    const answer = await get('/data/dir/k.bin', { range: 'bytes=2-5' });
    expect([answer.status, answer.headers['content-range'], answer.body.toString()]).toEqual([
      200,
      undefined,
      '0123456789',
    ]);
  });

  it('mode wrong-content-range: the first range is right, a later one names bytes one further on', async () => {
    s3.mode = 'wrong-content-range';
    expect((await get('/data/dir/k.bin', { range: 'bytes=0-3' })).headers['content-range']).toBe('bytes 0-3/10');
    const later = await get('/data/dir/k.bin', { range: 'bytes=4-7' });
    expect([later.headers['content-range'], later.body.toString()]).toEqual(['bytes 5-8/10', '4567']);
  });

  it('mode change-between-ranges: after the first range the object (and its ETag) is another', async () => {
    s3.mode = 'change-between-ranges';
    const first = await get('/data/dir/k.bin', { range: 'bytes=0-3' });
    expect([first.headers.etag, first.body.toString()]).toEqual([etag, '0123']);
    const next = await get('/data/dir/k.bin', { range: 'bytes=4-9', 'if-match': etag });
    expect([next.status, code(next)]).toEqual([412, 'PreconditionFailed']);
    const now = await get('/data/dir/k.bin');
    expect(now.headers.etag).not.toBe(etag);
    expect(now.body.subarray(0, 9).toString()).toBe('012345678');
    expect(now.body[9]).toBe(body[9]! ^ 0xff);
  });

  it('mode drop-mid-range: cuts `drops` later ranged answers after half their body, then serves again', async () => {
    s3.mode = 'drop-mid-range';
    s3.drops = 1;
    expect((await get('/data/dir/k.bin', { range: 'bytes=0-3' })).body.toString()).toBe('0123');
    await expect(get('/data/dir/k.bin', { range: 'bytes=4-9' })).rejects.toThrow(/aborted|socket hang up|ECONNRESET/);
    expect(s3.drops).toBe(0);
    expect((await get('/data/dir/k.bin', { range: 'bytes=4-9' })).body.toString()).toBe('456789');
  });

  it('mode dead: every connection is closed before an answer, and each one is counted', async () => {
    s3.mode = 'dead';
    const before = s3.connections;
    for (let i = 0; i < 3; i++) await expect(get('/data/dir/k.bin')).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(s3.connections - before).toBe(3);
  });
});
