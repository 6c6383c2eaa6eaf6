/**
 * An inference request the server refuses, with the HTTP status KServe's V2 endpoints give
 * for it (400 bad input, 404 unknown model, 503 not ready, 500 a failed run) and the message
 * that goes into the `{"error": "..."}` body.
 */
export class InferenceError extends Error {
  constructor(
    readonly status: 400 | 404 | 405 | 413 | 500 | 503,
    message: string,
  ) {
    super(message);
    this.name = 'InferenceError';
  }
}

/** KServe's texts (kserve/errors.py), so clients that match on them keep working. */
export const modelNotFound = (name: string) => new InferenceError(404, `Model with name ${name} does not exist.`);
export const modelNotReady = (name: string) => new InferenceError(503, `Model with name ${name} is not ready.`);
