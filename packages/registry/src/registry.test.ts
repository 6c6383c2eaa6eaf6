import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RecordingLogger, UserError } from '@mlops-gha/common';
import { openStore, type ObjectStore } from '@mlops-gha/storage';
import { startConditionalS3Server, type ConditionalS3Server } from '../../../test/doubles/s3-conditional.js';
import { startS3Server, type S3TestServer } from '../../../test/doubles/s3.js';
import { linearRegressorModel, logisticClassifierModel, writeModel } from '../../../test/harness/onnx-models.js';
import {
  AliasConflictError,
  collectModelFiles,
  parseModelRef,
  parseTags,
  readMetricsFile,
  readRunRecord,
  Registry,
  runCli,
  validateManifest,
  type RegistryOptions,
} from './index.js';
import { withStepHook } from './testing.js';

let work: string;
let s3: ConditionalS3Server;
let n = 0;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'registry-test-'));
  s3 = await startConditionalS3Server({ buckets: ['models'] });
});
afterAll(() => s3.stop());

async function model(weights: number[], file = `m${n++}/model.onnx`): Promise<string> {
  const path = join(work, file);
  await writeModel(path, logisticClassifierModel({ weights, bias: 0.25 }));
  return path;
}

type StoreKind = 'folder' | 's3';
function open(kind: StoreKind, options: RegistryOptions = {}): Registry {
  if (kind === 'folder') return Registry.open(join(work, `reg-${n++}`), { actor: 'octocat', ...options });
  return Registry.open(`s3://models/r${n++}`, {
    endpoint: s3.endpoint,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    actor: 'octocat',
    ...options,
  });
}

async function keys(registry: Registry): Promise<string[]> {
  const out: string[] = [];
  for await (const o of registry.store.list('')) out.push(o.key);
  return out.sort();
}

