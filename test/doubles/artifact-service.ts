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
 *
 * The twirp routing and the blob endpoint are shared with the cache service double
 * (results-service.ts).
 */
import { createHash } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { ResultsServiceDouble, runtimeToken, twirpError, type BlobTarget, type TwirpReply } from './results-service.js';

export { runtimeToken, type RecordedRequest } from './results-service.js';

export const ARTIFACT_SERVICE = 'github.actions.results.api.v1.ArtifactService';

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

export class ArtifactServiceDouble extends ResultsServiceDouble {
  readonly artifacts: StoredArtifact[] = [];
  private nextId = 1001;
  private constructor(
    token: string,
    private readonly runBackendId: string,
    private readonly jobBackendId: string,
  ) {
    super(ARTIFACT_SERVICE, 'art', token);
  }

  static async start(options: { runBackendId?: string; jobBackendId?: string } = {}): Promise<ArtifactServiceDouble> {
    const runBackendId = options.runBackendId ?? 'run-backend-1';
    const jobBackendId = options.jobBackendId ?? 'job-backend-1';
    const double = new ArtifactServiceDouble(runtimeToken(runBackendId, jobBackendId), runBackendId, jobBackendId);
    await double.listen();
    return double;
  }

  /** The variables the runner gives a node action for the artifact service. */
  env(): Record<string, string> {
    return { ...this.resultsEnv(), ACTIONS_RUNTIME_URL: `${this.url}/runtime/` };
  }

  /** The finalized artifact of this name, or undefined. */
  artifact(name: string): StoredArtifact | undefined {
    return this.artifacts.find((a) => a.name === name && a.finalized);
  }

  /** The files inside a finalized artifact's zip, by path. */
  files(name: string): Map<string, Buffer> {
    const artifact = this.artifact(name);
    if (!artifact?.blob)
      throw new Error(
        `No finalized artifact named ${name} (have: ${this.artifacts.map((a) => a.name).join(', ') || 'none'})`,
      );
    return readZip(artifact.blob);
  }

  protected blobTarget(id: number): BlobTarget | undefined {
    const artifact = this.artifacts.find((a) => a.id === id);
    if (!artifact) return undefined;
    return {
      readable: artifact.finalized,
      writable: !artifact.finalized,
      sealedMessage: 'The artifact is already finalized.',
      bytes: artifact.blob,
      contentType: artifact.blobContentType || 'application/zip',
      commit(bytes, contentType) {
        artifact.blob = bytes;
        artifact.blobContentType = contentType;
      },
    };
  }

  protected rpc(method: string, request: Record<string, unknown>, path: string): TwirpReply {
    const ids = {
      run: String(request.workflow_run_backend_id ?? ''),
      job: String(request.workflow_job_run_backend_id ?? ''),
    };
    if (ids.run !== this.runBackendId || ids.job !== this.jobBackendId) {
      return twirpError(400, 'invalid_argument', `unknown backend ids ${ids.run}/${ids.job}`);
    }
    const name = String(request.name ?? '');
    switch (method) {
      case 'CreateArtifact': {
        if (request.version !== 7)
          return { status: 400, body: { code: 'invalid_argument', msg: `unsupported version ${request.version}` } };
        if (this.artifacts.some((a) => a.name === name && a.runBackendId === ids.run && a.finalized)) {
          return {
            status: 409,
            body: { code: 'already_exists', msg: 'an artifact with this name already exists on the workflow run' },
          };
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
        return { status: 200, body: { ok: true, signed_upload_url: this.blobUrl(id, `upload-signature-${id}`) } };
      }
      case 'FinalizeArtifact': {
        const artifact = [...this.artifacts].reverse().find((a) => a.name === name && !a.finalized);
        if (!artifact)
          return { status: 404, body: { code: 'not_found', msg: `no artifact named ${name} is being uploaded` } };
        if (!artifact.blob)
          return { status: 400, body: { code: 'failed_precondition', msg: 'the artifact has no committed blob' } };
        artifact.finalized = true;
        artifact.declaredSize = Number(request.size);
        artifact.declaredHash = request.hash as string | undefined;
        return { status: 200, body: { ok: true, artifact_id: String(artifact.id) } };
      }
      case 'ListArtifacts': {
        const nameFilter = request.name_filter as string | undefined;
        const idFilter = request.id_filter as string | undefined;
        const list = this.artifacts.filter(
          (a) =>
            a.finalized &&
            a.runBackendId === ids.run &&
            (!nameFilter || a.name === nameFilter) &&
            (!idFilter || String(a.id) === String(idFilter)),
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
        return { status: 200, body: { signed_url: this.blobUrl(artifact.id, 'download-signature') } };
      }
      default:
        return twirpError(404, 'bad_route', `no handler for path "${path}"`);
    }
  }
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
