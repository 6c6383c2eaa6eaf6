/**
 * The API server's service proxy subresource, `/api/v1/namespaces/NS/services/[SCHEME:]NAME[:PORT]/proxy/PATH`,
 * as kube-apiserver serves it: the request (method, query, body, content type) is forwarded to
 * an endpoint of the Service and the answer streamed back. A missing Service is a 404 Status,
 * a Service without a ready endpoint a 503 `no endpoints available for service "NAME"`.
 * Only `http` is served (the double's pods speak plain HTTP); the port part is accepted and,
 * like the loopback proxies, the Service's first port is used.
 */
import { request } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './status.js';

/** The Service's loopback URL (ServiceProxies), or undefined when the Service does not exist. */
export type ServiceUrl = (namespace: string, name: string) => string | undefined;

/** Matches the path segments after `/api/v1`; undefined when this is not a service proxy request. */
export function serviceProxyTarget(
  rest: string[],
): { namespace: string; name: string; scheme: string; path: string } | undefined {
  if (rest[0] !== 'namespaces' || rest[2] !== 'services' || rest[4] !== 'proxy' || rest.length < 5) return undefined;
  const parts = rest[3]!.split(':');
  const [scheme, name] = parts.length === 3 ? [parts[0]!, parts[1]!] : ['http', parts[0]!];
  return { namespace: rest[1]!, name, scheme, path: `/${rest.slice(5).join('/')}` };
}

export function proxyToService(
  serviceUrl: ServiceUrl,
  t: NonNullable<ReturnType<typeof serviceProxyTarget>>,
  search: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const base = serviceUrl(t.namespace, t.name);
  if (!base) throw new ApiError(404, 'NotFound', `services "${t.name}" not found`, { name: t.name, kind: 'services' });
  if (t.scheme !== 'http') throw new ApiError(400, 'BadRequest', `the double proxies only http, not ${t.scheme}`);
  return new Promise((resolve) => {
    const upstream = request(
      `${base}${t.path}${search}`,
      {
        method: req.method,
        headers: {
          ...(req.headers['content-type'] ? { 'content-type': req.headers['content-type'] } : {}),
          accept: req.headers.accept ?? '*/*',
        },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, {
          ...(answer.headers['content-type'] ? { 'Content-Type': answer.headers['content-type'] } : {}),
        });
        answer.pipe(res);
        answer.on('end', () => resolve());
      },
    );
    upstream.on('error', () => {
      // the loopback proxy closes connections to a Service without ready pods
      if (!res.headersSent) {
        const error = new ApiError(503, 'ServiceUnavailable', `no endpoints available for service "${t.name}"`);
        const text = JSON.stringify(error.body());
        res.writeHead(503, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
        res.end(text);
      } else res.destroy();
      resolve();
    });
    req.pipe(upstream);
  });
}
