/**
 * A lean HTTP/1.1 client for S3 GETs: keep-alive sockets (plain or TLS) that read through one
 * reused buffer (`onread`), with bodies handed to a synchronous sink piece by piece. node:http
 * allocates a Buffer for every 64 KB read and pushes it through two streams: receiving 4 x 64 MB
 * from s3rver cost 680-760 ms of CPU that way against 200-230 ms here (Node 24, this machine),
 * and for large objects that CPU, not the wire, set the pace. Only what S3 GETs need: GET,
 * bodies framed by Content-Length or chunked (or ended by the close), keep-alive.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { wireError, WireResponse, type ConnectionControl } from './wire-response.js';

export { WireResponse, type BodySink } from './wire-response.js';

/** Where a client connects: one host, plain or TLS. */
export interface WireTarget {
  secure: boolean;
  host: string;
  port?: number;
  /** Certificates to trust instead of Node's bundled ones (a private CA). */
  ca?: string | Buffer;
}

export interface WireOptions {
  /** Connections open at once (others wait for one). */
  maxSockets: number;
  /** An answer silent for this long is dropped (ETIMEDOUT, retryable). */
  timeoutMs?: number;
}

const MAX_HEAD = 64 * 1024;
const CRLFCRLF = Buffer.from('\r\n\r\n');

/** How the end of a body is known. */
type Framing =
  | { kind: 'length'; left: number }
  | { kind: 'chunked'; step: 'size' | 'data' | 'crlf' | 'trailer'; left: number; line: string }
  | { kind: 'close' };

/** One socket and the exchange on it; back to its client's pool when an answer is complete. */
class WireConnection implements ConnectionControl {
  readonly socket: Socket;
  /** The head read so far, when it spans reads (a copy). */
  private head: Buffer[] = [];
  private headBytes = 0;
  private framing?: Framing;
  private response?: WireResponse;
  private request?: { resolve: (r: WireResponse) => void; reject: (e: Error) => void; stale: boolean };
  private closed = false;
  private exchanges = 0;

  constructor(
    target: WireTarget,
    buffer: Buffer,
    private readonly release: (c: WireConnection, reusable: boolean) => void,
    private readonly timeoutMs: number,
  ) {
    const onread = { buffer, callback: (n: number, buf: Buffer) => this.onRead(buf.subarray(0, n)) };
    const port = target.port ?? (target.secure ? 443 : 80);
    // tls.connect takes `onread` too (Node >= 14), though @types/node only lists it for net
    const secure = { host: target.host, port, ALPNProtocols: ['http/1.1'], ca: target.ca, onread };
    this.socket = target.secure
      ? tlsConnect({ ...secure, servername: isIP(target.host) ? undefined : target.host } as ConnectionOptions)
      : netConnect({ host: target.host, port, onread });
    this.socket.setNoDelay(true);
    this.socket.on('error', (error) => this.lost(error));
    this.socket.on('close', () =>
      this.lost(wireError('socket hang up: the server closed the connection', 'ECONNRESET')),
    );
    this.socket.on('end', () => this.onEnd());
    this.socket.on('timeout', () =>
      this.socket.destroy(wireError(`No answer for ${this.timeoutMs / 1000} s`, 'ETIMEDOUT')),
    );
  }

