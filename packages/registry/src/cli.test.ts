import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_USAGE, runCli } from './cli.js';

// printf 'weights-a' | sha256sum
const SHA_A = '1761859e16f9a0a8a14419a2a7dd5eb3639b2beb40f01ff3c73942fd37f7ea26';

let work: string;
let n = 0;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'registry-cli-'));
  await writeFile(join(work, 'a.bin'), 'weights-a');
  await writeFile(join(work, 'metrics.json'), '{"accuracy": 0.93}');
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** Runs the CLI as a user would (own env, cwd = the work folder) and keeps what it printed. */
async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: { USER: 'laptop-user', ...env },
    cwd: work,
  });
  return { code, out: out.join(''), err: err.join('') };
}

/** A folder registry holding iris/1 (a.bin, metrics, a tag, a description) with the alias prod. */
async function withVersion(): Promise<string> {
  const registry = join(work, `reg-${n++}`);
  const pushed = await cli(
    [
      '--registry',
      registry,
      'push',
      'iris',
      'a.bin',
      '--alias',
      'prod',
      '--tag',
      'team=vision',
      '--description',
      'first',
      '--metrics-file',
      'metrics.json',
    ],
    { GITHUB_ACTOR: 'octocat' },
  );
  expect(pushed.code).toBe(0);
  return registry;
}

const manifestOf = async (registry: string) =>
  JSON.parse(await readFile(join(registry, 'iris/versions/1/manifest.json'), 'utf8')) as {
    created_at: string;
    uri: string;
  };

describe('runCli: usage and errors', () => {
  it('without a command prints the usage and exits 2; with --help or -h, exits 0', async () => {
    expect(await cli([])).toEqual({ code: 2, out: `${CLI_USAGE}\n`, err: '' });
    expect(await cli(['--help'])).toEqual({ code: 0, out: `${CLI_USAGE}\n`, err: '' });
    expect((await cli(['list', '-h'])).code).toBe(0);
  });

  it('without a registry says where to give one', async () => {
    expect(await cli(['list'])).toEqual({
      code: 1,
      out: '',
      err: 'error: No registry given\nFix: Pass --registry s3://bucket/prefix (or a folder), or set MLOPS_REGISTRY.\n',
    });
  });

  // moved from registry.test.ts
  it('an s3:// URL without a bucket names the option that held it', async () => {
    const err: string[] = [];
    const io = { stdout: () => undefined, stderr: (t: string) => err.push(t), env: {} };
    expect(await runCli(['--registry', 's3:///models', 'list'], io)).toBe(1);
    expect(err.join('')).toContain(
      'Not an S3 URL: "s3:///models" (the --registry option) has no bucket name after s3://',
    );
    err.length = 0;
    expect(await runCli(['list'], { ...io, env: { MLOPS_REGISTRY: 's3://' } })).toBe(1);
    expect(err.join('')).toContain('Not an S3 URL: "s3://" (MLOPS_REGISTRY) has no bucket name after s3://');
  });

  it('an unknown command, an unknown option, or the wrong number of arguments exits 1 with the usage to follow', async () => {
    const registry = join(work, `reg-${n++}`);
    expect(await cli(['--registry', registry, 'frobnicate'])).toEqual({
      code: 1,
      out: '',
      err: 'error: Unknown command "frobnicate"\nFix: Commands: list, show, pull, verify, alias set, events, push.\n',
    });
    const unknown = await cli(['--registry', registry, 'list', '--verbose']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^error: .*Unknown option '--verbose'/);
    expect(await cli(['--registry', registry, 'show'])).toEqual({
      code: 1,
      out: '',
      err: 'error: Usage: mlops-registry show NAME@ALIAS|NAME/VERSION\nFix: See mlops-registry --help.\n',
    });
    expect((await cli(['--registry', registry, 'push', 'iris'])).err).toBe(
      'error: Usage: mlops-registry push NAME FILE...\nFix: See mlops-registry --help.\n',
    );
    expect((await cli(['--registry', registry, 'alias', 'get', 'iris'])).err).toBe(
      'error: Unknown alias command "get"\nFix: Use: alias set NAME ALIAS VERSION\n',
    );
  });
});

