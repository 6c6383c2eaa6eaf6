/**
 * Finds and fetches the model a URI names, and proves its bytes are the expected ones.
 *
 * A URI is a registry version's files prefix (`s3://bucket/reg/churn/versions/3/files/`,
 * `file:///reg/churn/versions/3/files`, or a folder path), any folder holding one `.onnx`
 * file, or an `.onnx` file itself. When the prefix ends in `files` and a manifest.json sits
 * beside it (the registry's layout), the manifest is read and the model file must match its
 * sha256; the expected sha256 given by the deployer must match too. The model's bytes are
 * read once into memory, hashed, and those same bytes are what onnxruntime loads.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatBytes, UserError, type Logger } from '@mlops-gha/common';
import { parseManifest, type Manifest } from '@mlops-gha/registry';
import { openStore, type ObjectStore } from '@mlops-gha/storage';

export interface ModelSource {
  /** `s3://bucket/prefix`, `file:///path`, a folder path or an `.onnx` file path. */
  uri: string;
  /** The expected sha256 (hex) of the model file, or of the registry version (its manifest's `sha256`). */
  sha256?: string;
  /** Which `.onnx` file to serve when the prefix holds several (a path inside the prefix). */
  modelFile?: string;
  /** S3-compatible endpoint (default: AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL). */
  endpoint?: string;
  region?: string;
  /** Base folder for relative paths. */
  cwd?: string;
}

export interface FetchedModel {
  bytes: Buffer;
  /** The sha256 of `bytes`, checked. */
  sha256: string;
  /** Where the model file is, for messages (`s3://.../model.onnx`, a path). */
  location: string;
  /** The registry manifest beside the files prefix, when there is one. */
  manifest?: Manifest;
}

/** The model's bytes are not the expected ones. The server must never become ready. */
export class Sha256MismatchError extends UserError {
  constructor(message: string, fix: string) {
    super(message, { fix, title: 'Model sha256 mismatch' });
    this.name = 'UserError';
  }
}

interface Located {
  store: ObjectStore;
  /** The prefix inside `store` that holds the model files ('' or 'files/'). */
  filesKey: string;
  /** The model file's key, when the URI named a file. */
  fileKey?: string;
  /** Whether a registry manifest may sit at `manifest.json` in `store`. */
  registryLayout: boolean;
  /** The URI as given, for messages. */
  display: string;
}

const SHA256 = /^[0-9a-f]{64}$/;

/** Splits the URI into the store to open (the version folder when the URI is its `files/`). */
function locate(source: ModelSource): Located {
  const uri = source.uri.trim();
  if (uri === '')
    throw new UserError('No model URI given', {
      fix: 'Pass --model-uri (or MODEL_URI): s3://bucket/prefix, file:///path or a folder path.',
    });
  const options = {
    endpoint: source.endpoint ?? (process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL || undefined),
    region: source.region,
    cwd: source.cwd,
  };
  let base: string;
  let open: (at: string) => ObjectStore;
  if (uri.startsWith('s3://')) {
    base = uri.replace(/\/+$/, '');
    open = (at) => openStore(at, options);
  } else {
    const path = uri.startsWith('file://') ? fileURLToPath(uri) : uri;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
      throw new UserError(`Unsupported model URI scheme in ${JSON.stringify(uri)}`, {
        fix: 'Use s3://bucket/prefix (any S3-compatible endpoint via AWS_ENDPOINT_URL), file:///path or a folder path.',
      });
    }
    base = (isAbsolute(path) ? path : resolve(source.cwd ?? process.cwd(), path)).replace(/\/+$/, '');
    open = (at) => openStore(at, options);
  }
  const last = basename(base);
  if (last.toLowerCase().endsWith('.onnx')) {
    const parent = dirname(base);
    return { store: open(parent), filesKey: '', fileKey: last, registryLayout: false, display: uri };
  }
  if (last === 'files' && dirname(base) !== base) {
    return { store: open(dirname(base)), filesKey: 'files/', registryLayout: true, display: uri };
  }
  return { store: open(base), filesKey: '', registryLayout: false, display: uri };
}

async function readManifestIfAny(located: Located): Promise<Manifest | undefined> {
  if (!located.registryLayout) return undefined;
  const found = await located.store.getBytes('manifest.json');
  return found ? parseManifest(found.body, located.store.urlOf('manifest.json')) : undefined;
}