  get alive(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  /** Sends one GET; resolves when the status line and headers are in. */
  send(path: string, headers: Record<string, string>): Promise<WireResponse> {
    let text = `GET ${path} HTTP/1.1\r\n`;
    for (const [name, value] of Object.entries(headers)) text += `${name}: ${value}\r\n`;
    this.exchanges++;
    return new Promise<WireResponse>((resolve, reject) => {
      this.request = { resolve, reject, stale: this.exchanges > 1 };
      this.socket.ref();
      this.resumeReading();
      this.socket.setTimeout(this.timeoutMs);
      this.socket.write(`${text}\r\n`);
    });
  }

  pauseReading(): void {
    this.socket.pause();
  }
  resumeReading(): void {
    if (this.alive) this.socket.resume();
  }

  /** Closes the socket and gives its place in the pool back, once, whoever calls first. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.release(this, false);
  }

  /** Returns false to pause the socket (a body piece is waiting for its sink). */
  private onRead(data: Buffer): boolean {
    if (this.request) return this.readHead(data);
    if (this.response && this.framing) return this.readBody(data);
    this.close(); // bytes nobody asked for: the connection cannot be trusted
    return false;
  }

  private readHead(data: Buffer): boolean {
    const seen = this.headBytes;
    // usually the whole head (and a small body) comes in one read: it is parsed in place
    const all = seen === 0 ? data : Buffer.concat([this.head[0]!, data]);
    const at = all.indexOf(CRLFCRLF, Math.max(0, seen - 3));
    if (at < 0) {
      if (all.length > MAX_HEAD) this.failRequest(wireError('The answer head is over 64 KB', 'EPROTO'));
      this.head = [seen === 0 ? Buffer.from(data) : all]; // a copy: the read buffer is reused
      this.headBytes = all.length;
      return true;
    }
    this.head = [];
    this.headBytes = 0;
    const lines = all.subarray(0, at).toString('latin1').split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
    if (!status) {
      this.failRequest(wireError(`Not an HTTP/1.1 answer: ${JSON.stringify(lines[0]?.slice(0, 80))}`, 'EPROTO'));
      return false;
    }
    const headers = Object.create(null) as Record<string, string>; // names come from the server
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const statusCode = Number(status[1]);
    if (statusCode >= 100 && statusCode < 200) return this.readHead(all.subarray(at + 4)); // 100 Continue and kin
    const request = this.request!;
    this.request = undefined;
    this.keepAlive = !/\bclose\b/i.test(headers.connection ?? '') && lines[0]!.startsWith('HTTP/1.1');
    if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? ''))
      this.framing = { kind: 'chunked', step: 'size', left: 0, line: '' };
    else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      if (!Number.isSafeInteger(length) || length < 0) {
        this.failRequest(wireError(`Bad Content-Length ${headers['content-length']}`, 'EPROTO'), request);
        return false;
      }
      this.framing = { kind: 'length', left: length };
    } else if (statusCode === 204 || statusCode === 304) this.framing = { kind: 'length', left: 0 };
    else this.framing = { kind: 'close' };
    const response = new WireResponse(statusCode, headers, this);
    this.response = response;
    request.resolve(response);
    this.readBody(all.subarray(at + 4));
    if (this.response !== response) return true; // complete already: read on (an idle socket notices a close)
    // until the caller attaches a sink (a microtask away) the socket waits
    this.pauseReading();
    return false;
  }

  private keepAlive = true;

  private readBody(data: Buffer): boolean {
    const framing = this.framing!;
    const response = this.response!;
    let go = true;
    if (framing.kind === 'close') {
      if (data.length) go = response.push(data);
      return go;
    }
    if (framing.kind === 'length') {
      const piece = data.subarray(0, framing.left);
      framing.left -= piece.length;
      if (piece.length) go = response.push(piece);
      if (framing.left === 0) this.finish(data.length > piece.length);
      return go || this.response !== response;
    }
    let at = 0;
    while (at < data.length && this.response === response) {
      if (framing.step === 'data') {
        const piece = data.subarray(at, at + framing.left);
        at += piece.length;
        framing.left -= piece.length;
        if (piece.length) go = response.push(piece) && go;
        if (framing.left === 0) framing.step = 'crlf';
        continue;
      }
      const eol = data.indexOf(10, at);
      framing.line += data.subarray(at, eol < 0 ? data.length : eol + 1).toString('latin1');
      at = eol < 0 ? data.length : eol + 1;
      if (eol < 0) continue;
      const line = framing.line.trim();
      framing.line = '';
      if (framing.step === 'crlf') framing.step = 'size';
      else if (framing.step === 'size') {
        const size = parseInt(line.split(';')[0]!, 16);
        if (!/^[0-9a-f]+/i.test(line) || !Number.isSafeInteger(size)) {
          response.destroy(wireError(`Bad chunk size ${JSON.stringify(line.slice(0, 20))}`, 'EPROTO'));
          return false;
        }
        framing.left = size;
        framing.step = size === 0 ? 'trailer' : 'data';
      } else if (line === '') this.finish(at < data.length); // the trailer's end
    }
    return go || this.response !== response;
  }

  /** A body is complete: the response ends, the connection goes back (or closes). */
  private finish(extra: boolean): void {
    const response = this.response!;
    this.response = undefined;
    this.framing = undefined;
    this.socket.setTimeout(0);
    response.end();
    if (this.keepAlive && !extra && this.alive) {
      this.socket.unref(); // an idle pooled socket does not hold the process open
      this.release(this, true);
    } else this.close();
  }

  private onEnd(): void {
    if (this.framing?.kind === 'close' && this.response) {
      this.keepAlive = false;
      this.finish(false);
    }
  }

  private failRequest(error: Error, request = this.request): void {
    this.request = undefined;
    request?.reject(error);
    this.close();
  }

  /** The socket is gone: whatever was in flight fails (a retryable code). */
  private lost(error: Error): void {
    const request = this.request;
    this.request = undefined;
    if (request) request.reject(Object.assign(error, { stale: request.stale && this.headBytes === 0 }));
    const response = this.response;
    this.response = undefined;
    if (response) {
      const left = this.framing?.kind === 'length' ? this.framing.left : undefined;
      response.fail(
        left !== undefined
          ? wireError(`Truncated body: the connection closed with ${left} bytes still to come`, 'TruncatedBody')
          : error,
      );
    }
    this.close();
  }
}

