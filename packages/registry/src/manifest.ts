import { createHash } from 'node:crypto';
import { UserError } from '@mlops-gha/common';
import AjvModule from 'ajv';

export const MANIFEST_SCHEMA_ID = 'mlops-gha/registry-manifest@1';

export interface TensorSignature {
  name: string;
  /** onnxruntime's element type: float32, int64, string, ... (`unknown` for non-tensors). */
  type: string;
  /** Dimensions: numbers, or names for symbolic dimensions (e.g. "N"); null when unknown. */
  shape: (number | string)[] | null;
}

export interface ModelSignature {
  inputs: TensorSignature[];
  outputs: TensorSignature[];
}

export interface ManifestFile {
  /** Path inside the version (under `uri`), `/`-separated. */
  path: string;
  sha256: string;
  size: number;
  /** For `.onnx` files: the signature read with onnxruntime-node. */
  signature?: ModelSignature;
}

export interface Lineage {
  git_sha: string | null;
  git_ref: string | null;
  repository: string | null;
  run_url: string | null;
  run_id: string | null;
  data_version: string | null;
}

/** manifest.json: one immutable registry version. */
export interface Manifest {
  schema: typeof MANIFEST_SCHEMA_ID;
  name: string;
  version: number;
  created_at: string;
  created_by: string | null;
  /** The prefix that holds exactly this version's files. */
  uri: string;
  /** The single file's sha256, or for several files the sha256 of their `sha256sum`-style listing. */
  sha256: string;
  /** sha256 of the `sha256sum`-style listing of all files: the identity used to find identical content. */
  content_digest: string;
  files: ManifestFile[];
  /** The signature of the first `.onnx` file, or null. */
  signature: ModelSignature | null;
  metrics: Record<string, number>;
  params: Record<string, unknown>;
  lineage: Lineage;
  tags: Record<string, string>;
  description: string | null;
  /** Rows of `sample-data` with the model's outputs on them (sample.json beside the manifest), for the deploy smoke test. */
  sample?: AttachmentRecord & { rows: number };
  /** The data profile of `profile-data` (profile.json beside the manifest), the drift-check reference. */
  profile?: AttachmentRecord & { rows: number; columns: number };
}

/** A document stored beside manifest.json, named by its path in the version and checked by sha256. */
export interface AttachmentRecord {
  path: string;
  sha256: string;
  size: number;
}

/** A file's path inside a version: relative, `/`-separated, no empty, `.` or `..` parts, no backslash or NUL. */
const FILE_PATH = '^(?!/)(?!.*(^|/)\\.\\.?(/|$))(?!.*//)[^\\\\\\u0000]+$';
const FILE_PATH_RE = new RegExp(FILE_PATH, 'u');

/**
 * Checks a file's path inside a version by the manifest's rule, so that a push refuses a file
 * it could never list before it claims a number or uploads anything. `source` is the file on disk.
 */
export function checkFilePath(path: string, source = path): string {
  if (!FILE_PATH_RE.test(path)) {
    throw new UserError(
      `The file ${source} cannot be stored as ${JSON.stringify(path)}: a path inside a version is relative, with "/" between folders, no empty, "." or ".." parts, and no backslash`,
      {
        fix: 'Rename the file (or its folder) so that its name has no backslash, or list the model files one per line in `model`.',
        location: { file: source },
      },
    );
  }
  return path;
}

const nullableString = { type: ['string', 'null'] };
const sha256 = { type: 'string', pattern: '^[0-9a-f]{64}$' };
const tensor = {
  type: 'object',
  required: ['name', 'type', 'shape'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    type: { type: 'string' },
    shape: { anyOf: [{ type: 'null' }, { type: 'array', items: { type: ['integer', 'string'] } }] },
  },
};
const signature = {
  type: 'object',
  required: ['inputs', 'outputs'],
  additionalProperties: false,
  properties: { inputs: { type: 'array', items: tensor }, outputs: { type: 'array', items: tensor } },
};

function attachment<P extends Record<string, unknown>>(extra: P) {
  return {
    type: 'object',
    // A Set: extra repeats path (with its const), and JSON Schema forbids duplicate required names.
    required: [...new Set(['path', 'sha256', 'size', ...Object.keys(extra)])],
    additionalProperties: false,
    properties: { sha256, size: { type: 'integer', minimum: 1 }, ...extra },
  } as const;
}