describe.each<StoreKind>(['folder', 's3'])('a registry on a %s', (kind) => {
  it('pushes a version with its manifest, files under uri, and returns the same version for identical files', async () => {
    const registry = open(kind);
    const path = await model([1, 2, 3]);
    const result = await registry.push({
      name: 'iris',
      files: await collectModelFiles([path]),
      metrics: { accuracy: 0.9 },
      params: { C: 1 },
      lineage: { git_sha: 'abc123', repository: 'o/r', data_version: 'd1' },
      tags: { team: 'ml' },
      description: 'first',
      alias: 'staging',
    });
    expect(result).toMatchObject({ name: 'iris', version: 1, created: true });
    const m = result.manifest;
    expect(validateManifest(JSON.parse(JSON.stringify(m)), 'test')).toEqual(m);
    expect(m.signature).toEqual({
      inputs: [{ name: 'input', type: 'float32', shape: ['N', 3] }],
      outputs: [
        { name: 'label', type: 'int64', shape: ['N'] },
        { name: 'probabilities', type: 'float32', shape: ['N', 2] },
      ],
    });
    expect(m.files).toEqual([
      expect.objectContaining({ path: 'model.onnx', size: (await readFile(path)).length, sha256: m.sha256 }),
    ]);
    expect(m.lineage).toEqual({
      git_sha: 'abc123',
      git_ref: null,
      repository: 'o/r',
      run_url: null,
      run_id: null,
      data_version: 'd1',
    });
    expect(m).toMatchObject({
      metrics: { accuracy: 0.9 },
      params: { C: 1 },
      tags: { team: 'ml' },
      description: 'first',
      created_by: 'octocat',
    });
    expect(result.uri).toBe(registry.store.urlOf('iris/versions/1/files') + '/');
    expect(result.alias).toMatchObject({ alias: 'staging', from: null, to: 1, moved: true });
    // the uri prefix holds exactly the version's files
    const all = await keys(registry);
    expect(all.filter((k) => k.startsWith('iris/versions/1/files/'))).toEqual(['iris/versions/1/files/model.onnx']);
    expect(all).toContain('iris/versions/1/manifest.json');
    expect(all.filter((k) => k.startsWith('.registry-probe'))).toEqual([]);

    const again = await registry.push({
      name: 'iris',
      files: await collectModelFiles([path]),
      metrics: { accuracy: 0.1 },
    });
    expect(again).toMatchObject({ version: 1, created: false, uploadedBytes: 0, sha256: m.sha256 });
    expect(await keys(registry)).toEqual(all);

    const other = await registry.push({ name: 'iris', files: await collectModelFiles([await model([3, 2, 1])]) });
    expect(other).toMatchObject({ version: 2, created: true });
    expect((await registry.resolve('iris@staging')).version).toBe(1);
    expect((await registry.resolve('iris@latest')).version).toBe(2);
    expect((await registry.resolve('registry://iris/2')).manifest.version).toBe(2);
    expect(await registry.listVersions('iris')).toEqual([
      expect.objectContaining({ version: 1, aliases: ['staging'] }),
      expect.objectContaining({ version: 2, aliases: [] }),
    ]);
    expect((await registry.verify('iris', 2)).ok).toBe(true);
    const dest = join(work, `pulled-${n++}`);
    await registry.download('iris', 1, dest);
    expect(await readFile(join(dest, 'model.onnx'))).toEqual(await readFile(path));
    const events = await registry.listEvents('iris');
    expect(events.map((e) => [e.type, e.version ?? e.to, e.applied])).toEqual([
      ['version-created', 1, undefined],
      ['alias-moved', 1, true],
      ['version-created', 2, undefined],
    ]);
    registry.close();
  });

  it('moves aliases by compare-and-swap: concurrent moves all land once each, a stale expectation is refused', async () => {
    const registry = open(kind);
    for (let i = 0; i < 3; i++)
      await registry.push({ name: 'm', files: await collectModelFiles([await model([i, 1])]) });
    await registry.moveAlias('m', 'prod', 1, { expected: null });
    const moves = await Promise.all([2, 3, 1, 2, 3, 1].map((v) => registry.moveAlias('m', 'prod', v)));
    const events = await registry.listEvents('m');
    const applied = events.filter((e) => e.type === 'alias-moved' && e.applied);
    // every move that reported moved:true is on the alias's chain, in a consistent order
    expect(applied.length).toBe(1 + moves.filter((m) => m.moved).length);
    for (let i = 1; i < applied.length; i++) expect(applied[i]!.from).toBe(applied[i - 1]!.to);
    const current = (await registry.resolve('m@prod')).version;
    expect(applied[applied.length - 1]!.to).toBe(current);
    await expect(registry.moveAlias('m', 'prod', 2, { expected: current === 3 ? 1 : 3 })).rejects.toBeInstanceOf(
      AliasConflictError,
    );
    expect((await registry.resolve('m@prod')).version).toBe(current);
    await expect(registry.moveAlias('m', 'prod', 9)).rejects.toThrow('m/9 does not exist in the registry');
    registry.close();
  });
});

describe('bad input writes nothing', () => {
  let registry: Registry;
  beforeAll(() => {
    registry = open('s3');
  });
  afterAll(() => registry.close());

  it('a .onnx file that is not ONNX', async () => {
    const path = join(work, 'fake.onnx');
    await writeFile(path, 'this is not a protobuf');
    await expect(registry.push({ name: 'x', files: await collectModelFiles([path]) })).rejects.toThrow(
      `${path} is not a valid ONNX model: onnxruntime could not load it`,
    );
    expect(await keys(registry)).toEqual([]);
  });

  it('alias names with / or .., reserved aliases, tags without =', async () => {
    const files = await collectModelFiles([await model([1, 1])]);
    await expect(registry.push({ name: 'x', files, alias: 'prod/eu' })).rejects.toThrow('Invalid alias "prod/eu"');
    await expect(registry.push({ name: 'x', files, alias: '..' })).rejects.toThrow('Invalid alias ".."');
    await expect(registry.push({ name: 'x', files, alias: 'latest' })).rejects.toThrow(
      'The alias "latest" is reserved',
    );
    await expect(registry.push({ name: '../x', files })).rejects.toThrow('Invalid model name "../x"');
    expect(() => parseTags(['team'])).toThrow('Tag "team" is not key=value');
    expect(await keys(registry)).toEqual([]);
  });

  it('versions and aliases that do not exist, with what does exist', async () => {
    const r = open('folder');
    await r.push({ name: 'iris', files: await collectModelFiles([await model([5, 5])]), alias: 'staging' });
    await expect(r.resolve('iris/7')).rejects.toMatchObject({
      message: expect.stringContaining('iris/7 does not exist'),
      fix: 'Versions of iris: 1.',
    });
    await expect(r.resolve('iris@prod')).rejects.toMatchObject({
      message: expect.stringContaining('The alias prod of iris does not exist'),
      fix: 'Aliases of iris: staging.',
    });
    await expect(r.resolve('ghost@latest')).rejects.toThrow('ghost has no versions');
    expect(() => parseModelRef('iris')).toThrow('Not a model reference: "iris"');
    r.close();
  });
});

