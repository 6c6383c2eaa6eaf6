/** layout.ts: where DVC keeps an object, per the DVC facts sheet §5 (DVC 3 `files/md5/`, legacy bare). */
import { describe, expect, it } from '@jest/globals';
import { objectKey, cachePathOf } from './layout.js';

const oid = 'acbd18db4cc2f85cedef654fccc4a4d8';

describe('objectKey (the key under a remote)', () => {
  it('puts DVC 3 objects under files/md5/ and DVC 2 objects at the root, split after two digits', () => {
    expect(objectKey(oid, 'md5')).toBe('files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8');
    expect(objectKey(oid, 'md5-dos2unix')).toBe('ac/bd18db4cc2f85cedef654fccc4a4d8');
  });

  it('keeps the .dir suffix of a directory object in its name', () => {
    expect(objectKey('72fef5191248fee439bb75c4762404b4.dir', 'md5')).toBe(
      'files/md5/72/fef5191248fee439bb75c4762404b4.dir',
    );
  });
});

describe('cachePathOf (the file under a cache folder)', () => {
  it('uses the same two layouts below the cache folder', () => {
    expect(cachePathOf('/repo/.dvc/cache', oid, 'md5')).toBe(
      '/repo/.dvc/cache/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8',
    );
    expect(cachePathOf('/repo/.dvc/cache', oid, 'md5-dos2unix')).toBe(
      '/repo/.dvc/cache/ac/bd18db4cc2f85cedef654fccc4a4d8',
    );
  });

  it('normalises the folder: a trailing slash or `..` part gives the same path', () => {
    expect(cachePathOf('/repo/.dvc/cache/', oid, 'md5')).toBe(
      '/repo/.dvc/cache/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8',
    );
    expect(cachePathOf('/repo/x/../shared-cache', oid, 'md5-dos2unix')).toBe(
      '/repo/shared-cache/ac/bd18db4cc2f85cedef654fccc4a4d8',
    );
  });

  it('answers for each cache folder in turn when calls alternate between two (no stale folder)', () => {
    const other = 'c157a79031e1c40f85931829bc5fc552';
    expect(cachePathOf('/a/cache', oid, 'md5')).toBe('/a/cache/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8');
    expect(cachePathOf('/b/cache', other, 'md5')).toBe('/b/cache/files/md5/c1/57a79031e1c40f85931829bc5fc552');
    expect(cachePathOf('/a/cache', other, 'md5-dos2unix')).toBe('/a/cache/c1/57a79031e1c40f85931829bc5fc552');
  });
});
