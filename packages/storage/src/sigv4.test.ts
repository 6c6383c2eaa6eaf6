import { describe, expect, it } from '@jest/globals';
import { createSigner, EMPTY_SHA256, signRequest } from './sigv4.js';

// AWS's published examples, values copied from the documents named (not computed here).
describe('SigV4 signing, checked against AWS test vectors', () => {
  it('S3 "GET Object" with a Range header (S3 API reference, sig-v4-header-based-auth, Example: GET Object)', async () => {
    const signer = createSigner(
      { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      'us-east-1',
    );
    const headers = await signRequest(
      signer,
      {
        method: 'GET',
        hostname: 'examplebucket.s3.amazonaws.com',
        path: '/test.txt',
        headers: { host: 'examplebucket.s3.amazonaws.com', range: 'bytes=0-9', 'x-amz-content-sha256': EMPTY_SHA256 },
      },
      'us-east-1',
      new Date('2013-05-24T00:00:00Z'),
    );
    expect(headers['x-amz-date']).toBe('20130524T000000Z');
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41'.replace(
        /,/g,
        ', ',
      ),
    );
  });

  it('get-vanilla (aws-sig-v4-test-suite)', async () => {
    const signer = createSigner(
      { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
      'us-east-1',
      'service',
    );
    const headers = await signRequest(
      signer,
      { method: 'GET', hostname: 'example.amazonaws.com', path: '/', headers: { host: 'example.amazonaws.com' } },
      'us-east-1',
      new Date('2015-08-30T12:36:00Z'),
    );
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('adds the session token of temporary credentials as a signed header', async () => {
    const signer = createSigner(
      async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token-value' }),
      'eu-west-1',
    );
    const headers = await signRequest(
      signer,
      { method: 'GET', hostname: 'h', path: '/b/k', headers: { host: 'h', 'x-amz-content-sha256': EMPTY_SHA256 } },
      'eu-west-1',
    );
    expect(headers['x-amz-security-token']).toBe('token-value');
    expect(headers.authorization).toMatch(/SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,/);
    expect(headers.authorization).toMatch(/\/eu-west-1\/s3\/aws4_request/);
  });
});
