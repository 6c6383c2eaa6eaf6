import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile, copyFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { bytesToVerifiedFile, SMALL_OBJECT, streamToVerifiedFile } from './download.js';
import { ObjectNotFoundError, PreconditionFailedError } from './errors.js';
import { checkKey } from './keys.js';
import { isAbsent, readSmallFile } from './small-files.js';
import type { DownloadOptions, ObjectInfo, ObjectStore, PutOptions, PutResult } from './types.js';

const TEMP_MARK = '.tmp-';
const LOCK_SUFFIX = '.lock';
const STALE_LOCK_MS = 30_000;

function etagOf(body: Buffer): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

/**
 * A store in a local folder (or a mounted network share). Writes go to a temporary file and
 * are renamed into place, so readers see whole objects only. `ifNoneMatch: '*'` is an
 * exclusive create (link(2) fails with EEXIST); `ifMatch` compares the md5 etag under an
 * exclusive lock file, so two writers cannot both win.
 */
export class LocalStore implements ObjectStore {
  readonly root: string;
  readonly location: string;
  /** The root with one trailing separator. */
  private readonly base: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.base = this.root.endsWith(sep) ? this.root : `${this.root}${sep}`;
    this.location = this.root;
  }

  /** The file that holds `key` (a checked key: never outside the root). */
  pathOf(key: string): string {
    // A checked key has no `.`, `..` or empty segments, so a concatenation is what join would
    // give (join per object, with a split, showed in profiles of 10,000-file pulls).
    checkKey(key);
    const path = `${this.base}${sep === '/' ? key : key.split('/').join(sep)}`;
    if (!path.startsWith(this.base)) throw new Error(`Key ${key} escapes ${this.root}`);
    return path;
  }

  urlOf(key: string): string {
    return pathToFileURL(this.pathOf(key)).href;
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const s = await stat(this.pathOf(key));
      if (!s.isFile()) return undefined;
      return { key, size: s.size };
    } catch (error) {
      if (isAbsent(error)) return undefined;
      throw error;
    }
  }

  async get(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    try {
      const handle = await open(path, 'r');
      return handle.createReadStream({ highWaterMark: 1 << 20 });
    } catch (error) {
      if (isAbsent(error)) throw new ObjectNotFoundError(this.urlOf(key));
      throw error;
    }
  }

  async getBytes(key: string): Promise<{ body: Buffer; etag?: string } | undefined> {
    try {
      const body = await readFile(this.pathOf(key));
      return { body, etag: etagOf(body) };
    } catch (error) {
      if (isAbsent(error)) return undefined;
      throw error;
    }
  }

  private async writeTemp(path: string, body: Buffer): Promise<string> {
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}${TEMP_MARK}${randomBytes(6).toString('hex')}`;
    await writeFile(temp, body);
    return temp;
  }

  async put(key: string, body: Buffer | string, options: PutOptions = {}): Promise<PutResult> {
    const path = this.pathOf(key);
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    const temp = await this.writeTemp(path, bytes);
    try {
      if (options.ifNoneMatch === '*') {
        try {
          await link(temp, path);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EEXIST')
            throw new PreconditionFailedError(this.urlOf(key), 'if-none-match');
          throw error;
        }
        await unlink(temp);
      } else if (options.ifMatch !== undefined) {
        await this.withLock(path, async () => {
          const current = await this.getBytes(key);
          if (!current || current.etag !== options.ifMatch)
            throw new PreconditionFailedError(this.urlOf(key), 'if-match');
          await rename(temp, path);
        });
      } else {
        await rename(temp, path);
      }
      return { etag: etagOf(bytes) };
    } finally {
      await rm(temp, { force: true });
    }
  }

  private async withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
    const lock = `${path}${LOCK_SUFFIX}`;
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        const handle = await open(lock, 'wx');
        await handle.writeFile(String(process.pid));
        await handle.close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        // A lock left by a killed process is taken over once it is clearly stale.
        const age = await stat(lock).then(
          (s) => Date.now() - s.mtimeMs,
          () => 0,
        );
        if (age > STALE_LOCK_MS) await rm(lock, { force: true });
        if (Date.now() > deadline) throw new Error(`Timed out waiting for the lock ${lock}`);
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
      }
    }
    try {
      return await fn();
    } finally {
      await rm(lock, { force: true });
    }
  }

  async putFile(key: string, path: string, options: { onBytes?: (n: number) => void } = {}): Promise<PutResult> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}${TEMP_MARK}${randomBytes(6).toString('hex')}`;
    try {
      await copyFile(path, temp);
      await rename(temp, target);
    } finally {
      await rm(temp, { force: true });
    }
    const size = (await stat(target)).size;
    options.onBytes?.(size);
    return {};
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const folder = prefix.replace(/\/+$/, '');
    if (folder !== '') checkKey(folder); // never a walk outside the root
    const start = folder === '' ? this.root : join(this.root, ...folder.split('/'));
    const walk = async function* (this: LocalStore, dir: string, rel: string): AsyncGenerator<ObjectInfo> {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isAbsent(error)) return;
        throw error;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const key = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) yield* walk.call(this, join(dir, entry.name), key);
        else if (entry.isFile() && !entry.name.includes(TEMP_MARK) && !entry.name.endsWith(LOCK_SUFFIX)) {
          const s = await stat(join(dir, entry.name));
          yield { key, size: s.size };
        }
      }
    };
    const rel = prefix.replace(/\/+$/, '');
    yield* walk.call(this, start, rel);
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async downloadToFile(key: string, dest: string, options: DownloadOptions = {}): Promise<{ bytes: number }> {
    const path = this.pathOf(key);
    const url = () => this.urlOf(key); // built only for a message
    // One open, fstat and read, synchronously: a local object is there or not, and a stat
    // through the thread pool per file cost more than the read itself (10,000 small files).
    const first = readSmallFile(path, SMALL_OBJECT);
    if (first === 'missing') throw new ObjectNotFoundError(url());
    if (first !== 'large') {
      let body: Buffer | undefined = first;
      return bytesToVerifiedFile(
        async () => {
          const b = body ?? readFileSync(path); // a retry reads afresh
          body = undefined;
          return b;
        },
        dest,
        url,
        options,
      );
    }
    return streamToVerifiedFile(
      async () => {
        try {
          await stat(path);
        } catch (error) {
          if (isAbsent(error)) throw new ObjectNotFoundError(url());
          throw error;
        }
        return createReadStream(path, { highWaterMark: 1 << 20 });
      },
      dest,
      url(),
      options,
    );
  }

  close(): void {}
}
