/**
 * A loopback HTTP proxy in front of an S3 server that injects the faults real S3 shows under
 * load: `503 SlowDown` answers and connections dropped in the middle of a response body.
 * Each fault is injected a bounded number of times, then requests pass through untouched, so
 * a client with retries must succeed and one without must fail.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultPlan {
  /** Answer this many matching GETs with 503 SlowDown. */
  slowDowns?: number;
  /** Drop this many matching GET responses after half of the body. */
  drops?: number;
  /** Which requests are eligible (default: every GET of an object key). */
  match?: (method: string, path: string) => boolean;
  /**
   * The bucket lives in this region: any request signed for another one is answered as AWS
   * does, not forwarded. `redirect` (a regional endpoint): 301 PermanentRedirect with the
   * `x-amz-bucket-region` header; `authorization` (the global endpoint): 400
   * AuthorizationHeaderMalformed naming the expected region in the body only.
   */
  bucketRegion?: string;
  regionError?: 'redirect' | 'authorization';
}

export interface FaultProxy {
  endpoint: string;
  /** Faults injected so far. */
  injected: { slowDowns: number; drops: number; regionErrors: number };
  /** Requests seen, as `METHOD path`. */
  requests: string[];
  stop(): Promise<void>;
}

const SLOW_DOWN =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>FAULT</RequestId></Error>';

export async function startFaultProxy(upstream: string, plan: FaultPlan): Promise<FaultProxy> {
  const target = new URL(upstream);
  const injected = { slowDowns: 0, drops: 0, regionErrors: 0 };
  const requests: string[] = [];
  // Object GETs are path-style `/bucket/key…` (the SDK adds `?x-id=GetObject`); listings carry `list-type=`.
  const match =
    plan.match ??
    ((method: string, path: string) =>
      method === 'GET' && !/[?&](list-type|prefix|location)=/.test(path) && path.split('?')[0]!.split('/').length > 2);
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    requests.push(`${req.method} ${path}`);
    const signedFor = /Credential=[^/]+\/\d{8}\/([^/]+)\/s3\/aws4_request/.exec(req.headers.authorization ?? '')?.[1];
    if (plan.bucketRegion && signedFor !== plan.bucketRegion) {
      injected.regionErrors++;
      req.resume();
      const bucket = path.split('?')[0]!.split('/')[1] ?? '';
      const [status, headers, body] =
        plan.regionError === 'authorization'
          ? [
              400,
              {},
              `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AuthorizationHeaderMalformed</Code><Message>The authorization header is malformed; the region '${signedFor}' is wrong; expecting '${plan.bucketRegion}'</Message><Region>${plan.bucketRegion}</Region><RequestId>FAULT</RequestId><HostId>FAULT</HostId></Error>`,
            ]
          : [
              301,
              { 'x-amz-bucket-region': plan.bucketRegion },
              `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.</Message><Endpoint>${bucket}.s3.${plan.bucketRegion}.amazonaws.com</Endpoint><Bucket>${bucket}</Bucket><RequestId>FAULT</RequestId><HostId>FAULT</HostId></Error>`,
            ];
      const payload = req.method === 'HEAD' ? '' : body;
      res.writeHead(status, {
        ...headers,
        'content-type': 'application/xml',
        'content-length': Buffer.byteLength(payload),
      });
      res.end(payload);
      return;
    }
    const eligible = match(req.method ?? 'GET', path);
    if (eligible && injected.slowDowns < (plan.slowDowns ?? 0)) {
      injected.slowDowns++;
      req.resume();
      res.writeHead(503, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(SLOW_DOWN) });
      res.end(SLOW_DOWN);
      return;
    }
    const drop = eligible && injected.drops < (plan.drops ?? 0);
    if (drop) injected.drops++;
    const upstreamReq = request(
      { host: target.hostname, port: target.port, method: req.method, path, headers: req.headers },
      (up) => {
        const length = Number(up.headers['content-length'] ?? 0);
        res.writeHead(up.statusCode ?? 502, up.headers);
        if (!drop || up.statusCode !== 200 || length < 2) {
          up.pipe(res);
          return;
        }
        // Send half of the body, then cut the connection as a broken network would.
        let sent = 0;
        const half = Math.floor(length / 2);
        up.on('data', (chunk: Buffer) => {
          if (sent >= half) return;
          const part = chunk.subarray(0, half - sent);
          sent += part.length;
          res.write(part);
          if (sent >= half) {
            up.destroy();
            setTimeout(() => res.socket?.destroy(), 10);
          }
        });
      },
    );
    upstreamReq.on('error', () => res.destroy());
    req.pipe(upstreamReq);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    injected,
    requests,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
