import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { isTransient } from './retry.js';
import { WireClient, type WireResponse } from './wire.js';

/**
 * The lean client against servers that write raw bytes: each case scripts what a real server
 * (or a broken network) may send, byte for byte, and checks the status, headers and body bytes
 * the caller gets, or the error it gets.
 */
type Script = (socket: Socket, request: string, index: number) => void;

const servers: Server[] = [];
const clients: WireClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
});

/** A server that hands each request's head to `script`; counts connections and requests. */
async function rawServer(script: Script) {
  const seen = { connections: 0, requests: [] as string[] };
  const server = createServer((socket) => {
    seen.connections++;
    let text = '';
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      for (let end = text.indexOf('\r\n\r\n'); end >= 0; end = text.indexOf('\r\n\r\n')) {
        const request = text.slice(0, end);
        text = text.slice(end + 4);
        seen.requests.push(request);
        script(socket, request, seen.requests.length - 1);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const client = (maxSockets = 4, timeoutMs?: number) => {
    const c = new WireClient({ secure: false, host: '127.0.0.1', port }, { maxSockets, timeoutMs });
    clients.push(c);
    return c;
  };
  return { seen, client };
}

const answer = (body: string | Buffer, headers = '') =>
  Buffer.concat([
    Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers}\r\n`),
    Buffer.from(body),
  ]);

/** Writes `bytes` a few at a time, each piece in its own TCP write, so reads split anywhere. */
async function dribble(socket: Socket, bytes: Buffer, step: number): Promise<void> {
  for (let at = 0; at < bytes.length; at += step) {
    socket.write(bytes.subarray(at, at + step));
    await new Promise((r) => setTimeout(r, 1));
  }
}

async function text(res: WireResponse): Promise<string> {
  return (await res.bytesAll()).toString('latin1');
}

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as Error & { code?: string },
  );

describe('WireClient: answers as servers send them', () => {
  it('reads a head and body split into 3-byte pieces, and sends the headers it is given', async () => {
    const body = Buffer.from('0123456789'.repeat(300));
    const { seen, client } = await rawServer(
      (s) => void dribble(s, answer(body, 'ETag: "abc"\r\nX-Two: a\r\nx-two: b\r\n'), 3),
    );
    const res = await client().get('/bucket/k%20ey', { host: 'example', range: 'bytes=0-9' });
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"abc"');
    expect(res.headers['x-two']).toBe('a, b'); // repeated headers joined, as node:http does
    expect(await text(res)).toBe(body.toString());
    expect(seen.requests[0]).toBe('GET /bucket/k%20ey HTTP/1.1\r\nhost: example\r\nrange: bytes=0-9');
  });

  it('keeps the connection for the next request, and feeds a sink the exact bytes', async () => {
    const { seen, client } = await rawServer((s, _r, i) => s.write(answer(`answer ${i}`)));
    const c = client();
    for (const i of [0, 1, 2]) {
      const pieces: string[] = [];
      const res = await c.get(`/k${i}`, {});
      expect(await res.read((chunk) => void pieces.push(chunk.toString()))).toBe(`answer ${i}`.length);
      expect(pieces.join('')).toBe(`answer ${i}`);
    }
    expect(seen.connections).toBe(1);
  });

  it('decodes a chunked body (extensions, a trailer, sizes split across reads) and keeps the connection', async () => {
    const chunked = Buffer.from(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1A\r\n, chunked world, 26 bytes!\r\n0\r\nX-Trailer: t\r\n\r\n',
    );
    const { seen, client } = await rawServer((s) => void dribble(s, chunked, 2));
    const c = client();
    expect(await text(await c.get('/a', {}))).toBe('hello, chunked world, 26 bytes!');
    expect(await text(await c.get('/b', {}))).toBe('hello, chunked world, 26 bytes!');
    expect(seen.connections).toBe(1);
  });

  it('reads a body without a length to the close, and a 204 as empty', async () => {
    const { client } = await rawServer((s, request) => {
      if (request.startsWith('GET /empty')) s.write('HTTP/1.1 204 No Content\r\n\r\n');
      else s.end('HTTP/1.0 200 OK\r\n\r\nuntil the end');
    });
    expect(await text(await client().get('/close', {}))).toBe('until the end');
    const empty = await client().get('/empty', {});
    expect([empty.statusCode, await text(empty)]).toEqual([204, '']);
  });

  it('skips a 100 Continue before the answer', async () => {
    const { client } = await rawServer((s) =>
      s.write(Buffer.concat([Buffer.from('HTTP/1.1 100 Continue\r\n\r\n'), answer('after')])),
    );
    expect(await text(await client().get('/', {}))).toBe('after');
  });

  it('gives header names from the server no power over the headers object', async () => {
    const { client } = await rawServer((s) => s.write(answer('x', '__proto__: polluted\r\nconstructor: c\r\n')));
    const res = await client().get('/', {});
    expect(res.headers['__proto__']).toBe('polluted');
    expect(Object.getPrototypeOf(res.headers)).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await res.bytesAll();
  });
});

describe('WireClient: faults', () => {
  it('rejects a body cut before its Content-Length with a retryable TruncatedBody', async () => {
    const { client } = await rawServer((s) => {
      s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly forty bytes of the hundred promised');
      setTimeout(() => s.destroy(), 20);
    });
    const res = await client().get('/', {});
    const error = await errorOf(res.read(() => undefined));
    expect(error?.code).toBe('TruncatedBody');
    expect(error?.message).toBe('Truncated body: the connection closed with 60 bytes still to come');
    expect(isTransient(error)).toBe(true);
  });

  it('sends again, on a fresh connection, a request whose kept-alive connection the server had closed', async () => {
    const { seen, client } = await rawServer((s, _r, i) => {
      if (i === 1)
        s.destroy(); // the second request meets a connection the server dropped
      else s.write(answer(`fine ${i}`));
    });
    const c = client(1); // the only place is taken by the dead connection until it is replaced
    expect(await text(await c.get('/1', {}))).toBe('fine 0');
    expect(await text(await c.get('/2', {}))).toBe('fine 2');
    expect(seen.connections).toBe(2);
  });

  it("gives a failed connection's place back: with one socket, requests after protocol errors and cut bodies are served", async () => {
    const { client } = await rawServer((s, request) => {
      if (request.includes('/bad')) s.write('garbage\r\n\r\n');
      else if (request.includes('/cut')) {
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
        setTimeout(() => s.destroy(), 10);
      } else s.write(answer('ok'));
    });
    const c = client(1, 2000);
    for (let i = 0; i < 3; i++) await expect(c.get('/bad', {})).rejects.toThrow('Not an HTTP/1.1 answer');
    const cut = await c.get('/cut', {});
    await expect(cut.read(() => undefined)).rejects.toThrow('Truncated body');
    expect(await text(await c.get('/fine', {}))).toBe('ok');
  });

  it('rejects a first request whose connection closes unanswered with a retryable error', async () => {
    const { client } = await rawServer((s) => s.destroy());
    const error = await errorOf(client().get('/', {}));
    expect(error?.code).toBe('ECONNRESET');
    expect(isTransient(error)).toBe(true);
  });

  it('rejects an answer that is not HTTP/1.x, and one whose head never ends', async () => {
    const { client } = await rawServer((s, request) => {
      if (request.includes('/smtp')) s.write('220 mail.example ESMTP\r\n\r\n');
      else s.write(`HTTP/1.1 200 OK\r\nX-Long: ${'a'.repeat(70 * 1024)}`);
    });
    const smtp = await errorOf(client().get('/smtp', {}));
    expect([smtp?.code, smtp?.message]).toEqual(['EPROTO', 'Not an HTTP/1.1 answer: "220 mail.example ESMTP"']);
    const long = await errorOf(client().get('/long', {}));
    expect([long?.code, long?.message]).toEqual(['EPROTO', 'The answer head is over 64 KB']);
  });

  it('drops a silent server after the timeout (ETIMEDOUT, retryable)', async () => {
    const { client } = await rawServer(() => undefined);
    const error = await errorOf(client(4, 150).get('/', {}));
    expect(error?.code).toBe('ETIMEDOUT');
    expect(isTransient(error)).toBe(true);
  });

  it('refuses a header or path that would split the request, sending nothing', async () => {
    const { seen, client } = await rawServer((s) => s.write(answer('x')));
    await expect(client().get('/', { 'if-match': '"a"\r\nX-Injected: 1' })).rejects.toThrow(
      'Header if-match holds a line break',
    );
    await expect(client().get('/a HTTP/1.1\r\nX: y', {})).rejects.toThrow('holds white space');
    expect(seen.requests).toEqual([]);
  });

  it('rejects the read when the sink throws, drops that connection, and serves the next request', async () => {
    const { seen, client } = await rawServer((s, _r, i) => s.write(answer(`body ${i}`.repeat(1 << 20))));
    const c = client();
    const res = await c.get('/', {});
    const error = await errorOf(
      res.read(() => {
        throw new Error('disk full');
      }),
    );
    expect(error?.message).toBe('disk full');
    expect((await text(await c.get('/', {}))).startsWith('body 1')).toBe(true);
    expect(seen.connections).toBe(2);
  });

  it('rejects the read when the sink throws on a body that had all arrived, and keeps that sound connection', async () => {
    const { seen, client } = await rawServer((s, _r, i) => s.write(answer(`short ${i}`)));
    const c = client(1);
    const res = await c.get('/', {});
    await new Promise((r) => setTimeout(r, 20)); // the whole answer is in before the sink comes
    const error = await errorOf(
      res.read(() => {
        throw new Error('no space');
      }),
    );
    expect(error?.message).toBe('no space');
    expect(await text(await c.get('/', {}))).toBe('short 1');
    expect(seen.connections).toBe(1);
  });

  it('drops the rest of a body when an iterating reader leaves early', async () => {
    const big = Buffer.alloc(4 << 20, 7);
    const { seen, client } = await rawServer((s, _r, i) => s.write(i === 0 ? answer(big) : answer('small')));
    const c = client(1);
    const res = await c.get('/big', {});
    let got = 0;
    for await (const chunk of res) {
      got += chunk.length;
      if (got > 1000) break;
    }
    expect(got).toBeLessThan(big.length);
    expect(await text(await c.get('/small', {}))).toBe('small'); // the only socket was freed
    expect(seen.connections).toBe(2);
  });

  it('queues requests beyond maxSockets and answers each on the connections it has', async () => {
    const { seen, client } = await rawServer((s, request) =>
      setTimeout(() => s.write(answer(request.split(' ')[1]!)), 5),
    );
    const c = client(2);
    const bodies = await Promise.all(['/a', '/b', '/c', '/d', '/e'].map(async (p) => text(await c.get(p, {}))));
    expect(bodies).toEqual(['/a', '/b', '/c', '/d', '/e']);
    expect(seen.connections).toBe(2);
  });
});

describe('WireClient over TLS', () => {
  it('verifies the server against the given CA and reads the body through TLS', async () => {
    const cert = readFileSync(new URL('../../../test/fixtures/tls/cert.pem', import.meta.url));
    const key = readFileSync(new URL('../../../test/fixtures/tls/key.pem', import.meta.url));
    const body = Buffer.alloc(3 << 20, 'tls');
    const server = createHttpsServer({ cert, key }, (req, res) => res.end(req.url === '/big' ? body : 'hi'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const c = new WireClient({ secure: true, host: 'localhost', port, ca: cert }, { maxSockets: 2 });
      clients.push(c);
      expect((await (await c.get('/big', { host: 'localhost' })).bytesAll()).equals(body)).toBe(true);
      expect(await text(await c.get('/small', { host: 'localhost' }))).toBe('hi');
      // without the CA, the self-signed certificate is refused
      const untrusting = new WireClient({ secure: true, host: 'localhost', port }, { maxSockets: 1 });
      clients.push(untrusting);
      const error = await errorOf(untrusting.get('/', {}));
      expect(error?.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
