import { describe, expect, it, jest } from '@jest/globals';
import type { UserError } from '@mlops-gha/common';
import { loadOnnxRuntime } from './runtime.js';

describe('loadOnnxRuntime', () => {
  it('gives every caller the same onnxruntime module, with the API the packages call', async () => {
    const first = loadOnnxRuntime();
    expect(loadOnnxRuntime()).toBe(first);
    const ort = await first;
    // the module itself, not an ESM namespace whose `default` holds it
    expect(typeof ort.InferenceSession.create).toBe('function');
    const tensor = new ort.Tensor('float32', Float32Array.from([1, 2]), [1, 2]);
    expect(tensor.dims).toEqual([1, 2]);
    expect(await loadOnnxRuntime()).toBe(ort);
  });
});

describe('a platform without onnxruntime binaries', () => {
  it('is a UserError naming the platform, Node and the reason, with a fix, and a later call tries again', async () => {
    jest.resetModules();
    let attempts = 0;
    // Only the native package is replaced, as it fails on a platform the bundles ship no binary for.
    jest.unstable_mockModule('onnxruntime-node', () => {
      attempts += 1;
      throw new Error('Cannot find module ./bin/napi-v6/darwin/arm64/onnxruntime_binding.node');
    });
    const { loadOnnxRuntime: load } = await import('./runtime.js');
    // the module registry was reset: the runtime module throws the fresh copy's UserError
    const { UserError: FreshUserError } = await import('@mlops-gha/common');
    const error = await load().then(
      () => undefined,
      (e: unknown) => e as UserError,
    );
    expect(error).toBeInstanceOf(FreshUserError);
    expect(error!.message).toBe(
      `Could not load onnxruntime-node on ${process.platform}-${process.arch} (Node ${process.version}): ` +
        'Cannot find module ./bin/napi-v6/darwin/arm64/onnxruntime_binding.node',
    );
    expect(error!.fix).toBe(
      'The action bundles ship onnxruntime binaries for linux-x64 only: run this step on a Linux x64 runner (e.g. ubuntu-latest).',
    );
    // the failed promise is not kept: the next caller imports again
    await expect(load()).rejects.toThrow('Could not load onnxruntime-node');
    expect(attempts).toBe(2);
  });
});