/** Keep-alive connections to one target, at most `maxSockets` at once; one read buffer for all. */
export class WireClient {
  private readonly idle: WireConnection[] = [];
  private readonly waiting: (() => void)[] = [];
  private readonly all = new Set<WireConnection>();
  private readonly buffer = Buffer.allocUnsafe(512 * 1024); // every onread callback consumes it at once
  private readonly timeoutMs: number;

  constructor(
    private readonly target: WireTarget,
    private readonly options: WireOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 120_000;
  }

  /** GETs `path`; a kept-alive connection that the server had closed is replaced once, silently. */
  async get(path: string, headers: Record<string, string>): Promise<WireResponse> {
    for (const [name, value] of Object.entries(headers))
      if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new Error(`Header ${name} holds a line break`);
    if (/[\s]/.test(path)) throw new Error(`The path ${JSON.stringify(path)} holds white space`);
    for (let attempt = 0; ; attempt++) {
      const connection = await this.acquire(attempt > 0);
      try {
        return await connection.send(path, headers);
      } catch (error) {
        if (attempt === 0 && (error as { stale?: boolean }).stale) continue;
        throw error;
      }
    }
  }

  private async acquire(fresh: boolean): Promise<WireConnection> {
    for (;;) {
      while (!fresh && this.idle.length) {
        const c = this.idle.pop()!;
        if (c.alive) return c;
        this.all.delete(c);
      }
      if (this.all.size < this.options.maxSockets) {
        const c = new WireConnection(
          this.target,
          this.buffer,
          (conn, reusable) => this.release(conn, reusable),
          this.timeoutMs,
        );
        this.all.add(c);
        return c;
      }
      if (fresh && this.idle.length) {
        this.idle.pop()!.close(); // make room for the fresh connection
        continue;
      }
      await new Promise<void>((r) => this.waiting.push(r));
    }
  }

  private release(connection: WireConnection, reusable: boolean): void {
    if (reusable && this.all.has(connection)) this.idle.push(connection);
    else this.all.delete(connection);
    this.waiting.shift()?.();
  }

  close(): void {
    for (const c of this.all) c.close();
    this.all.clear();
    this.idle.length = 0;
  }
}
