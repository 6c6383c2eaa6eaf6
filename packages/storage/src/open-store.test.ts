import { describe, expect, it } from '@jest/globals';
import { UserError } from '@mlops-gha/common';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalStore } from './local-store.js';
import { openStore } from './open-store.js';
import { S3Store } from './s3-store.js';

const caught = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return error as UserError;
  }
  throw new Error('expected an error');
};

describe('openStore', () => {
  it('opens s3://bucket/prefix as an S3 store with the endpoint and region given', () => {
    const store = openStore('s3://ml-data/dvc/store/', { endpoint: 'http://127.0.0.1:9', region: 'eu-west-1' });
    expect(store).toBeInstanceOf(S3Store);
    expect(store.location).toBe('s3://ml-data/dvc/store');
    expect((store as S3Store).context()).toMatchObject({
      bucket: 'ml-data',
      endpoint: 'http://127.0.0.1:9',
      region: 'eu-west-1',
    });
    expect(store.urlOf('files/md5/ab/cd')).toBe('s3://ml-data/dvc/store/files/md5/ab/cd');
    store.close();
  });

  it('opens a bucket with no prefix at its root', () => {
    const store = openStore('s3://ml-data', { endpoint: 'http://127.0.0.1:9' });
    expect(store.location).toBe('s3://ml-data');
    expect(store.urlOf('a/b')).toBe('s3://ml-data/a/b');
    store.close();
  });

  it('opens file:// URLs and absolute folders as local stores', () => {
    const folder = join(tmpdir(), 'remote store');
    const fromUrl = openStore(pathToFileURL(folder).href);
    expect(fromUrl).toBeInstanceOf(LocalStore);
    expect(fromUrl.location).toBe(folder);
    expect(openStore(folder).location).toBe(folder);
  });

  it('resolves a relative folder against cwd (the repository root), else the process directory', () => {
    expect(openStore('../dvc-remote', { cwd: '/work/repo' }).location).toBe('/work/dvc-remote');
    expect(openStore('  registry  ', { cwd: '/work/repo' }).location).toBe('/work/repo/registry');
    expect(openStore('registry').location).toBe(resolve(process.cwd(), 'registry'));
  });

  it('refuses another scheme, naming it, the URL and where the URL came from', () => {
    const error = caught(() => openStore('gs://bucket/data', { source: 'url of [remote "storage"] in .dvc/config' }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(
      'Unsupported storage URL scheme gs:// in "gs://bucket/data" (url of [remote "storage"] in .dvc/config)',
    );
    expect(error.fix).toBe(
      'Use s3://bucket/prefix (any S3-compatible endpoint via endpoint-url) or a local folder path.',
    );
    expect(caught(() => openStore('HTTPS://example.com/x')).message).toBe(
      'Unsupported storage URL scheme HTTPS:// in "HTTPS://example.com/x"',
    );
  });

  it('refuses an empty or blank URL, naming where it came from', () => {
    const error = caught(() => openStore('   ', { source: 'the `registry` input' }));
    expect(error.message).toBe('Empty storage URL (the `registry` input)');
    expect(error.fix).toBe('Give s3://bucket/prefix or a folder path.');
    expect(caught(() => openStore('')).message).toBe('Empty storage URL');
  });

  it('refuses s3:// without a bucket, naming where the URL came from in the message and the fix', () => {
    const error = caught(() => openStore('s3:///prefix', { source: 'the `remote-url` input' }));
    expect(error.message).toBe('Not an S3 URL: "s3:///prefix" (the `remote-url` input) has no bucket name after s3://');
    expect(error.fix).toBe('Write the `remote-url` input as s3://bucket/optional/prefix.');
  });
});
