/**
 * config.ts: DVC's config files as DVC reads them (DVC facts sheet §6): configobj syntax,
 * system -> global -> .dvc/config -> .dvc/config.local merged key by key, lowercased names,
 * relative paths resolved against the folder of the file that set them, `remote://` bases.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '@mlops-gha/common';
import { loadConfig } from './config.js';

/** The shared corpus of real DVC projects, read in place (never copied into the repository). */
const corpusDir =
  process.env.DVC_CORPUS_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus/dvc');

async function repoWith(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'dvc-config-'));
  await mkdir(join(root, '.dvc'));
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), text);
  }
  return root;
}
const load = (root: string, extra: Partial<Parameters<typeof loadConfig>[0]> = {}) =>
  loadConfig({ root, locationBase: root, includeGlobal: false, ...extra });

async function thrown(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (error) {
    return error as UserError;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig', () => {
  it("reads a real project's config: core.remote, a relative remote url and cache dir, shared group, cache type", async () => {
    // inf-0077/dvc-cache-example: `dvc init --subdir` in project/, remote `../../remote` relative to project/.dvc/
    const repo = join(corpusDir, 'inf-0077__dvc-cache-example');
    const config = await load(join(repo, 'project'));
    expect(config.coreRemote).toEqual({ name: 'remote', location: { file: '.dvc/config', line: 2 } });
    expect(config.remotes.get('remote')).toEqual({
      name: 'remote',
      url: join(repo, 'remote'),
      location: { file: '.dvc/config', line: 7 },
    });
    expect(config.cacheDir).toBe(join(repo, 'new-cache'));
    expect(config.sharedGroup).toBe(true);
    expect(config.cacheTypes).toEqual(['symlink']);
    expect(config.files).toEqual([join(repo, 'project/.dvc/config')]);
    expect(config.secrets).toEqual([]);
  });

  it('without any config file: the default cache, no remote, no files', async () => {
    const root = await repoWith({});
    const config = await load(root);
    expect(config).toEqual({
      cacheDir: join(root, '.dvc/cache'),
      sharedGroup: false,
      remotes: new Map(),
      files: [],
      secrets: [],
    });
  });

  it('config.local overrides .dvc/config key by key; the keys it sets are secrets', async () => {
    const root = await repoWith({
      '.dvc/config': `[core]\n    remote = storage\n['remote "storage"']\n    url = s3://bucket/prefix\n    region = eu-west-1\n`,
      '.dvc/config.local': `['remote "storage"']\n    region = us-east-2\n    access_key_id = AKIDEXAMPLE\n    secret_access_key = wJalrXUtnFEMI\n`,
    });
    const config = await load(root);
    expect(config.remotes.get('storage')).toEqual({
      name: 'storage',
      url: 's3://bucket/prefix',
      region: 'us-east-2',
      access_key_id: 'AKIDEXAMPLE',
      secret_access_key: 'wJalrXUtnFEMI',
      location: { file: '.dvc/config', line: 3 },
    });
    expect(config.secrets.sort()).toEqual(['AKIDEXAMPLE', 'wJalrXUtnFEMI']);
    expect(config.files).toEqual([join(root, '.dvc/config'), join(root, '.dvc/config.local')]);
  });

  it('reads system then global config from DVC_SYSTEM_CONFIG_DIR / DVC_GLOBAL_CONFIG_DIR, the repository winning', async () => {
    const root = await repoWith({
      'sys/config': `[core]\n    remote = fromsystem\n['remote "fromsystem"']\n    url = s3://sys/x\n    region = sys-region\n[cache]\n    type = hardlink\n`,
      'glob/config': `['remote "fromsystem"']\n    region = global-region\n`,
      '.dvc/config': `[core]\n    remote = FromSystem\n`,
    });
    const env = { DVC_SYSTEM_CONFIG_DIR: join(root, 'sys'), DVC_GLOBAL_CONFIG_DIR: join(root, 'glob') };
    const config = await load(root, { includeGlobal: true, env });
    expect(config.remotes.get('fromsystem')?.region).toBe('global-region');
    expect(config.coreRemote?.name).toBe('fromsystem'); // names are case-insensitive
    expect(config.cacheTypes).toEqual(['hardlink']);
    expect(config.files).toEqual([join(root, 'sys/config'), join(root, 'glob/config'), join(root, '.dvc/config')]);
    // includeGlobal: false never looks at them
    expect((await load(root, { env })).remotes.size).toBe(0);
  });

  it('resolves relative paths against the folder of the file that set them, and expands ~', async () => {
    const root = await repoWith({
      'glob/config': `[cache]\n    dir = shared-cache\n`,
      '.dvc/config': `['remote "local"']\n    url = ../remote-folder\n    credentialpath = ~/creds\n    configpath = aws/config\n`,
    });
    const config = await load(root, {
      includeGlobal: true,
      env: { DVC_GLOBAL_CONFIG_DIR: join(root, 'glob'), DVC_SYSTEM_CONFIG_DIR: join(root, 'none') },
    });
    expect(config.cacheDir).toBe(join(root, 'glob/shared-cache'));
    const remote = config.remotes.get('local')!;
    expect(remote.url).toBe(resolve(root, 'remote-folder'));
    expect(remote.credentialpath).toBe(join(homedir(), 'creds'));
    expect(remote.configpath).toBe(join(root, '.dvc/aws/config'));
  });

  it('keeps URLs with a scheme and Windows drive paths as written', async () => {
    const root = await repoWith({
      '.dvc/config':
        `['remote "s3"']\n    url = s3://bucket\n` +
        `['remote "file"']\n    url = file:///srv/dvc\n` +
        `['remote "windows"']\n    url = C:\\Users\\me\\dvc_remote\n`,
    });
    const remotes = (await load(root)).remotes;
    expect([...remotes.values()].map((r) => [r.name, r.url])).toEqual([
      ['s3', 's3://bucket'],
      ['file', 'file:///srv/dvc'],
      ['windows', 'C:\\Users\\me\\dvc_remote'],
    ]);
  });

  it('reads a remote whose name has dots or capitals, a comma list of cache types, jobs only when an integer', async () => {
    const root = await repoWith({
      '.dvc/config':
        `[cache]\n    type = Reflink, copy\n    shared = GROUP\n` +
        `['remote "My.Remote"']\n    url = s3://b/p\n    jobs = 4\n    endpointurl = http://localhost:9000\n    profile = ci\n` +
        `['remote "other"']\n    url = s3://b/q\n    jobs = many\n`,
    });
    const config = await load(root);
    expect(config.cacheTypes).toEqual(['reflink', 'copy']);
    expect(config.sharedGroup).toBe(true);
    expect(config.remotes.get('my.remote')).toMatchObject({
      name: 'my.remote',
      url: 's3://b/p',
      jobs: 4,
      endpointurl: 'http://localhost:9000',
      profile: 'ci',
    });
    expect(config.remotes.get('other')?.jobs).toBeUndefined();
  });

  it('a section without url is not a remote', async () => {
    const root = await repoWith({ '.dvc/config': `['remote "half"']\n    region = x\n` });
    expect((await load(root)).remotes.size).toBe(0);
  });

  it('remote://base/sub inherits the base settings and appends the path (S3 and folders)', async () => {
    const root = await repoWith({
      '.dvc/config':
        `['remote "base"']\n    url = s3://bucket/data/\n    endpointurl = http://minio:9000\n    region = r1\n` +
        `['remote "child"']\n    url = remote://base/sub/dir\n    region = r2\n` +
        `['remote "folder"']\n    url = /srv/dvc\n` +
        `['remote "infolder"']\n    url = remote://folder/more\n` +
        `['remote "same"']\n    url = remote://base\n`,
    });
    const remotes = (await load(root)).remotes;
    expect(remotes.get('child')).toEqual({
      name: 'child',
      url: 's3://bucket/data/sub/dir',
      endpointurl: 'http://minio:9000',
      region: 'r2',
      location: { file: '.dvc/config', line: 5 },
    });
    expect(remotes.get('infolder')?.url).toBe('/srv/dvc/more');
    expect(remotes.get('same')?.url).toBe('s3://bucket/data/');
  });

  it('a remote:// url naming an unknown remote is an error at its section, with the fix', async () => {
    const root = await repoWith({
      '.dvc/config': `[core]\n    remote = child\n['remote "child"']\n    url = remote://nowhere/x\n`,
    });
    const error = await thrown(load(root));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe('Remote "child" refers to an unknown remote "nowhere" in its url');
    expect(error.location).toEqual({ file: '.dvc/config', line: 3 });
    expect(error.fix).toBe('Define [remote "nowhere"] or correct the url of remote "child".');
  });

  it('locations are relative to locationBase (the workspace GitHub annotates against)', async () => {
    const root = await repoWith({ 'sub/.dvc/config': `[core]\n    remote = r\n['remote "r"']\n    url = s3://b\n` });
    const config = await loadConfig({ root: join(root, 'sub'), locationBase: root, includeGlobal: false });
    expect(config.coreRemote?.location).toEqual({ file: 'sub/.dvc/config', line: 2 });
    expect(config.remotes.get('r')?.location).toEqual({ file: 'sub/.dvc/config', line: 3 });
  });
});