/** The JSON Schema (draft-07) of manifest.json; validated on every write and every read. */
export const MANIFEST_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://github.com/mlops-gha/schemas/registry-manifest-1.json',
  title: 'Registry version manifest',
  type: 'object',
  required: [
    'schema',
    'name',
    'version',
    'created_at',
    'created_by',
    'uri',
    'sha256',
    'content_digest',
    'files',
    'signature',
    'metrics',
    'params',
    'lineage',
    'tags',
    'description',
  ],
  additionalProperties: false,
  properties: {
    schema: { const: MANIFEST_SCHEMA_ID },
    name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' },
    version: { type: 'integer', minimum: 1 },
    created_at: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$' },
    created_by: nullableString,
    uri: { type: 'string', minLength: 1 },
    sha256,
    content_digest: sha256,
    files: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['path', 'sha256', 'size'],
        additionalProperties: false,
        properties: {
          path: { type: 'string', minLength: 1, pattern: FILE_PATH },
          sha256,
          size: { type: 'integer', minimum: 0 },
          signature,
        },
      },
    },
    signature: { anyOf: [{ type: 'null' }, signature] },
    metrics: { type: 'object', additionalProperties: { type: 'number' } },
    params: { type: 'object' },
    lineage: {
      type: 'object',
      required: ['git_sha', 'git_ref', 'repository', 'run_url', 'run_id', 'data_version'],
      additionalProperties: false,
      properties: {
        git_sha: nullableString,
        git_ref: nullableString,
        repository: nullableString,
        run_url: nullableString,
        run_id: nullableString,
        data_version: nullableString,
      },
    },
    tags: { type: 'object', additionalProperties: { type: 'string' } },
    description: nullableString,
    sample: attachment({ path: { const: 'sample.json' }, rows: { type: 'integer', minimum: 1 } }),
    profile: attachment({
      path: { const: 'profile.json' },
      rows: { type: 'integer', minimum: 1 },
      columns: { type: 'integer', minimum: 1 },
    }),
  },
} as const;

// ajv is CommonJS; under NodeNext its default export arrives as the module namespace.
const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as typeof AjvModule.default;
const ajv = new Ajv({ allErrors: true, strict: false });
const validateManifestSchema = ajv.compile(MANIFEST_SCHEMA);

/** Throws a UserError naming `where` and the first schema violations, or returns the manifest. */
export function validateManifest(value: unknown, where: string): Manifest {
  if (!validateManifestSchema(value)) {
    const problems = (validateManifestSchema.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
      .join('; ');
    throw new UserError(`Invalid registry manifest ${where}: ${problems}`, {
      fix: 'Manifests are written by registry-push and never edited: push the model again to create a good version.',
    });
  }
  const manifest = value as Manifest;
  checkMetrics(manifest.metrics, `Invalid registry manifest ${where}: `);
  const paths = new Set<string>();
  for (const f of manifest.files) {
    if (paths.has(f.path))
      throw new UserError(`Invalid registry manifest ${where}: the file ${f.path} is listed twice`);
    paths.add(f.path);
  }
  return manifest;
}

/**
 * Metrics must be finite numbers: JSON has no NaN or Infinity (JSON.stringify writes `null`), so
 * a manifest holding one would be written unreadable. `prefix` starts the message.
 */
export function checkMetrics(metrics: Record<string, number>, prefix = ''): Record<string, number> {
  for (const [name, value] of Object.entries(metrics)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new UserError(`${prefix}the metric ${JSON.stringify(name)} is ${String(value)}, not a finite number`, {
        fix: 'Record only finite metric values: leave out a metric that is NaN or infinite (e.g. the loss of a diverged run).',
      });
    }
  }
  return metrics;
}

/** Parses manifest.json bytes, then validates. */
export function parseManifest(body: Buffer | string, where: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(body.toString());
  } catch (error) {
    throw new UserError(`The registry manifest ${where} is not valid JSON: ${(error as Error).message}`, {
      fix: 'Manifests are written by registry-push and never edited: push the model again to create a good version.',
    });
  }
  return validateManifest(value, where);
}

/** The `sha256sum`-style listing of files (sorted by path) and its sha256: the content's identity. */
export function contentDigest(files: { path: string; sha256: string }[]): string {
  const listing = [...files]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((f) => `${f.sha256}  ${f.path}\n`)
    .join('');
  return createHash('sha256').update(listing).digest('hex');
}

/** The manifest's `sha256`: the single file's digest, or the content digest for several files. */
export function versionSha256(files: { path: string; sha256: string }[]): string {
  return files.length === 1 ? files[0]!.sha256 : contentDigest(files);
}

export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
