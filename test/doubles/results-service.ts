/**
 * What the Actions artifact service double and the cache service double share: both are
 * services of the "results" backend the runner points ACTIONS_RESULTS_URL at
 * (reference/github.md §3), so both speak
 *
 * - twirp JSON RPCs, `POST /twirp/<service>/<Method>`, the runtime token as a bearer,
 *   `application/json` bodies with the proto field names (snake_case), errors as
 *   `{code, msg}` with the twirp HTTP status;
 * - an Azure block-blob endpoint for the signed URLs the RPCs hand out: Put Blob (one `PUT`
 *   with `x-ms-blob-type: BlockBlob`), Put Block (`comp=block&blockid=`), Put Block List
 *   (`comp=blocklist`, blocks joined in list order), every write answered 201; and a plain
 *   `GET` download. The Azure SDK on a loopback host addresses a blob as
 *   `/<account>/<container>/<blob>`, so the URLs are `/acct/<container>/<id>?sig=...`.
 *
 * A subclass supplies the RPC handlers (`rpc`) and, per blob id, what may be done with the blob
 * and where committed bytes go (`blobTarget`). Requests are recorded in arrival order.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const b64url = (value: object | string) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/**
 * A runtime token as the clients need it: a JWT (unsigned: the artifact client only decodes
 * it, the cache client only sends it) whose `scp` claim holds
 * `Actions.Results:<runBackendId>:<jobBackendId>`.
 */