describe('refusals and damage', () => {
  let plain: S3TestServer;
  beforeAll(async () => {
    plain = await startS3Server({ buckets: ['plain'] });
  });
  afterAll(() => plain.stop());

  it('refuses a store that ignores conditional writes (plain s3rver), naming it, with nothing left behind', async () => {
    const registry = Registry.open('s3://plain/registry', {
      endpoint: plain.endpoint,
      credentials: { accessKeyId: plain.accessKeyId, secretAccessKey: plain.secretAccessKey },
    });
    const error = (await registry.push({ name: 'iris', files: await collectModelFiles([await model([1, 0])]) }).then(
      () => new Error('pushed'),
      (e: unknown) => e,
    )) as Error & { fix: string };
    expect(error.message).toBe(
      'The store s3://plain/registry does not honour conditional writes (a second PUT with If-None-Match: * overwrote an existing object instead of failing with 412). ' +
        'The registry needs them to claim version numbers and move aliases safely, so nothing was written.',
    );
    expect(error.fix).toContain('AWS S3, MinIO (2023 or newer), Cloudflare R2, or a local/shared folder');
    const listed = await plain.client().send(new ListObjectsV2Command({ Bucket: 'plain' }));
    expect(listed.Contents ?? []).toEqual([]);
    registry.close();
  });

  it('refuses a model file rewritten while it is being pushed, leaving no visible version', async () => {
    const path = await model([1, 2, 3]);
    const original = await readFile(path);
    const registry = open(
      'folder',
      withStepHook({}, async (step) => {
        // the training step still writing: same size, other bytes, after the hash was taken
        if (step === 'claimed')
          await writeFile(path, Buffer.from(original.map((b, i) => (i === original.length - 1 ? b ^ 1 : b))));
      }),
    );
    await expect(registry.push({ name: 'racy', files: await collectModelFiles([path]) })).rejects.toThrow(
      `${path} changed while it was being pushed`,
    );
    expect(await registry.listVersions('racy')).toEqual([]);
    registry.close();
  });

  it('verify, download and the CLI refuse a manifest edited by hand', async () => {
    const registry = open('folder');
    const pushed = await registry.push({ name: 'iris', files: await collectModelFiles([await model([2, 2])]) });
    const manifestPath = join(registry.location, 'iris/versions/1/manifest.json');
    const doc = JSON.parse(await readFile(manifestPath, 'utf8'));
    const forged = 'f'.repeat(64);
    doc.files[0].sha256 = forged;
    doc.sha256 = forged;
    await writeFile(manifestPath, JSON.stringify(doc, null, 2));
    const report = await registry.verify('iris', 1);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.stringContaining("the manifest's content_digest"),
      `model.onnx: sha256 ${pushed.sha256}, manifest says ${forged}`,
    ]);
    const dest = join(work, `dest-${n++}`);
    await expect(registry.download('iris', 1, dest)).rejects.toThrow('iris/1 failed verification');
    await expect(readdir(dest)).rejects.toMatchObject({ code: 'ENOENT' });
    // even a consistent forgery (content_digest recomputed) fails on the file's bytes
    const { contentDigest } = await import('./manifest.js');
    doc.content_digest = contentDigest(doc.files);
    await writeFile(manifestPath, JSON.stringify(doc, null, 2));
    await expect(registry.download('iris', 1, dest)).rejects.toThrow(`model.onnx: Corrupt object`);
    await expect(readdir(dest)).rejects.toMatchObject({ code: 'ENOENT' });
    const err: string[] = [];
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) };
    expect(await runCli(['--registry', registry.location, 'verify', 'iris/1'], io)).toBe(1);
    expect(out.join('')).toContain(`BAD  model.onnx: sha256 ${pushed.sha256}, manifest says ${forged}`);
    expect(await runCli(['--registry', registry.location, 'pull', 'iris/1', dest], io)).toBe(1);
    expect(err.join('')).toContain('error: iris/1 failed verification');
    // a manifest that breaks the schema is refused on read
    doc.version = 'one';
    await writeFile(manifestPath, JSON.stringify(doc));
    await expect(registry.resolve('iris/1')).rejects.toThrow(/Invalid registry manifest .*\/version must be integer/);
    registry.close();
  });

  it('takes over the content record of a push that died holding it, and publishes', async () => {
    const logger = new RecordingLogger();
    const registry = open('folder', { logger, contentLock: { staleMs: 300, pollMs: 20 } });
    const path = await model([4, 4]);
    const files = await collectModelFiles([path]);
    const { contentDigest } = await import('./manifest.js');
    const { hashFile } = await import('@mlops-gha/common');
    const digest = contentDigest([{ path: 'model.onnx', sha256: await hashFile(path) }]);
    await registry.store.put(
      `iris/content/${digest}.json`,
      JSON.stringify({ state: 'pending', push_id: 'dead', version: null, beat: 3 }),
    );
    const result = await registry.push({ name: 'iris', files });
    expect(result).toMatchObject({ version: 1, created: true });
    expect(logger.messages('info').join('\n')).toMatch(/stopped \(no heartbeat for 0 s\): taking over/);
    registry.close();
  });
});

