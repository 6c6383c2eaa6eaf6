// The public surface: the server (serveModel, or its parts), the model fetch and the CLI.
// Request checks and datatype conversions are internal; the datatype table is @mlops-gha/onnx's.
export { serveModel } from './serve.js';
export type { ServeSettings, RunningModelServer } from './serve.js';
export { ModelServer } from './server.js';
export type { ModelServerOptions } from './server.js';
export { ServedModel } from './model.js';
export type { ModelMetadata, ModelIdentity, SessionSettings } from './model.js';
export { fetchModel, Sha256MismatchError } from './source.js';
export type { ModelSource, FetchedModel } from './source.js';
export { runModelServerCli } from './cli.js';
