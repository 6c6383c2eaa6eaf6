/**
 * remotes.ts: which remote an output uses (its own `remote:`, the `remote` input, core.remote),
 * what the step's inputs override, and the store opened for it: each refusal as the user sees
 * it. Local folders stand in for remotes; S3 is only parsed here, never contacted.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@mlops-gha/common';
import { LocalStore } from '@mlops-gha/storage';
import type { DvcConfig, RemoteConfig } from './config.js';
import type { TrackedOutput } from './files.js';
import { RemoteStores, type RemoteOptions } from './remotes.js';

const output = (remote?: string): TrackedOutput => ({
  path: 'data.csv',
  md5: 'acbd18db4cc2f85cedef654fccc4a4d8',
  hashName: 'md5',
  isexec: false,
  cache: true,
  declaredIn: { file: 'data.csv.dvc', line: 2, column: 3 },
  declaredInRepo: 'data.csv.dvc',
  ...(remote ? { remote } : {}),
});

function config(remotes: RemoteConfig[], core?: string): DvcConfig {
  return {
    cacheDir: '/repo/.dvc/cache',
    sharedGroup: false,
    remotes: new Map(remotes.map((r) => [r.name, r])),
    files: ['/repo/.dvc/config'],
    secrets: [],
    ...(core ? { coreRemote: { name: core, location: { file: '.dvc/config', line: 2 } } } : {}),
  };
}
const storage: RemoteConfig = { name: 'storage', url: '/srv/storage', location: { file: '.dvc/config', line: 3 } };
const backup: RemoteConfig = { name: 'backup', url: '/srv/backup', location: { file: '.dvc/config', line: 5 } };
const stores = (c: DvcConfig, options: Partial<RemoteOptions> = {}) =>
  new RemoteStores(c, { jobs: 4, ...options }, '/repo');

function refusal(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a UserError');
}

describe('RemoteStores.nameFor', () => {
  // Which of the `remote` input and an output's own `remote:` wins is left unasserted here: DVC
  // gives the output's own remote precedence (`-r` only sets core.remote), this module the
  // input; reported to the coordinator rather than fixed in a test.
  it("takes the `remote` input over core.remote, the output's own remote over core.remote, case-insensitively", () => {
    const s = stores(config([storage, backup], 'storage'));
    expect(s.nameFor(output(), 'BACKUP')).toBe('backup');
    expect(s.nameFor(output('backup'))).toBe('backup');
    expect(s.nameFor(output())).toBe('storage');
  });

  it('with no remote named anywhere: the remote-url input stands in, else a refusal with the fix', () => {
    expect(stores(config([]), { remoteUrl: '/data' }).nameFor(output())).toBe('');
    const error = refusal(() => stores(config([])).nameFor(output()));
    expect(error.message).toBe('No remote provided and no default remote set');
    expect(error.title).toBe('No DVC remote');
    expect(error.fix).toBe(
      'Set `remote-url:` on the step, or run `dvc remote add -d <name> <url>` and commit .dvc/config.',
    );
  });

  it('an unknown remote names where it came from, points there, and lists the defined ones', () => {
    const s = stores(config([storage, backup], 'gone'));
    const byInput = refusal(() => s.nameFor(output(), 'nope'));
    expect(byInput.message).toBe('Unknown remote "nope" (named by the `remote` input)');
    expect(byInput.location).toBeUndefined();
    expect(byInput.fix).toBe(
      'Define it in .dvc/config (`dvc remote add nope <url>`), or name one of: storage, backup.',
    );
    const byOutput = refusal(() => s.nameFor(output('lost')));
    expect(byOutput.message).toBe('Unknown remote "lost" (named by data.csv.dvc)');
    expect(byOutput.location).toEqual({ file: 'data.csv.dvc', line: 2, column: 3 });
    const byCore = refusal(() => s.nameFor(output()));
    expect(byCore.message).toBe('Unknown remote "gone" (named by core.remote)');
    expect(byCore.location).toEqual({ file: '.dvc/config', line: 2 });
    expect(byCore.title).toBe('Unknown DVC remote');
    expect(refusal(() => stores(config([], 'x')).nameFor(output())).fix).toBe(
      'Define it in .dvc/config (`dvc remote add x <url>`), or name one of: (none defined).',
    );
  });

  it("remote-url makes an undefined default or `remote` input usable, but not an output's own unknown remote", () => {
    const s = stores(config([], 'gone'), { remoteUrl: '/data' });
    expect(s.nameFor(output())).toBe('gone');
    expect(s.nameFor(output(), 'named')).toBe('named');
    expect(refusal(() => s.nameFor(output('lost'))).message).toBe('Unknown remote "lost" (named by data.csv.dvc)');
  });
});

describe('RemoteStores.resolve', () => {
  it('remote-url replaces the url of the default remote only; endpoint-url and region apply to every remote', () => {
    const s = stores(config([storage, backup], 'storage'), {
      remote: 'Storage',
      remoteUrl: 's3://ci-bucket/data',
      endpointUrl: 'http://minio:9000',
      region: 'eu-north-1',
    });
    expect(s.resolve('storage')).toEqual({
      ...storage,
      url: 's3://ci-bucket/data',
      endpointurl: 'http://minio:9000',
      region: 'eu-north-1',
    });
    expect(s.resolve('backup')).toEqual({ ...backup, endpointurl: 'http://minio:9000', region: 'eu-north-1' });
    expect(storage.url).toBe('/srv/storage'); // the config is not changed
  });

  it('without the `remote` input, remote-url applies to whichever remote is used', () => {
    expect(stores(config([storage, backup]), { remoteUrl: '/ci' }).resolve('backup').url).toBe('/ci');
  });

  it('a remote with no url at all is refused at its section', () => {
    const error = refusal(() =>
      stores(config([{ name: 'empty', url: '', location: { file: '.dvc/config', line: 9 } }])).resolve('empty'),
    );
    expect(error.message).toBe('Remote "empty" has no url');
    expect(error.location).toEqual({ file: '.dvc/config', line: 9 });
    expect(error.fix).toBe('Set url in [remote "empty"] or give remote-url.');
  });
});

describe('RemoteStores.forRemote', () => {
  it('opens one store per remote and hands the same one back', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'dvc-remote-'));
    const s = stores(config([{ ...storage, url: folder }]));
    const store = await s.forRemote('storage');
    expect(store).toBeInstanceOf(LocalStore);
    expect(store.location).toBe(folder);
    expect(await s.forRemote('storage')).toBe(store);
    s.close();
  });

  it('a relative remote-url is a folder under the repository root', async () => {
    const store = await stores(config([]), { remoteUrl: 'remote-folder' }).forRemote('');
    expect(store.location).toBe(join('/repo', 'remote-folder'));
  });

  it('a Windows folder url (a config committed from Windows) is refused with the fix', async () => {
    const s = stores(config([{ ...storage, url: 'C:\\Users\\me\\dvc_remote' }]));
    await expect(s.forRemote('storage')).rejects.toThrow(
      'Remote "storage" points at a Windows folder (C:\\Users\\me\\dvc_remote) that does not exist here',
    );
    await expect(s.forRemote('storage')).rejects.toMatchObject({
      location: { file: '.dvc/config', line: 3 },
      fix: 'Give `remote-url:` with the folder or bucket that holds the data on this machine.',
    });
  });

  it('a bad URL names the config key or the input that held it', async () => {
    const fromConfig = stores(config([{ ...storage, url: 's3:///data' }]));
    await expect(fromConfig.forRemote('storage')).rejects.toThrow(
      'Not an S3 URL: "s3:///data" (url of [remote "storage"] in .dvc/config) has no bucket name after s3://',
    );
    const fromInput = stores(config([storage]), { remoteUrl: 'ftp://host/x' });
    await expect(fromInput.forRemote('storage')).rejects.toThrow(
      'Unsupported storage URL scheme ftp:// in "ftp://host/x" (the remote-url input)',
    );
  });

  it('anyLocal: whether any object comes from a folder remote; a remote that cannot be opened is not one (and not an error)', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'dvc-remote-'));
    const s = stores(
      config([
        { ...storage, url: folder },
        { ...storage, name: 'cloud', url: 's3://bucket/dvc' },
        { ...storage, name: 'broken', url: 's3:///data' },
      ]),
    );
    expect(await s.anyLocal([{ remote: 'cloud' }, { remote: 'storage' }])).toBe(true);
    expect(await s.anyLocal([{ remote: 'cloud' }, { remote: 'broken' }, { remote: 'nowhere' }])).toBe(false);
    expect(await s.anyLocal([])).toBe(false);
    s.close();
  });
});