describe('runCli: commands on a folder registry', () => {
  it('push prints the version, its uri and sha256; the same files again say so', async () => {
    const registry = join(work, `reg-${n++}`);
    const first = await cli(['--registry', registry, 'push', 'iris', 'a.bin', '--tag', 'team=vision'], {
      GITHUB_ACTOR: 'octocat',
    });
    const { uri } = await manifestOf(registry);
    expect(first).toMatchObject({ code: 0, out: `iris/1\t${uri}\tsha256:${SHA_A}\n` });
    expect(first.err).toContain('Created iris/1 at');
    const again = await cli(['push', 'iris', join(work, 'a.bin')], { MLOPS_REGISTRY: registry });
    expect(again).toMatchObject({ code: 0, out: `iris/1 (existing, identical content)\t${uri}\tsha256:${SHA_A}\n` });
  });

  it('push records the actor from GITHUB_ACTOR, else USER, the metrics file (relative to cwd) and the tags', async () => {
    const registry = await withVersion();
    const manifest = JSON.parse(await readFile(join(registry, 'iris/versions/1/manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      created_by: 'octocat',
      metrics: { accuracy: 0.93 },
      tags: { team: 'vision' },
      description: 'first',
    });
    await writeFile(join(work, 'b.bin'), 'weights-b');
    expect((await cli(['--registry', registry, 'push', 'iris', 'b.bin'])).code).toBe(0);
    const second = JSON.parse(await readFile(join(registry, 'iris/versions/2/manifest.json'), 'utf8'));
    expect(second.created_by).toBe('laptop-user');
  });

  it('push refuses a bad tag before anything is written', async () => {
    const registry = join(work, `reg-${n++}`);
    expect(await cli(['--registry', registry, 'push', 'iris', 'a.bin', '--tag', 'team'])).toEqual({
      code: 1,
      out: '',
      err: 'error: Tag "team" is not key=value\nFix: Write one key=value per line, e.g. team=vision.\n',
    });
    expect(await readdir(registry).catch(() => [])).toEqual([]);
  });

  it('list: models, then one model’s versions (tab-separated, with aliases), or JSON', async () => {
    const empty = join(work, `reg-${n++}`);
    expect((await cli(['--registry', empty, 'list'])).out).toBe(`(no models in ${empty})\n`);
    const registry = await withVersion();
    expect(await cli(['--registry', registry, 'list'])).toEqual({ code: 0, out: 'iris\n', err: '' });
    const { created_at } = await manifestOf(registry);
    expect((await cli(['--registry', registry, 'list', 'iris'])).out).toBe(
      `iris/1\t${created_at}\t9 B\tsha256:${SHA_A.slice(0, 12)}\t@prod\n`,
    );
    expect(JSON.parse((await cli(['--registry', registry, 'list', 'iris', '--json'])).out)).toEqual([
      { version: 1, created_at, created_by: 'octocat', sha256: SHA_A, size: 9, aliases: ['prod'] },
    ]);
    expect((await cli(['--registry', registry, 'list', 'wine'])).out).toBe(`(no versions of wine in ${registry})\n`);
  });

  it('show: a version’s facts line by line, or the manifest as JSON', async () => {
    const registry = await withVersion();
    const { created_at, uri } = await manifestOf(registry);
    const shown = await cli(['--registry', registry, 'show', 'iris@prod']);
    expect(shown.out).toBe(
      [
        'iris/1 (@prod)',
        `  uri:         ${uri}`,
        `  sha256:      ${SHA_A}`,
        `  created:     ${created_at} by octocat`,
        '  description: first',
        `  file:        a.bin  9 B  sha256:${SHA_A}`,
        '  metric:      accuracy = 0.93',
        '  tag:         team = vision',
        '',
      ].join('\n'),
    );
    expect(JSON.parse((await cli(['--registry', registry, 'show', 'iris/1', '--json'])).out)).toEqual(
      await manifestOf(registry),
    );
    expect(await cli(['--registry', registry, 'show', 'iris/2'])).toMatchObject({
      code: 1,
      err: `error: iris/2 does not exist in the registry ${registry}\nFix: Versions of iris: 1.\n`,
    });
  });

  it('pull: the files land in DEST (relative to cwd), verified; verify: every file ok, or BAD with exit 1', async () => {
    const registry = await withVersion();
    const dest = `pulled-${n++}`;
    expect(await cli(['--registry', registry, 'pull', 'iris@prod', dest])).toMatchObject({
      code: 0,
      out: `Pulled iris/1 (1 file(s), 9 B, sha256 verified) into ${dest}\n`,
    });
    expect(await readFile(join(work, dest, 'a.bin'), 'utf8')).toBe('weights-a');
    expect(await cli(['--registry', registry, 'verify', 'iris/1'])).toEqual({
      code: 0,
      out: 'ok   a.bin\niris/1: all 1 file(s) match the manifest\n',
      err: '',
    });
    await writeFile(join(registry, 'iris/versions/1/files/a.bin'), 'weights-A');
    const bad = await cli(['--registry', registry, 'verify', 'iris@prod']);
    // printf 'weights-A' | sha256sum
    const tampered = '7a2cf92f089712051f6a1d5fc3493b9cc6dc3757cfac1a834fe553b19b6affaa';
    expect(bad).toEqual({
      code: 1,
      out: `BAD  a.bin: sha256 ${tampered}, manifest says ${SHA_A}\n`,
      err: `iris/1 failed verification:\n  a.bin: sha256 ${tampered}, manifest says ${SHA_A}\n`,
    });
  });

  it('alias set: moves by compare-and-swap with --expect, and says when nothing moved', async () => {
    const registry = await withVersion();
    await writeFile(join(work, 'c.bin'), 'weights-c');
    await cli(['--registry', registry, 'push', 'iris', 'c.bin']);
    const moved = await cli([
      '--registry',
      registry,
      'alias',
      'set',
      'iris',
      'prod',
      '2',
      '--expect',
      '1',
      '--reason',
      'better',
    ]);
    expect(moved.code).toBe(0);
    expect(moved.out).toMatch(/^iris@prod: 1 -> 2 \(event \d{8}T\d{9}Z-[0-9a-f]{10}\)\n$/);
    expect((await cli(['--registry', registry, 'alias', 'set', 'iris', 'prod', 'v2'])).out).toBe(
      'iris@prod already points at 2\n',
    );
    expect(await cli(['--registry', registry, 'alias', 'set', 'iris', 'prod', '1', '--expect', '1'])).toMatchObject({
      code: 1,
      err: expect.stringContaining('The alias prod points at version 2, not version 1 as expected; it was not moved'),
    });
  });

  it('alias set refuses a version that is not a number and an --expect that is neither a number nor none', async () => {
    const registry = await withVersion();
    expect((await cli(['--registry', registry, 'alias', 'set', 'iris', 'prod', 'latest'])).err).toBe(
      'error: latest is not a version number\nFix: Give a number, e.g. 3.\n',
    );
    expect((await cli(['--registry', registry, 'alias', 'set', 'iris', 'prod', 'two'])).err).toContain(
      'Not a version number in "iris/two"',
    );
    expect((await cli(['--registry', registry, 'alias', 'set', 'iris', 'prod', '1', '--expect', 'old'])).err).toBe(
      'error: --expect must be a version number or none, got old\nFix: e.g. --expect 2\n',
    );
  });

  it('events: one line per event (time, type, what, actor, reason), or JSON', async () => {
    const registry = await withVersion();
    await cli(['--registry', registry, 'alias', 'set', 'iris', 'staging', '1', '--reason', 'smoke test'], {
      GITHUB_ACTOR: 'releaser',
    });
    const json = JSON.parse((await cli(['--registry', registry, 'events', 'iris', '--json'])).out) as {
      at: string;
      type: string;
      alias?: string;
    }[];
    expect(json.map((e) => [e.type, e.alias])).toEqual([
      ['version-created', undefined],
      ['alias-moved', 'prod'],
      ['alias-moved', 'staging'],
    ]);
    const lines = (await cli(['--registry', registry, 'events', 'iris'])).out.split('\n');
    expect(lines).toEqual([
      `${json[0]!.at}\tversion-created\tversion 1\toctocat`,
      `${json[1]!.at}\talias-moved\t@prod - -> 1\toctocat`,
      `${json[2]!.at}\talias-moved\t@staging - -> 1\treleaser\tsmoke test`,
      '',
    ]);
  });
});
