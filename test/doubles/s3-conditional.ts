/**
 * An S3 server that honours conditional writes as AWS documents them, for the registry's race
 * tests: a loopback proxy in front of s3rver (which ignores If-None-Match / If-Match on PUT).
 *
 * What it adds, per AWS's PutObject / CompleteMultipartUpload documentation:
 * - `If-None-Match: *` on PUT object or CompleteMultipartUpload: 412 PreconditionFailed when
 *   the key exists; other If-None-Match values on a write: 501 NotImplemented (AWS accepts
 *   only `*` there; inferred, see README of packages/registry).
 * - `If-Match: <etag>`: 412 PreconditionFailed when the current ETag differs; 404 NoSuchKey
 *   when the key does not exist (MinIO's documented behaviour; AWS's is unverified).
 * - Error bodies are AWS's XML: <Error><Code>PreconditionFailed</Code><Message>At least one of
 *   the pre-conditions you specified did not hold</Message><Condition>If-None-Match</Condition>
 *   <RequestId/><HostId/></Error>, Content-Type application/xml, x-amz-request-id/x-amz-id-2.
 * - Writes to one key (PUT, CompleteMultipartUpload, DELETE) are serialised, so a condition is
 *   checked and the write applied atomically with respect to every other write of that key;
 *   reads of a key wait for its in-flight write, so they see a whole object (S3 replaces
 *   objects atomically; s3rver rewrites the file in place).
 *   (AWS may instead answer a concurrent conflicting write with 409 ConditionalRequestConflict;
 *   the storage package maps 409 like 412.)
 * Everything else (GET, HEAD, LIST, UploadPart, ...) is passed through byte for byte, with the
 * client's Host header kept so that SigV4 signatures still verify upstream.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { startS3Server, type S3TestServer } from './s3.js';

export interface ConditionalS3Server extends S3TestServer {
  /** The plain s3rver behind the proxy (ignores conditional writes). */
  upstream: S3TestServer;
  /** Conditional writes answered so far: [accepted, refused]. */
  stats: { accepted: number; refused: number };
}

export const PRECONDITION_FAILED_MESSAGE = 'At least one of the pre-conditions you specified did not hold';

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** AWS's REST error document. */
export function s3ErrorXml(
  code: string,
  message: string,
  extra: Record<string, string> = {},
): { body: string; requestId: string; hostId: string } {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const hostId = randomBytes(32).toString('base64');
  const fields = Object.entries(extra)
    .map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`)
    .join('');
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>${fields}<RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`;
  return { body, requestId, hostId };
}

function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {},
): void {
  const { body, requestId, hostId } = s3ErrorXml(code, message, extra);
  res.writeHead(status, {
    'Content-Type': 'application/xml',
    'Content-Length': Buffer.byteLength(body),
    'x-amz-request-id': requestId,
    'x-amz-id-2': hostId,
    Server: 'AmazonS3',
  });
  res.end(body);
}

const unquote = (etag: string) => etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '');

export async function startConditionalS3Server(options: { buckets?: string[] } = {}): Promise<ConditionalS3Server> {
  const upstream = await startS3Server(options);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const headClient = upstream.client();
  const locks = new Map<string, Promise<void>>();
  const stats = { accepted: 0, refused: 0 };

  const withKeyLock = async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const previous = locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const chained = previous.then(() => mine);
    locks.set(key, chained);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (locks.get(key) === chained) locks.delete(key);
    }
  };

  const forward = (req: IncomingMessage, res: ServerResponse): Promise<void> =>
    new Promise((resolve) => {
      const headers = { ...req.headers };
      delete headers.expect;
      const up = httpRequest(
        { host: '127.0.0.1', port: upstream.port, method: req.method, path: req.url, headers, agent },
        (upRes) => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
          upRes.on('end', () => resolve());
          upRes.on('error', () => resolve());
        },
      );
      up.on('error', (error) => {
        if (!res.headersSent) sendError(res, 502, 'InternalError', `upstream: ${error.message}`);
        else res.destroy();
        resolve();
      });
      req.pipe(up);
    });

  const currentEtag = async (bucket: string, key: string): Promise<string | undefined> => {
    try {
      const out = await headClient.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return out.ETag;
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
      throw error;
    }
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, bucket, ...rest] = url.pathname.split('/');
    const key = rest.map(decodeURIComponent).join('/');
    const isObjectWrite =
      bucket &&
      key &&
      ((req.method === 'PUT' &&
        !url.searchParams.has('partNumber') &&
        !url.searchParams.has('tagging') &&
        !url.searchParams.has('acl')) ||
        (req.method === 'POST' && url.searchParams.has('uploadId')) ||
        req.method === 'DELETE');
    if (!isObjectWrite) {
      // s3rver rewrites an object's file in place, so a GET racing a PUT can read a torn
      // object; S3 replaces objects atomically. Object reads therefore wait for that key's
      // in-flight write (and see the old or the new object whole), as on S3.
      if (bucket && key && (req.method === 'GET' || req.method === 'HEAD') && !url.searchParams.has('uploadId')) {
        void withKeyLock(`${bucket}/${key}`, () => forward(req, res));
      } else {
        void forward(req, res);
      }
      return;
    }
    const ifNoneMatch = req.method === 'DELETE' ? undefined : (req.headers['if-none-match'] as string | undefined);
    const ifMatch = req.method === 'DELETE' ? undefined : (req.headers['if-match'] as string | undefined);
    void withKeyLock(`${bucket}/${key}`, async () => {
      if (ifNoneMatch !== undefined || ifMatch !== undefined) {
        if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
          req.resume();
          stats.refused += 1;
          sendError(res, 501, 'NotImplemented', 'A header you provided implies functionality that is not implemented', {
            Header: 'If-None-Match',
          });
          return;
        }
        const etag = await currentEtag(bucket!, key);
        if (ifNoneMatch !== undefined && etag !== undefined) {
          req.resume();
          stats.refused += 1;
          sendError(res, 412, 'PreconditionFailed', PRECONDITION_FAILED_MESSAGE, { Condition: 'If-None-Match' });
          return;
        }
        if (ifMatch !== undefined) {
          if (etag === undefined) {
            req.resume();
            stats.refused += 1;
            sendError(res, 404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
            return;
          }
          if (ifMatch.trim() !== '*' && unquote(ifMatch) !== unquote(etag)) {
            req.resume();
            stats.refused += 1;
            sendError(res, 412, 'PreconditionFailed', PRECONDITION_FAILED_MESSAGE, { Condition: 'If-Match' });
            return;
          }
        }
        stats.accepted += 1;
      }
      await forward(req, res);
    }).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'InternalError', String(error));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: S3Client[] = [];
  return {
    ...upstream,
    endpoint,
    port,
    upstream,
    stats,
    client() {
      const c = new S3Client({
        endpoint,
        region: upstream.region,
        forcePathStyle: true,
        credentials: { accessKeyId: upstream.accessKeyId, secretAccessKey: upstream.secretAccessKey },
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      agent.destroy();
      await upstream.stop();
    },
  };
}
