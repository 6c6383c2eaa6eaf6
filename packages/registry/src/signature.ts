import { UserError } from '@mlops-gha/common';
import { OnnxLoadError, readOnnxSignature as readSignature, type TensorSignature as OnnxTensor } from '@mlops-gha/onnx';
import type { ModelSignature, TensorSignature } from './manifest.js';

/** The manifest's form of a tensor: unknown dimensions as `?`, a non-tensor as type `unknown` with no shape. */
function toManifestTensor(t: OnnxTensor): TensorSignature {
  return {
    name: t.name,
    type: t.isTensor ? t.type : 'unknown',
    shape: t.isTensor
      ? t.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : typeof d === 'string' && d !== '' ? d : '?'))
      : null,
  };
}

/**
 * The input and output names, element types and shapes (symbolic dimensions as their names)
 * of an ONNX model, read with onnxruntime-node (@mlops-gha/onnx). A file that is not a loadable
 * ONNX model is a UserError that names it and the `model` input.
 */
export async function readOnnxSignature(path: string): Promise<ModelSignature> {
  try {
    const signature = await readSignature(path);
    return { inputs: signature.inputs.map(toManifestTensor), outputs: signature.outputs.map(toManifestTensor) };
  } catch (error) {
    if (!(error instanceof OnnxLoadError)) throw error;
    throw new UserError(`${path} is not a valid ONNX model: onnxruntime could not load it (${error.reason})`, {
      fix: 'Point `model` at the exported .onnx file (torch.onnx.export, skl2onnx, tf2onnx), or rename a non-ONNX file so it does not end in .onnx.',
      location: { file: path },
    });
  }
}

export function describeSignature(signature: ModelSignature): string {
  const one = (t: TensorSignature) => `${t.name}: ${t.type}[${t.shape ? t.shape.join(', ') : '?'}]`;
  return `inputs ${signature.inputs.map(one).join(', ')} -> outputs ${signature.outputs.map(one).join(', ')}`;
}
