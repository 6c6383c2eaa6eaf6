import * as core from '@actions/core';
import * as cache from '@actions/cache';
import { isAbsolute, join, relative, sep } from 'node:path';
import { tmpdir } from 'node:os';
import { actionsLogger, addTable, runMain, setOutputs, startProgress, writeSummary } from '@mlops-gha/action-common';
import { formatBytes, formatDuration } from '@mlops-gha/common';
import { preparePull, pull, writeManifest } from '@mlops-gha/dvc';
import { readSettings } from './settings.js';

await runMain(async () => {
  // Keys in the environment are masked before anything can print them.
  for (const name of ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ACCESS_KEY_ID']) {
    if (process.env[name]) core.setSecret(process.env[name]!);
  }
  const settings = readSettings();
  const logger = actionsLogger();
  const options = { ...settings, locationBase: process.cwd(), logger };
  const prepared = await preparePull(options);
  for (const secret of prepared.secrets) core.setSecret(secret); // keys from .dvc/config(.local)

  const cacheKey = `dvc-cache-${process.platform}-${prepared.dataVersion}`;
  const useActionsCache = settings.actionsCache && actionsCacheAvailable();
  const exactHit = useActionsCache ? await restoreActionsCache(prepared.cacheDir, cacheKey) : false;

  const progress = startProgress('data-pull', 'files');
  const result = await (async () => {
    try {
      return await pull({ ...options, meter: progress.meter }, prepared);
    } finally {
      progress.finish();
    }
  })();

  const manifestPath = join(process.env.RUNNER_TEMP ?? tmpdir(), 'data-pull', `manifest-${result.dataVersion}.json`);
  await writeManifest(manifestPath, result);
  core.info(
    `data-pull: ${result.files} files (${formatBytes(result.bytes)}) in ${result.outputs.length} output${result.outputs.length === 1 ? '' : 's'}; ` +
      `downloaded ${result.downloadedFiles} files (${formatBytes(result.downloadedBytes)}), ${result.fromCache} from the cache, ` +
      `${result.changedFiles} written, in ${formatDuration(result.durationMs)}`,
  );
  if (useActionsCache && !exactHit) await saveActionsCache(result.cacheDir, cacheKey);

  setOutputs({
    'data-version': result.dataVersion,
    files: result.files,
    bytes: result.bytes,
    'downloaded-bytes': result.downloadedBytes,
    'from-cache': result.fromCache,
    manifest: manifestPath,
  });
  core.summary.addHeading('DVC data pull', 3);
  addTable(
    ['output', 'md5', 'files', 'bytes', 'downloaded', 'from cache', 'written'],
    [
      ...result.outputs.map((o) => [
        o.subpaths ? `${o.path} (${o.subpaths.join(', ')})` : o.path,
        o.md5,
        o.files,
        formatBytes(o.size),
        o.downloaded,
        o.fromCache,
        o.changed,
      ]),
      [
        'total',
        '',
        result.files,
        formatBytes(result.bytes),
        `${result.downloadedFiles} (${formatBytes(result.downloadedBytes)})`,
        result.fromCache,
        result.changedFiles,
      ],
    ],
  );
  core.summary.addRaw(
    `<p>data-version <code>${result.dataVersion}</code>, time ${formatDuration(result.durationMs)}</p>\n`,
  );
  await writeSummary();
});

function actionsCacheAvailable(): boolean {
  if (cache.isFeatureAvailable()) return true;
  core.warning('actions-cache: the Actions cache service is not available on this runner; pulling without it.');
  return false;
}

/**
 * The cache path as @actions/cache gets it. The client hashes the paths *as given* into the
 * entry's version, and a restore must send the same version: an absolute path would tie the
 * entry to one checkout location (another runner's work folder, a container job, a fresh
 * clone elsewhere never hits). Inside the workspace the path is given relative to it (the
 * archive holds workspace-relative paths anyway); outside, absolute is the stable form.
 */
function cachePath(dir: string): string {
  const rel = relative(process.cwd(), dir);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return dir;
  return rel.split(sep).join('/');
}

async function restoreActionsCache(dir: string, key: string): Promise<boolean> {
  try {
    const hit = await cache.restoreCache([cachePath(dir)], key, [`dvc-cache-${process.platform}-`]);
    core.info(
      hit ? `actions-cache: restored ${hit}${hit === key ? ' (exact)' : ''}` : 'actions-cache: no saved cache yet',
    );
    return hit === key;
  } catch (error) {
    core.warning(
      `actions-cache: restore failed (${error instanceof Error ? error.message : String(error)}); pulling without it.`,
    );
    return false;
  }
}

async function saveActionsCache(dir: string, key: string): Promise<void> {
  try {
    // saveCache reports most failures (a key another job already saved, an upload or
    // finalize error) by logging them and returning -1, not by throwing.
    const id = await cache.saveCache([cachePath(dir)], key);
    if (id === -1) core.info(`actions-cache: ${key} was not saved (see the message above)`);
    else core.info(`actions-cache: saved ${key}`);
  } catch (error) {
    core.warning(`actions-cache: save failed (${error instanceof Error ? error.message : String(error)})`);
  }
}
