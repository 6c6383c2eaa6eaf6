import { describe, expect, it } from '@jest/globals';
import { UserError } from '@mlops-gha/common';
import {
  checkFilePath,
  checkMetrics,
  contentDigest,
  MANIFEST_SCHEMA_ID,
  parseManifest,
  serializeManifest,
  validateManifest,
  versionSha256,
  type Manifest,
} from './manifest.js';

// Digests from GNU coreutils on the same bytes (printf 'weights-a' > a.bin; printf 'config-b' > b.bin):
//   sha256sum a.bin b.bin                -> SHA_A, SHA_B
//   sha256sum a.bin b.bin | sha256sum    -> LISTING (the content digest of both files)
const SHA_A = '1761859e16f9a0a8a14419a2a7dd5eb3639b2beb40f01ff3c73942fd37f7ea26';
const SHA_B = '652de45506943503f44fbea64dc4e811c62220493bd1c6a0e9d1d8bfd261a952';
const LISTING = '81272ea9d8f4742613966e786d4c7b59cd5add245e0c0c574a9ac5862d37b810';

function manifest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema: MANIFEST_SCHEMA_ID,
    name: 'iris',
    version: 2,
    created_at: '2026-01-02T03:04:05.678Z',
    created_by: 'octocat',
    uri: 's3://models/reg/iris/versions/2/files/',
    sha256: LISTING,
    content_digest: LISTING,
    files: [
      { path: 'a.bin', sha256: SHA_A, size: 9 },
      { path: 'sub/b.bin', sha256: SHA_B, size: 8 },
    ],
    signature: null,
    metrics: { accuracy: 0.9 },
    params: { lr: 0.1, layers: [1, 2] },
    lineage: { git_sha: 'abc', git_ref: null, repository: null, run_url: null, run_id: null, data_version: null },
    tags: { team: 'vision' },
    description: null,
    ...overrides,
  };
}

/** The UserError `fn` throws (fails the test when it throws nothing or something else). */
function thrown(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a UserError, nothing was thrown');
}

const FIX = 'Manifests are written by registry-push and never edited: push the model again to create a good version.';

describe('contentDigest and versionSha256', () => {
  it('the content digest is the sha256 of the `sha256sum` listing sorted by path, whatever the input order', () => {
    const a = { path: 'a.bin', sha256: SHA_A };
    const b = { path: 'b.bin', sha256: SHA_B };
    expect(contentDigest([a, b])).toBe(LISTING);
    expect(contentDigest([b, a])).toBe(LISTING);
  });

  it('sorts by code unit (as `LC_ALL=C sort`): upper case before lower case', () => {
    const upper = { path: 'B.bin', sha256: SHA_B };
    const lower = { path: 'a.bin', sha256: SHA_A };
    // printf '%s  B.bin\n%s  a.bin\n' SHA_B SHA_A | sha256sum
    expect(contentDigest([lower, upper])).toBe('14558c6b2efe3f4e0085ae56d712e9ff0011b891f5f912e8f874fd75406b025a');
    // one file: the sha256 of its one sha256sum line (sha256sum a.bin | sha256sum), not the file's own digest
    expect(contentDigest([lower])).toBe('8f132fba65144dc232c2d7e143c186464ba9da280b45d0a2e913d5245cc6959d');
  });

  it('the version sha256 is the one file’s own digest, or the content digest for several', () => {
    expect(versionSha256([{ path: 'a.bin', sha256: SHA_A }])).toBe(SHA_A);
    expect(
      versionSha256([
        { path: 'a.bin', sha256: SHA_A },
        { path: 'b.bin', sha256: SHA_B },
      ]),
    ).toBe(LISTING);
  });
});

