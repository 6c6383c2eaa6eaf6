import type * as Ort from 'onnxruntime-node';

export interface TensorSignature {
  name: string;
  /** ONNX element type as onnxruntime names it (`float32`, `int64`, `string`, ...), or `non-tensor`. */
  type: string;
  /** Dimensions: numbers, or names of symbolic dimensions such as `N`. Empty when unknown. */
  shape: (number | string)[];
  isTensor: boolean;
}

export interface OnnxSignature {
  inputs: TensorSignature[];
  outputs: TensorSignature[];
}

/** A session's input or output metadata as a signature entry. */
export function tensorSignatureOf(meta: Ort.InferenceSession.ValueMetadata): TensorSignature {
  return meta.isTensor
    ? { name: meta.name, type: String(meta.type), shape: [...meta.shape], isTensor: true }
    : { name: meta.name, type: 'non-tensor', shape: [], isTensor: false };
}

export function signatureOf(session: Ort.InferenceSession): OnnxSignature {
  return {
    inputs: session.inputMetadata.map(tensorSignatureOf),
    outputs: session.outputMetadata.map(tensorSignatureOf),
  };
}

/** `input: float32[N,32]`, for messages and reports. */
export function describeTensor(t: TensorSignature): string {
  if (!t.isTensor) return `${t.name}: (non-tensor, e.g. a sequence of maps)`;
  return `${t.name}: ${t.type}[${t.shape.join(',')}]`;
}

export function describeSignature(signature: OnnxSignature): string {
  return `inputs ${signature.inputs.map(describeTensor).join('; ') || '(none)'}; outputs ${signature.outputs.map(describeTensor).join('; ') || '(none)'}`;
}
