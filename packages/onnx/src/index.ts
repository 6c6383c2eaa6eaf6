export { loadOnnxRuntime } from './runtime.js';
export type { OrtModule } from './runtime.js';
export { createSession, openOnnxModel, readOnnxSignature, OnnxLoadError } from './session.js';
export type { OnnxModel, SessionOptions } from './session.js';
export { describeSignature, describeTensor, signatureOf } from './signature.js';
export type { OnnxSignature, TensorSignature } from './signature.js';
export { isOipDatatype, ortTypeOf, oipDatatypeOf } from './datatypes.js';
export type { OipDatatype, OrtElementType } from './datatypes.js';
