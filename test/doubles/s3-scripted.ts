/**
 * A minimal S3 GetObject server on loopback whose answers a test scripts: objects with Range
 * support as S3 has it (206 + Content-Range + ETag, If-Match -> 412), and the faults a real
 * network or a non-conforming server shows: Range ignored, a wrong Content-Range, an object
 * replaced between ranges, a connection dropped mid-range, a dead endpoint, 403, NoSuchBucket.
 * It counts every request and connection, so tests can assert how many attempts were made.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ScriptedMode =
  | 'normal'
  | 'ignore-range' // 200 with the whole body to every GET
  | 'wrong-content-range' // ranges after the first answer a shifted Content-Range
  | 'change-between-ranges' // the object is replaced after its first answer (whole or byte 0 on) was served
  | 'drop-mid-range' // `drops` ranged answers (after the first) are cut after half their body
  | 'dead' // every connection is destroyed before an answer
  | 'forbidden' // 403 AccessDenied
  | 'no-bucket' // 404 NoSuchBucket
  | 'slow-down' // 503 SlowDown
  | 'wrong-region'; // 301 PermanentRedirect that names no region

export interface ScriptedS3 {
  endpoint: string;
  bucket: string;
  /** Every request, as `METHOD path range`. */
  requests: string[];
  /** TCP connections accepted. */
  connections: number;
  mode: ScriptedMode;
  /** For 'drop-mid-range': how many ranged answers are still to be dropped. */
  drops: number;
  put(key: string, body: Buffer): void;
  stop(): Promise<void>;
}

const xmlError = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>SCRIPTED</RequestId></Error>`;

export async function startScriptedS3(bucket = 'bucket'): Promise<ScriptedS3> {
  const objects = new Map<string, { body: Buffer; etag: string }>();
  const sockets = new Set<Socket>();
  const state: ScriptedS3 = {
    endpoint: '',
    bucket,
    requests: [],
    connections: 0,
    mode: 'normal',
    drops: 0,
    put(key, body) {
      objects.set(key, { body, etag: `"${createHash('md5').update(body).digest('hex')}"` });
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const fail = (res: ServerResponse, status: number, code: string, message: string) => {
    const body = xmlError(code, message);
    res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const range = req.headers.range;
    state.requests.push(`${req.method} ${req.url} ${range ?? ''}`.trim());
    if (state.mode === 'dead') {
      req.socket.destroy();
      return;
    }
    if (state.mode === 'forbidden') return fail(res, 403, 'AccessDenied', 'Access Denied');
    if (state.mode === 'slow-down') return fail(res, 503, 'SlowDown', 'Please reduce your request rate.');
    if (state.mode === 'wrong-region')
      return fail(
        res,
        301,
        'PermanentRedirect',
        'The bucket you are attempting to access must be addressed using the specified endpoint.',
      );
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    const [, b, ...rest] = path.split('/');
    if (b !== bucket || state.mode === 'no-bucket')
      return fail(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
    const key = rest.join('/');
    const object = objects.get(key);
    if (!object) return fail(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    const ifMatch = req.headers['if-match'];
    if (ifMatch && ifMatch !== object.etag)
      return fail(res, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
    const m = /^bytes=(\d+)-(\d+)$/.exec(range ?? '');
    const change = () => {
      const changed = Buffer.from(object.body);
      changed[changed.length - 1] = (changed[changed.length - 1] ?? 0) ^ 0xff;
      state.put(key, changed);
    };
    if (!m || state.mode === 'ignore-range') {
      res.writeHead(200, { etag: object.etag, 'content-length': object.body.length });
      res.end(object.body);
      if (state.mode === 'change-between-ranges') change();
      return;
    }
    const total = object.body.length;
    const start = Number(m[1]);
    if (start >= total) return fail(res, 416, 'InvalidRange', 'The requested range is not satisfiable');
    const end = Math.min(Number(m[2]), total - 1);
    const part = object.body.subarray(start, end + 1);
    const shown =
      state.mode === 'wrong-content-range' && start > 0
        ? `bytes ${start + 1}-${end + 1}/${total}`
        : `bytes ${start}-${end}/${total}`;
    res.writeHead(206, { etag: object.etag, 'content-length': part.length, 'content-range': shown });
    if (state.mode === 'drop-mid-range' && start > 0 && state.drops > 0) {
      state.drops--;
      res.write(part.subarray(0, part.length >> 1), () => setTimeout(() => res.socket?.destroy(), 5));
      return;
    }
    res.end(part);
    if (state.mode === 'change-between-ranges' && start === 0) change();
  });
  server.on('connection', (s: Socket) => {
    state.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