describe('push inputs', () => {
  it('reads metrics from JSON, YAML and CSV, and lineage and params from run.json', async () => {
    const j = join(work, 'metrics.json');
    await writeFile(j, JSON.stringify({ accuracy: 0.9, per_class: { a: 0.8 }, note: 'x' }));
    expect(await readMetricsFile(j)).toEqual({ accuracy: 0.9, 'per_class.a': 0.8 });
    const y = join(work, 'metrics.yaml');
    await writeFile(y, 'accuracy: 0.5\nloss: 1e-3\n');
    expect(await readMetricsFile(y)).toEqual({ accuracy: 0.5, loss: 0.001 });
    const c1 = join(work, 'm1.csv');
    await writeFile(c1, 'name,value\naccuracy,0.7\nf1,0.6\n');
    expect(await readMetricsFile(c1)).toEqual({ accuracy: 0.7, f1: 0.6 });
    const c2 = join(work, 'm2.csv');
    await writeFile(c2, 'epoch,accuracy,loss\n1,0.5,0.9\n2,0.75,0.4\n');
    expect(await readMetricsFile(c2)).toEqual({ epoch: 2, accuracy: 0.75, loss: 0.4 });
    const bad = join(work, 'bad.json');
    await writeFile(bad, '{ nope');
    await expect(readMetricsFile(bad)).rejects.toMatchObject({ location: { file: bad } });
    const run = join(work, 'run.json');
    await writeFile(
      run,
      JSON.stringify({
        schema: 'mlops-gha/run-record@1',
        run_id: 'r-1',
        repository: 'o/r',
        git: { sha: 'deadbeef', ref: 'refs/heads/main' },
        workflow: { run_url: 'https://github.com/o/r/actions/runs/9', run_id: '9' },
        actor: 'ada',
        data_version: 'dv1',
        params: { lr: 0.1 },
        metrics: { accuracy: 0.91 },
      }),
    );
    expect(await readRunRecord(run)).toEqual({
      params: { lr: 0.1 },
      metrics: { accuracy: 0.91 },
      actor: 'ada',
      lineage: {
        git_sha: 'deadbeef',
        git_ref: 'refs/heads/main',
        repository: 'o/r',
        run_url: 'https://github.com/o/r/actions/runs/9',
        run_id: 'r-1',
        data_version: 'dv1',
      },
    });
  });

  it('pushes a folder of files with one sha256 over the listing, and a regression model signature', async () => {
    const dir = join(work, 'bundle');
    await writeModel(join(dir, 'model.onnx'), linearRegressorModel({ weights: [1, 2], bias: 0 }));
    await writeFile(join(dir, 'config.json'), '{}');
    const files = await collectModelFiles([dir]);
    expect(files.map((f) => f.path)).toEqual(['config.json', 'model.onnx']);
    const registry = open('folder');
    const result = await registry.push({ name: 'reg', files });
    expect(result.manifest.files.map((f) => f.path)).toEqual(['config.json', 'model.onnx']);
    // the digest is the sha256 of `sha256sum`'s listing of the files (sorted by path), computed by coreutils here
    const listing = spawnSync('sha256sum', ['config.json', 'model.onnx'], { cwd: dir, encoding: 'utf8' });
    expect(listing.status).toBe(0);
    const digest = createHash('sha256').update(listing.stdout).digest('hex');
    expect(result.sha256).toBe(digest);
    // the manifest as stored (bytes on disk), not as the push returned it
    const stored = JSON.parse(await readFile(join(registry.location, 'reg/versions/1/manifest.json'), 'utf8'));
    expect(stored).toMatchObject({ name: 'reg', version: 1, sha256: digest, content_digest: digest });
    expect(stored.files.map((f: { path: string; sha256: string }) => `${f.sha256}  ${f.path}\n`).join('')).toBe(
      listing.stdout,
    );
    expect(stored.signature.outputs).toEqual([{ name: 'variable', type: 'float32', shape: ['N', 1] }]);
    for (const f of ['config.json', 'model.onnx']) {
      expect(await readFile(join(registry.location, 'reg/versions/1/files', f))).toEqual(await readFile(join(dir, f)));
    }
    registry.close();
  });
});

