/**
 * ONNX loading and signatures live in @mlops-gha/onnx, shared with the registry and the model
 * server; the evaluation modules (evaluate.ts, predict.ts) reach them through this module.
 */
export {
  describeSignature,
  describeTensor,
  loadOnnxRuntime,
  openOnnxModel,
  readOnnxSignature,
  type OnnxModel,
  type OnnxSignature,
  type TensorSignature,
} from '@mlops-gha/onnx';
