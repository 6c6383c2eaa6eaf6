import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError, type Logger } from '@mlops-gha/common';
import type { ResolvedBaseline } from '@mlops-gha/gate';
import { Registry } from '@mlops-gha/registry';

/**
 * `registry://NAME@ALIAS` or `registry://NAME/VERSION` -> the version's files under `dir`:
 * its .onnx model when it has one and the candidate is a model (so both are evaluated on the
 * same rows), else the metrics recorded in its manifest.
 */
export async function resolveRegistryBaseline(
  uri: string,
  registryUrl: string | undefined,
  dir: string,
  options: { endpoint?: string; region?: string; logger: Logger; prefer: 'onnx' | 'metrics' },
): Promise<ResolvedBaseline> {
  if (!registryUrl) {
    throw new UserError(`The baseline ${uri} is a registry reference, but \`registry\` is not set`, {
      fix: 'Set `registry:` to the registry root (s3://bucket/prefix or a folder), as given to registry-push.',
    });
  }
  const registry = Registry.open(registryUrl, {
    source: 'the `registry` input',
    cwd: process.cwd(),
    logger: options.logger,
    endpoint: options.endpoint,
    region: options.region,
  });
  try {
    const resolved = await registry.resolve(uri);
    const label = `${uri} (version ${resolved.version})`;
    const target = join(dir, `${resolved.name}-${resolved.version}`);
    const { files, manifest } = await registry.download(resolved.name, resolved.version, target);
    options.logger.info(`Baseline ${label}: ${files.length} file(s) from ${registryUrl}`);
    const onnx = files.find((f) => f.toLowerCase().endsWith('.onnx'));
    const hasMetrics = Object.keys(manifest.metrics ?? {}).length > 0;
    if (onnx && (options.prefer === 'onnx' || !hasMetrics)) return { kind: 'onnx', path: onnx, label };
    if (hasMetrics) {
      const path = join(target, 'manifest-metrics.json');
      await writeFile(path, JSON.stringify(manifest.metrics));
      return { kind: 'metrics', path, label };
    }
    throw new UserError(`The baseline ${label} has neither an .onnx file nor metrics in its manifest`, {
      fix: 'Push the baseline with its .onnx model (registry-push `model:`) or its metrics (`metrics-file:`).',
    });
  } finally {
    registry.close();
  }
}