describe('create-only alias moves (--expect none)', () => {
  const cliIo = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) } };
  };

  it('alias set --expect none creates the alias once, then refuses to move it and writes nothing', async () => {
    const registry = open('folder');
    for (let i = 0; i < 2; i++)
      await registry.push({ name: 'm', files: await collectModelFiles([await model([i, 7])]) });
    const aliasFile = join(registry.location, 'm/aliases/prod.json');
    const first = cliIo();
    expect(
      await runCli(['--registry', registry.location, 'alias', 'set', 'm', 'prod', '1', '--expect', 'none'], first.io),
    ).toBe(0);
    expect(first.out.join('')).toMatch(/^m@prod: created at 1 \(event /);
    const before = await readFile(aliasFile, 'utf8');
    expect(JSON.parse(before)).toMatchObject({ alias: 'prod', version: 1 });
    const eventsBefore = await readdir(join(registry.location, 'm/events'));

    const second = cliIo();
    expect(
      await runCli(['--registry', registry.location, 'alias', 'set', 'm', 'prod', '2', '--expect', 'none'], second.io),
    ).toBe(1);
    expect(second.err.join('')).toContain(
      'The alias prod points at version 1, not nothing as expected; it was not moved',
    );
    expect(await readFile(aliasFile, 'utf8')).toBe(before);
    expect(await readdir(join(registry.location, 'm/events'))).toEqual(eventsBefore);
    registry.close();
  });

  it.each<StoreKind>(['folder', 's3'])(
    'on a %s, of create-only moves racing for a new alias exactly one lands',
    async (kind) => {
      const registry = open(kind);
      for (let i = 0; i < 2; i++)
        await registry.push({ name: 'm', files: await collectModelFiles([await model([i, 8])]) });
      const targets = [1, 2, 2, 1, 2, 1];
      const settled = await Promise.allSettled(
        targets.map((v) => registry.moveAlias('m', 'fresh', v, { expected: null })),
      );
      const won = settled.flatMap((s, i) => (s.status === 'fulfilled' ? [{ i, move: s.value }] : []));
      expect(won).toHaveLength(1);
      expect(won[0]!.move).toMatchObject({ from: null, moved: true });
      for (const s of settled) if (s.status === 'rejected') expect(s.reason).toBeInstanceOf(AliasConflictError);
      expect((await registry.resolve('m@fresh')).version).toBe(targets[won[0]!.i]);
      const moves = (await registry.listEvents('m')).filter(
        (e) => e.type === 'alias-moved' && e.alias === 'fresh' && e.applied,
      );
      expect(moves).toHaveLength(1);
      registry.close();
    },
  );

  it('an alias that another writer keeps moving is given up with who to look for, not retried forever', async () => {
    const location = join(work, `reg-${n++}`);
    const other = Registry.open(location, { actor: 'rival' });
    let flip = 0;
    // before each of our alias writes lands, the rival moves the alias (between 1 and 3, never to
    // our 2), so every compare-and-swap fails
    const registry = Registry.open(
      location,
      withStepHook({ actor: 'octocat' }, async (step) => {
        if (step === 'alias-event-written') await other.moveAlias('m', 'prod', flip++ % 2 === 0 ? 3 : 1);
      }),
    );
    for (let i = 0; i < 3; i++)
      await registry.push({ name: 'm', files: await collectModelFiles([await model([i, 9])]) });
    await other.moveAlias('m', 'prod', 1);
    const error = await registry.moveAlias('m', 'prod', 2).then(
      () => undefined,
      (e: unknown) => e as Error & { fix?: string },
    );
    expect(error?.message).toBe(
      `Could not move the alias prod of m in ${location}: another writer moved it between our read and our write 21 times in a row`,
    );
    // the fix names who else writes, how to find them, and what to change
    expect(error?.fix).toBe(
      "Something else is moving m@prod continuously (another job's registry-push with alias: prod, or a script running `alias set`). " +
        'List its alias-moved records (`events m` in the registry CLI: each names the actor and run), stop or serialise that writer ' +
        '(a workflow `concurrency:` group per model), then run this step again.',
    );
    expect(flip).toBe(21);
    registry.close();
    other.close();
  });
});