export function runtimeToken(runBackendId = 'run-backend-1', jobBackendId = 'job-backend-1'): string {
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ scp: `Actions.ExampleScope Actions.Results:${runBackendId}:${jobBackendId}` })}.x`;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Twirp method name, or the blob operation (block, blocklist, blob, download). */
  operation: string;
  /** The decoded JSON body of a twirp request. */
  body?: Record<string, unknown>;
}

export type TwirpReply = { status: number; body: object };

export const twirpError = (status: number, code: string, msg: string): TwirpReply => ({ status, body: { code, msg } });

/** What one blob id allows, and where its committed bytes go. */
export interface BlobTarget {
  /** GET answers the committed bytes (else 404 BlobNotFound). */
  readable: boolean;
  /** PUTs are accepted (else 409 with `sealedMessage`). */
  writable: boolean;
  sealedMessage?: string;
  bytes?: Buffer;
  /** Content-Type of a download. */
  contentType: string;
  /** Whether this `sig` may do this: `write` for PUTs, `read` for GET. Default: any non-empty sig. */
  authorize?(sig: string, access: 'read' | 'write'): boolean;
  /** Put Blob, or Put Block List: the whole blob, and the content type the client declared. */
  commit(bytes: Buffer, contentType: string): void;
}

export abstract class ResultsServiceDouble {
  readonly requests: RecordedRequest[] = [];
  url = '';
  private server?: Server;
  /** Staged (uncommitted) blocks by blob id, then block id. */
  private readonly blocks = new Map<number, Map<string, Buffer>>();

  protected constructor(
    /** The twirp service name, e.g. github.actions.results.api.v1.CacheService. */
    readonly service: string,
    /** The container segment of the blob URLs. */
    readonly container: string,
    readonly token: string,
  ) {}

  /** Listens on a free loopback port; sets `url`. */
  protected async listen(): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'internal', msg: String(error) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Same as `close()`. */
  stop(): Promise<void> {
    return this.close();
  }

  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  }

  /** What the runner gives a node action for every service of the results backend: where, and the token. */
  protected resultsEnv(): Record<string, string> {
    return { ACTIONS_RESULTS_URL: `${this.url}/`, ACTIONS_RUNTIME_TOKEN: this.token };
  }

  /** A signed URL for blob `id` in this service's container. */
  protected blobUrl(id: number, sig: string): string {
    return `${this.url}/acct/${this.container}/${id}?sig=${encodeURIComponent(sig)}`;
  }

  /** One RPC, its request already authenticated and decoded. */
  protected abstract rpc(method: string, request: Record<string, unknown>, path: string): TwirpReply;

  /** The blob with this id, or undefined (403, as for a URL nobody signed). */
  protected abstract blobTarget(id: number): BlobTarget | undefined;

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await readBody(req);
    if (url.pathname.startsWith('/twirp/')) {
      const reply = this.twirp(req, url.pathname, body);
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
      return;
    }
    const blob = new RegExp(`^/acct/${this.container}/(\\d+)$`).exec(url.pathname);
    if (blob) {
      this.blobRequest(req, res, url, Number(blob[1]), body);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  }

  private twirp(req: IncomingMessage, path: string, raw: Buffer): TwirpReply {
    const prefix = `/twirp/${this.service}/`;
    const method = path.startsWith(prefix) ? path.slice(prefix.length) : path;
    const record: RecordedRequest = { method: req.method ?? '', path, operation: method };
    this.requests.push(record);
    if (req.method !== 'POST')
      return twirpError(404, 'bad_route', `unsupported method ${req.method} (only POST is allowed)`);
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return twirpError(401, 'unauthenticated', 'invalid or missing bearer token');
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return twirpError(404, 'bad_route', `unexpected Content-Type: ${req.headers['content-type']}`);
    }
    let request: Record<string, unknown>;
    try {
      request = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      return twirpError(400, 'malformed', 'the json request could not be decoded');
    }
    record.body = request;
    if (!path.startsWith(prefix)) return twirpError(404, 'bad_route', `no handler for path "${path}"`);
    return this.rpc(method, request, path);
  }

  /** Azure Blob REST: Put Block, Put Block List, Put Blob; GET downloads. All writes answer 201. */
  private blobRequest(req: IncomingMessage, res: ServerResponse, url: URL, id: number, body: Buffer): void {
    const target = this.blobTarget(id);
    const comp = url.searchParams.get('comp');
    const operation = req.method === 'GET' ? 'download' : (comp ?? 'blob');
    this.requests.push({ method: req.method ?? '', path: url.pathname, operation });
    const azureError = (status: number, code: string, message: string) => {
      res.writeHead(status, { 'content-type': 'application/xml', 'x-ms-error-code': code });
      res.end(`<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
    };
    const sig = url.searchParams.get('sig') ?? '';
    const access = req.method === 'GET' || req.method === 'HEAD' ? 'read' : 'write';
    const authorized = sig !== '' && (target?.authorize ? target.authorize(sig, access) : true);
    if (!target || !authorized)
      return azureError(403, 'AuthenticationFailed', 'Server failed to authenticate the request.');
    const created = () => {
      res.writeHead(201, {
        etag: `"0x${id.toString(16)}${Date.now().toString(16)}"`,
        'last-modified': new Date().toUTCString(),
        'x-ms-request-id': `req-${this.requests.length}`,
        'x-ms-version': String(req.headers['x-ms-version'] ?? '2025-01-05'),
        'x-ms-request-server-encrypted': 'true',
      });
      res.end();
    };
    if (req.method === 'GET') {
      if (!target.readable || !target.bytes)
        return azureError(404, 'BlobNotFound', 'The specified blob does not exist.');
      res.writeHead(200, { 'content-type': target.contentType, 'content-length': target.bytes.length });
      res.end(target.bytes);
      return;
    }
    if (req.method !== 'PUT')
      return azureError(405, 'UnsupportedHttpVerb', "The resource doesn't support specified Http Verb.");
    if (!target.writable)
      return azureError(409, 'BlobImmutableDueToPolicy', target.sealedMessage ?? 'The blob is already committed.');
    if (comp === 'block') {
      const blockId = url.searchParams.get('blockid');
      if (!blockId) return azureError(400, 'InvalidQueryParameterValue', 'blockid is required.');
      if (!this.blocks.has(id)) this.blocks.set(id, new Map());
      this.blocks.get(id)!.set(blockId, body);
      return created();
    }
    if (comp === 'blocklist') {
      const staged = this.blocks.get(id) ?? new Map<string, Buffer>();
      const ids = [...body.toString('utf8').matchAll(/<(Latest|Uncommitted|Committed)>([^<]*)<\/\1>/g)].map(
        (m) => m[2]!,
      );
      const parts: Buffer[] = [];
      for (const blockId of ids) {
        const block = staged.get(blockId);
        if (!block) return azureError(400, 'InvalidBlockList', 'The specified block list is invalid.');
        parts.push(block);
      }
      target.commit(Buffer.concat(parts), String(req.headers['x-ms-blob-content-type'] ?? ''));
      this.blocks.delete(id);
      return created();
    }
    if (comp === null && req.headers['x-ms-blob-type'] === 'BlockBlob') {
      target.commit(body, String(req.headers['x-ms-blob-content-type'] ?? req.headers['content-type'] ?? ''));
      return created();
    }
    return azureError(400, 'InvalidQueryParameterValue', `unsupported comp=${comp}`);
  }
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
