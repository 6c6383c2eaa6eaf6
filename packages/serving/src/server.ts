/**
 * The HTTP side of the Open Inference Protocol (KServe V2 REST) over node:http, keep-alive:
 * health, server and model metadata, model readiness and inference, with KServe's statuses
 * and `{"error": "..."}` bodies. The server listens before the model is loaded (liveness
 * answers at once, readiness says 503 until the model is loaded and verified) and never
 * becomes ready when loading fails.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@mlops-gha/common';
import { InferenceError, modelNotFound, modelNotReady } from './errors.js';
import type { ServedModel } from './model.js';

export const SERVER_NAME = 'mlops-gha-model-server';
export const SERVER_VERSION = '0.1.0';
/** Requests above this are refused with 413 (a batch of 1M FP32 values is about 10 MB of JSON). */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface ModelServerOptions {
  /** The model's name when known before loading (--name); otherwise the loaded model's. */
  name?: string;
  logger: Logger;
  maxBodyBytes?: number;
}

type State = { kind: 'loading' } | { kind: 'ready'; model: ServedModel } | { kind: 'failed'; reason: string };

interface Route {
  model?: string;
  version?: string;
  /** What is asked: health/server routes, or a model's metadata, readiness or inference. */
  action: 'live' | 'ready' | 'server' | 'metadata' | 'model-ready' | 'infer';
}

const MODEL_PATH = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?$/;

function route(path: string): Route | undefined {
  if (path === '/v2/health/live') return { action: 'live' };
  if (path === '/v2/health/ready') return { action: 'ready' };
  if (path === '/v2' || path === '/v2/') return { action: 'server' };
  const m = MODEL_PATH.exec(path);
  if (!m) return undefined;
  let model: string;
  let version: string | undefined;
  try {
    model = decodeURIComponent(m[1]!);
    version = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
  } catch {
    throw new InferenceError(400, 'The model name or version in the path is not valid percent-encoding.');
  }
  const action = m[3] === '/ready' ? 'model-ready' : m[3] === '/infer' ? 'infer' : 'metadata';
  return { model, version, action };
}

export class ModelServer {
  private state: State = { kind: 'loading' };
  private readonly server: Server;
  private readonly maxBodyBytes: number;

  constructor(private readonly options: ModelServerOptions) {
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.server = createServer({ keepAlive: true }, (req, res) => {
      this.handle(req, res).catch((error: unknown) => this.fail500(res, error));
    });
    // Load balancers and kube-proxy keep connections longer than Node's 5 s default.
    this.server.keepAliveTimeout = 65_000;
    this.server.headersTimeout = 66_000;
  }

  /** Starts listening; resolves with the bound address (port 0 picks a free one). */
  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** The model is loaded and verified: from now on the server is ready. */
  setModel(model: ServedModel): void {
    this.state = { kind: 'ready', model };
  }

  /** Loading failed: the server stays live but never ready. */
  setFailed(reason: string): void {
    this.state = { kind: 'failed', reason };
  }

  get ready(): boolean {
    return this.state.kind === 'ready';
  }

  /** Stops accepting connections, ends idle keep-alive ones, waits for requests in flight. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const force = setTimeout(() => this.server.closeAllConnections(), 5_000);
    await closed;
    clearTimeout(force);
    if (this.state.kind === 'ready') await this.state.model.release();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    let r: Route | undefined;
    try {
      r = route(path);
    } catch (error) {
      return this.sendError(req, res, error);
    }
    if (!r) return this.drainAndSend(req, res, 404, { error: `Not found: ${req.method ?? ''} ${path.slice(0, 200)}` });
    const method = r.action === 'infer' ? 'POST' : 'GET';
    if (req.method !== method) {
      res.setHeader('Allow', method);
      return this.drainAndSend(req, res, 405, { error: `Use ${method} for ${path.slice(0, 200)}.` });
    }
    try {
      switch (r.action) {
        case 'live':
          return this.drainAndSend(req, res, 200, { live: true });
        case 'ready':
          if (this.ready) return this.drainAndSend(req, res, 200, { ready: true });
          return this.drainAndSend(req, res, 503, { error: 'Server is not ready.', ready: false });
        case 'server':
          return this.drainAndSend(req, res, 200, { name: SERVER_NAME, version: SERVER_VERSION, extensions: [] });
        case 'metadata':
          return this.drainAndSend(req, res, 200, this.model(r).metadata());
        case 'model-ready':
          return this.drainAndSend(req, res, 200, { name: this.model(r).identity.name, ready: true });
        case 'infer': {
          const model = this.model(r);
          const body = parseJson(await this.readBody(req));
          return send(res, 200, await model.infer(body));
        }
      }
    } catch (error) {
      return this.sendError(req, res, error);
    }
  }

  /** The model a path names: 404 when it is another, 503 while it is not loaded. */
  private model(r: Route): ServedModel {
    const name = r.model!;
    const known = this.state.kind === 'ready' ? this.state.model.identity.name : this.options.name;
    if (known !== undefined && name !== known) throw modelNotFound(name);
    if (this.state.kind !== 'ready') throw modelNotReady(name);
    const model = this.state.model;
    if (r.version !== undefined && r.version !== model.identity.version) {
      throw new InferenceError(404, `Model with name ${name} and version ${r.version} does not exist.`);
    }
    return model;
  }

  private readBody(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const declared = Number(req.headers['content-length']);
      if (declared > this.maxBodyBytes) return reject(tooLarge(this.maxBodyBytes));
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.maxBodyBytes) {
          req.removeAllListeners('data');
          reject(tooLarge(this.maxBodyBytes));
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
      req.on('error', reject);
    });
  }

  private sendError(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    if (!(error instanceof InferenceError)) return this.fail500(res, error);
    // A refused upload is not read to its end: close the connection instead of draining it.
    if (error.status === 413) res.setHeader('Connection', 'close');
    if (error.status === 413) return sendJson(res, error.status, { error: error.message });
    return this.drainAndSend(req, res, error.status, { error: error.message });
  }

  /** Answers once the request body (if any) is consumed, so the keep-alive connection stays usable. */
  private drainAndSend(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
    if (req.complete) return sendJson(res, status, body);
    req.resume();
    req.once('end', () => sendJson(res, status, body));
  }

  private fail500(res: ServerResponse, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.options.logger.warning(`model-server: internal error: ${message}`);
    if (!res.headersSent) sendJson(res, 500, { error: `Internal server error: ${message}` });
    else res.destroy();
  }
}

function tooLarge(limit: number): InferenceError {
  return new InferenceError(413, `The request body is larger than ${limit} bytes; send smaller batches.`);
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0)
    throw new InferenceError(400, 'The request body is empty; send a JSON object with an "inputs" array.');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new InferenceError(400, `The request body is not valid JSON: ${(error as Error).message.slice(0, 200)}`);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, JSON.stringify(body));
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
