import { describe, expect, it } from '@jest/globals';
import { InferenceError, modelNotFound, modelNotReady } from './errors.js';

describe('InferenceError', () => {
  it('carries the HTTP status the server answers with and the message of the error body', () => {
    const error = new InferenceError(413, 'The request body is larger than 1000 bytes; send smaller batches.');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('InferenceError');
    expect(error.status).toBe(413);
    expect(error.message).toBe('The request body is larger than 1000 bytes; send smaller batches.');
  });

  // The texts of KServe's ModelNotFound and ModelNotReady (kserve/python/kserve/kserve/errors.py),
  // which clients match on.
  it('words an unknown model as KServe does, with 404', () => {
    const error = modelNotFound('churn');
    expect(error.status).toBe(404);
    expect(error.message).toBe('Model with name churn does not exist.');
  });

  it('words a model that is not loaded yet as KServe does, with 503', () => {
    const error = modelNotReady('churn');
    expect(error.status).toBe(503);
    expect(error.message).toBe('Model with name churn is not ready.');
  });
});