describe('the Registry object', () => {
  /** A folder store that records the keys of every put (and fails the first put when asked). */
  function recording(location: string, failFirst = false) {
    const inner = openStore(location);
    const puts: string[] = [];
    let fail = failFirst;
    const store = new Proxy(inner, {
      get(target, property, receiver) {
        if (property === 'put')
          return async (...args: Parameters<ObjectStore['put']>) => {
            puts.push(args[0]);
            if (fail) {
              fail = false;
              throw new Error('connection reset');
            }
            return target.put(...args);
          };
        const value = Reflect.get(target, property, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    return { store, puts, probes: () => new Set(puts.filter((k) => k.startsWith('.registry-probe/'))).size };
  }

  it('open refuses an empty location, saying what to set', () => {
    for (const url of ['', '  ']) {
      let caught: unknown;
      try {
        Registry.open(url);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(UserError);
      expect((caught as UserError).message).toBe('No registry given');
      expect((caught as UserError).fix).toBe('Set `registry:` to s3://bucket/prefix or a folder path.');
    }
  });

  it('probes the store for conditional writes once, before its first write, and never for reads', async () => {
    const { store, puts, probes } = recording(join(work, `reg-${n++}`));
    const registry = new Registry(store, { actor: 'octocat' });
    expect(await registry.listModels()).toEqual([]);
    expect(puts).toEqual([]);
    await registry.appendEvent('iris', { type: 'deployed' });
    await registry.appendEvent('iris', { type: 'deployed' });
    expect(probes()).toBe(1);
    expect(puts[0]!.startsWith('.registry-probe/')).toBe(true);
    expect(puts.filter((k) => k.startsWith('iris/events/'))).toHaveLength(2);
  });

  it('a probe that failed is tried again on the next write; skipProbe never probes', async () => {
    const failing = recording(join(work, `reg-${n++}`), true);
    const registry = new Registry(failing.store);
    await expect(registry.appendEvent('iris', { type: 'deployed' })).rejects.toThrow(
      'does not honour conditional writes (a create with If-None-Match: * failed: connection reset)',
    );
    expect(failing.puts.some((k) => k.startsWith('iris/'))).toBe(false);
    await registry.appendEvent('iris', { type: 'deployed' });
    expect(failing.probes()).toBe(2);

    const trusted = recording(join(work, `reg-${n++}`));
    await new Registry(trusted.store, { skipProbe: true }).appendEvent('iris', { type: 'deployed' });
    expect(trusted.probes()).toBe(0);
  });

  it('uriOf is the URL of the version’s files prefix, with one trailing slash', () => {
    const location = join(work, `reg-${n++}`);
    const registry = Registry.open(location);
    expect(registry.uriOf('iris', 3)).toBe(`${pathToFileURL(join(location, 'iris/versions/3/files')).href}/`);
    expect(registry.location).toBe(location);
    registry.close();
  });
});
