import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/*
 * The simulator's own v2 signature (digest §2.1), written apart from the client's `../../sign.ts` so that a bug in
 * one cannot be mirrored by the other. Only node:crypto primitives are shared.
 */

export type SimSignType = 'MD5' | 'HMAC-SHA256';

/** A flat message; `undefined` means "not sent" and, like an empty value, takes no part in the signature. */
export type SimFields = Readonly<Record<string, string | undefined>>;

export const isSimSignType = (value: unknown): value is SimSignType => value === 'MD5' || value === 'HMAC-SHA256';

/**
 * WeChat sorts names in byte order of their UTF-8 encoding, which is Unicode code point order. JavaScript's default
 * sort compares UTF-16 units instead, and puts astral characters before U+E000–U+FFFF; hence this comparator.
 * (Real field names are ASCII, where all three orders agree. A lone surrogate has no UTF-8 form; it is compared by
 * its code unit, which is the best any order can do.)
 */
function byCodePoint(a: string, b: string): number {
  const x = Array.from(a, (ch) => ch.codePointAt(0) as number);
  const y = Array.from(b, (ch) => ch.codePointAt(0) as number);
  const common = Math.min(x.length, y.length);
  for (let i = 0; i < common; i += 1) {
    const d = (x[i] as number) - (y[i] as number);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/**
 * `stringA`: every field but `sign` whose value is a non-empty string (unknown names and `sign_type` included),
 * sorted by name, as `name=value` joined by `&`. Values are used verbatim: no trimming, no URL encoding.
 */
export function simSigningString(fields: SimFields): string {
  const pairs: Array<[string, string]> = [];
  for (const name of Object.keys(fields)) {
    const value: unknown = fields[name];
    if (name === 'sign' || value === undefined || value === '') continue;
    // A number would sign as "1" but may be written as "1.0": refuse rather than sign something not on the wire.
    if (typeof value !== 'string') throw new TypeError(`field ${name} is not a string`);
    pairs.push([name, value]);
  }
  pairs.sort((p, q) => byCodePoint(p[0], q[0]));
  let text = '';
  for (const [name, value] of pairs) text += (text.length > 0 ? '&' : '') + name + '=' + value;
  return text;
}

/**
 * Uppercase hex of MD5 or HMAC-SHA256 over `stringA&key=API_KEY`. For HMAC the API key is *also* the HMAC key:
 * WeChat uses it twice (digest §2.1 step 6, vector T1).
 */
export function simSign(fields: SimFields, apiKey: string, signType: SimSignType): string {
  if (!isSimSignType(signType)) throw new RangeError(`unknown sign type: ${String(signType)}`);
  const message = Buffer.from(`${simSigningString(fields)}&key=${apiKey}`, 'utf8');
  const hash = signType === 'MD5' ? createHash('md5') : createHmac('sha256', Buffer.from(apiKey, 'utf8'));
  return hash.update(message).digest('hex').toUpperCase();
}

// Fixed-length stand-ins for the two signatures, so timingSafeEqual never sees different lengths and even the
// length of the received value does not show in the timing.
const fingerprint = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * True only when `fields.sign` is exactly (case-sensitively: WeChat emits uppercase) the signature of the other
 * fields under `signType` — the type the merchant configured, never one guessed from the message. Throws only for
 * a non-string field, which no parsed message has.
 */
export function simVerify(fields: SimFields, apiKey: string, signType: SimSignType): boolean {
  const received = fields.sign;
  if (typeof received !== 'string' || received.length === 0 || !isSimSignType(signType)) return false;
  return timingSafeEqual(fingerprint(simSign(fields, apiKey, signType)), fingerprint(received));
}
