import { UserError } from '@mlops-gha/common';
import type { ModelSignature, TensorSignature } from './manifest.js';

type Ort = typeof import('onnxruntime-node');
let ortPromise: Promise<Ort> | undefined;

/**
 * Loads onnxruntime-node on first use. The committed bundles carry its Linux x64 binaries
 * only, so elsewhere the load fails: that becomes an error naming the platform.
 */
export function loadOnnxRuntime(): Promise<Ort> {
  ortPromise ??= import('onnxruntime-node').catch((error: unknown) => {
    ortPromise = undefined;
    throw new UserError(
      `onnxruntime-node could not be loaded on ${process.platform}-${process.arch} (Node ${process.version}): ${(error as Error).message}`,
      {
        fix: 'Run this step on a Linux x64 runner (the bundle ships onnxruntime for linux-x64 only), or install onnxruntime-node for this platform.',
        cause: error,
      },
    );
  });
  return ortPromise;
}

interface OrtValueMetadata {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: readonly (number | string)[];
}

function toTensor(meta: OrtValueMetadata): TensorSignature {
  return {
    name: meta.name,
    type: meta.isTensor ? String(meta.type ?? 'unknown') : 'unknown',
    shape:
      meta.isTensor && meta.shape
        ? meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : typeof d === 'string' && d !== '' ? d : '?'))
        : null,
  };
}

/**
 * The input and output names, element types and shapes (symbolic dimensions as their names)
 * of an ONNX model, read by opening it with onnxruntime-node. A file that is not a loadable
 * ONNX model is a UserError that names it.
 */
export async function readOnnxSignature(path: string): Promise<ModelSignature> {
  const ort = await loadOnnxRuntime();
  let session: Awaited<ReturnType<Ort['InferenceSession']['create']>>;
  try {
    session = await ort.InferenceSession.create(path, { graphOptimizationLevel: 'disabled' });
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    throw new UserError(`${path} is not a valid ONNX model: onnxruntime could not load it (${message.trim()})`, {
      fix: 'Point `model` at the exported .onnx file (torch.onnx.export, skl2onnx, tf2onnx), or rename a non-ONNX file so it does not end in .onnx.',
      location: { file: path },
    });
  }
  try {
    const s = session as unknown as {
      inputMetadata?: OrtValueMetadata[];
      outputMetadata?: OrtValueMetadata[];
      inputNames: readonly string[];
      outputNames: readonly string[];
    };
    const inputs = s.inputMetadata ?? s.inputNames.map((name) => ({ name, isTensor: false }));
    const outputs = s.outputMetadata ?? s.outputNames.map((name) => ({ name, isTensor: false }));
    return { inputs: inputs.map(toTensor), outputs: outputs.map(toTensor) };
  } finally {
    await session.release();
  }
}

export function describeSignature(signature: ModelSignature): string {
  const one = (t: TensorSignature) => `${t.name}: ${t.type}[${t.shape ? t.shape.join(', ') : '?'}]`;
  return `inputs ${signature.inputs.map(one).join(', ')} -> outputs ${signature.outputs.map(one).join(', ')}`;
}
