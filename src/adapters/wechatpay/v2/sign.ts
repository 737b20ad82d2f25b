import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The two v2 signature algorithms. MD5 is WeChat's default when a message carries no `sign_type`. */
export const SIGN_TYPES = ['MD5', 'HMAC-SHA256'] as const;
export type SignType = (typeof SIGN_TYPES)[number];

export const isSignType = (value: unknown): value is SignType => value === 'MD5' || value === 'HMAC-SHA256';

/** A flat v2 message: every value is the exact string that was (or will be) on the wire. */
export type WechatFields = Readonly<Record<string, string>>;

/** Input to signing; `undefined` lets callers leave optional fields out without building a new object. */
export type SignableFields = Readonly<Record<string, string | undefined>>;

const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/**
 * WeChat's `stringA`: every field except `sign` and empty values (unknown fields and `sign_type` included), sorted
 * by name in byte order, joined as `k=v&…` over the raw values — no trimming, no URL encoding.
 */
export function signingString(fields: SignableFields): string {
  return Object.keys(fields)
    .filter((name) => name !== 'sign' && fields[name] !== undefined && fields[name] !== '')
    .sort(byteOrder)
    .map((name) => `${name}=${fields[name] as string}`)
    .join('&');
}

/** Uppercase hex signature; the API key is both the HMAC key and appended inside the message (digest §2.1). */
export function signFields(fields: SignableFields, apiKey: string, signType: SignType): string {
  const message = `${signingString(fields)}&key=${apiKey}`;
  const digest =
    signType === 'HMAC-SHA256'
      ? createHmac('sha256', apiKey).update(message, 'utf8').digest('hex')
      : createHash('md5').update(message, 'utf8').digest('hex');
  return digest.toUpperCase();
}

/**
 * Compares in constant time for equal lengths and never throws: missing, short, long or non-hex input is simply
 * false. Only the expected length (32 or 64, public knowledge) can leak through timing.
 */
export function signaturesEqual(expected: string, received: unknown): boolean {
  if (typeof received !== 'string') return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/**
 * Verifies `sign` over all received fields with the algorithm the *merchant configured*. WeChat emits uppercase hex;
 * the comparison is case-sensitive, as wxdriver's tests are (digest T3).
 */
export function verifyFields(fields: SignableFields, apiKey: string, signType: SignType): boolean {
  return signaturesEqual(signFields(fields, apiKey, signType), fields.sign);
}
