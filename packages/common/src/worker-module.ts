import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where a worker thread's module is: its URL, and whether it is a TypeScript source. */
export interface WorkerModule {
  url: URL;
  fromSources: boolean;
}

/**
 * The worker module `name` beside the calling module (`callerUrl`: its import.meta.url):
 * `<name>.js` beside a bundle (scripts/build.mjs bundles workers beside their action's
 * index.js), else `<name>.ts` beside the source file; undefined when neither is there (a
 * bundle built without its worker), so the caller can do the work on its own thread. The
 * URL is computed rather than written as `new URL('./x.js', import.meta.url)`, a pattern the
 * bundler would inline as an asset.
 */
export function workerModuleBeside(callerUrl: string, name: string): WorkerModule | undefined {
  const bundled = new URL(`./${name}.js`, callerUrl);
  if (existsSync(fileURLToPath(bundled))) return { url: bundled, fromSources: false };
  const source = new URL(`./${name}.ts`, callerUrl);
  if (existsSync(fileURLToPath(source))) return { url: source, fromSources: true };
  return undefined;
}
