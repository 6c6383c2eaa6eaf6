import { existsSync, statSync } from 'node:fs';
import { UserError } from '@mlops-gha/common';
import type * as Ort from 'onnxruntime-node';

type OrtModule = typeof Ort;
let runtime: Promise<OrtModule> | undefined;

/**
 * onnxruntime-node, loaded on first use: it is a native module, and the action bundles ship
 * its Linux x64 binaries only, so a load failure elsewhere becomes a clear error instead of
 * a crash at startup.
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

export interface TensorSignature {
  name: string;
  /** ONNX element type as onnxruntime names it (`float32`, `int64`, `string`, ...), or a non-tensor kind. */
  type: string;
  /** Dimensions: numbers, or names of symbolic dimensions such as `N`. Empty when unknown. */
  shape: (number | string)[];
  isTensor: boolean;
}

export interface OnnxSignature {
  inputs: TensorSignature[];
  outputs: TensorSignature[];
}

/** `input: float32[N,32]`, for messages and reports. */
export function describeTensor(t: TensorSignature): string {
  if (!t.isTensor) return `${t.name}: (non-tensor, e.g. a sequence of maps)`;
  return `${t.name}: ${t.type}[${t.shape.join(',')}]`;
}

export function describeSignature(signature: OnnxSignature): string {
  return `inputs ${signature.inputs.map(describeTensor).join('; ') || '(none)'}; outputs ${signature.outputs.map(describeTensor).join('; ') || '(none)'}`;
}

export interface OnnxModel {
  path: string;
  signature: OnnxSignature;
  session: Ort.InferenceSession;
}

/** Opens an ONNX model with onnxruntime-node; a file onnxruntime cannot read is a UserError. */
export async function openOnnxModel(path: string): Promise<OnnxModel> {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new UserError(`Model ${path} does not exist`, {
      fix: 'Set the model input to the path of an .onnx file (e.g. the `model-path` output of the train action).',
    });
  }
  const ort = await loadOnnxRuntime();
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(path, { graphOptimizationLevel: 'all' });
  } catch (error) {
    throw new UserError(`${path} is not an ONNX model onnxruntime can load: ${(error as Error).message}`, {
      fix: 'Export the model to ONNX (e.g. torch.onnx.export or skl2onnx) and point the input at the .onnx file.',
      location: { file: path },
      cause: error,
    });
  }
  const toSignature = (m: Ort.InferenceSession.ValueMetadata): TensorSignature =>
    m.isTensor
      ? { name: m.name, type: String(m.type), shape: [...m.shape], isTensor: true }
      : { name: m.name, type: 'non-tensor', shape: [], isTensor: false };
  return {
    path,
    session,
    signature: { inputs: session.inputMetadata.map(toSignature), outputs: session.outputMetadata.map(toSignature) },
  };
}

/** The input and output names, element types and shapes of an ONNX model file. */
export async function readOnnxSignature(path: string): Promise<OnnxSignature> {
  const model = await openOnnxModel(path);
  const signature = model.signature;
  await model.session.release();
  return signature;
}
