/**
 * A local double of the Actions artifact service (v4 protocol, as @actions/artifact 6 speaks
 * it; reference/github.md §3): twirp JSON RPCs under
 * `/twirp/github.actions.results.api.v1.ArtifactService/<Method>` with the runtime token as a
 * bearer, and an Azure block-blob endpoint for the signed upload URL (Put Block, Put Block
 * List, Put Blob) that keeps the bytes exactly as they arrived. Tests read what was uploaded
 * back (the zip, unpacked by our own reader) instead of trusting any client's report.
 *
 * The action under test finds it through ACTIONS_RESULTS_URL and ACTIONS_RUNTIME_TOKEN (see
 * `env()`), with GITHUB_SERVER_URL left at https://github.com (any other host but *.ghe.com and
 * *.localhost makes the client refuse: GHESNotSupportedError).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inflateRawSync } from 'node:zlib';

export const ARTIFACT_SERVICE = 'github.actions.results.api.v1.ArtifactService';

const b64url = (value: object | string) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/**
 * A runtime token as the client needs it: a JWT (unsigned: the client only decodes it) whose
 * `scp` claim holds `Actions.Results:<runBackendId>:<jobBackendId>`.
 */
export function runtimeToken(runBackendId = 'run-backend-1', jobBackendId = 'job-backend-1'): string {
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ scp: `Actions.ExampleScope Actions.Results:${runBackendId}:${jobBackendId}` })}.x`;
}

export interface StoredArtifact {
  id: number;
  name: string;
  runBackendId: string;
  jobBackendId: string;
  mimeType?: string;
  expiresAt?: string;
  createdAt: string;
  finalized: boolean;
  /** What FinalizeArtifact declared. */
  declaredSize?: number;
  declaredHash?: string;
  /** The committed blob: the blocks joined in Put Block List order. */
  blob?: Buffer;
  blobContentType?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Twirp method name, or the blob operation (block, blocklist, blob, download). */
  operation: string;
}

type Twirp = { status: number; body: object };

export class ArtifactServiceDouble {
  readonly artifacts: StoredArtifact[] = [];
  readonly requests: RecordedRequest[] = [];
  private readonly blocks = new Map<number, Map<string, Buffer>>();
  private nextId = 1001;
  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly token: string,
    private readonly runBackendId: string,
    private readonly jobBackendId: string,
  ) {}

  static async start(options: { runBackendId?: string; jobBackendId?: string } = {}): Promise<ArtifactServiceDouble> {
    const runBackendId = options.runBackendId ?? 'run-backend-1';
    const jobBackendId = options.jobBackendId ?? 'job-backend-1';
    let double!: ArtifactServiceDouble;
    const server = createServer((req, res) => {
      double.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'internal', msg: String(error) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    double = new ArtifactServiceDouble(server, `http://127.0.0.1:${port}`, runtimeToken(runBackendId, jobBackendId), runBackendId, jobBackendId);
    return double;
  }

  /** The variables the runner gives a node action for the artifact service. */
  env(): Record<string, string> {
    return { ACTIONS_RESULTS_URL: `${this.url}/`, ACTIONS_RUNTIME_TOKEN: this.token, ACTIONS_RUNTIME_URL: `${this.url}/runtime/` };
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  /** The finalized artifact of this name, or undefined. */
  artifact(name: string): StoredArtifact | undefined {
    return this.artifacts.find((a) => a.name === name && a.finalized);
  }

  /** The files inside a finalized artifact's zip, by path. */
  files(name: string): Map<string, Buffer> {
    const artifact = this.artifact(name);
    if (!artifact?.blob) throw new Error(`No finalized artifact named ${name} (have: ${this.artifacts.map((a) => a.name).join(', ') || 'none'})`);
    return readZip(artifact.blob);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await readBody(req);
    const twirpPrefix = `/twirp/${ARTIFACT_SERVICE}/`;
    if (url.pathname.startsWith('/twirp/')) {
      const method = url.pathname.startsWith(twirpPrefix) ? url.pathname.slice(twirpPrefix.length) : url.pathname;
      this.requests.push({ method: req.method ?? '', path: url.pathname, operation: method });
      const reply = this.twirp(req, method, body, url.pathname);
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
      return;
    }
    const blob = /^\/acct\/art\/(\d+)$/.exec(url.pathname);
    if (blob) {
      this.blobRequest(req, res, url, Number(blob[1]), body);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  }

  private twirp(req: IncomingMessage, method: string, raw: Buffer, path: string): Twirp {
    if (req.method !== 'POST') return { status: 404, body: { code: 'bad_route', msg: `unsupported method ${req.method} (only POST is allowed)` } };
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return { status: 401, body: { code: 'unauthenticated', msg: 'invalid or missing bearer token' } };
    }
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return { status: 404, body: { code: 'bad_route', msg: `unexpected Content-Type: ${req.headers['content-type']}` } };
    }
    let request: Record<string, unknown>;
    try {
      request = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      return { status: 400, body: { code: 'malformed', msg: 'the json request could not be decoded' } };
    }
    const ids = { run: String(request.workflow_run_backend_id ?? ''), job: String(request.workflow_job_run_backend_id ?? '') };
    if (ids.run !== this.runBackendId || ids.job !== this.jobBackendId) {
      return { status: 400, body: { code: 'invalid_argument', msg: `unknown backend ids ${ids.run}/${ids.job}` } };
    }
    const name = String(request.name ?? '');
    switch (method) {
      case 'CreateArtifact': {
        if (request.version !== 7) return { status: 400, body: { code: 'invalid_argument', msg: `unsupported version ${request.version}` } };
        if (this.artifacts.some((a) => a.name === name && a.runBackendId === ids.run && a.finalized)) {
          return { status: 409, body: { code: 'already_exists', msg: 'an artifact with this name already exists on the workflow run' } };
        }
        const id = this.nextId++;
        this.artifacts.push({
          id,
          name,
          runBackendId: ids.run,
          jobBackendId: ids.job,
          mimeType: request.mime_type as string | undefined,
          expiresAt: request.expires_at as string | undefined,
          createdAt: new Date().toISOString(),
          finalized: false,
        });
        return { status: 200, body: { ok: true, signed_upload_url: `${this.url}/acct/art/${id}?sig=upload-signature-${id}` } };
      }
      case 'FinalizeArtifact': {
        const artifact = [...this.artifacts].reverse().find((a) => a.name === name && !a.finalized);
        if (!artifact) return { status: 404, body: { code: 'not_found', msg: `no artifact named ${name} is being uploaded` } };
        if (!artifact.blob) return { status: 400, body: { code: 'failed_precondition', msg: 'the artifact has no committed blob' } };
        artifact.finalized = true;
        artifact.declaredSize = Number(request.size);
        artifact.declaredHash = request.hash as string | undefined;
        return { status: 200, body: { ok: true, artifact_id: String(artifact.id) } };
      }
      case 'ListArtifacts': {
        const nameFilter = request.name_filter as string | undefined;
        const idFilter = request.id_filter as string | undefined;
        const list = this.artifacts.filter(
          (a) => a.finalized && a.runBackendId === ids.run && (!nameFilter || a.name === nameFilter) && (!idFilter || String(a.id) === String(idFilter)),
        );
        return {
          status: 200,
          body: {
            artifacts: list.map((a) => ({
              workflow_run_backend_id: a.runBackendId,
              workflow_job_run_backend_id: a.jobBackendId,
              database_id: String(a.id),
              name: a.name,
              size: String(a.blob?.length ?? 0),
              created_at: a.createdAt,
              digest: a.blob ? `sha256:${createHash('sha256').update(a.blob).digest('hex')}` : undefined,
            })),
          },
        };
      }
      case 'GetSignedArtifactURL': {
        const artifact = this.artifact(name);
        if (!artifact) return { status: 404, body: { code: 'not_found', msg: `artifact ${name} not found` } };
        return { status: 200, body: { signed_url: `${this.url}/acct/art/${artifact.id}?sig=download-signature` } };
      }
      default:
        return { status: 404, body: { code: 'bad_route', msg: `no handler for path "${path}"` } };
    }
  }

  /** Azure Blob REST: Put Block, Put Block List, Put Blob; GET downloads. All writes answer 201. */
  private blobRequest(req: IncomingMessage, res: ServerResponse, url: URL, id: number, body: Buffer): void {
    const artifact = this.artifacts.find((a) => a.id === id);
    const comp = url.searchParams.get('comp');
    const operation = req.method === 'GET' ? 'download' : comp ?? 'blob';
    this.requests.push({ method: req.method ?? '', path: url.pathname, operation });
    const azureError = (status: number, code: string, message: string) => {
      res.writeHead(status, { 'content-type': 'application/xml', 'x-ms-error-code': code });
      res.end(`<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
    };
    if (!artifact || !url.searchParams.get('sig')) return azureError(403, 'AuthenticationFailed', 'Server failed to authenticate the request.');
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
      if (!artifact.finalized || !artifact.blob) return azureError(404, 'BlobNotFound', 'The specified blob does not exist.');
      res.writeHead(200, { 'content-type': artifact.blobContentType ?? 'application/zip', 'content-length': artifact.blob.length });
      res.end(artifact.blob);
      return;
    }
    if (req.method !== 'PUT') return azureError(405, 'UnsupportedHttpVerb', 'The resource doesn\'t support specified Http Verb.');
    if (artifact.finalized) return azureError(409, 'BlobImmutableDueToPolicy', 'The artifact is already finalized.');
    if (comp === 'block') {
      const blockId = url.searchParams.get('blockid');
      if (!blockId) return azureError(400, 'InvalidQueryParameterValue', 'blockid is required.');
      if (!this.blocks.has(id)) this.blocks.set(id, new Map());
      this.blocks.get(id)!.set(blockId, body);
      return created();
    }
    if (comp === 'blocklist') {
      const staged = this.blocks.get(id) ?? new Map<string, Buffer>();
      const ids = [...body.toString('utf8').matchAll(/<(Latest|Uncommitted|Committed)>([^<]*)<\/\1>/g)].map((m) => m[2]!);
      const parts: Buffer[] = [];
      for (const blockId of ids) {
        const block = staged.get(blockId);
        if (!block) return azureError(400, 'InvalidBlockList', 'The specified block list is invalid.');
        parts.push(block);
      }
      artifact.blob = Buffer.concat(parts);
      artifact.blobContentType = String(req.headers['x-ms-blob-content-type'] ?? '');
      this.blocks.delete(id);
      return created();
    }
    if (comp === null && req.headers['x-ms-blob-type'] === 'BlockBlob') {
      artifact.blob = body;
      artifact.blobContentType = String(req.headers['x-ms-blob-content-type'] ?? req.headers['content-type'] ?? '');
      return created();
    }
    return azureError(400, 'InvalidQueryParameterValue', `unsupported comp=${comp}`);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * The files in a zip archive (stored or deflated entries; no zip64), read from the central
 * directory as unzip tools do. Directory entries are skipped.
 */
export function readZip(zip: Buffer): Map<string, Buffer> {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive: no end-of-central-directory record');
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`bad central directory entry at ${offset}`);
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const local = zip.readUInt32LE(offset + 42);
    const name = zip.subarray(offset + 46, offset + 46 + nameLength).toString('utf8');
    offset += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + compressedSize);
    const content = method === 0 ? Buffer.from(data) : method === 8 ? inflateRawSync(data) : undefined;
    if (!content) throw new Error(`${name}: unsupported compression method ${method}`);
    if (content.length !== size) throw new Error(`${name}: ${content.length} bytes, the directory says ${size}`);
    files.set(name, content);
  }
  return files;
}
