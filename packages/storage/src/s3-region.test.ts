import { describe, expect, it } from '@jest/globals';
import { BucketRegion, regionOfAnswer, regionOfSdkError } from './s3-region.js';

// AWS's answer to a request signed for the wrong region on the global endpoint (400) names the
// region in the body only; a regional endpoint answers 301 with the x-amz-bucket-region header.
const AUTH_MALFORMED =
  '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AuthorizationHeaderMalformed</Code><Message>The authorization header is malformed; the region \'us-east-1\' is wrong; expecting \'eu-west-1\'</Message><Region>eu-west-1</Region><RequestId>R</RequestId></Error>';

describe('BucketRegion', () => {
  it('follows a region the answer named once, and says to send the request again', () => {
    const region = new BucketRegion('us-east-1');
    expect(region.follow('eu-west-1', 'us-east-1')).toBe(true);
    expect(region.current).toBe('eu-west-1');
  });

  it('does not resend when the answer named no region or the one the request was signed for', () => {
    const region = new BucketRegion('us-east-1');
    expect(region.follow(undefined, 'us-east-1')).toBe(false);
    expect(region.follow('', 'us-east-1')).toBe(false);
    expect(region.follow('us-east-1', 'us-east-1')).toBe(false);
    expect(region.current).toBe('us-east-1');
  });

  it('moves a request signed before another request moved the region, without a second move back', () => {
    const region = new BucketRegion('us-east-1');
    region.follow('eu-west-1', 'us-east-1');
    // a concurrent request signed for us-east-1 gets the same answer: it is resent, the region stays
    expect(region.follow('eu-west-1', 'us-east-1')).toBe(true);
    expect(region.current).toBe('eu-west-1');
  });
});

describe('regionOfAnswer', () => {
  it('reads the x-amz-bucket-region header of a 301', () => {
    expect(regionOfAnswer(301, 'ap-south-1', '')).toBe('ap-south-1');
    expect(regionOfAnswer(301, ['ap-south-1', 'x'], '')).toBe('ap-south-1');
  });

  it('reads <Region> from the body of a 400 AuthorizationHeaderMalformed when there is no header', () => {
    expect(regionOfAnswer(400, undefined, AUTH_MALFORMED)).toBe('eu-west-1');
    expect(regionOfAnswer(400, '', AUTH_MALFORMED)).toBe('eu-west-1');
  });

  it('names no region for a 301 or 400 that does not say one, or for any other status', () => {
    expect(regionOfAnswer(301, undefined, '<Error><Code>PermanentRedirect</Code></Error>')).toBeUndefined();
    expect(regionOfAnswer(400, undefined, '<Error><Code>InvalidArgument</Code></Error>')).toBeUndefined();
    for (const status of [200, 403, 404, 500, undefined])
      expect(regionOfAnswer(status, 'eu-west-1', AUTH_MALFORMED)).toBeUndefined();
  });
});

describe('regionOfSdkError', () => {
  const sdkError = (status: number, fields: object) =>
    Object.assign(new Error('x'), { $metadata: { httpStatusCode: status } }, fields);

  it("takes the header of the SDK's raw response, else the Region the SDK parsed from the body", () => {
    expect(regionOfSdkError(sdkError(301, { $response: { headers: { 'x-amz-bucket-region': 'eu-central-1' } } }))).toBe(
      'eu-central-1',
    );
    expect(regionOfSdkError(sdkError(400, { Region: 'eu-west-1', $response: { headers: {} } }))).toBe('eu-west-1');
  });

  it('names no region for other statuses, errors without one, or values that are not errors', () => {
    expect(regionOfSdkError(sdkError(403, { Region: 'eu-west-1' }))).toBeUndefined();
    expect(regionOfSdkError(sdkError(301, {}))).toBeUndefined();
    expect(regionOfSdkError(sdkError(400, { Region: '' }))).toBeUndefined();
    expect(regionOfSdkError(undefined)).toBeUndefined();
    expect(regionOfSdkError(new Error('ECONNREFUSED'))).toBeUndefined();
  });
});
