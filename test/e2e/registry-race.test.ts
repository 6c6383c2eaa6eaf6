/**
 * The registry's concurrency guarantees, with pushes in separate processes (the committed
 * bundle's CLI, `node dist/registry-push/index.js push ...`), against the S3 double that
 * honours conditional writes and against a local folder: 20 racing pushes, and pushes killed
 * with SIGKILL at every named step and at random moments.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createHash, randomInt } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startConditionalS3Server, type ConditionalS3Server } from '../doubles/s3-conditional.js';
import { logisticClassifierModel, writeModel } from '../harness/onnx-models.js';
import { repoRoot } from '../harness/run-action.js';

const BUNDLE = join(repoRoot, 'dist/registry-push/index.js');
// 20 node processes at once on a 2-core runner: generous limits, no timing assertions.
jest.setTimeout(300_000);
let s3: ConditionalS3Server;
let work: string;
let counter = 0;

beforeAll(async () => {
  s3 = await startConditionalS3Server({ buckets: ['race'] });
  work = await mkdtemp(join(tmpdir(), 'registry-race-'));
});
afterAll(() => s3.stop());

/**
 * A registry the bundle writes to, and a reader of its raw objects that shares no code with the
 * registry (a folder walk, or the S3 API), so that the bundle's results are judged from the bytes.
 */
interface Target {
  url: string;
  args: string[];
  /** Every key under the registry root, sorted. */
  keys(): Promise<string[]>;
  get(key: string): Promise<Buffer>;
}

function target(kind: 's3' | 'folder'): Target {
  const id = `t${counter++}`;
  if (kind === 'folder') {
    const url = join(work, id);
    return {
      url,
      args: ['--registry', url],
      keys: async () => {
        const entries = await readdir(url, { recursive: true, withFileTypes: true }).catch(() => []);
        return entries
          .filter((e) => e.isFile())
          .map((e) => join(e.parentPath, e.name).slice(url.length + 1))
          .sort();
      },
      get: (key) => readFile(join(url, key)),
    };
  }
  const url = `s3://race/${id}`;
  return {
    url,
    args: ['--registry', url, '--endpoint-url', s3.endpoint],
    keys: async () => {
      const out: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3
          .client()
          .send(new ListObjectsV2Command({ Bucket: 'race', Prefix: `${id}/`, ContinuationToken: token }));
        for (const o of page.Contents ?? []) out.push(o.Key!.slice(id.length + 1));
        token = page.NextContinuationToken;
      } while (token);
      return out.sort();
    },
    get: async (key) =>
      Buffer.from(
        await (
          await s3.client().send(new GetObjectCommand({ Bucket: 'race', Key: `${id}/${key}` }))
        ).Body!.transformToByteArray(),
      ),
  };
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The push's progress lines (stderr) with the ms after spawn each arrived at, and when it ended. */
  timeline: { at: number; line: string }[];
  endedAt: number;
}

function cli(args: string[], options: { env?: Record<string, string>; killAfterMs?: number } = {}): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUNDLE, ...args], {
      env: { ...process.env, ...s3.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = performance.now();
    let stdout = '';
    let stderr = '';
    const timeline: Exit['timeline'] = [];
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      for (const line of String(d).split('\n')) if (line) timeline.push({ at: performance.now() - started, line });
    });
    const timer =
      options.killAfterMs !== undefined ? setTimeout(() => child.kill('SIGKILL'), options.killAfterMs) : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timeline, endedAt: performance.now() - started });
    });
  });
}