/** The model file's path inside the files prefix. */
async function chooseModelFile(
  located: Located,
  manifest: Manifest | undefined,
  wanted: string | undefined,
): Promise<string> {
  if (located.fileKey) return located.fileKey;
  const where = located.display;
  let candidates: string[];
  if (manifest) {
    candidates = manifest.files.map((f) => f.path);
  } else {
    candidates = [];
    for await (const info of located.store.list(located.filesKey))
      candidates.push(info.key.slice(located.filesKey.length));
  }
  if (wanted !== undefined) {
    const path = wanted.replace(/^\/+/, '');
    if (!candidates.includes(path)) {
      throw new UserError(
        `The model file ${JSON.stringify(wanted)} is not in ${where} (files: ${candidates.slice(0, 10).join(', ') || 'none'})`,
        {
          fix: 'Set MODEL_FILE (--model-file) to one of the listed paths, or leave it unset when there is a single .onnx file.',
        },
      );
    }
    return path;
  }
  const onnx = candidates.filter((p) => p.toLowerCase().endsWith('.onnx')).sort();
  if (onnx.length === 1) return onnx[0]!;
  if (onnx.length === 0) {
    throw new UserError(
      `No .onnx file in ${where}${candidates.length ? ` (files: ${candidates.slice(0, 10).join(', ')})` : ' (it is empty or missing)'}`,
      {
        fix: "Point the model URI at a registry version's files prefix (registry-push's `uri` output) or a folder with the exported .onnx file.",
      },
    );
  }
  throw new UserError(
    `${where} holds several .onnx files (${onnx.slice(0, 10).join(', ')}); which one to serve is not clear`,
    {
      fix: 'Set MODEL_FILE (--model-file) to the one to serve.',
    },
  );
}

/** Reads the file's bytes: directly from a folder, or through a private temporary file from S3. */
async function readModelBytes(store: ObjectStore, key: string, logger: Logger): Promise<Buffer> {
  if (!store.location.startsWith('s3://')) {
    try {
      return await readFile(join(store.location, key));
    } catch (error) {
      throw new UserError(`Cannot read the model file ${store.urlOf(key)}: ${(error as Error).message}`, {
        fix: 'Check the model URI and that the file is readable by the server.',
        cause: error,
      });
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'model-server-'));
  try {
    const started = Date.now();
    const { bytes } = await store.downloadToFile(key, join(dir, 'model.onnx'));
    logger.info(`model-server: downloaded ${store.urlOf(key)} (${formatBytes(bytes)}) in ${Date.now() - started} ms`);
    return await readFile(join(dir, 'model.onnx'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Finds, fetches and verifies the model; a sha256 that does not match is a Sha256MismatchError. */
export async function fetchModel(source: ModelSource, logger: Logger): Promise<FetchedModel> {
  const expected = source.sha256?.trim().toLowerCase() || undefined;
  if (expected !== undefined && !SHA256.test(expected)) {
    throw new UserError(`The expected sha256 ${JSON.stringify(source.sha256)} is not 64 hex digits`, {
      fix: "Pass --sha256 (MODEL_SHA256) as registry-push's `sha256` output or the manifest's sha256.",
    });
  }
  const located = locate(source);
  try {
    const manifest = await readManifestIfAny(located);
    const path = await chooseModelFile(located, manifest, source.modelFile);
    const key = `${located.filesKey}${path}`;
    const location = located.store.urlOf(key);
    const entry = manifest?.files.find((f) => f.path === path);
    if (manifest && expected !== undefined && expected !== manifest.sha256 && expected !== entry?.sha256) {
      throw new Sha256MismatchError(
        `The expected sha256 ${expected} is neither version ${manifest.version}'s sha256 (${manifest.sha256}) nor ${path}'s in ${located.store.urlOf('manifest.json')}`,
        'Deploy the sha256 of the version that the model URI names (registry-push `sha256` output), or fix the URI.',
      );
    }
    const want = entry?.sha256 ?? expected;
    if (want === undefined) {
      throw new UserError(
        `No sha256 to verify ${location} against: there is no registry manifest beside it and none was given`,
        {
          fix: "Pass --sha256 (MODEL_SHA256) with the model file's sha256, or point the URI at a registry version's files prefix.",
        },
      );
    }
    const bytes = await readModelBytes(located.store, key, logger);
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== want) {
      const against = entry
        ? `the manifest ${located.store.urlOf('manifest.json')}`
        : 'the expected sha256 (--sha256 / MODEL_SHA256)';
      throw new Sha256MismatchError(
        `The model ${location} has sha256 ${actual}, but ${against} says ${want}: refusing to serve it`,
        'The stored file was changed or the wrong sha256 was deployed: push the model again, or deploy the sha256 of the version you mean.',
      );
    }
    return { bytes, sha256: actual, location, ...(manifest ? { manifest } : {}) };
  } finally {
    located.store.close();
  }
}
