import { UserError } from '@mlops-gha/common';
import type * as Ort from 'onnxruntime-node';

export type OrtModule = typeof Ort;
let runtime: Promise<OrtModule> | undefined;

/**
 * onnxruntime-node, loaded on first use: it is a native module, and the action bundles ship
 * its Linux x64 binaries only, so a load failure elsewhere becomes a clear error instead of
 * a crash at startup. Under ESM the CommonJS module may arrive as a namespace whose default
 * is the module; callers always get the module.
 */
export function loadOnnxRuntime(): Promise<OrtModule> {
  runtime ??= import('onnxruntime-node').then(
    (m) => ((m as unknown as { default?: OrtModule }).default ?? m) as OrtModule,
    (error: unknown) => {
      runtime = undefined;
      throw new UserError(
        `Could not load onnxruntime-node on ${process.platform}-${process.arch} (Node ${process.version}): ${(error as Error).message}`,
        {
          fix: 'The action bundles ship onnxruntime binaries for linux-x64 only: run this step on a Linux x64 runner (e.g. ubuntu-latest).',
          cause: error,
        },
      );
    },
  );
  return runtime;
}
