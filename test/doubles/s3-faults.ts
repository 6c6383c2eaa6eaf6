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
}

export interface FaultProxy {
  endpoint: string;
  /** Faults injected so far. */
  injected: { slowDowns: number; drops: number };
  /** Requests seen, as `METHOD path`. */
  requests: string[];
  stop(): Promise<void>;
}

const SLOW_DOWN = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>FAULT</RequestId></Error>';

export async function startFaultProxy(upstream: string, plan: FaultPlan): Promise<FaultProxy> {
  const target = new URL(upstream);
  const injected = { slowDowns: 0, drops: 0 };
  const requests: string[] = [];
  // Object GETs are path-style `/bucket/key…` (the SDK adds `?x-id=GetObject`); listings carry `list-type=`.
  const match =
    plan.match ?? ((method: string, path: string) => method === 'GET' && !/[?&](list-type|prefix|location)=/.test(path) && path.split('?')[0]!.split('/').length > 2);
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    requests.push(`${req.method} ${path}`);
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
