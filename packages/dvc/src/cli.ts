/**
 * `mlops-dvc pull [targets…]`: the data-pull action's pull outside GitHub Actions, with the
 * same code. Exit 0 on success, 1 on a user-facing error (printed with its fix), 2 on usage.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  consoleLogger,
  describeError,
  formatBytes,
  formatDuration,
  formatLocation,
  isUserError,
  ProgressMeter,
  startProgressTicker,
  type UserError,
} from '@mlops-gha/common';
import { writeManifest } from './manifest.js';
import { preparePull, pull, type LinkType } from './pull.js';

const USAGE = `Usage: mlops-dvc pull [targets...] [options]

Pulls DVC-tracked data into the DVC cache and the workspace, as \`dvc pull\` does.

Options:
  -C, --cwd <dir>          the DVC repository (default: .)
  -r, --remote <name>      remote name from .dvc/config (default: core.remote)
      --remote-url <url>   s3://bucket/prefix or a folder, overriding the remote's url
      --endpoint-url <url> S3-compatible endpoint
      --region <region>    S3 region
  -j, --jobs <n>           parallel transfers (default: 8 per core, 16..128)
      --cache-dir <dir>    DVC cache (default: [cache] dir, else .dvc/cache)
      --link-type <type>   copy, hardlink or symlink (default: cache.type, else copy)
  -f, --force              replace workspace files whose content is not in the cache
      --manifest <file>    write the JSON manifest of pulled outputs here
  -q, --quiet              no progress lines
  -h, --help               this text
`;

export async function main(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        cwd: { type: 'string', short: 'C' },
        remote: { type: 'string', short: 'r' },
        'remote-url': { type: 'string' },
        'endpoint-url': { type: 'string' },
        region: { type: 'string' },
        jobs: { type: 'string', short: 'j' },
        'cache-dir': { type: 'string' },
        'link-type': { type: 'string' },
        force: { type: 'boolean', short: 'f' },
        manifest: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    err.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out.write(USAGE);
    return 0;
  }
  const [command, ...targets] = positionals;
  if (command !== 'pull') {
    err.write(`${command ? `Unknown command ${JSON.stringify(command)}` : 'No command given'}\n\n${USAGE}`);
    return 2;
  }
  const linkType = values['link-type'];
  if (linkType !== undefined && !['copy', 'hardlink', 'symlink'].includes(linkType)) {
    err.write(`--link-type must be copy, hardlink or symlink, got ${JSON.stringify(linkType)}\n`);
    return 2;
  }
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) {
    err.write(`--jobs must be a positive integer, got ${JSON.stringify(values.jobs)}\n`);
    return 2;
  }
  const cwd = resolve(values.cwd ?? '.');
  const logger = consoleLogger();
  const meter = new ProgressMeter('mlops-dvc pull', 'files');
  const stop = values.quiet ? () => undefined : startProgressTicker(meter, (line) => err.write(`${line}\n`), 2000);
  try {
    const options = {
      cwd,
      targets,
      remote: values.remote,
      remoteUrl: values['remote-url'],
      endpointUrl: values['endpoint-url'],
      region: values.region,
      jobs,
      cacheDir: values['cache-dir'],
      linkType: linkType as LinkType | undefined,
      force: values.force ?? false,
      logger: { ...logger, info: (m: string) => out.write(`${m}\n`) },
      meter,
    };
    const prepared = await preparePull(options);
    const result = await pull(options, prepared);
    if (values.manifest) await writeManifest(resolve(values.manifest), result);
    for (const o of result.outputs) {
      out.write(
        `${o.changed ? 'A' : ' '}  ${o.path}${o.subpaths ? ` (${o.subpaths.join(', ')})` : ''}  ${o.files} file${o.files === 1 ? '' : 's'}, ${formatBytes(o.size)}\n`,
      );
    }
    out.write(
      `${result.files} files (${formatBytes(result.bytes)}): ${result.downloadedFiles} downloaded (${formatBytes(result.downloadedBytes)}), ` +
        `${result.fromCache} from the cache, ${result.changedFiles} written in ${formatDuration(result.durationMs)}\n` +
        `data-version ${result.dataVersion}\n`,
    );
    return 0;
  } catch (error) {
    if (isUserError(error)) {
      const location = (error as UserError).location;
      err.write(`error: ${location ? `${formatLocation(location)}: ` : ''}${describeError(error)}\n`);
      return 1;
    }
    err.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  } finally {
    stop();
  }
}