describe('validateManifest', () => {
  it('returns a valid manifest as it is, with an ONNX signature and attachments', () => {
    const signature = {
      inputs: [{ name: 'input', type: 'float32', shape: ['N', 4] }],
      outputs: [{ name: 'label', type: 'int64', shape: null }],
    };
    const value = manifest({
      signature,
      files: [{ path: 'model.onnx', sha256: SHA_A, size: 9, signature }],
      sha256: SHA_A,
      sample: { path: 'sample.json', sha256: SHA_B, size: 10, rows: 5 },
      profile: { path: 'profile.json', sha256: SHA_B, size: 10, rows: 150, columns: 5 },
    });
    expect(validateManifest(value, 'for iris/2')).toBe(value);
  });

  it('names where the manifest came from and the first problems with their JSON paths', () => {
    const error = thrown(() =>
      validateManifest(manifest({ version: 0, sha256: 'ABC' }), 's3://b/iris/versions/2/manifest.json'),
    );
    expect(error.message).toBe(
      'Invalid registry manifest s3://b/iris/versions/2/manifest.json: /version must be >= 1; /sha256 must match pattern "^[0-9a-f]{64}$"',
    );
    expect(error.fix).toBe(FIX);
  });

  it('lists at most five problems', () => {
    const error = thrown(() => validateManifest({}, 'x'));
    expect(error.message.split('; ')).toHaveLength(5);
    expect(error.message).toMatch(/^Invalid registry manifest x: \/ must have required property 'schema'; /);
  });

  it('refuses file paths that escape the version or are ambiguous: absolute, .., ., //, backslash, NUL, empty', () => {
    for (const path of ['/etc/passwd', '../x', 'a/../../x', 'a/./b', '.', 'a//b', 'a\\b', 'a\u0000b', '', 'a/..']) {
      const value = manifest({ files: [{ path, sha256: SHA_A, size: 1 }], sha256: SHA_A });
      expect(thrown(() => validateManifest(value, 'm')).message).toMatch(
        /^Invalid registry manifest m: \/files\/0\/path /,
      );
    }
    for (const path of ['a..b', '.hidden', 'sub/.env', 'dir/x.onnx']) {
      const value = manifest({ files: [{ path, sha256: SHA_A, size: 1 }], sha256: SHA_A });
      expect(validateManifest(value, 'm')).toBe(value);
    }
  });

  it('refuses a file listed twice', () => {
    const value = manifest({
      files: [
        { path: 'a.bin', sha256: SHA_A, size: 9 },
        { path: 'a.bin', sha256: SHA_B, size: 8 },
      ],
    });
    expect(thrown(() => validateManifest(value, 'for iris/2')).message).toBe(
      'Invalid registry manifest for iris/2: the file a.bin is listed twice',
    );
  });

  it('refuses non-finite or non-number metrics, unknown fields, a bad name, a date without Z, no files', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ metrics: { acc: Number.NaN } }, 'Invalid registry manifest m: the metric "acc" is NaN, not a finite number'],
      [
        { metrics: { acc: -Infinity } },
        'Invalid registry manifest m: the metric "acc" is -Infinity, not a finite number',
      ],
      [{ metrics: { acc: '0.9' } }, '/metrics/acc must be number'],
      [{ extra: 1 }, '/ must NOT have additional properties'],
      [{ name: '../x' }, '/name must match pattern'],
      [{ created_at: '2026-01-02T03:04:05' }, '/created_at must match pattern'],
      [{ files: [] }, '/files must NOT have fewer than 1 items'],
      [{ schema: 'mlops-gha/registry-manifest@2' }, '/schema must be equal to constant'],
      [{ tags: { team: 1 } }, '/tags/team must be string'],
      [{ sample: { path: 'other.json', sha256: SHA_A, size: 3, rows: 1 } }, '/sample/path must be equal to constant'],
      [
        { profile: { path: 'profile.json', sha256: SHA_A, size: 3, rows: 1 } },
        "/profile must have required property 'columns'",
      ],
    ];
    for (const [overrides, problem] of cases) {
      expect(thrown(() => validateManifest(manifest(overrides), 'm')).message).toContain(problem);
    }
  });
});

describe('checkFilePath', () => {
  it('accepts what the manifest schema accepts and refuses the rest, naming the file on disk, with the fix', () => {
    for (const path of ['model.onnx', 'sub/dir/w.bin', '.hidden', 'a..b', 'name with spaces'])
      expect(checkFilePath(path)).toBe(path);
    for (const path of ['we\\ird.bin', '/etc/passwd', '../x', 'a/./b', 'a//b', '', 'a\u0000b']) {
      const error = thrown(() => checkFilePath(path, '/work/model/x'));
      expect(error.message).toBe(
        `The file /work/model/x cannot be stored as ${JSON.stringify(path)}: a path inside a version is relative, with "/" between folders, no empty, "." or ".." parts, and no backslash`,
      );
      expect(error.fix).toBe(
        'Rename the file (or its folder) so that its name has no backslash, or list the model files one per line in `model`.',
      );
      expect(error.location).toEqual({ file: '/work/model/x' });
      // the schema agrees: a manifest listing that path is invalid
      const value = manifest({ files: [{ path, sha256: SHA_A, size: 1 }], sha256: SHA_A });
      expect(() => validateManifest(value, 'm')).toThrow(UserError);
    }
  });
});

describe('checkMetrics', () => {
  it('passes finite numbers through and refuses NaN and infinities, naming the metric, with the fix', () => {
    const fine = { acc: 0.9, loss: -1e-300, big: Number.MAX_VALUE };
    expect(checkMetrics(fine)).toBe(fine);
    expect(checkMetrics({})).toEqual({});
    for (const [value, shown] of [
      [Number.NaN, 'NaN'],
      [Infinity, 'Infinity'],
    ] as const) {
      const error = thrown(() => checkMetrics({ acc: 0.9, 'val loss': value }, 'Cannot push iris: '));
      expect(error.message).toBe(`Cannot push iris: the metric "val loss" is ${shown}, not a finite number`);
      expect(error.fix).toBe(
        'Record only finite metric values: leave out a metric that is NaN or infinite (e.g. the loss of a diverged run).',
      );
    }
  });
});

describe('parseManifest and serializeManifest', () => {
  it('what serializeManifest writes, parseManifest reads back equal', () => {
    const value = manifest() as unknown as Manifest;
    const text = serializeManifest(value);
    expect(text.endsWith('}\n')).toBe(true);
    expect(parseManifest(text, 'm')).toEqual(value);
    expect(parseManifest(Buffer.from(text), 'm')).toEqual(value);
  });

  it('bytes that are not JSON are a UserError naming the manifest', () => {
    const error = thrown(() => parseManifest('{"schema": ', 's3://b/iris/versions/2/manifest.json'));
    expect(error.message).toMatch(
      /^The registry manifest s3:\/\/b\/iris\/versions\/2\/manifest\.json is not valid JSON: /,
    );
    expect(error.fix).toBe(FIX);
  });

  it('valid JSON that is not a manifest fails validation', () => {
    expect(thrown(() => parseManifest('[]', 'm')).message).toBe('Invalid registry manifest m: / must be object');
  });
});
