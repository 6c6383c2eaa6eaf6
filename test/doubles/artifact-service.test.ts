import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import { ArtifactServiceDouble, readZip, runtimeToken } from './artifact-service.js';

// The real @actions/artifact client, in this process, against the double: what the client
// sends must be what the double stores, byte for byte, and the client's own download (its
// unzip) must give the files back.
describe('artifact service double', () => {
  let service: ArtifactServiceDouble;
  let dir: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    service = await ArtifactServiceDouble.start();
    Object.assign(process.env, service.env(), { GITHUB_SERVER_URL: 'https://github.com' });
    dir = await mkdtemp(join(tmpdir(), 'artifact-double-'));
    process.env.GITHUB_WORKSPACE = dir;
  });
  afterAll(async () => {
    process.env = saved;
    await service.close();
  });

  it('stores what the real client uploads: create, blocks, block list, finalize', async () => {
    const big = randomBytes(9 * 1024 * 1024); // more than one 8 MiB block once zipped (random data does not compress)
    await mkdir(join(dir, 'models'), { recursive: true });
    await writeFile(join(dir, 'models/model.onnx'), big);
    await writeFile(join(dir, 'run.json'), '{"run_id":"x"}\n');
    const client = new DefaultArtifactClient();
    const result = await client.uploadArtifact('run-1', [join(dir, 'run.json'), join(dir, 'models/model.onnx')], dir);

    const stored = service.artifact('run-1')!;
    expect(result.id).toBe(stored.id);
    expect(stored.mimeType).toBe('application/zip');
    expect(stored.blobContentType).toBe('application/zip');
    expect(stored.declaredSize).toBe(stored.blob!.length);
    expect(stored.declaredHash).toBe(`sha256:${createHash('sha256').update(stored.blob!).digest('hex')}`);
    expect(service.requests.filter((r) => r.operation === 'block').length).toBeGreaterThanOrEqual(2);
    expect(service.requests.map((r) => r.operation).filter((o) => o !== 'block')).toEqual([
      'CreateArtifact',
      'blocklist',
      'FinalizeArtifact',
    ]);
    const files = service.files('run-1');
    expect([...files.keys()].sort()).toEqual(['models/model.onnx', 'run.json']);
    expect(files.get('models/model.onnx')!.equals(big)).toBe(true);

    // The client's own list and download (GetSignedArtifactURL, GET, its unzip) agree.
    const listed = await client.listArtifacts();
    expect(listed.artifacts.map((a) => [a.name, a.id, a.size])).toEqual([['run-1', stored.id, stored.blob!.length]]);
    const out = await mkdtemp(join(tmpdir(), 'artifact-download-'));
    await client.downloadArtifact(stored.id, { path: out });
    expect((await readFile(join(out, 'models/model.onnx'))).equals(big)).toBe(true);
    expect(await readFile(join(out, 'run.json'), 'utf8')).toBe('{"run_id":"x"}\n');
  });

  it("refuses a second artifact of the same name with the service's message", async () => {
    const client = new DefaultArtifactClient();
    await expect(client.uploadArtifact('run-1', [join(dir, 'run.json')], dir)).rejects.toThrow(
      'Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run',
    );
  });

  it('refuses a token it did not issue, and the client refuses a token without backend ids', async () => {
    process.env.ACTIONS_RUNTIME_TOKEN = runtimeToken('run-backend-1', 'another-job');
    const client = new DefaultArtifactClient();
    await expect(client.uploadArtifact('run-2', [join(dir, 'run.json')], dir)).rejects.toThrow(
      '(401) Unauthorized: invalid or missing bearer token',
    );
    process.env.ACTIONS_RUNTIME_TOKEN = 'a.b.c';
    await expect(client.uploadArtifact('run-2', [join(dir, 'run.json')], dir)).rejects.toThrow();
    process.env.ACTIONS_RUNTIME_TOKEN = service.token;
  });

  it('reads zips written by others: stored and deflated entries', () => {
    expect(() => readZip(Buffer.from('not a zip'))).toThrow('no end-of-central-directory record');
  });
});
