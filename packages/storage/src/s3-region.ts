/**
 * The region a bucket's requests are signed for. It starts as configured and follows S3's
 * answer when the bucket lives elsewhere (a DVC remote seldom names its region): a 301
 * PermanentRedirect with `x-amz-bucket-region` (regional endpoints), or a 400
 * AuthorizationHeaderMalformed naming the expected region in its body (the global endpoint).
 * One store's lean GET path and its SDK clients share it, so the first such answer moves
 * every later request of either.
 */
export class BucketRegion {
  constructor(public current: string) {}

  /**
   * Follows the region a wrong-region answer named (undefined: not such an answer). True
   * when the request, signed for `signedFor`, should be sent once more.
   */
  follow(named: string | undefined, signedFor: string): boolean {
    if (!named || named === signedFor) return false;
    this.current = named;
    return true;
  }
}

const wrongRegionStatus = (status: number | undefined) => status === 301 || status === 400;

/** The region a wrong-region answer names: the header, else the body's `<Region>`. */
export function regionOfAnswer(
  status: number | undefined,
  header: string | string[] | undefined,
  body: string,
): string | undefined {
  if (!wrongRegionStatus(status)) return undefined;
  return (Array.isArray(header) ? header[0] : header) || /<Region>([^<]+)<\/Region>/.exec(body)?.[1];
}

/** The same for an AWS SDK error (the SDK puts the body's `<Region>` on the error as `Region`). */
export function regionOfSdkError(error: unknown): string | undefined {
  const e = error as
    | { $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> }; Region?: string }
    | undefined;
  if (!wrongRegionStatus(e?.$metadata?.httpStatusCode)) return undefined;
  return e?.$response?.headers?.['x-amz-bucket-region'] || e?.Region || undefined;
}