/** A model whose bytes no other call returns (a fresh bias each time). */
async function distinctModel(i: number): Promise<string> {
  const unique = counter++;
  const path = join(work, `model-${unique}-${i}`, 'model.onnx');
  await writeModel(path, logisticClassifierModel({ weights: [i + 1, -i, 0.5], bias: unique / 1000 }));
  return path;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const json = async (t: Target, key: string) =>
  JSON.parse((await t.get(key)).toString('utf8')) as Record<string, unknown>;

/**
 * What must hold after any interleaving or crash, read from the raw objects (layout: the
 * registry README): claims/N.json numbered 1..K; a version is visible when versions/N/manifest.json
 * exists, and then every file it lists is under versions/N/files/ with that sha256 and size; an
 * alias names a visible version and the alias-moved event (events/ID.json) that moved it there.
 */
async function checkInvariants(
  t: Target,
  name: string,
  verified = new Set<number>(),
): Promise<{ claims: number[]; visible: number[]; aliases: Record<string, number>; events: string[] }> {
  const keys = await t.keys();
  const numbered = (re: RegExp) =>
    keys.flatMap((k) => (re.exec(k) ? [Number(re.exec(k)![1])] : [])).sort((a, b) => a - b);
  const claims = numbered(new RegExp(`^${name}/claims/(\\d+)\\.json$`));
  expect(claims).toEqual(claims.map((_, i) => i + 1));
  const visible = numbered(new RegExp(`^${name}/versions/(\\d+)/manifest\\.json$`));
  for (const v of visible) {
    expect(claims).toContain(v);
    // (versions are immutable: one already read in full is not downloaded and hashed again)
    if (verified.has(v)) continue;
    verified.add(v);
    const manifest = await json(t, `${name}/versions/${v}/manifest.json`);
    expect(manifest).toMatchObject({ name, version: v });
    for (const f of manifest.files as { path: string; sha256: string; size: number }[]) {
      const bytes = await t.get(`${name}/versions/${v}/files/${f.path}`);
      expect({ version: v, path: f.path, sha256: sha256(bytes), size: bytes.length }).toEqual({
        version: v,
        path: f.path,
        sha256: f.sha256,
        size: f.size,
      });
    }
  }
  const events = keys.filter((k) => k.startsWith(`${name}/events/`) && k.endsWith('.json'));
  const aliases: Record<string, number> = {};
  for (const key of keys.filter((k) => k.startsWith(`${name}/aliases/`) && k.endsWith('.json'))) {
    const alias = key.slice(`${name}/aliases/`.length, -'.json'.length);
    const doc = (await json(t, key)) as { version: number; event: string };
    expect(visible).toContain(doc.version);
    expect(events).toContain(`${name}/events/${doc.event}.json`);
    expect(await json(t, `${name}/events/${doc.event}.json`)).toMatchObject({
      type: 'alias-moved',
      alias,
      to: doc.version,
    });
    aliases[alias] = doc.version;
  }
  return { claims, visible, aliases, events };
}

describe.each(['s3', 'folder'] as const)('pushes racing in separate processes (%s)', (kind) => {
  it('20 pushes of different models get distinct, gap-free versions 1..20, none lost', async () => {
    const t = target(kind);
    const models = await Promise.all(Array.from({ length: 20 }, (_, i) => distinctModel(i)));
    const exits = await Promise.all(models.map((m) => cli([...t.args, 'push', 'iris', m])));
    for (const e of exits)
      expect({ code: e.code, signal: e.signal, stderr: e.code ? e.stderr : '' }).toEqual({
        code: 0,
        signal: null,
        stderr: '',
      });
    const versions = exits.map((e) => Number(/^iris\/(\d+)\t/.exec(e.stdout)?.[1]));
    expect([...versions].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const { claims, visible } = await checkInvariants(t, 'iris');
    expect(claims).toHaveLength(20);
    expect(visible).toHaveLength(20);
    // each push's version holds that push's own file, byte for byte
    for (let i = 0; i < 20; i++) {
      expect((await t.get(`iris/versions/${versions[i]}/files/model.onnx`)).equals(await readFile(models[i]!))).toBe(
        true,
      );
    }
  });

  it('20 pushes of identical files share one version, created once', async () => {
    const t = target(kind);
    const model = await distinctModel(99);
    const exits = await Promise.all(
      Array.from({ length: 20 }, () => cli([...t.args, 'push', 'iris', model, '--alias', 'staging'])),
    );
    for (const e of exits)
      expect({ code: e.code, signal: e.signal, stderr: e.code ? e.stderr : '' }).toEqual({
        code: 0,
        signal: null,
        stderr: '',
      });
    expect(exits.map((e) => e.stdout.split('\t')[0])).toEqual(
      Array(20).fill(expect.stringMatching(/^iris\/1( \(existing, identical content\))?$/)),
    );
    expect(exits.filter((e) => !e.stdout.includes('(existing, identical content)'))).toHaveLength(1);
    const { claims, visible, aliases } = await checkInvariants(t, 'iris');
    expect(claims).toEqual([1]);
    expect(visible).toEqual([1]);
    expect(aliases).toEqual({ staging: 1 });
  });
});

describe('pushes killed with SIGKILL', () => {
  const STEPS = [
    'hashed',
    'locked',
    'claimed',
    'uploaded',
    'manifest-written',
    'event-written',
    'alias-event-written',
    'alias-moved',
  ];

  it.each(['s3', 'folder'] as const)(
    'at every step of a push never leave a visible half version or an alias moved without its event (%s)',
    async (kind) => {
      const t = target(kind);
      // a version 1 and an alias to start from, so that kills also hit alias moves with history
      expect((await cli([...t.args, 'push', 'iris', await distinctModel(0), '--alias', 'prod'])).code).toBe(0);
      for (const step of STEPS) {
        const exit = await cli([...t.args, 'push', 'iris', await distinctModel(1), '--alias', 'prod'], {
          env: { MLOPS_REGISTRY_FAULT_KILL_AT: step },
        });
        expect(exit.signal).toBe('SIGKILL');
        const { events } = await checkInvariants(t, 'iris');
        if (step === 'alias-event-written') {
          // the intent was recorded (the newest event), the alias did not move: it still names an older event
          const newest = events.sort().at(-1)!;
          expect(await json(t, newest)).toMatchObject({ type: 'alias-moved', alias: 'prod' });
          expect(`iris/events/${((await json(t, 'iris/aliases/prod.json')) as { event: string }).event}.json`).not.toBe(
            newest,
          );
        }
      }
      // the registry goes on working: the next push gets the next unclaimed number
      const before = (await checkInvariants(t, 'iris')).claims;
      const after = await cli([...t.args, 'push', 'iris', await distinctModel(2), '--alias', 'prod']);
      expect(after.code).toBe(0);
      expect(after.stdout).toMatch(new RegExp(`^iris/${before.length + 1}\\t`));
      const { visible, aliases } = await checkInvariants(t, 'iris');
      expect(aliases.prod).toBe(visible[visible.length - 1]);
    },
  );

  it('at random moments (6 kills that landed mid-push, from a logged seed) keeps the same invariants', async () => {
    // Re-run a failure with the seed its message names; the kill delays (and the weights' bytes) follow from it.
    const seed = process.env.REGISTRY_RACE_SEED ? Number(process.env.REGISTRY_RACE_SEED) : randomInt(2 ** 31);
    const rerun = `REGISTRY_RACE_SEED=${seed} npm test -- test/e2e/registry-race.test.ts -t 'at random moments'`;
    console.log(`registry-race: random kills from seed ${seed} (${rerun})`);
    const random = mulberry32(seed);
    const t = target('s3');
    // an 8 MB weights file beside each model so that kills land in the upload as well
    const dir = join(work, `big-${counter++}`);
    await mkdir(dir, { recursive: true });
    const weightsFile = async (name: string) => {
      const words = new Uint32Array(2 * 1024 * 1024);
      for (let i = 0; i < words.length; i++) words[i] = Math.floor(random() * 2 ** 32);
      const path = join(dir, `${name}.bin`);
      await writeFile(path, words);
      return path;
    };
    // a push of the same shape, not killed: when its writes begin (hashing done) and when it ends
    const reference = await cli([
      ...t.args,
      'push',
      'iris',
      await distinctModel(0),
      await weightsFile('weights-ref'),
      '--alias',
      'prod',
    ]);
    expect({ code: reference.code, stderr: reference.code ? reference.stderr : '' }).toEqual({ code: 0, stderr: '' });
    const writesFrom = reference.timeline.find((l) => l.line.startsWith('Hashed '))!.at;
    const span = reference.endedAt - writesFrom;

    const landed: string[] = [];
    const missed: string[] = [];
    const verified = new Set<number>();
    while (landed.length < 6) {
      if (missed.length > 24)
        throw new Error(
          `seed ${seed}: only ${landed.length} of 6 kills landed mid-push in ${landed.length + missed.length} tries (${missed.join('; ')}); rerun: ${rerun}`,
        );
      const delay = Math.round(writesFrom + random() * span);
      const exit = await cli(
        [
          ...t.args,
          'push',
          'iris',
          await distinctModel(landed.length + missed.length + 10),
          await weightsFile(`weights-${landed.length + missed.length}`),
          '--alias',
          'prod',
        ],
        { killAfterMs: delay },
      );
      // Where the kill landed, from the push's own progress lines: it must have been killed (not
      // finished first) after its writes began (not while starting up or hashing).
      const last = exit.timeline.at(-1)?.line ?? '(no output)';
      const where = `kill after ${delay} ms, last line ${JSON.stringify(last)}`;
      if (exit.signal !== 'SIGKILL') missed.push(`${where}: it had finished (exit ${exit.code})`);
      else if (!exit.timeline.some((l) => l.line.startsWith('Hashed ')))
        missed.push(`${where}: before its writes began`);
      else landed.push(where);
      try {
        await checkInvariants(t, 'iris', verified);
      } catch (error) {
        throw new Error(`seed ${seed}, ${where}: ${(error as Error).message}\nrerun: ${rerun}`);
      }
    }
    expect(landed).toHaveLength(6);
  }, 900_000);
});

/** A small seeded PRNG (mulberry32): the same seed gives the same kill delays. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
