import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** The hex digest of a file's bytes, streamed so that large models never sit in memory. */
export async function hashFile(path: string, algorithm: 'sha256' | 'md5' = 'sha256'): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
